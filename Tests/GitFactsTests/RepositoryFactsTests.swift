import Foundation
import GitFacts
import TestSupport
import Testing

/// Opening repositories, and `facts()` against `git rev-parse`, `git remote` and `git replace`.
@Suite struct RepositoryFactsTests {
    @Test func openingASubdirectoryReportsTheRepositoryActuallyOpened() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["a/b/c.txt": "1\n"])
            let nested = try GitRepo.create(in: git.url.appendingPathComponent("a"), name: "inner")
            try nested.commit("inner", files: ["x/y.txt": "1\n"])
            for (start, owner) in [("a/b", git), ("a", git), ("a/inner/x", nested), (".git/objects", git)] {
                let startURL = git.url.appendingPathComponent(start)
                let repo = try Repository(at: startURL.path)
                let cli = GitRepo(existing: startURL)
                #expect(repo.gitDirectory == (try cli.git("rev-parse", "--absolute-git-dir")) + "/", "\(start)")
                #expect(repo.workDirectory == owner.path + "/", "\(start)")
                #expect(try repo.facts().gitDirectory == repo.gitDirectory)
                #expect(try repo.resolveCommit("HEAD").hex == owner.revParse("HEAD"), "\(start)")
            }
        }
    }

    @Test func linkedWorktreeIsItsOwnWorkTreeOnItsOwnBranch() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["f": "1\n"])
            let worktreeURL = dir.appendingPathComponent("linked")
            try git.git("worktree", "add", "-q", "-b", "side", worktreeURL.path)
            let linked = GitRepo(existing: worktreeURL)
            let second = try linked.commit("on side", files: ["g": "1\n"])
            try linked.write("untracked.txt", "u\n")

            let repo = try Repository(at: worktreeURL.path)
            #expect(repo.gitDirectory == (try linked.git("rev-parse", "--absolute-git-dir")) + "/")
            #expect(repo.workDirectory == worktreeURL.path + "/")
            let facts = try repo.facts()
            #expect(facts.currentBranch == (try linked.git("branch", "--show-current")))
            #expect(facts.currentBranch == "side")
            #expect(try repo.resolveCommit("HEAD").hex == second)
            #expect(try repo.status().untrackedPaths == ["untracked.txt"])
            // The main work tree is untouched and still on main.
            let main = try git.open()
            #expect(try main.facts().currentBranch == "main")
            #expect(try main.status().isClean)
            #expect(try main.resolveCommit("side").hex == second)
        }
    }

    @Test func notARepository() throws {
        try withTemporaryDirectory { dir in
            let plain = dir.appendingPathComponent("plain")
            try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
            #expect(try GitRepo(existing: plain).run(["rev-parse", "--git-dir"]).status != 0)
            #expect(throws: GitError.notARepository(path: plain.path)) { try Repository(at: plain.path) }
            let missing = dir.appendingPathComponent("does/not/exist").path
            #expect(throws: GitError.notARepository(path: missing)) { try Repository(at: missing) }
            let file = dir.appendingPathComponent("file.txt")
            try Data("x".utf8).write(to: file)
            #expect(throws: GitError.notARepository(path: file.path)) { try Repository(at: file.path) }
            let description = GitError.notARepository(path: plain.path).description
            #expect(!description.contains("\n") && description.contains(plain.path))
        }
    }

    /// libgit2 1.5 cannot read SHA-256 repositories: opening one must fail clearly, never give SHA-1 answers.
    @Test func sha256RepositoryIsRefused() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir, initArguments: ["--object-format=sha256"])
            try git.commit("c1", files: ["f": "1\n"])
            #expect(try git.git("rev-parse", "--show-object-format") == "sha256")
            let error = try #require(throws: GitError.self) { try git.open() }
            guard case .unsupportedObjectFormat(let path, _) = error else {
                Issue.record("expected unsupportedObjectFormat, got \(error)")
                return
            }
            #expect(path == git.path)
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("SHA-1"))
        }
    }

    @Test func shallowCloneIsReported() throws {
        try withTemporaryDirectory { dir in
            let origin = try GitRepo.create(in: dir, name: "origin")
            for i in 1...3 { try origin.commit("c\(i)", files: ["f": "\(i)\n"]) }
            let shallow = try origin.clone(into: "shallow", options: ["--depth", "1"])
            #expect(try shallow.git("rev-parse", "--is-shallow-repository") == "true")
            #expect(try shallow.open().facts().isShallow)
            #expect(try origin.open().facts().isShallow == false)
            #expect(try shallow.open().commit(shallow.id("HEAD")).parents.map(\.hex) == [try origin.revParse("HEAD~1")])
        }
    }

    @Test func remotesAreListedWithCredentialsRemoved() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1")
            let remotes: [(name: String, url: String, shown: String)] = [
                ("origin", "https://user:s3cret-token@example.com/org/x.git", "https://example.com/org/x.git"),
                ("token", "https://ghp_abc123@github.com/org/x", "https://github.com/org/x"),
                ("ssh", "ssh://git:hunter2@example.com:2222/x", "ssh://git@example.com:2222/x"),
                ("scp", "git@example.com:org/x.git", "git@example.com:org/x.git"),
                ("local", "/srv/git/x.git", "/srv/git/x.git"),
            ]
            for remote in remotes { try git.git("remote", "add", remote.name, remote.url) }
            #expect(try git.git("remote").split(separator: "\n").sorted() == remotes.map(\.name).sorted().map { Substring($0) })
            let facts = try git.open().facts()
            #expect(facts.remotes.map(\.name) == remotes.map(\.name).sorted())
            for remote in remotes {
                #expect(facts.remotes.first { $0.name == remote.name }?.url == remote.shown, "\(remote.name)")
                #expect(try git.git("remote", "get-url", remote.name) == remote.url)
            }
            #expect(!facts.remotes.contains { $0.url.contains("s3cret") || $0.url.contains("hunter2") || $0.url.contains("ghp_") })
        }
    }

    @Test func branchesAndDetachedHeadMatchGit() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1")
            try git.commit("c2")
            let repo = try git.open()
            for step in ["main", "feature/x", "detach", "tag"] {
                switch step {
                case "feature/x": try git.git("checkout", "-q", "-b", "feature/x")
                case "detach": try git.git("checkout", "-q", "--detach", "HEAD~1")
                case "tag":
                    try git.tag("v1", "main", message: "v1")
                    try git.git("checkout", "-q", "v1")
                default: break
                }
                let facts = try repo.facts()
                let shown = try git.git("branch", "--show-current")
                #expect(facts.currentBranch == (shown.isEmpty ? nil : shown), "\(step)")
                let detached = try git.run(["symbolic-ref", "-q", "HEAD"]).status != 0
                #expect(facts.isHeadDetached == detached, "\(step)")
                #expect(try repo.resolveCommit("HEAD").hex == git.revParse("HEAD"), "\(step)")
            }
        }
    }

    /// git honours refs/replace/* everywhere; libgit2 does not. The facts list the refs so an audit
    /// can refuse them, and every commit fact is the original object's, as `--no-replace-objects` shows.
    @Test func replaceRefsAreListedButNotHonoured() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let original = try git.commit("original", files: ["f": "original\n"])
            try git.git("checkout", "-q", "-b", "other", "HEAD")
            let replacement = try git.commit("replacement", files: ["f": "replaced\n"])
            try git.git("checkout", "-q", "main")
            try git.git("replace", original, replacement)
            let graftTarget = try git.commit("child", files: ["g": "1\n"])
            try git.git("replace", "--graft", graftTarget)  // now a root commit, for git

            #expect(try git.git("log", "-1", "--format=%s", original) == "replacement")
            #expect(try git.git("--no-replace-objects", "log", "-1", "--format=%s", original) == "original")

            let repo = try git.open()
            let facts = try repo.facts()
            let listed = try git.git("for-each-ref", "refs/replace", "--format=%(refname)").split(separator: "\n").map(String.init)
            #expect(facts.replaceRefs == listed.sorted())
            #expect(facts.replaceRefs.count == 2)

            let commit = try repo.commit(try ObjectID(hex: original))
            #expect(commit.summary == "original")
            #expect(commit.tree.hex == (try git.git("--no-replace-objects", "rev-parse", "\(original)^{tree}")))
            #expect(commit.tree.hex != (try git.git("rev-parse", "\(original)^{tree}")))
            let child = try repo.commit(try ObjectID(hex: graftTarget))
            #expect(child.parents.map(\.hex) == [original])
            #expect(try git.git("log", "-1", "--format=%P", graftTarget).isEmpty)
            #expect(try repo.isAncestor(ObjectID(hex: original), of: ObjectID(hex: graftTarget)))
            #expect(try git.run(["--no-replace-objects", "merge-base", "--is-ancestor", original, graftTarget]).status == 0)
            #expect(try git.run(["merge-base", "--is-ancestor", original, graftTarget]).status != 0)
        }
    }
}
