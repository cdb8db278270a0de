import Foundation
import GitFacts
import TestSupport
import Testing

/// The shortcuts GitFacts takes for speed (no commit-graph file, counting along single-parent
/// chains, object headers instead of whole objects) give the answers of the long way round.
@Suite struct ReadShortcutTests {
    /// With a commit-graph file written by git, which GitFacts ignores, every answer about ancestry
    /// is still the one the parents themselves give, for every pair of commits: along single-parent
    /// chains (counted without a full walk), across merges, and between branches that diverged.
    @Test func answersWithACommitGraphFileAreTheParentsOwn() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            for i in 1...3 { try git.commit("c\(i)", files: ["f": "\(i)\n"]) }
            try git.git("checkout", "-q", "-b", "side", "HEAD~1")
            for i in 1...2 { try git.commit("s\(i)", files: ["s": "\(i)\n"]) }
            try git.git("checkout", "-q", "main")
            try git.commit("c4", files: ["f": "4\n"])
            try git.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
            try git.commit("c5", files: ["f": "5\n"])
            try git.git("checkout", "-q", "-b", "release", "main~3")
            try git.commit("bump", files: ["VERSION": "1.0.0\n"])
            try git.git("checkout", "-q", "main")
            try git.git("commit-graph", "write", "--reachable")
            #expect(FileManager.default.fileExists(atPath: git.url.appendingPathComponent(".git/objects/info/commit-graph").path))

            let repo = try git.open()
            let graph = try CommitGraph(git)
            let commits = try git.git("rev-list", "--all").split(separator: "\n").map(String.init)
            #expect(commits.count == 9)
            for a in commits {
                for b in commits {
                    let idA = try ObjectID(hex: a), idB = try ObjectID(hex: b)
                    let setA = graph.ancestors(a), setB = graph.ancestors(b)
                    #expect(try repo.isAncestor(idA, of: idB) == setB.contains(a))
                    let (ahead, behind) = try repo.aheadBehind(from: idA, to: idB)
                    #expect(ahead == setB.subtracting(setA).count, "\(a)..\(b)")
                    #expect(behind == setA.subtracting(setB).count, "\(b)..\(a)")
                    let base = try #require(try repo.mergeBase(idA, idB))
                    let common = setA.intersection(setB)
                    #expect(common.contains(base.hex))
                    #expect(!common.contains { $0 != base.hex && graph.ancestors($0).contains(base.hex) })
                }
            }
        }
    }

    /// Changed paths skip equal subtrees: across a nested tree with files, executables, symlinks
    /// and directories that become files and back, every pair of commits gives what
    /// `git diff-tree -r --no-renames` gives.
    @Test func changedPathsOfNestedTreesMatchDiffTreeForEveryPair() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            var commits = [try git.commit("c0", files: ["a/b/c/deep.txt": "0\n", "a/b/side.txt": "0\n", "a/top.txt": "0\n",
                                                          "z/one.txt": "0\n", "z/two.txt": "0\n", "README": "0\n"])]
            commits.append(try git.commit("deep edit", files: ["a/b/c/deep.txt": "1\n"]))
            try git.git("update-index", "--chmod=+x", "z/one.txt")
            commits.append(try git.commit("mode only"))
            try git.remove("z/two.txt")
            try git.git("rm", "-rq", "a/b/c")
            try git.write("a/b/c", "a file where a directory was\n")
            try git.git("add", "-A")
            commits.append(try git.commit("directory becomes a file"))
            try git.remove("a/b/c")
            try FileManager.default.createSymbolicLink(atPath: git.url.appendingPathComponent("README").path + ".link", withDestinationPath: "README")
            commits.append(try git.commit("file becomes a directory again, and a symlink", files: ["a/b/c/new.txt": "2\n", "new/dir/x": "x\n"]))
            let repo = try git.open()
            for a in commits {
                for b in commits {
                    let ours = try repo.changedPaths(from: ObjectID(hex: a), to: ObjectID(hex: b)).map { change -> String in
                        let letter = [ChangeKind.added: "A", .deleted: "D", .typeChanged: "T"][change.kind] ?? "M"
                        return "\(letter)\t\(change.path)"
                    }
                    let theirs = try git.git("diff-tree", "-r", "--no-renames", "--name-status", a, b)
                        .split(separator: "\n").map(String.init).sorted { $0.dropFirst(2) < $1.dropFirst(2) }
                    #expect(ours == theirs, "\(a.prefix(7))..\(b.prefix(7))")
                }
            }
        }
    }

    /// Remotes are read from the configuration as `git_remote_list` reads them: a `url` or a
    /// `pushurl` makes a remote (names may hold dots); a section with neither is none.
    @Test func remotesAreTheSectionsWithAURLOrAPushURL() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.git("remote", "add", "origin", "https://github.com/example/widget")
            try git.git("config", "remote.team.mirror.url", "https://example.com/mirror.git")
            try git.git("config", "remote.push-only.pushurl", "ssh://git@example.com/widget.git")
            try git.git("config", "remote.fetch-only.fetch", "+refs/heads/*:refs/remotes/fetch-only/*")
            try git.git("config", "remote.url", "not a remote: no name")
            let facts = try git.open().facts()
            #expect(facts.remotes.map(\.name) == ["origin", "push-only", "team.mirror"])
            #expect(facts.remotes.map(\.url) == ["https://github.com/example/widget", "", "https://example.com/mirror.git"])
        }
    }

    /// A tag object that names a blob but says `type commit` is read by what its target really is.
    @Test func aTagObjectThatMisstatesItsTargetsTypeIsReadByTheTargetsOwnHeader() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["f": "1\n"])
            let blob = try git.hashObject(type: "blob", "not a commit\n")
            let tagger = "\(GitRepo.userName) <\(GitRepo.userEmail)> \(GitRepo.startDate) +0000"
            let object = try git.hashObject(type: "tag", "object \(blob)\ntype commit\ntag liar\ntagger \(tagger)\n\nclaims a commit\n",
                                            literally: true)
            try git.git("update-ref", "refs/tags/liar", object)
            // (git itself refuses to peel it.)
            #expect(try git.git("cat-file", "-t", blob) == "blob")

            let tag = try #require(try git.open().tag(named: "liar"))
            #expect(tag.isAnnotated && tag.chainLength == 1)
            #expect(tag.targetType == .blob && tag.targetID.hex == blob)
            #expect(tag.commit == nil)
        }
    }
}
