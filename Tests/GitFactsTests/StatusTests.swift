import Foundation
import GitFacts
import TestSupport
import Testing

/// `status()` against `git status --porcelain --untracked-files=all`.
@Suite struct StatusTests {
    @Test func dirtyWorkTreeMatchesGitStatus() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("base", files: [
                ".gitignore": "*.log\nbuild/\n", "modified.txt": "1\n", "staged.txt": "1\n", "deleted.txt": "1\n",
                "unstaged-rm.txt": "1\n", "both.txt": "1\n", "moved.txt": "1\n", "kept.log": "tracked though ignored\n",
                "sp ace/ünï.txt": "1\n", "untrack-me.txt": "1\n", "mode.sh": "echo\n", "to-link": "1\n",
            ])
            try git.git("add", "-f", "kept.log")
            try git.commit("track an ignored file")
            let repo = try git.open()
            #expect(try repo.status().isClean)
            try expectStatus(repo, matches: git)

            try git.write("modified.txt", "2\n")
            try git.write("staged.txt", "2\n")
            try git.git("add", "staged.txt")
            try git.git("rm", "-q", "deleted.txt")
            try git.remove("unstaged-rm.txt")
            try git.write("both.txt", "2\n")
            try git.git("add", "both.txt")
            try git.write("both.txt", "3\n")
            try git.git("mv", "moved.txt", "renamed.txt")
            try git.write("kept.log", "changed\n")
            try git.write("sp ace/ünï.txt", "2\n")
            try git.git("rm", "-q", "--cached", "untrack-me.txt")
            try git.write("new-staged.txt", "new\n")
            try git.git("add", "new-staged.txt")
            try git.write("intent.txt", "added with -N\n")
            try git.git("add", "-N", "intent.txt")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: git.url.appendingPathComponent("mode.sh").path)
            try git.remove("to-link")
            try FileManager.default.createSymbolicLink(atPath: git.url.appendingPathComponent("to-link").path, withDestinationPath: "plain")
            try git.write("untracked/a/b/deep.txt", "u\n")
            try git.write("untracked/top.txt", "u\n")
            try git.write("loose.txt", "u\n")
            // Two names git keeps apart that Swift's String equality would merge (NFC and NFD).
            try git.write("caf\u{E9}.txt", "nfc\n")
            try git.write("cafe\u{301}.txt", "nfd\n")
            try git.write("debug.log", "ignored\n")
            try git.write("build/out.o", "ignored\n")
            try git.write("untracked/ignored.log", "ignored\n")
            try FileManager.default.createDirectory(at: git.url.appendingPathComponent("empty/dir"), withIntermediateDirectories: true)

            let status = try repo.status()
            try expectStatus(repo, matches: git)
            #expect(status.untrackedPaths.contains("untracked/a/b/deep.txt"))
            #expect(status.untrackedPaths.contains("untrack-me.txt"))
            #expect(!status.dirtyPaths.contains { $0.hasSuffix(".o") || $0 == "debug.log" || $0.hasPrefix("empty") })
            #expect(status.changedPaths.contains("kept.log"))
            // Staged for deletion and still on disk: both changed and untracked, as git lists it.
            #expect(status.changedPaths.contains("untrack-me.txt"))
            #expect(status.dirtyPaths.filter { $0 == "untrack-me.txt" }.count == 1)
            #expect(status.dirtyPaths.filter { $0.hasPrefix("caf") }.map { Array($0.utf8) }.count == 2)
            #expect(!status.isClean)
        }
    }

    @Test func nestedRepositoriesAndSubmodulesMatchGitStatus() throws {
        try withTemporaryDirectory { dir in
            let sub = try GitRepo.create(in: dir, name: "sub")
            try sub.commit("sub 1", files: ["s": "1\n", "t": "1\n"])
            let git = try GitRepo.create(in: dir, name: "super")
            try git.commit("super 1", files: ["f": "1\n"])
            try git.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + sub.path, "sub")
            try git.commit("add submodule")
            let repo = try git.open()
            try expectStatus(repo, matches: git)
            #expect(try repo.status().isClean)

            // An unrelated repository inside the work tree is one untracked entry, as git shows it.
            let nested = try GitRepo.create(in: git.url, name: "nested")
            try nested.commit("nested", files: ["n": "1\n"])
            try expectStatus(repo, matches: git)

            // Untracked, then modified, content inside the submodule; then a new submodule commit.
            let inner = GitRepo(existing: git.url.appendingPathComponent("sub"))
            try inner.write("untracked-inside", "u\n")
            try expectStatus(repo, matches: git)
            try inner.write("s", "changed\n")
            try expectStatus(repo, matches: git)
            try inner.commit("sub 2")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["sub"])
        }
    }

    /// Ways a repository can tell status to look away from a submodule. A release built from a
    /// submodule checked out at another commit than its gitlink is not a build of the commit, so
    /// GitFacts looks anyway, as `git status --ignore-submodules=none` does.
    enum SubmoduleHiding: String, CaseIterable, Sendable {
        case gitmodulesIgnoreAll, configIgnoreAll, diffIgnoreSubmodulesAll, gitmodulesIgnoreDirty, gitmodulesIgnoreUntracked

        func apply(to git: GitRepo) throws {
            switch self {
            case .gitmodulesIgnoreAll: try git.git("config", "-f", ".gitmodules", "submodule.sub.ignore", "all")
            case .configIgnoreAll: try git.git("config", "submodule.sub.ignore", "all")
            case .diffIgnoreSubmodulesAll: try git.git("config", "diff.ignoreSubmodules", "all")
            case .gitmodulesIgnoreDirty: try git.git("config", "-f", ".gitmodules", "submodule.sub.ignore", "dirty")
            case .gitmodulesIgnoreUntracked: try git.git("config", "-f", ".gitmodules", "submodule.sub.ignore", "untracked")
            }
            try git.commit("hide the submodule")
        }
    }

    @Test(arguments: SubmoduleHiding.allCases)
    func submodulesHiddenByIgnoreSettingsAreStillDirty(hiding: SubmoduleHiding) throws {
        try withTemporaryDirectory { dir in
            let (git, inner) = try superprojectWithSubmodule(in: dir)
            try hiding.apply(to: git)
            let repo = try git.open()
            #expect(try repo.status().isClean)
            try expectStatus(repo, matches: git)

            // Untracked content in the submodule, then modified content, then its HEAD moved.
            try inner.write("untracked-inside", "u\n")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["sub"], "untracked content")
            try inner.remove("untracked-inside")
            try inner.write("s", "changed\n")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["sub"], "modified content")
            try inner.git("checkout", "-q", "--", "s")
            #expect(try repo.status().isClean)
            try inner.git("checkout", "-q", "HEAD~1")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["sub"], "HEAD moved")
            #expect(try repo.status().dirtyPaths == ["sub"])
        }
    }

    /// `ignore = all` hides the moved submodule from plain `git status` (the attack), not from GitFacts.
    @Test func gitStatusItselfLooksAwayFromAnIgnoredSubmodule() throws {
        try withTemporaryDirectory { dir in
            let (git, inner) = try superprojectWithSubmodule(in: dir)
            try git.git("config", "submodule.sub.ignore", "all")
            try inner.git("checkout", "-q", "HEAD~1")
            #expect(try git.git("status", "--porcelain").isEmpty)
            #expect(try git.git("status", "--porcelain", "--ignore-submodules=none") == " M sub")
            #expect(try git.open().status().changedPaths == ["sub"])
        }
    }

    /// A gitlink staged without any `.gitmodules` entry (`git add` of an embedded repository) is a
    /// submodule too, and a config `ignore` under its path does not hide it either.
    @Test func aGitlinkWithoutGitmodulesIsCompared() throws {
        try withTemporaryDirectory { dir in
            let sub = try GitRepo.create(in: dir, name: "sub")
            try sub.commit("sub 1", files: ["s": "1\n"])
            try sub.commit("sub 2", files: ["s": "2\n"])
            let git = try GitRepo.create(in: dir, name: "super")
            try git.commit("super 1", files: ["f": "1\n"])
            try git.git("clone", "-q", "file://" + sub.path, git.url.appendingPathComponent("vendored").path)
            try git.git("add", "vendored")
            try git.commit("vendor a repository")
            #expect(try git.git("ls-files", "-s", "vendored").hasPrefix("160000 "))
            #expect(!FileManager.default.fileExists(atPath: git.url.appendingPathComponent(".gitmodules").path))
            try git.git("config", "submodule.vendored.ignore", "all")
            let repo = try git.open()
            #expect(try repo.status().isClean)

            let inner = GitRepo(existing: git.url.appendingPathComponent("vendored"))
            try inner.git("checkout", "-q", "HEAD~1")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["vendored"])
            try inner.git("checkout", "-q", "main")
            try inner.write("new", "u\n")
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["vendored"])
        }
    }

    /// A submodule that was never initialised (an empty directory) is not dirty, in git or here.
    @Test func anUninitialisedSubmoduleIsClean() throws {
        try withTemporaryDirectory { dir in
            let (git, _) = try superprojectWithSubmodule(in: dir)
            let clone = try git.clone(into: "clone", options: [])
            #expect(try clone.git("submodule", "status").hasPrefix("-"), "not initialised")
            try expectStatus(try clone.open(), matches: clone)
            #expect(try clone.open().status().isClean)
        }
    }

    /// A superproject `super` with a submodule `sub` (two commits, the newer checked out), committed.
    private func superprojectWithSubmodule(in dir: URL) throws -> (git: GitRepo, inner: GitRepo) {
        let sub = try GitRepo.create(in: dir, name: "sub")
        try sub.commit("sub 1", files: ["s": "1\n", "t": "1\n"])
        try sub.commit("sub 2", files: ["s": "2\n"])
        let git = try GitRepo.create(in: dir, name: "super")
        try git.commit("super 1", files: ["f": "1\n"])
        try git.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + sub.path, "sub")
        try git.commit("add submodule")
        return (git, GitRepo(existing: git.url.appendingPathComponent("sub")))
    }

    @Test func mergeConflictIsDirty() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("base", files: ["f": "base\n", "other": "1\n"])
            try git.git("checkout", "-q", "-b", "topic")
            try git.commit("topic", files: ["f": "topic\n"])
            try git.git("checkout", "-q", "main")
            try git.commit("main", files: ["f": "main\n", "other": "2\n"])
            #expect(try git.run(["merge", "-q", "topic"]).status != 0)
            #expect(try git.git("status", "--porcelain").hasPrefix("UU f"))
            let repo = try git.open()
            try expectStatus(repo, matches: git)
            #expect(try repo.status().changedPaths == ["f"])
        }
    }

    /// `git update-index --assume-unchanged` / `--skip-worktree` make git status look away from a
    /// file, which would hide a local change from the audit. GitFacts still compares those files
    /// (libgit2 alone hid modified ones but listed deleted ones), and never writes the index.
    @Test func changesHiddenByIndexFlagsStillMakeTheTreeDirty() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["assumed": "1\n", "assumed-same": "1\n", "skipped": "1\n",
                                         "skipped-same": "1\n", "skipped-gone": "1\n", "plain": "1\n"])
            try git.git("update-index", "--assume-unchanged", "assumed", "assumed-same")
            try git.git("update-index", "--skip-worktree", "skipped", "skipped-same", "skipped-gone")
            try git.write("assumed", "changed\n")
            try git.write("skipped", "changed\n")
            try git.remove("skipped-gone")
            let flags = try git.git("ls-files", "-v")
            #expect(flags == "h assumed\nh assumed-same\nH plain\nS skipped\nS skipped-gone\nS skipped-same")
            #expect(try git.git("status", "--porcelain").isEmpty, "git looks away")
            #expect(try git.git("hash-object", "assumed") != (try git.git("rev-parse", ":assumed")), "yet the file differs")

            let indexFile = git.url.appendingPathComponent(".git/index")
            let indexBefore = try Data(contentsOf: indexFile)
            let repo = try git.open()
            let status = try repo.status()
            #expect(status.changedPaths == ["assumed", "skipped", "skipped-gone"])
            #expect(status.untrackedPaths.isEmpty)
            #expect(try repo.status() == status, "a second call gives the same answer")
            #expect(try Data(contentsOf: indexFile) == indexBefore, "the index on disk is untouched")
            #expect(try git.git("ls-files", "-v") == flags)

            // A sparse checkout lacks files of the commit: dirty for the audit, clean for git.
            let sparse = try GitRepo.create(in: dir, name: "sparse")
            try sparse.commit("c1", files: ["a/f": "1\n", "b/g": "2\n"])
            try sparse.git("sparse-checkout", "set", "a")
            #expect(try sparse.git("status", "--porcelain").isEmpty)
            #expect(try sparse.open().status().changedPaths == ["b/g"])
        }
    }

    @Test func bareRepositoryHasNoWorkTree() throws {
        try withTemporaryDirectory { dir in
            let origin = try GitRepo.create(in: dir)
            try origin.commit("c1", files: ["f": "1\n"])
            let bare = try origin.clone(into: "bare.git", options: ["--bare"])
            let repo = try bare.open()
            let status = try repo.status()
            #expect(!status.hasWorkTree && status.isClean)
            #expect(try bare.git("rev-parse", "--is-bare-repository") == "true")
            let facts = try repo.facts()
            #expect(facts.isBare && facts.workDirectory == nil)
            #expect(repo.workDirectory == nil)
            #expect(facts.gitDirectory == bare.path + "/")
            #expect(try repo.resolveCommit("HEAD").hex == origin.revParse("HEAD"))
        }
    }

    /// Compares with `git status --porcelain -z --no-renames --untracked-files=all --ignore-submodules=none`:
    /// `??` entries are untracked, every other entry is changed, ignored files are not listed, and no
    /// submodule setting hides a submodule.
    private func expectStatus(_ repo: Repository, matches git: GitRepo, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let entries = try git.nulSeparated("status", "--porcelain", "-z", "--no-renames", "--untracked-files=all",
                                           "--ignore-submodules=none")
        let untracked = entries.filter { $0.hasPrefix("?? ") }.map { String($0.dropFirst(3)) }.sorted()
        let changed = entries.filter { !$0.hasPrefix("?? ") }.map { String($0.dropFirst(3)) }.sorted()
        let status = try repo.status()
        #expect(status.hasWorkTree, sourceLocation: sourceLocation)
        #expect(status.changedPaths == changed, "changed", sourceLocation: sourceLocation)
        #expect(status.untrackedPaths == untracked, "untracked", sourceLocation: sourceLocation)
        #expect(status.isClean == entries.isEmpty, sourceLocation: sourceLocation)
    }
}
