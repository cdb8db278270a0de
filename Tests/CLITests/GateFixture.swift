import AuditCore
import Foundation
import GitFacts
import TestSupport
import Testing

/// Key pairs made once per test run with the built binary (`release-audit keygen`), shared by every
/// end-to-end test: `ci` and `ci2` sign test evidence, `release` build evidence, `auditor` reports,
/// and `stranger` is trusted by nobody.
struct FixtureKeys: Sendable {
    let directory: String

    /// The private key file (PKCS#8 PEM, mode 0600) of `name`.
    func key(_ name: String) -> String { "\(directory)/\(name).key" }
    /// The public key file of `name`.
    func pub(_ name: String) -> String { "\(directory)/\(name).pub" }

    /// The shared keys, made on first use.
    static var shared: FixtureKeys { get throws { try sharedFixtureKeys.get() } }
    static let names = ["ci", "ci2", "release", "auditor", "stranger"]
}

/// Where the shared keys live; removed when the test process exits.
private let sharedKeyDirectory: String = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
    .appendingPathComponent("release-audit-keys-\(UUID().uuidString)").path

private let sharedFixtureKeys: Result<FixtureKeys, any Error> = Result {
    try FileManager.default.createDirectory(atPath: sharedKeyDirectory, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: sharedKeyDirectory) }
    let binary = try releaseAuditBinary
    for name in FixtureKeys.names {
        let result = try runProcess(binary, ["keygen", "--out", "\(sharedKeyDirectory)/\(name)"],
                                    environment: toolEnvironment(home: URL(fileURLWithPath: sharedKeyDirectory)))
        guard result.status == 0 else {
            throw FixtureError(description: "release-audit keygen --out \(name) exited \(result.status): \(result.stderr)")
        }
    }
    return FixtureKeys(directory: sharedKeyDirectory)
}

