import Foundation
import GitFacts
import TestSupport
import Testing

/// A black-box review's finding, kept: a release tree with a blob `d` beside a tree `d` (git fsck's
/// `duplicateEntries`, which `git mktree` accepts) hid an added file from the RC -> GA comparison,
/// so the audit said clean and the gate PASSED while `git archive` shipped the hidden file.
@Suite struct DuplicateTreeEntryTests {
    /// An RC, and a GA whose tree changes VERSION and adds a blob `d` beside the tree `d`
    /// (or, with `blobTwice`, a second `code.txt` before the first).
    private func makeRepository(in dir: URL, blobTwice: Bool = false) throws -> GitRepo {
        let git = try GitRepo.create(in: dir.appendingPathComponent("r"))
        try git.commit("base", files: ["VERSION": "1\n", "d/x": "dd\n", "code.txt": "code\n"])
        try git.tag("v1.0.0-rc.1", message: "rc")
        let version = try git.hashObject(type: "blob", "2\n"), evil = try git.hashObject(type: "blob", "EVIL\n")
        let code = try git.revParse("HEAD:code.txt"), d = try git.revParse("HEAD:d")
        let lines = blobTwice
            ? "100644 blob \(version)\tVERSION\n100644 blob \(evil)\tcode.txt\n100644 blob \(code)\tcode.txt\n040000 tree \(d)\td\n"
            : "100644 blob \(version)\tVERSION\n100644 blob \(code)\tcode.txt\n100644 blob \(evil)\td\n040000 tree \(d)\td\n"
        let tree = try git.run(["mktree"], stdin: lines).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ga = try git.git("commit-tree", "-p", "HEAD", "-m", "ga", tree)
        try git.git("update-ref", "refs/heads/main", ga)
        try git.tag("v1.0.0", ga, message: "ga")
        try """
        version: 1
        source:
          allowed_paths: ["VERSION"]
        tag:
          pattern: "v{version}"
        rc:
          patterns: ["v{version}-rc.{n}"]
          match: allowed-diff

        """.write(to: dir.appendingPathComponent("policy.yml"), atomically: true, encoding: .utf8)
        return git
    }

    @Test(arguments: [false, true]) func theComparisonRefusesTheTree(blobTwice: Bool) throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir, blobTwice: blobTwice)
            let repo = try Repository(at: git.path)
            #expect(throws: GitError.self) {
                try repo.changedPaths(from: try ObjectID(hex: git.revParse("v1.0.0-rc.1^{commit}")), to: try ObjectID(hex: git.revParse("v1.0.0^{commit}")))
            }
        }
    }

    @Test(arguments: [false, true]) func theAuditCannotCallItClean(blobTwice: Bool) throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir, blobTwice: blobTwice)
            let run = try runProcess(releaseAuditBinary, ["audit", "--git-only", "--repo", git.path, "--policy", "policy.yml", "--format", "json"],
                                     currentDirectory: dir)
            #expect(run.status == 2, "\(run.stdout)")
            #expect(run.stderr.contains("duplicateEntries"), "\(run.stderr)")
        }
    }

    /// The gate's own comparison (tested commit -> release) is the same one: exit 2, not PASSED.
    @Test func theGateCannotPassIt() throws {
        let f = try GateFixture()
        try f.recordTest()
        let version = try f.git.hashObject(type: "blob", "1.0.1\n"), evil = try f.git.hashObject(type: "blob", "EVIL\n")
        let lines = "100644 blob \(try f.git.revParse("HEAD:README.md"))\tREADME.md\n100644 blob \(version)\tVERSION\n"
            + "100644 blob \(evil)\tsrc\n040000 tree \(try f.git.revParse("HEAD:src"))\tsrc\n"
        let tree = try f.git.run(["mktree"], stdin: lines).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let release = try f.git.git("commit-tree", "-p", "HEAD", "-m", "release", tree)
        try f.git.git("update-ref", "refs/heads/main", release)
        try f.git.tag("v1.0.1", release, message: "release")
        try f.recordBuild("v1.0.1", ["--no-worktree"])
        let policy = try f.policy("""
        version: 1
        source:
          match: allowed-diff
          allowed_paths: ["VERSION"]
        build:
          clean_worktree: false

        """)
        let run = try f.gate("v1.0.1", policy: policy)
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("duplicateEntries"), "\(run.stderr)")
    }
}
