import Foundation
import TestSupport
import Testing

/// A repository with fifteen releases, one per case the release-history audit must name, with real
/// evidence and real signed reports made by the built `release-audit` (keygen, record, gate).
/// Built once per test run (it takes a few seconds) and removed when the process exits, unless
/// RELEASE_AUDIT_KEEP_FIXTURE is set.
///
/// | release | what happened | expected findings |
/// |---|---|---|
/// | v0.9.0 | no RC at all; the gate FAILED on the RC rule | no-rc, failed-report |
/// | v1.0.0 | GA on the RC commit | (clean) |
/// | v1.1.0 | GA = RC + a VERSION bump (allowed) | (clean) |
/// | v1.2.0 | code changed between RC and GA; the gate FAILED | rc-disallowed-paths, failed-report |
/// | v1.3.0 | GA on release/1.3, not descending from its RC; the gate FAILED | rc-diverged, failed-report |
/// | v1.4.0 | rc.2 tagged after the GA | rc-after-ga (note) |
/// | v1.5.0 | lightweight GA on a VERSION bump | lightweight-tag (note) |
/// | v1.6.0 | tag moved (to release/1.6) after its report | tag-moved |
/// | v1.6.1 | tag re-created on the same commit after its report | tag-recreated |
/// | v1.7.0 | never gated | missing-report |
/// | v1.8.0 | report signed by a key nobody trusts | untrusted-report |
/// | v1.9.0 | two RC spellings (rc.1, rc2); report under an unrelated file name | (clean), RC v1.9.0-rc2 |
/// | v2.0.0 | report stored only in the git notes | (clean) |
/// | v2.1.0 | report made under an older policy the audit's does not accept | policy-changed |
/// | v2.2.0 | GA on an unmerged wip/ branch | not-on-release-branch |
final class AuditFixture: Sendable {
    /// Where the fixture lives: the repository, keys, policies, reports and artifacts.
    static let root: URL = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
        .appendingPathComponent("release-audit-audit-fixture-\(UUID().uuidString)")

    /// The fixture, built on first use.
    static let shared: Result<AuditFixture, any Error> = Result {
        // RELEASE_AUDIT_KEEP_FIXTURE=1 keeps it, to look around after the tests.
        if ProcessInfo.processInfo.environment["RELEASE_AUDIT_KEEP_FIXTURE"] == nil {
            atexit { try? FileManager.default.removeItem(at: AuditFixture.root) }
        }
        return try AuditFixture(at: root)
    }

    /// The GA tags and the findings each must have (in the order the audit lists them within a release).
    static let expected: [String: [String]] = [
        "v0.9.0": ["no-rc", "failed-report"],
        "v1.0.0": [],
        "v1.1.0": [],
        "v1.2.0": ["rc-disallowed-paths", "failed-report"],
        "v1.3.0": ["rc-diverged", "failed-report"],
        "v1.4.0": ["rc-after-ga"],
        "v1.5.0": ["lightweight-tag"],
        "v1.6.0": ["tag-moved"],
        "v1.6.1": ["tag-recreated"],
        "v1.7.0": ["missing-report"],
        "v1.8.0": ["untrusted-report"],
        "v1.9.0": [],
        "v2.0.0": [],
        "v2.1.0": ["policy-changed"],
        "v2.2.0": ["not-on-release-branch"],
    ]

    /// The verdict each release must get under the default `--fail-on`.
    static let verdicts: [String: String] = [
        "v0.9.0": "FAILED", "v1.0.0": "CLEAN", "v1.1.0": "CLEAN", "v1.2.0": "FAILED", "v1.3.0": "FAILED",
        "v1.4.0": "NOTED", "v1.5.0": "NOTED", "v1.6.0": "FAILED", "v1.6.1": "FAILED", "v1.7.0": "FAILED",
        "v1.8.0": "FAILED", "v1.9.0": "CLEAN", "v2.0.0": "CLEAN", "v2.1.0": "FAILED", "v2.2.0": "FAILED",
    ]

    let repoPath: String
    let policyPath: String
    let reportsPath: String
    let auditorPub: String
    let roguePub: String
    /// Commit ids by the names used while building.
    let commits: [String: String]

    private init(at root: URL) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let keys = root.appendingPathComponent("keys").path
        let reports = root.appendingPathComponent("reports").path
        let dist = root.appendingPathComponent("dist").path
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dist, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        let repoPath = root.appendingPathComponent("widget").path
        let policyPath = root.appendingPathComponent("policy.yml").path

        func tool(_ arguments: [String], expect status: Int32 = 0) throws {
            let result = try Self.run(arguments, in: root)
            guard result.status == status else {
                throw StepFailed(description: "`release-audit \(arguments.joined(separator: " "))` exited with \(result.status), not \(status): \(result.stderr)\(result.stdout)")
            }
        }
        for name in ["ci", "release", "auditor", "rogue"] { try tool(["keygen", "--out", "\(keys)/\(name)"]) }
        try Data(Self.policy.utf8).write(to: URL(fileURLWithPath: policyPath))
        // The same rules an earlier policy file had: only its bytes (and so its digest) differ.
        let oldPolicy = root.appendingPathComponent("policy-2023.yml").path
        try Data(("# The 2023 release policy.\n" + Self.policy).utf8).write(to: URL(fileURLWithPath: oldPolicy))

