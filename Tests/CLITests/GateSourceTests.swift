import AuditCore
import Foundation
import TestSupport
import Testing

/// The gate end to end on what was built: `source.match` (the release commit against the tested
/// commit, under each policy mode) and `build.source` (the build evidence names the release commit).
@Suite struct GateSourceTests {
    // MARK: source.match, exact-commit

    @Test func exactCommitPassesForTheTestedCommit() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let run = try f.gate()
        expectVerdict(run, 0)
        expectCheck(run, "source.match", .passed, mentioning: "exactly the tested commit")
        #expect(run.check("source.match")?.facts?["relation"] == "same-commit")
    }

    @Test func exactCommitFailsForALaterCommitAndListsTheChangedPaths() throws {
        let f = try GateFixture()
        try f.recordTest()
        let tested = try f.id("HEAD")
        try f.git.commit("Speed up", files: ["src/widget.swift": "let speed = 2\n", "VERSION": "1.0.1\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let run = try f.gate("v1.0.1")
        expectVerdict(run, 1)
        expectCheck(run, "source.match", .failed, mentioning: "is not the tested commit \(tested.prefix(7))",
                    "1 commit(s) after", "2 path(s) differ")
        let paths = run.check("source.match")?.paths ?? []
        #expect(paths.map(\.path) == ["VERSION", "src/widget.swift"])
        #expect(paths.allSatisfy { $0.allowedBy == nil && $0.kind == "modified" })
        #expect(run.stdout.contains("not allowed: src/widget.swift (modified)"))
        #expect(run.report?.tested?.commit == tested)
    }

    /// A tested commit whose object is corrupt is an error (exit 2), not "not in this repository".
    @Test func aCorruptTestedCommitCannotBeAudited() throws {
        let f = try GateFixture()
        try f.recordTest()
        let tested = try f.id("HEAD")
        try f.git.commit("Speed up", files: ["VERSION": "1.0.1\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let object = URL(fileURLWithPath: f.repo).appendingPathComponent(".git/objects/\(tested.prefix(2))/\(tested.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object.path)
        try Data("not a zlib stream".utf8).write(to: object)
        let run = try f.gate("v1.0.1")
        #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains(String(tested.prefix(7))), "\(run.stderr)")
        #expect(!run.stderr.contains("not in this repository"))
    }

    // MARK: source.match, same-tree

    /// `git commit --amend -m other`: a new commit, not a descendant, with the tested tree.
    @Test func sameTreePassesForARecommittedIdenticalTree() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        let tested = try f.id("HEAD")
        try f.git.git("commit", "-q", "--amend", "-m", "Add the widget (re-signed)")
        let amended = try f.id("HEAD")
        #expect(amended != tested)
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let evidence = ["--test-evidence", f.path("test.json")]

        let sameTree = try f.gate("v1.0.0", policy: "same-tree", evidence)
        expectVerdict(sameTree, 0)
        expectCheck(sameTree, "source.match", .passed, mentioning: "has the tested tree")
        #expect(sameTree.check("source.match")?.facts?["relation"] == "same-tree")

        let exact = try f.gate("v1.0.0", policy: "exact-commit", evidence)
        expectVerdict(exact, 1)
        expectCheck(exact, "source.match", .failed, mentioning: "different commits with the same tree")
    }

    /// `git commit-tree`: a child of the tested commit with the same tree; the gate finds the test
    /// evidence in the notes of the parent.
    @Test func sameTreePassesForACommitTreeChildFoundThroughTheNotes() throws {
        let f = try GateFixture()
        try f.recordTest()
        let child = try f.git.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "Release 1.0.0")
        try f.git.git("update-ref", "refs/heads/main", child)
        try f.git.tag("v1.0.0", child, message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: "same-tree")
        expectVerdict(run, 0)
        expectCheck(run, "source.match", .passed, mentioning: "has the tested tree")
        #expect(run.report?.tested?.commit == (try f.id("HEAD~1")))
    }

    @Test func sameTreeFailsWhenAFileDiffers() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.commit("Bump", files: ["VERSION": "1.0.1\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let run = try f.gate("v1.0.1", policy: "same-tree")
        expectVerdict(run, 1)
        expectCheck(run, "source.match", .failed, mentioning: "the release tree differs from the tested tree")
        #expect(run.check("source.match")?.paths?.map(\.path) == ["VERSION"])
    }

    // MARK: source.match, allowed-diff

    @Test func versionBumpPassesWhenOnlyAllowedPathsChange() throws {
        let f = try GateFixture()
        try f.git.commit("Changelog", files: ["CHANGELOG.md": "## 1.0.0\n"])
        try f.recordTest()
        try f.git.commit("Release 1.0.1", files: ["VERSION": "1.0.1\n", "CHANGELOG.md": "## 1.0.1\n## 1.0.0\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let run = try f.gate("v1.0.1", policy: "version-bump")
        expectVerdict(run, 0)
        expectCheck(run, "source.match", .passed, mentioning: "1 commit(s) after", "all 2 changed path(s) are allowed")
        let allowed = Dictionary(uniqueKeysWithValues: (run.check("source.match")?.paths ?? []).map { ($0.path, $0.allowedBy) })
        #expect(allowed == ["CHANGELOG.md": "CHANGELOG.md", "VERSION": "VERSION"])
    }

    @Test func versionBumpFailsForACodeChangeAndNamesThePath() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.commit("Release 1.0.1", files: ["VERSION": "1.0.1\n", "src/widget.swift": "let speed = 3\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let run = try f.gate("v1.0.1", policy: "version-bump")
        expectVerdict(run, 1)
        expectCheck(run, "source.match", .failed, mentioning: "1 changed path(s) not allowed by the policy: src/widget.swift")
        let paths = run.check("source.match")?.paths ?? []
        #expect(paths.first { $0.path == "VERSION" }?.allowedBy == "VERSION")
        #expect(paths.first { $0.path == "src/widget.swift" }.map { $0.allowedBy == nil } == true)
        #expect(run.stdout.contains("not allowed: src/widget.swift (modified)"))
        #expect(!run.stdout.contains("not allowed: VERSION"))
    }

    /// The release commit is on a side branch: only VERSION differs, but it is not a descendant.
    @Test func versionBumpFailsForACommitThatDoesNotDescendFromTheTestedOne() throws {
        let f = try GateFixture()
        try f.git.commit("Docs", files: ["README.md": "# widget\nfast\n"])
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        try f.git.git("checkout", "-q", "-b", "release", "HEAD~1")
        try f.git.commit("Release 1.0.1", files: ["VERSION": "1.0.1\n", "README.md": "# widget\nfast\n"])
        try f.git.tag("v1.0.1", message: "1.0.1")
        try f.recordBuild("v1.0.1")
        let run = try f.gate("v1.0.1", policy: "version-bump", ["--test-evidence", f.path("test.json")])
        expectVerdict(run, 1)
        expectCheck(run, "source.match", .failed, mentioning: "does not descend from the tested commit", "diverged")
        #expect(run.check("source.match")?.facts?["relation"] == "diverged")
    }

    /// The test evidence names a commit this clone does not have.
    @Test func aTestedCommitMissingFromTheRepositoryFails() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let unknown = try f.testEvidenceFromAClone("test.json")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: "version-bump", ["--test-evidence", f.path("test.json")])
        expectVerdict(run, 1)
        expectCheck(run, "source.match", .failed, mentioning: "\(unknown) is not in this repository", "git fetch origin \(unknown)")
    }

    /// Signed evidence whose commit and tree do not belong together is forged or corrupt.
    @Test func evidenceRecordingAnotherTreeForTheCommitFails() throws {
        let f = try GateFixture()
        try f.git.commit("Next", files: ["src/widget.swift": "let speed = 2\n"])
        try f.writeTestRecord("test.json", commit: "HEAD", tree: "HEAD~1", recordedAt: Date().addingTimeInterval(-60))
        try f.writeBuildRecord("build.json", commit: "HEAD", tree: "HEAD~1", recordedAt: Date())
        try f.git.tag("v1.0.1", message: "1.0.1")
        let run = try f.gate("v1.0.1", ["--test-evidence", f.path("test.json"), "--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        let tree = try f.git.revParse("HEAD~1^{tree}")
        expectCheck(run, "source.match", .failed, mentioning: "records tree \(tree.prefix(7))", "forged or corrupt")
        expectCheck(run, "build.source", .failed, mentioning: "records tree \(tree.prefix(7))", "forged or corrupt")
    }

    // MARK: build.source

    @Test func buildEvidenceForAnotherCommitFails() throws {
        let f = try GateFixture()
        try f.recordTest()
        let built = try f.id("HEAD")
        try f.recordBuild("HEAD", ["--out", f.path("build.json")])
        try f.git.commit("Re-committed, same tree")
        try f.git.tag("v1.0.0", message: "1.0.0")
        let run = try f.gate("v1.0.0", policy: "same-tree", ["--build-evidence", f.path("build.json")])
        expectCheck(run, "source.match", .passed)
        expectVerdict(run, 1)
        expectCheck(run, "build.source", .failed, mentioning: "built from \(built.prefix(7))",
                    "the release names \(try f.id("HEAD").prefix(7))")
        #expect(run.check("build.source")?.facts?["built"] == built)
    }

    @Test func missingBuildEvidenceFailsWhenRequiredAndIsSkippedOtherwise() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let required = try f.gate()
        expectVerdict(required, 1)
        expectCheck(required, "build.source", .failed, mentioning: "no trusted build evidence", "record build")

        let optional = try f.policy("version: 1\nbuild:\n  required: false\n")
        let run = try f.gate("v1.0.0", policy: optional)
        expectVerdict(run, 0)
        expectCheck(run, "build.source", .skipped, mentioning: "not required by the policy")
    }

    @Test func buildEvidenceWithArtifactsNamesThemInTheReport() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let digest = String(repeating: "ab", count: 32)
        try f.recordBuild("v1.0.0", ["--artifact", "widget.tar.gz@sha256:\(digest)"])
        let run = try f.gate()
        expectVerdict(run, 0)
        expectCheck(run, "build.source", .passed, mentioning: "1 artifact(s)")
        #expect(run.report?.artifacts == [Artifact(name: "widget.tar.gz", sha256: digest)])
    }
}
