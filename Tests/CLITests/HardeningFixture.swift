import AuditCore
import Foundation
import TestSupport
import Testing

/// A scratch world for the hardening tests (bad input, tampering, threat scenarios): a temporary
/// directory holding a repository `widget` with an origin remote, a key pair per role under `keys/`,
/// and the built binary run inside it with an environment free of the host's git and CI settings.
///
/// Paths given to and returned by the helpers are relative to `root` (the binary runs there).
final class HardeningFixture {
    let directory: TemporaryDirectory
    let git: GitRepo
    /// Signs test evidence (`keys/ci.key`, `keys/ci.pub`).
    let tester: SigningKey
    /// Signs build evidence (`keys/release.key`, `keys/release.pub`).
    let builder: SigningKey
    /// Signs reports (`keys/auditor.key`, `keys/auditor.pub`).
    let auditor: SigningKey

    static let origin = "https://github.com/example/widget.git"
    /// The repository identity the records carry for `origin`.
    static let identity = "https://github.com/example/widget"

    /// The evidence keys, each in its role.
    static let trustEvidence = ["--tester-key", "keys/ci.pub", "--builder-key", "keys/release.pub"]

    var root: URL { directory.url }

    /// Makes the directory, the keys and an empty repository (no commit yet).
    init(origin: String? = HardeningFixture.origin) throws {
        directory = try TemporaryDirectory(prefix: "hardening")
        git = try GitRepo.create(in: directory.url, name: "widget")
        if let origin { try git.git("remote", "add", "origin", origin) }
        for folder in ["keys", "evidence"] {
            try FileManager.default.createDirectory(at: directory.appending(folder), withIntermediateDirectories: true)
        }
        tester = SigningKey.generate()
        builder = SigningKey.generate()
        auditor = SigningKey.generate()
        try saveKey(tester, as: "ci")
        try saveKey(builder, as: "release")
        try saveKey(auditor, as: "auditor")
    }

    /// Writes `keys/<name>.key` (0600) and `keys/<name>.pub`.
    func saveKey(_ key: SigningKey, as name: String) throws {
        try KeyPairFiles(prefix: path("keys/\(name)")).write(key, overwrite: false)
    }

    /// The absolute path of something in the fixture.
    func path(_ relative: String) -> String { directory.appending(relative).path }

    /// Whether a file (or directory) exists in the fixture.
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    /// Writes bytes to a file in the fixture (directories made) and returns its relative path.
    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let url = directory.appending(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return relative
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String { try write(relative, Data(text.utf8)) }

    func read(_ relative: String) throws -> Data { try Data(contentsOf: directory.appending(relative)) }

    /// Runs the built binary in `root` with the isolated git environment: no CI variables, HOME in the fixture.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ProcessOutput {
        var env = git.environment()
        env["HOME"] = root.path
        for name in ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_SHA", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL"] {
            env.removeValue(forKey: name)
        }
        env.merge(extra) { $1 }
        return try runProcess(try releaseAuditBinary, arguments, environment: env, currentDirectory: root)
    }

    /// Runs the binary and requires exit status 0.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
        let result = try run(arguments)
        try #require(result.status == 0, "release-audit \(arguments.joined(separator: " ")): \(result.stderr)",
                     sourceLocation: sourceLocation)
        return result
    }

    /// `record test --result passed` of a revision into `out`.
    @discardableResult
    func recordTest(_ rev: String = "HEAD", out: String, repo: String = "widget", key: String = "keys/ci.key",
                    extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try succeed(["record", "test", "--repo", repo, "--rev", rev, "--result", "passed", "--key", key, "--out", out] + extra,
                    sourceLocation: sourceLocation)
        return out
    }

    /// `record build` of a revision (a tag, usually) into `out`.
    @discardableResult
    func recordBuild(_ rev: String, out: String, repo: String = "widget", key: String = "keys/release.key",
                     extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try succeed(["record", "build", "--repo", repo, "--rev", rev, "--key", key, "--out", out] + extra,
                    sourceLocation: sourceLocation)
        return out
    }

    /// A first commit tagged `v1.0.0` (annotated), tested and built: every input a gate needs.
    /// Returns the commit id.
    @discardableResult
    func releasedRepository() throws -> String {
        let commit = try git.commit("Add the widget", files: ["README.md": "# widget\n", "VERSION": "1.0.0\n"])
        try git.tag("v1.0.0", message: "1.0.0")
        try recordTest(out: "evidence/test.json")
        try recordBuild("v1.0.0", out: "evidence/build.json")
        return commit
    }

    /// Signs payload bytes into a one-line DSSE envelope file, as `keys` would sign them.
    @discardableResult
    func writeEnvelope(_ payload: Data, payloadType: String = DSSEEnvelope.inTotoPayloadType, keys: [SigningKey],
                       to relative: String) throws -> String {
        try write(relative, try DSSEEnvelope.sign(payload: payload, payloadType: payloadType, keys: keys).jsonData())
    }

    /// The envelope in a file (the first, for a bundle).
    func envelope(_ relative: String) throws -> DSSEEnvelope {
        try #require(try EvidenceSource.load(path: path(relative)).first).envelope
    }

    /// Reads a report file and verifies it with the auditor's key.
    func report(_ relative: String) throws -> AuditReport {
        let loaded = try #require(try EvidenceSource.load(path: path(relative)).first)
        return try ReportStatement.verify(loaded, trustedKeys: [auditor.publicKey]).report
    }

    /// Temporary files AtomicFile would leave behind on a failed write (`.<name>.tmp-*`), anywhere in the fixture.
    func leftoverTemporaryFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var found: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasPrefix("widget/.git") { enumerator?.skipDescendants(); continue }
            if (name as NSString).lastPathComponent.contains(".tmp-") { found.append(name) }
        }
        return found
    }
}