        let git = try GitRepo(at: URL(fileURLWithPath: repoPath))
        try git.git("remote", "add", "origin", "https://github.com/example/widget.git")
        var commits: [String: String] = [:]
        var code = 0
        /// A commit changing the code (and optionally the VERSION file).
        func work(_ name: String, version: String? = nil, message: String? = nil) throws {
            code += 1
            var files = ["src/widget.c": "int speed(void) { return \(code); }\n"]
            if let version { files["VERSION"] = version + "\n" }
            commits[name] = try git.commit(message ?? "Work \(code)", files: files)
        }
        func bump(_ name: String, _ version: String) throws {
            commits[name] = try git.commit("Release \(version)", files: ["VERSION": version + "\n"])
        }
        func recordTest() throws {
            try tool(["record", "test", "--repo", repoPath, "--result", "passed", "--suite", "unit",
                      "--key", "\(keys)/ci.key", "--notes"])
        }
        func tag(_ name: String, _ target: String = "HEAD") throws { try git.tag(name, target, message: name) }
        func build(_ tag: String) throws {
            let artifact = "\(dist)/widget-\(tag).tar.gz"
            try Data("widget \(tag)\n".utf8).write(to: URL(fileURLWithPath: artifact))
            try tool(["record", "build", "--repo", repoPath, "--rev", tag, "--version", String(tag.dropFirst()),
                      "--artifact-file", artifact, "--key", "\(keys)/release.key", "--notes"])
        }
        func gate(_ tag: String, expect status: Int32 = 0, key: String = "auditor", out: String? = nil, policy: String? = nil) throws {
            try tool(["gate", "--repo", repoPath, "--release", tag, "--policy", policy ?? policyPath,
                      "--key", "\(keys)/\(key).key", "--out", out ?? "\(reports)/\(tag).json"], expect: status)
        }

        // v0.9.0: no release candidate at all; the gate fails the RC rule.
        commits["c0"] = try git.commit("Initial widget", files: [
            "README.md": "# widget\n", "VERSION": "0.9.0\n", "src/widget.c": "int speed(void) { return 0; }\n",
        ])
        try recordTest(); try tag("v0.9.0"); try build("v0.9.0"); try gate("v0.9.0", expect: 1)

        // v1.0.0: the GA on its RC's commit.
        try work("c1", version: "1.0.0"); try recordTest()
        try tag("v1.0.0-rc.1"); try tag("v1.0.0"); try build("v1.0.0"); try gate("v1.0.0")

        // v1.1.0: the GA is the RC plus a VERSION bump, which the policy allows.
        try work("c2"); try recordTest(); try tag("v1.1.0-rc.1")
        try bump("c3", "1.1.0"); try tag("v1.1.0"); try build("v1.1.0"); try gate("v1.1.0")

        // v1.2.0: code changed between the RC and the GA, untested; the gate fails.
        try work("c4"); try recordTest(); try tag("v1.2.0-rc.1")
        try work("c5", version: "1.2.0", message: "Last-minute change"); try tag("v1.2.0"); try build("v1.2.0")
        try gate("v1.2.0", expect: 1)

        // v1.3.0: the RC on main, the GA on release/1.3 from v1.2.0 with the RC's code cherry-picked:
        // the same files as the RC but for VERSION, yet not a descendant of it. The gate fails.
        try work("c6"); try recordTest(); try tag("v1.3.0-rc.1")
        let rcCode = try git.git("show", "HEAD:src/widget.c") + "\n"
        try git.git("checkout", "-q", "-b", "release/1.3", "v1.2.0")
        commits["c7"] = try git.commit("Release 1.3.0 from the release branch", files: ["src/widget.c": rcCode, "VERSION": "1.3.0\n"])
        try recordTest(); try tag("v1.3.0"); try build("v1.3.0"); try gate("v1.3.0", expect: 1)
        try git.git("checkout", "-q", "main")

        // v1.4.0: a second RC tagged after the GA (ignored, noted).
        try work("c8", version: "1.4.0"); try recordTest(); try tag("v1.4.0-rc.1"); try tag("v1.4.0")
        try build("v1.4.0"); try gate("v1.4.0")
        try work("c9"); try tag("v1.4.0-rc.2")

        // v1.5.0: a lightweight GA tag on a version bump.
        try work("c10"); try recordTest(); try tag("v1.5.0-rc.1")
        try bump("c11", "1.5.0"); try git.tag("v1.5.0"); try build("v1.5.0"); try gate("v1.5.0")

        // v1.6.0 and v1.6.1: clean when gated; moved and re-created at the end.
        try work("c12", version: "1.6.0"); try recordTest(); try tag("v1.6.0-rc.1"); try tag("v1.6.0")
        try build("v1.6.0"); try gate("v1.6.0")
        try work("c13", version: "1.6.1"); try recordTest(); try tag("v1.6.1-rc.1"); try tag("v1.6.1")
        try build("v1.6.1"); try gate("v1.6.1")

