import Foundation
import GitFacts
import Testing
@testable import AuditCore

@Suite("Test Result v0.1 statements")
struct TestResultStatementTests {
    static let commit = try! ObjectID(hex: "0123456789abcdef0123456789abcdef01234567")
    static let tree = try! ObjectID(hex: "89abcdef0123456789abcdef0123456789abcdef")
    static let recordedAt = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z

    static var fullRecord: TestRecord {
        TestRecord(
            commit: commit, tree: tree, repository: "https://github.com/example/app", result: .failed,
            passedTests: ["tests.test_math.test_add", "TestParse/empty_input"], warnedTests: ["w"],
            failedTests: ["tests.test_io.test_fixture"], suites: ["unit", "e2e"],
            url: "https://github.com/example/app/actions/runs/42", recordedAt: recordedAt,
            dirtyPaths: ["README.md", "notes/ä.txt"],
            ci: CIContext(provider: "github-actions", runID: "42", runURL: "https://github.com/example/app/actions/runs/42",
                          workflow: "CI", ref: "refs/pull/7/merge", event: "pull_request", runner: "ubuntu-24.04",
                          ciCommit: "fedcba9876543210fedcba9876543210fedcba98"),
            toolVersion: "0.1.0")
    }

    /// make → bytes → parse → read.
    static func roundTrip(_ record: TestRecord) throws -> TestRecord {
        let bytes = TestResultStatement.make(record: record).jsonData()
        return try TestResultStatement.read(Statement.parse(bytes))
    }

    @Test func roundTripsAFullRecord() throws {
        #expect(try Self.roundTrip(Self.fullRecord) == Self.fullRecord)
    }

    @Test func roundTripsAMinimalRecord() throws {
        let record = TestRecord(commit: Self.commit, tree: nil, repository: nil, result: .passed)
        #expect(try Self.roundTrip(record) == record)
    }

