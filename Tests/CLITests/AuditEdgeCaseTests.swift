import Foundation
import TestSupport
import Testing

/// `release-audit audit` on the cases the fifteen-release fixture does not have: a release tag
/// naming a tree, a GA re-committed with the RC's tree, merges between RC and GA, a strict
/// policy (signed tags, rc.match same-commit) and release branches that do not exist here.
@Suite struct AuditEdgeCaseTests {
    @Test func treesMergesAndAStrictPolicy() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("one", files: ["a.txt": "1\n", "VERSION": "1.0.0\n"])
            try git.git("tag", "v1.0.0", "HEAD^{tree}")  // a release tag naming a tree

            try git.commit("two", files: ["a.txt": "2\n"])
            try git.tag("v1.1.0-rc1", message: "rc1")
            try git.commit("re-committed, same files")  // same tree as the RC
            try git.tag("v1.1.0", message: "1.1.0")

            let rc = try git.commit("three", files: ["a.txt": "3\n"])
            try git.tag("v1.2.0-rc.1", message: "rc.1")
            try git.git("checkout", "-q", "-b", "side")
            try git.commit("side work", files: ["side.txt": "s\n"])
            try git.git("checkout", "-q", "main")
            try git.commit("main work", files: ["main.txt": "m\n"])
            try git.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
            try git.commit("Release 1.2.0", files: ["VERSION": "1.2.0\n"])
            try git.tag("v1.2.0", message: "1.2.0")

            let policy = dir.appendingPathComponent("strict.yml")
            try Data("""
                version: 1
                source:
                  allowed_paths: [VERSION]
                  branches: [stable]
                tag:
                  signed: true
                rc:
                  match: same-commit

                """.utf8).write(to: policy)
            let reports = dir.appendingPathComponent("reports")
            try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
            let result = try AuditFixture.run(["audit", "--repo", git.path, "--policy", policy.path, "--reports", reports.path,
                                               "--format", "json"], in: dir)
            #expect(result.status == 1, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let releases = json["releases"] as? [[String: Any]] ?? []
            let byTag = Dictionary(uniqueKeysWithValues: releases.map { ($0["tag"] as? String ?? "", $0) })
            func kinds(_ tag: String) -> [String] {
                (byTag[tag]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            }
            #expect(kinds("v1.0.0") == ["lightweight-tag", "tag-not-commit", "missing-report"])
            #expect(byTag["v1.0.0"]?["commit"] is NSNull)
            #expect(kinds("v1.1.0") == ["unsigned-tag", "rc-mismatch", "not-on-release-branch", "missing-report"])
            #expect(byTag["v1.1.0"]?["relation"] as? String == "same-tree")
            #expect(byTag["v1.1.0"]?["commitsBetween"] as? Int == 1)
            #expect((byTag["v1.1.0"]?["changedPaths"] as? [Any])?.isEmpty == true)
            #expect(kinds("v1.2.0") == ["unsigned-tag", "rc-disallowed-paths", "rc-mismatch", "not-on-release-branch", "missing-report"])
            #expect(byTag["v1.2.0"]?["relation"] as? String == "descendant")
            // Through a merge: counted on the commit graph, as git counts.
            #expect(byTag["v1.2.0"]?["commitsBetween"] as? Int == Int(try git.git("rev-list", "--count", "\(rc)..v1.2.0")))
            #expect(byTag["v1.2.0"]?["commitsBetween"] as? Int == 4)
            let paths = (byTag["v1.2.0"]?["changedPaths"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? "")=\($0["allowedBy"] as? String ?? "-")" }
            #expect(paths == ["VERSION=VERSION", "main.txt=-", "side.txt=-"])
            let message = (byTag["v1.2.0"]?["findings"] as? [[String: Any]])?.first { $0["kind"] as? String == "not-on-release-branch" }?["message"] as? String
            #expect(message == "no branch matching stable exists here: fetch the branches")
            // Under this policy a lightweight tag fails the run; none at all leaves only notes.
            let noted = try AuditFixture.run(["audit", "--repo", git.path, "--policy", policy.path, "--reports", reports.path,
                                              "--fail-on", "none"], in: dir)
            #expect(noted.status == 0)
            #expect(noted.stdout.contains("summary: 3 release(s): 0 clean, 3 noted, 0 failed"))
        }
    }

    @Test func aShallowCloneIsRefusedNotAudited() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("one", files: ["a": "1\n"])
            try git.tag("v1.0.0-rc.1", message: "rc")
            try git.commit("two", files: ["a": "2\n"])
            try git.tag("v1.0.0", message: "ga")
            let shallow = dir.appendingPathComponent("shallow").path
            try git.git(["clone", "-q", "--depth", "1", "--no-single-branch", "file://" + git.path, shallow])
            try GitRepo(existing: URL(fileURLWithPath: shallow)).git("fetch", "-q", "--depth", "1", "origin", "tag", "v1.0.0")
            let result = try AuditFixture.run(["audit", "--repo", shallow, "--format", "json"], in: dir)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("this is a shallow clone: ancestry cannot be proven"))
        }
    }
}
