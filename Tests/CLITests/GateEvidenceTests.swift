import AuditCore
import Foundation
import TestSupport
import Testing

/// The gate end to end on the evidence itself: `evidence.signatures` and `evidence.repository`, and
/// the release where every check passes.
@Suite struct GateEvidenceTests {
    /// A policy that turns every check on, with a key per role: the release passes all eleven.
    @Test func everyCheckPassesForAWellMadeRelease() throws {
        let f = try GateFixture()
        let policy = try f.policy("""
            version: 1
            source:
              match: exact-commit
              branches: [main]
              repository: \(GateFixture.identity)
            test:
              required_suites: [unit]
              max_age: 1d
            build:
              max_age: 1d
            trusted_keys:
              tester:
                keys: [\(f.keys.pub("ci"))]
              builder:
                keys: [\(f.keys.pub("release"))]
            tag:
              required: true
              annotated: true
            rc:
              match: same-commit
            """)
        try f.recordTest("HEAD", ["--suite", "unit"])
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--version", "1.0.0"])
        let run = try f.gate("v1.0.0", policy: policy, trusting: [])
        expectVerdict(run, 0)
        let ids = ["evidence.signatures", "evidence.repository", "test.result", "source.match", "build.source",
                   "release.tag", "release.rc-to-ga", "worktree.clean", "source.protected-branch",
                   "evidence.freshness", "repository.safety"]
        #expect(run.report?.checks.map(\.id) == ids)
        for id in ids { expectCheck(run, id, .passed) }
        expectCheck(run, "release.rc-to-ga", .passed, mentioning: "v1.0.0-rc.1")
        expectCheck(run, "source.protected-branch", .passed, mentioning: "refs/heads/main")
        let head = try f.id("HEAD")
        #expect(run.report?.release.commit == head)
        #expect(run.report?.tested?.commit == head)
        #expect(run.report?.release.tagObject == (try f.git.revParse("refs/tags/v1.0.0")))
        #expect(run.report?.inputs.count == 2)
        #expect(run.report?.inputs.allSatisfy(\.verified) == true)
        #expect(Set(run.report?.inputs.map(\.kind) ?? []) == ["test", "build"])
        #expect(run.stdout.contains("verdict: PASSED"))
    }

    // MARK: evidence.signatures