    @Test func writesTheStandardFieldsAndOneExtensionObject() throws {
        let statement = TestResultStatement.make(record: Self.fullRecord)
        #expect(statement.type == "https://in-toto.io/Statement/v1")
        #expect(statement.predicateType == "https://in-toto.io/attestation/test-result/v0.1")
        #expect(statement.subjects == [ResourceDescriptor(name: "https://github.com/example/app",
                                                          digest: ["gitCommit": Self.commit.hex, "gitTree": Self.tree.hex])])
        let keys = Set(statement.predicate.objectValue?.map(\.key) ?? [])
        #expect(keys == ["result", "configuration", "url", "passedTests", "warnedTests", "failedTests", "releaseaudit_context"])
        #expect(statement.predicate["configuration"] == .array([]))
        let text = String(decoding: statement.jsonData(), as: UTF8.self)
        #expect(text.contains(#""releaseaudit_context":{"ci":{"ciCommit":"fedcba9876543210fedcba9876543210fedcba98","event":"pull_request","provider":"github-actions","ref":"refs/pull/7/merge","runId":"42","runUrl":"https://github.com/example/app/actions/runs/42","runner":"ubuntu-24.04","workflow":"CI"},"dirtyPaths":["README.md","notes/ä.txt"],"recordedAt":"2026-01-02T03:04:05Z","suites":["unit","e2e"],"toolVersion":"0.1.0","version":1}"#))
    }

    @Test func namesAnUnknownRepositoryUnderscore() {
        let record = TestRecord(commit: Self.commit, tree: nil, repository: nil, result: .passed)
        #expect(TestResultStatement.make(record: record).subjects == [ResourceDescriptor(name: "_", digest: ["gitCommit": Self.commit.hex])])
    }

    @Test func runURLAndConfigurationAreWritten() throws {
        let config = ResourceDescriptor(name: ".github/workflows/ci.yml", digest: ["gitBlob": "ebe4add40f63c3c98bc9b32ff1e736f04120b023"])
        let statement = TestResultStatement.make(record: Self.fullRecord, runURL: "https://ci.test/run/9", configuration: [config])
        #expect(statement.predicate["url"] == .string("https://ci.test/run/9"))
        #expect(statement.predicate["configuration"] == .array([config.jsonValue]))
        #expect(try TestResultStatement.read(Statement.parse(statement.jsonData())).url == "https://ci.test/run/9")
    }

    @Test func readsTheSpecExampleWithoutOurExtension() throws {
        let record = try TestResultStatement.read(Fixtures.statement("test-result-intoto-example.json"))
        #expect(record == TestRecord(
            commit: try ObjectID(hex: "d20ace7968ba43c0219f62d71334c1095bab1602"), tree: nil, repository: nil,
            result: .passed, passedTests: ["build (3.7, ubuntu-latest, py)", "build (3.x, ubuntu-latest, lint)"],
            url: "https://github.com/in-toto/in-toto/actions/runs/4425592351", dirtyPaths: nil))
    }

    /// The full record's statement with `change` applied to its JSON text.
    static func edited(_ change: (String) -> String) -> Data {
        let text = String(decoding: TestResultStatement.make(record: fullRecord).jsonData(), as: UTF8.self)
        let changed = change(text)
        #expect(changed != text, "the edit did not apply")
        return Data(changed.utf8)
    }

    @Test func rejectsASubjectWithoutAGitCommit() {
        let data = Self.edited { $0.replacingOccurrences(of: #""gitCommit":"\#(Self.commit.hex)","#, with: "") }
        #expect(errorMessage { _ = try TestResultStatement.read(Statement.parse(data)) }
                == "the test evidence names no git commit: it cannot be tied to a source revision")
    }

    @Test func rejectsTwoDifferentCommits() throws {
        var statement = TestResultStatement.make(record: Self.fullRecord)
        statement.subjects.append(ResourceDescriptor(name: "other", digest: ["gitCommit": Self.tree.hex]))
        let data = statement.jsonData()
        #expect(errorMessage { _ = try TestResultStatement.read(Statement.parse(data)) }
                == "ambiguous source commit: the test evidence names 2 different git commits (\(Self.commit.hex), \(Self.tree.hex)); refusing to pick one")
    }

    @Test(arguments: [
        (#""result":"FAILED""#, #""result":"failed""#, "predicate.result: expected one of PASSED, WARNED, FAILED"),
        (#""result":"FAILED","#, "", "predicate.result: missing required field"),
        (#""passedTests":["tests.test_math.test_add","#, #""passedTests":["tests.test_math.test_add",7,"#,
         "predicate.passedTests[1]: expected a string, found number"),
        (#""failedTests":["tests.test_io.test_fixture"]"#, #""failedTests":{"a":1}"#, "predicate.failedTests: expected an array, found object"),
        (#""configuration":[]"#, #""configuration":["x"]"#, "predicate.configuration[0]: expected an object, found string"),
        (#""version":1"#, #""version":2"#,
         "predicate.releaseaudit_context.version: version 2 is not supported (this release-audit reads version 1); use a matching release-audit"),
        (#","version":1"#, "", "predicate.releaseaudit_context.version: missing required field"),
        (#""recordedAt":"2026-01-02T03:04:05Z""#, #""recordedAt":"yesterday""#,
         #"predicate.releaseaudit_context.recordedAt: expected an RFC 3339 timestamp, found "yesterday""#),
        (#""provider":"github-actions","#, "", "predicate.releaseaudit_context.ci.provider: missing required field"),
        (#""suites":["unit","e2e"]"#, #""suites":"unit""#, "predicate.releaseaudit_context.suites: expected an array, found string"),
        (#""predicateType":"https://in-toto.io/attestation/test-result/v0.1""#, #""predicateType":"https://slsa.dev/provenance/v1""#,
         #"predicateType: expected https://in-toto.io/attestation/test-result/v0.1, found "https://slsa.dev/provenance/v1""#),
    ])
    func rejectsBadPredicates(original: String, replacement: String, message: String) {
        let data = Self.edited { $0.replacingOccurrences(of: original, with: replacement) }
        #expect(errorMessage { _ = try TestResultStatement.read(Statement.parse(data)) } == message)
    }
}