/// A fixture that could not be made.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// The environment the tool runs in: git's isolated test environment, HOME in the test's directory,
/// and no CI variables of the machine running the tests (a GitHub runner sets GITHUB_ACTIONS, which
/// changes what the tool prints).
func toolEnvironment(home: URL, _ extra: [String: String] = [:]) -> [String: String] {
    var env = GitRepo.environment()
    let ciMarkers: Set<String> = ["CI", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL"]
    for name in env.keys where name.hasPrefix("GITHUB_") || name.hasPrefix("RUNNER_") || name.hasPrefix("CI_")
        || name.hasPrefix("RELEASE_AUDIT_") || ciMarkers.contains(name) {
        env.removeValue(forKey: name)
    }
    env["HOME"] = home.path
    env.merge(extra) { $1 }
    return env
}

/// What one `release-audit gate` run left behind: its exit status, output, and the signed report
/// (verified with the auditor key and read through the AuditCore API) when one was written.
struct GateRun {
    let status: Int32
    let stdout: String
    let stderr: String
    let reportPath: String
    let report: AuditReport?

    /// The check with this id, when the report has it.
    func check(_ id: String) -> CheckResult? { report?.checks.first { $0.id == id } }

    /// The status of the check with this id.
    func status(of id: String) -> CheckStatus? { check(id)?.status }
}

/// One project for end-to-end tests of record, gate and verify: a real repository (git CLI, fixed
/// identity and clock) with an `origin` remote and a first commit, the shared keys, and helpers that
/// run the built binary on it. Every test makes its own, so tests run in parallel.
final class GateFixture {
    /// The origin remote's URL, and the identity the evidence names.
    static let origin = "https://github.com/example/widget.git"
    static let identity = "https://github.com/example/widget"

    let directory: TemporaryDirectory
    let git: GitRepo
    let keys: FixtureKeys
    private var reportCount = 0

    /// The temporary directory everything lives in.
    var root: URL { directory.url }
    /// The repository's path.
    var repo: String { git.path }

    /// A repository with `README.md`, `VERSION` (1.0.0) and `src/widget.swift` committed on main,
    /// and (unless `origin` is false) the origin remote.
    init(origin: Bool = true) throws {
        directory = try TemporaryDirectory(prefix: "release-audit-gate")
        keys = try FixtureKeys.shared
        git = try GitRepo.create(in: directory.url, name: "widget")
        if origin { try git.git("remote", "add", "origin", Self.origin) }
        try git.commit("Add the widget", files: ["README.md": "# widget\n", "VERSION": "1.0.0\n",
                                                  "src/widget.swift": "let speed = 1\n"])
    }

    /// The path of `name` in the fixture's directory.
    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// The full id of a revision.
    func id(_ revision: String) throws -> String { try git.revParse("\(revision)^{commit}") }

    // MARK: Running the tool

    /// Runs the binary with `arguments` in the fixture's directory.
    @discardableResult
    func tool(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ProcessOutput {
        try runProcess(try releaseAuditBinary, arguments, environment: toolEnvironment(home: root, extra),
                       currentDirectory: root)
    }

    /// Runs the binary and requires exit status 0.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
        let result = try tool(arguments, environment: environment)
        try #require(result.status == 0, "release-audit \(arguments.joined(separator: " ")): \(result.stderr)",
                     sourceLocation: sourceLocation)
        return result
    }

    /// `record test` of `rev` with `--result passed` (or `extra`'s outcome), signed by `key`, into
    /// the notes (default) or `--out FILE` when `extra` names one.
    @discardableResult
    func recordTest(_ rev: String = "HEAD", key: String = "ci", _ extra: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
        var arguments = ["record", "test", "--repo", repo, "--rev", rev, "--key", keys.key(key)]
        if !extra.contains("--junit") && !extra.contains("--result") { arguments += ["--result", "passed"] }
        if !extra.contains("--out") { arguments.append("--notes") }
        return try succeed(arguments + extra, sourceLocation: sourceLocation)
    }

    /// `record build` of `rev` signed by `key`, into the notes or `--out FILE` when `extra` names one.
    @discardableResult
    func recordBuild(_ rev: String, key: String = "release", _ extra: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
        var arguments = ["record", "build", "--repo", repo, "--rev", rev, "--key", keys.key(key)]
        if !extra.contains("--out") { arguments.append("--notes") }
        return try succeed(arguments + extra, sourceLocation: sourceLocation)
    }

    /// The usual release: the tests of HEAD recorded, HEAD tagged `tag` (annotated), the build from
    /// the tag recorded, all in the notes.
    func testedRelease(_ tag: String = "v1.0.0") throws {
        try recordTest()
        try git.tag(tag, message: "release \(tag)")
        try recordBuild(tag)
    }

    /// Runs the gate on `release` (a tag; `--release-rev` when `extra` names one) with `policy`,
    /// the auditor key, `ci` trusted as tester and `release` as builder (unless `trusting` says otherwise),
    /// and a fresh report path; reads back the signed report when one was written. `repository`
    /// audits another clone than the fixture's own.
    func gate(_ release: String? = "v1.0.0", policy: String = "exact-commit", trusting: [String] = ["ci", "release"],
              repository: String? = nil, _ extra: [String] = [], environment: [String: String] = [:]) throws -> GateRun {
        reportCount += 1
        let out = extra.firstIndex(of: "--out").map { extra[$0 + 1] } ?? path("reports/\(reportCount).json")
        var arguments = ["gate", "--repo", repository ?? repo, "--policy", policy, "--key", keys.key("auditor")]
        if let release { arguments += ["--release", release] }
        // Each key in its role: `ci` signs test evidence, `release` build evidence.
        for name in trusting { arguments += [name == "ci" ? "--tester-key" : "--builder-key", keys.pub(name)] }
        if !extra.contains("--out") { arguments += ["--out", out] }
        let result = try tool(arguments + extra, environment: environment)
        var report: AuditReport?
        if FileManager.default.fileExists(atPath: out) {
            report = try readReport(out)
        }
        return GateRun(status: result.status, stdout: result.stdout, stderr: result.stderr, reportPath: out, report: report)
    }

    /// Reads a signed report and verifies it with the auditor key (AuditCore API).
    func readReport(_ path: String) throws -> AuditReport {
        let envelopes = try EvidenceSource.load(path: path)
        try #require(envelopes.count == 1)
        return try ReportStatement.verify(envelopes[0], trustedKeys: [try PublicKey.load(from: keys.pub("auditor"))]).report
    }

    /// Writes a policy file (keys named in it are resolved against the fixture's directory).
    func policy(_ yaml: String, name: String = "policy.yml") throws -> String {
        try file(name, yaml)
    }

    /// Writes `contents` to `name` in the fixture's directory (with `mode`, when given); returns its path.
    @discardableResult
    func file(_ name: String, _ contents: String, mode: Int? = nil) throws -> String {
        let file = path(name)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file) }
        return file
    }

    /// Records passing test evidence (into `file`) of a commit made in a clone of the repository,
    /// which the repository itself does not have; returns that commit.
    @discardableResult
    func testEvidenceFromAClone(_ file: String) throws -> String {
        try git.git("clone", "-q", repo, path("ci-clone"))
        let clone = GitRepo(existing: root.appendingPathComponent("ci-clone"))
        try clone.git("remote", "set-url", "origin", Self.origin)
        let commit = try clone.commit("Only in CI", files: ["src/widget.swift": "let speed = 9\n"])
        try succeed(["record", "test", "--repo", clone.path, "--result", "passed", "--key", keys.key("ci"), "--out", path(file)])
        return commit
    }

    // MARK: Records made with the AuditCore API

    /// Signs a test record made with the API (to set what the binary would not: an old `recordedAt`,
    /// several signers) and writes the envelope to `file`.
    @discardableResult
    /// `tree` overrides the commit's real tree (forged evidence).
    func writeTestRecord(_ file: String, commit revision: String = "HEAD", tree treeRevision: String? = nil,
                         result: TestOutcome = .passed, suites: [String] = [], recordedAt: Date = Date(),
                         signers: [String] = ["ci"]) throws -> String {
        let commit = try ObjectID(hex: try id(revision))
        let tree = try ObjectID(hex: try git.revParse("\(treeRevision ?? revision)^{tree}"))
        let record = TestRecord(commit: commit, tree: tree, repository: Self.identity, result: result,
                                suites: suites, recordedAt: recordedAt, ci: CIContext(provider: "local"),
                                toolVersion: ToolInfo.version)
        return try writeEnvelope(TestResultStatement.make(record: record).jsonData(), signers: signers, to: file)
    }

    /// Signs a build record made with the API for `revision` and writes it to `file`.
    @discardableResult
    func writeBuildRecord(_ file: String, commit revision: String, tree treeRevision: String? = nil, recordedAt: Date,
                          signers: [String] = ["release"]) throws -> String {
        let record = BuildRecord(commit: try ObjectID(hex: try id(revision)),
                                 tree: try ObjectID(hex: try git.revParse("\((treeRevision ?? revision))^{tree}")),
                                 repository: Self.identity, recordedAt: recordedAt)
        return try writeEnvelope(ProvenanceStatement.make(record: record).jsonData(), signers: signers, to: file)
    }

    private func writeEnvelope(_ payload: Data, signers: [String], to file: String) throws -> String {
        let keys = try signers.map { try SigningKey.load(from: self.keys.key($0)) }
        var line = try DSSEEnvelope.sign(payload: payload, keys: keys).jsonData()
        line.append(0x0A)
        let path = file.hasPrefix("/") ? file : self.path(file)
        try line.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Expects a check of a gate run to have `status`, and its reason to mention each of `mentions`.
func expectCheck(_ run: GateRun, _ id: String, _ status: CheckStatus, mentioning mentions: String...,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let check = run.check(id) else {
        Issue.record("no \(id) check (exit \(run.status)): \(run.stderr)", sourceLocation: sourceLocation)
        return
    }
    #expect(check.status == status, "\(id): \(check.reason)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(check.reason.contains(text), "\(id) reason \"\(check.reason)\" does not mention \"\(text)\"",
                sourceLocation: sourceLocation)
    }
}

/// Expects a gate run to have exited `status` (0 PASSED, 1 FAILED) with a signed report of that verdict.
func expectVerdict(_ run: GateRun, _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == status, "exit \(run.status): \(run.stderr)\n\(run.stdout)", sourceLocation: sourceLocation)
    #expect(run.report?.verdict == (status == 0 ? .passed : .failed), sourceLocation: sourceLocation)
}