    @Test func evidenceSignedByAnUntrustedKeyFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", key: "stranger")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "evidence.signatures", .failed, mentioning: "1 of 2 envelope(s) cannot be used",
                    "does not verify as test evidence")
        // Untrusted evidence is never used: there is no tested commit.
        expectCheck(run, "test.result", .failed, mentioning: "no trusted test evidence")
        #expect(run.report?.tested == nil)
        #expect(run.report?.inputs.filter { !$0.verified }.count == 1)
    }

    @Test func noEvidenceAtAllFails() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "evidence.signatures", .failed, mentioning: "no evidence found")
        expectCheck(run, "test.result", .failed)
        expectCheck(run, "build.source", .failed, mentioning: "no trusted build evidence")
        #expect(run.report?.inputs.isEmpty == true)
    }

    @Test func aThresholdOfTwoTesterKeysNeedsTwoSignatures() throws {
        let f = try GateFixture()
        let policy = try f.policy("""
            version: 1
            trusted_keys:
              tester:
                keys: [\(f.keys.pub("ci")), \(f.keys.pub("ci2"))]
                threshold: 2
              builder:
                keys: [\(f.keys.pub("release"))]
            """)
        // One tester signature (the binary signs with one key): below the threshold.
        try f.recordTest("HEAD", ["--out", f.path("test-one.json")])
        try f.writeTestRecord("test-same.json", signers: ["ci", "ci"])
        try f.writeTestRecord("test-two.json", signers: ["ci", "ci2"])
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--out", f.path("build.json")])

        let one = try f.gate(policy: policy, trusting: [],
                             ["--test-evidence", f.path("test-one.json"), "--build-evidence", f.path("build.json")])
        expectVerdict(one, 1)
        expectCheck(one, "evidence.signatures", .failed, mentioning: "only 1 distinct trusted key(s) signed it; the threshold is 2")

        // The same key twice is still one key.
        let same = try f.gate(policy: policy, trusting: [],
                              ["--test-evidence", f.path("test-same.json"), "--build-evidence", f.path("build.json")])
        expectCheck(same, "evidence.signatures", .failed, mentioning: "the threshold is 2")

        // Both tester keys: the threshold is met.
        let two = try f.gate(policy: policy, trusting: [],
                             ["--test-evidence", f.path("test-two.json"), "--build-evidence", f.path("build.json")])
        expectVerdict(two, 0)
        expectCheck(two, "evidence.signatures", .passed)
        #expect(two.report?.inputs.first { $0.kind == "test" }?.signers.count == 2)
    }

    /// A validly signed test record copied into the note of another commit does not vouch for it.
    @Test func evidenceCopiedToAnotherCommitsNoteFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        try f.git.commit("Untested", files: ["src/widget.swift": "let speed = 2\n"])
        let line = try String(contentsOfFile: f.path("test.json"), encoding: .utf8).trimmingCharacters(in: .newlines)
        try f.git.git("notes", "--ref=release-audit", "add", "-m", line, "HEAD")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "evidence.signatures", .failed, mentioning: "holds a statement about another commit", "copied between commits")
        expectCheck(run, "test.result", .failed)
    }

    @Test func aKeyIsTrustedOnlyForItsRole() throws {
        let f = try GateFixture()
        let policy = try f.policy("""
            version: 1
            trusted_keys:
              tester:
                keys: [\(f.keys.pub("ci"))]
              builder:
                keys: [\(f.keys.pub("release"))]
            """)
        // The builder's key signs test evidence: it verifies, but not for the tester role.
        try f.recordTest("HEAD", key: "release")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate(policy: policy, trusting: [])
        expectVerdict(run, 1)
        expectCheck(run, "evidence.signatures", .failed, mentioning: "holds the other kind of evidence")
        expectCheck(run, "test.result", .failed)
    }

    // MARK: evidence.repository

    @Test func evidenceAboutAnotherRepositoryFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--repository", "https://other/x"])
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--repository", "https://other/x"])
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "evidence.repository", .failed, mentioning: "another repository (https://other/x)",
                    GateFixture.identity)
        // Evidence about another repository is not used for this one.
        expectCheck(run, "test.result", .failed, mentioning: "no trusted test evidence about this repository")
        expectCheck(run, "build.source", .failed)
    }

    @Test func theSameRepositorySpelledOtherwiseMatches() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--repository", "git@github.com:example/widget.git"])
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--repository", "https://GitHub.com/example/widget"])
        let run = try f.gate()
        expectVerdict(run, 0)
        expectCheck(run, "evidence.repository", .passed, mentioning: GateFixture.identity)
    }

    @Test func aRepositoryWithoutOriginIsWarned() throws {
        let f = try GateFixture(origin: false)
        let recorded = try f.recordTest()
        #expect(recorded.stderr.contains("no origin remote"))
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate()
        expectVerdict(run, 0)
        expectCheck(run, "evidence.repository", .warned, mentioning: "no origin remote", "by its path")

        // Known by its path, it does not take evidence recorded in another repository.
        try f.git.git("clone", "-q", f.repo, f.path("other"))
        let other = GitRepo(existing: f.root.appendingPathComponent("other"))
        try other.git("remote", "set-url", "origin", "https://github.com/mallory/widget.git")
        let foreign = try f.tool(["record", "test", "--repo", f.path("other"), "--result", "passed", "--key", f.keys.key("ci"),
                                  "--out", f.path("foreign-test.json")])
        #expect(foreign.status == 0, "\(foreign.stderr)")
        let mixed = try f.gate("v1.0.0", ["--test-evidence", f.path("foreign-test.json")])
        expectVerdict(mixed, 1)
        expectCheck(mixed, "evidence.repository", .failed, mentioning: "known by its path", "mallory")

        // With the policy naming the repository, path-named evidence is about another repository.
        let policy = try f.policy("version: 1\nsource:\n  repository: \(GateFixture.identity)\n")
        let named = try f.gate(policy: policy)
        expectVerdict(named, 1)
        expectCheck(named, "evidence.repository", .failed, mentioning: "another repository")
    }
}