        // v1.7.0: built, never gated.
        try work("c14", version: "1.7.0"); try recordTest(); try tag("v1.7.0-rc.1"); try tag("v1.7.0"); try build("v1.7.0")

        // v1.8.0: gated, but the report is signed with a key nobody trusts.
        try work("c15", version: "1.8.0"); try recordTest(); try tag("v1.8.0-rc.1"); try tag("v1.8.0")
        try build("v1.8.0"); try gate("v1.8.0", key: "rogue")

        // v1.9.0: two RC spellings, rc.1 then rc2; the report file is not named after the tag.
        try work("c16", version: "1.9.0"); try recordTest(); try tag("v1.9.0-rc.1")
        try work("c17", version: "1.9.0", message: "Fix found in rc.1"); try recordTest(); try tag("v1.9.0-rc2"); try tag("v1.9.0")
        try build("v1.9.0"); try gate("v1.9.0", out: "\(reports)/latest-audit.json")

        // v2.0.0: the report is kept only in the git notes on the GA commit (next to the evidence).
        try work("c18", version: "2.0.0"); try recordTest(); try tag("v2.0.0-rc.1"); try tag("v2.0.0"); try build("v2.0.0")
        let noteReport = root.appendingPathComponent("v2.0.0-report.json").path
        try gate("v2.0.0", out: noteReport)
        let line = try String(contentsOfFile: noteReport, encoding: .utf8).trimmingCharacters(in: .newlines)
        try git.git("notes", "--ref=release-audit", "append", "-m", line, try git.revParse("v2.0.0^{commit}"))
        try FileManager.default.removeItem(atPath: noteReport)

        // v2.1.0: gated under the older policy file.
        try work("c19", version: "2.1.0"); try recordTest(); try tag("v2.1.0-rc.1"); try tag("v2.1.0")
        try build("v2.1.0"); try gate("v2.1.0", policy: oldPolicy)

        // v2.2.0: the RC on main, the GA a version bump on a wip/ branch that was never merged.
        try work("c20"); try recordTest(); try tag("v2.2.0-rc.1")
        try git.git("checkout", "-q", "-b", "wip/2.2")
        try bump("c21", "2.2.0"); try tag("v2.2.0"); try build("v2.2.0"); try gate("v2.2.0")
        try git.git("checkout", "-q", "main")

        // After the fact: v1.6.0 moved to a changelog commit on release/1.6; v1.6.1 deleted and made again.
        try git.git("checkout", "-q", "-b", "release/1.6", "v1.6.0")
        commits["c22"] = try git.commit("Changelog for 1.6.0", files: ["CHANGELOG.md": "1.6.0: faster\n"])
        try git.git("checkout", "-q", "main")
        try git.git("tag", "-f", "-a", "v1.6.0", commits["c22"]!, "-m", "v1.6.0 (moved)")
        git.clock += 60
        try git.git("tag", "-f", "-a", "v1.6.1", commits["c13"]!, "-m", "v1.6.1 (made again)")
        git.clock += 60

        // Not every *.json in the reports directory is a report.
        try Data("{\"note\": \"not an envelope\"}\n".utf8).write(to: URL(fileURLWithPath: reports + "/index.json"))
        self.repoPath = repoPath
        self.policyPath = policyPath
        self.reportsPath = reports
        self.auditorPub = keys + "/auditor.pub"
        self.roguePub = keys + "/rogue.pub"
        self.commits = commits
    }

    /// A step of the build that did not do what it should.
    struct StepFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// The policy every report but v2.1.0's was made under (and the audit uses).
    static let policy = """
        version: 1
        source:
          match: allowed-diff
          allowed_paths: [VERSION, {path: CHANGELOG.md, added: true}]
          branches: [main, "release/*"]
        trusted_keys:
          tester: {keys: [keys/ci.pub]}
          builder: {keys: [keys/release.pub]}
          auditor: {keys: [keys/auditor.pub]}
        rc:
          match: allowed-diff

        """

    /// Runs the built binary in `directory` with the isolated git environment.
    static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> ProcessOutput {
        var env = GitRepo.environment()
        env["HOME"] = directory.path
        env.removeValue(forKey: "GITHUB_ACTIONS")
        env.removeValue(forKey: "GITHUB_STEP_SUMMARY")
        env.merge(extra) { $1 }
        return try runProcess(try releaseAuditBinary, arguments, environment: env, currentDirectory: directory)
    }

    /// `release-audit audit` on the fixture with its policy and reports, plus `extra` arguments: run
    /// in the fixture's directory with relative paths (as a maintainer would), or in `directory`.
    func audit(_ extra: [String], in directory: URL? = nil) throws -> ProcessOutput {
        guard let directory else {
            return try Self.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports"] + extra, in: Self.root)
        }
        return try Self.run(["audit", "--repo", repoPath, "--policy", policyPath, "--reports", reportsPath] + extra, in: directory)
    }
}