/// What a refused command must look like.
enum Refusal {
    /// Words a crash or a leaked internal error would print.
    static let crashMarkers = ["Fatal error", "Stack dump", "Backtrace", "Assertion failed", "Error Domain=", "NSCocoaErrorDomain",
                               "Swift runtime failure"]

    /// Exit 2: exactly one stderr line `release-audit: error: ...` naming the problem, nothing on stdout.
    static func expectInputError(_ result: ProcessOutput, mentions: [String], _ label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "\(label): exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && result.stderr.hasSuffix("\n") && !result.stderr.contains("\n\n"),
                "\(label): expected one stderr line, got \(lines.count): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("release-audit: error: "), "\(label): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(label): stdout not empty: \(result.stdout)", sourceLocation: sourceLocation)
        expectMentions(result.stderr, mentions, label, sourceLocation: sourceLocation)
        expectNoCrash(result, label, sourceLocation: sourceLocation)
    }

    /// Exit 64: ArgumentParser's usage message, which names the problem.
    static func expectUsageError(_ result: ProcessOutput, mentions: [String], _ label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 64, "\(label): exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("Error: "), "\(label): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(label): stdout not empty: \(result.stdout)", sourceLocation: sourceLocation)
        expectMentions(result.stderr, mentions, label, sourceLocation: sourceLocation)
        expectNoCrash(result, label, sourceLocation: sourceLocation)
    }

    static func expectMentions(_ text: String, _ mentions: [String], _ label: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        for mention in mentions {
            #expect(text.localizedCaseInsensitiveContains(mention), "\(label): '\(mention)' not in: \(text)",
                    sourceLocation: sourceLocation)
        }
    }

    static func expectNoCrash(_ result: ProcessOutput, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for marker in crashMarkers {
            #expect(!result.stderr.contains(marker) && !result.stdout.contains(marker),
                    "\(label): '\(marker)' in output: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }
}

/// One refused invocation: the arguments, the exit status, what the message must name, and the
/// files that must not exist afterwards (`--out`, the report, `--vsa`).
struct RefusalCase: CustomStringConvertible {
    var label: String
    var arguments: [String]
    var status: Int32
    var mentions: [String]
    var mustNotExist: [String] = []
    var environment: [String: String] = [:]

    var description: String { label }

    /// Runs the case in the fixture and checks everything a refusal promises.
    func check(in fixture: HardeningFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try fixture.run(arguments, environment: environment)
        switch status {
        case 2: Refusal.expectInputError(result, mentions: mentions, label, sourceLocation: sourceLocation)
        case 64: Refusal.expectUsageError(result, mentions: mentions, label, sourceLocation: sourceLocation)
        default: Issue.record("\(label): RefusalCase is for exit 2 and 64, not \(status)", sourceLocation: sourceLocation)
        }
        for file in mustNotExist {
            #expect(!fixture.exists(file), "\(label): \(file) was written", sourceLocation: sourceLocation)
        }
        #expect(fixture.leftoverTemporaryFiles().isEmpty, "\(label): temporary files left: \(fixture.leftoverTemporaryFiles())",
                sourceLocation: sourceLocation)
    }
}
