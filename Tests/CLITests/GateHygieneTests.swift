import AuditCore
import Foundation
import TestSupport
import Testing

/// The gate end to end on how the evidence was made and where the gate runs: `worktree.clean`,
/// `source.protected-branch`, `evidence.freshness` and `repository.safety`.
@Suite struct GateHygieneTests {
    // MARK: worktree.clean

    @Test func evidenceRecordedFromADirtyTreeFails() throws {
        let f = try GateFixture()
        try f.git.write("scratch.txt", "local change\n")
        try f.recordTest("HEAD", ["--allow-dirty"])
        try f.git.remove("scratch.txt")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.git.write("src/widget.swift", "let speed = 99 // patched before the build\n")
        try f.recordBuild("v1.0.0", ["--allow-dirty"])
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "worktree.clean", .failed, mentioning: "tests ran on a dirty tree (scratch.txt)",
                    "the build ran on a dirty tree (src/widget.swift)")
        #expect(run.check("worktree.clean")?.evidence.count == 2)

        let lax = try f.policy("version: 1\ntest:\n  clean_worktree: false\nbuild:\n  clean_worktree: false\n")
        let skipped = try f.gate("v1.0.0", policy: lax)
        expectVerdict(skipped, 0)
        expectCheck(skipped, "worktree.clean", .skipped)
    }

    @Test func cleanTreesPass() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let run = try f.gate()
        expectCheck(run, "worktree.clean", .passed, mentioning: "no dirty paths")
    }

    // MARK: source.protected-branch

    private static let mainOnly = "version: 1\nsource:\n  branches: [main]\n"

    @Test func aTestedCommitOnMainPasses() throws {
        let f = try GateFixture()
        try f.testedRelease()
        // Only the remote-tracking branch says it is on main: that counts too.
        try f.git.git("update-ref", "refs/remotes/origin/main", "HEAD")
        try f.git.git("checkout", "-q", "-b", "work")
        try f.git.git("branch", "-D", "main")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.mainOnly))
        expectVerdict(run, 0)
        expectCheck(run, "source.protected-branch", .passed, mentioning: "reachable from refs/remotes/origin/main")
    }

    @Test func aTestedCommitOnAnUnmergedSideBranchFails() throws {
        let f = try GateFixture()
        try f.git.git("checkout", "-q", "-b", "feature")
        try f.git.commit("Feature", files: ["src/feature.swift": "let feature = true\n"])
        try f.testedRelease()
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.mainOnly))
        expectVerdict(run, 1)
        expectCheck(run, "source.protected-branch", .failed,
                    mentioning: "is not reachable from any branch matching main (refs/heads/main)")

        // Merged into main, it passes.
        try f.git.git("checkout", "-q", "main")
        try f.git.git("merge", "-q", "--ff-only", "feature")
        let merged = try f.gate("v1.0.0", policy: try f.policy(Self.mainOnly))
        expectVerdict(merged, 0)
        expectCheck(merged, "source.protected-branch", .passed, mentioning: "refs/heads/main")
    }

    /// The tested commit is not in this clone: a FAILED check, not a libgit2 error (exit 2).
    @Test func aTestedCommitMissingFromTheRepositoryFailsTheBranchCheck() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.testEvidenceFromAClone("test.json")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.mainOnly), ["--test-evidence", f.path("test.json")])
        expectVerdict(run, 1)
        expectCheck(run, "source.protected-branch", .failed, mentioning: "is not in this repository")
        expectCheck(run, "source.match", .failed, mentioning: "is not in this repository")
    }

    // MARK: evidence.freshness

    @Test func testEvidenceOlderThanMaxAgeFails() throws {
        let f = try GateFixture()
        let policy = try f.policy("version: 1\ntest:\n  max_age: 1h\n")
        try f.writeTestRecord("old.json", recordedAt: Date().addingTimeInterval(-2 * 3_600 - 30))
        try f.writeTestRecord("recent.json", recordedAt: Date().addingTimeInterval(-30 * 60))
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let old = try f.gate("v1.0.0", policy: policy, ["--test-evidence", f.path("old.json")])
        expectVerdict(old, 1)
        expectCheck(old, "evidence.freshness", .failed, mentioning: "the newest test evidence is 2h0m old; the policy allows 1h")

        let recent = try f.gate("v1.0.0", policy: policy, ["--test-evidence", f.path("recent.json")])
        expectVerdict(recent, 0)
        expectCheck(recent, "evidence.freshness", .passed, mentioning: "recorded 30m ago", "before the build")
    }

    /// A record dated in the future would never grow older than max_age.
    @Test func testEvidenceDatedInTheFutureFailsMaxAge() throws {
        let f = try GateFixture()
        let policy = try f.policy("version: 1\ntest:\n  max_age: 1h\nbuild:\n  required: false\n")
        let future = Date().addingTimeInterval(365 * 86_400)
        try f.writeTestRecord("future.json", recordedAt: future)
        try f.git.tag("v1.0.0", message: "1.0.0")
        let run = try f.gate("v1.0.0", policy: policy, ["--test-evidence", f.path("future.json")])
        expectVerdict(run, 1)
        expectCheck(run, "evidence.freshness", .failed, mentioning: "dated \(Timestamp.string(future)), in the future")

        // A clock a minute ahead is fine.
        try f.writeTestRecord("skewed.json", recordedAt: Date().addingTimeInterval(60))
        let skewed = try f.gate("v1.0.0", policy: policy, ["--test-evidence", f.path("skewed.json")])
        expectVerdict(skewed, 0)
    }

    @Test func testEvidenceRecordedAfterTheBuildFails() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let built = Date().addingTimeInterval(-3_600)
        try f.writeBuildRecord("build.json", commit: "v1.0.0", recordedAt: built)
        try f.recordTest()
        let run = try f.gate("v1.0.0", ["--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "evidence.freshness", .failed, mentioning: "after the build (\(Timestamp.string(built)))")
    }

    // MARK: repository.safety

    @Test func aShallowCloneFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--out", f.path("build.json")])
        let shallow = try cloneShallow(f)
        let run = try f.gate("v1.0.0", repository: shallow.path, ["--test-evidence", f.path("test.json"),
                                        "--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "repository.safety", .failed, mentioning: "shallow clone", "fetch the full history")
        // Nothing else is wrong with this release.
        #expect(run.report?.failedChecks.map(\.id) == ["repository.safety"])
    }

    /// When the history the gate must walk is cut off by the shallow clone, the gate cannot audit:
    /// exit 2, one line saying how to fetch it, nothing written.
    @Test func aShallowCloneWithoutTheHistoryToWalkCannotBeAudited() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        let tested = try f.id("HEAD")
        try f.git.commit("Bump", files: ["VERSION": "1.0.1\n"])
        try f.git.commit("Changelog", files: ["CHANGELOG.md": "## 1.0.1\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1", ["--out", f.path("build.json")])
        let shallow = try cloneShallow(f, alsoFetching: [tested])
        let run = try f.gate("v1.0.1", policy: "version-bump", repository: shallow.path,
                             ["--test-evidence", f.path("test.json"), "--build-evidence", f.path("build.json")])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("release-audit: error: "))
        #expect(run.stderr.contains("git fetch --unshallow"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: run.reportPath))
    }

    /// `git replace` makes the git CLI show the untested commit as the tested one; the gate audits
    /// the real objects, so the release still fails, and a replacement of the release commit
    /// itself FAILS repository.safety (a git CLI build would read the replacement).
    @Test func replaceRefsAreWarnedAndNeverHonoured() throws {
        let f = try GateFixture()
        try f.recordTest()
        let tested = try f.id("HEAD")
        try f.git.commit("Untested change", files: ["src/widget.swift": "let speed = 1000\n"])
        let released = try f.id("HEAD")
        let realTree = try f.git.revParse("HEAD^{tree}")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        try f.git.git("replace", released, tested)
        // The git CLI now honours the replacement: the released commit shows the tested tree.
        #expect(try f.git.revParse("\(released)^{tree}") == (try f.git.revParse("\(tested)^{tree}")))

        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "repository.safety", .failed, mentioning: "refs/replace/\(released)", "git CLI build reads the replacements")
        expectCheck(run, "source.match", .failed, mentioning: "is not the tested commit")
        #expect(run.report?.release.tree == realTree)
        #expect(run.check("source.match")?.paths?.map(\.path) == ["src/widget.swift"])
    }

    @Test func aFullCloneWithoutReplaceRefsPasses() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let run = try f.gate()
        expectCheck(run, "repository.safety", .passed, mentioning: "full history, no replacement refs")
    }

    /// `git clone --depth 1 file://...` of the fixture with its tags (and `commits`, each at depth 1),
    /// the origin URL then set to the project's.
    private func cloneShallow(_ f: GateFixture, alsoFetching commits: [String] = []) throws -> GitRepo {
        try f.git.git("clone", "-q", "--depth", "1", "--no-single-branch", "file://\(f.repo)", f.path("shallow"))
        let shallow = GitRepo(existing: f.root.appendingPathComponent("shallow"))
        try shallow.git(["fetch", "-q", "--depth", "1", "origin", "refs/tags/*:refs/tags/*"] + commits)
        try shallow.git("remote", "set-url", "origin", GateFixture.origin)
        #expect(try shallow.git("rev-parse", "--is-shallow-repository") == "true")
        return shallow
    }
}
