import Foundation
import GitFacts

/// Test evidence as an in-toto Test Result v0.1 statement about a git commit.
///
/// The subject is the tested commit: `{"name": <repository identity or "_">, "digest": {"gitCommit", "gitTree"}}`.
/// The predicate holds the standard fields plus the `releaseaudit_context` extension (see `ReleaseAuditExtension`).
public enum TestResultStatement {
    /// The Test Result predicate type.
    public static let predicateType = "https://in-toto.io/attestation/test-result/v0.1"

    /// The statement recording a test run.
    ///
    /// - Parameters:
    ///   - runURL: the predicate's `url` (a link to the run); nil uses `record.url`.
    ///   - configuration: the configuration the tests ran with (the predicate's required list; `[]` when none).
    public static func make(record: TestRecord, runURL: String? = nil, configuration: [ResourceDescriptor] = []) -> Statement {
        var digest = ["gitCommit": record.commit.hex]
        if let tree = record.tree { digest["gitTree"] = tree.hex }
        let subject = ResourceDescriptor(name: record.repository ?? "_", digest: digest)
        let context = ReleaseAuditContext(
            suites: record.suites, dirtyPaths: record.dirtyPaths, ci: record.ci,
            toolVersion: record.toolVersion, recordedAt: record.recordedAt)
        let predicate = JSONValue.object(dropping: [
            "result": .string(record.result.rawValue),
            "configuration": .array(configuration.map(\.jsonValue)),
            "url": .optional(runURL ?? record.url),
            "passedTests": .strings(record.passedTests),
            "warnedTests": .strings(record.warnedTests),
            "failedTests": .strings(record.failedTests),
            ReleaseAuditExtension.key: context.jsonValue(includeSuites: true, includeTag: false),
        ])
        return Statement(subjects: [subject], predicateType: predicateType, predicate: predicate)
    }

    /// Reads a test record from a parsed statement, ours or another tool's.
    ///
    /// Exactly one commit must be named (subjects with `gitCommit`). The repository is that subject's
    /// name as written (nil for `_` or none): compare it with `RepositoryIdentity.matches`. Without our
    /// extension, suites read as empty and the dirty paths (no clean-tree claim), CI context, tool version and time as nil.
    public static func read(_ statement: Statement) throws -> TestRecord {
        try statement.requirePredicateType(predicateType)
        let (commit, tree, name) = try testedCommit(statement.subjects)
        let predicate = statement.predicateField

        let resultField = predicate["result"]
        let resultText = try resultField.string()
        guard let result = TestOutcome(rawValue: resultText) else {
            throw FormatError.invalidValue(path: resultField.path, reason: "expected one of PASSED, WARNED, FAILED")
        }
        // Required by the spec, but unset reads as empty; when present it must be a list of descriptors.
        for element in try predicate["configuration"].optionalElements() {
            _ = try ResourceDescriptor.parse(element)
        }
        let context = try ReleaseAuditContext.read(from: predicate) ?? ReleaseAuditContext()

        return TestRecord(
            commit: commit, tree: tree,
            repository: (name == nil || name == "_") ? nil : name,
            result: result,
            passedTests: try predicate["passedTests"].stringArray(),
            warnedTests: try predicate["warnedTests"].stringArray(),
            failedTests: try predicate["failedTests"].stringArray(),
            suites: context.suites,
            url: try predicate["url"].optionalString(),
            recordedAt: context.recordedAt,
            dirtyPaths: context.dirtyPaths,
            ci: context.ci,
            toolVersion: context.toolVersion)
    }

    /// The one commit the subjects name, with its tree and the subject's name.
    private static func testedCommit(_ subjects: [ResourceDescriptor]) throws -> (ObjectID, ObjectID?, String?) {
        let named = subjects.enumerated().filter { $0.element.digest["gitCommit"] != nil }
        guard let (index, first) = named.first, let hex = first.digest["gitCommit"] else {
            throw FormatError.noGitCommit(what: "the test evidence")
        }
        let distinct = Set(named.compactMap { $0.element.digest["gitCommit"] })
        guard distinct.count == 1 else {
            throw FormatError.ambiguousSourceCommit("the test evidence names \(distinct.count) different git commits (\(distinct.sorted().joined(separator: ", ")))")
        }
        let commit = try DigestSet.objectID(hex, path: "subject[\(index)].digest.gitCommit")
        let tree = try first.digest["gitTree"].map { try DigestSet.objectID($0, path: "subject[\(index)].digest.gitTree") }
        return (commit, tree, first.name)
    }
}
