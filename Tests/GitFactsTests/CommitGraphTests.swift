import Foundation
import GitFacts
import TestSupport
import Testing

/// `CommitGraph`, the audit's one-walk history, against the full walks of `Repository` and against git.
@Suite struct CommitGraphTests {
    /// Branches, merges (one an octopus), a criss-cross, an unrelated root, and commit dates that go
    /// backwards: the cases where walks that stop by date miscount.
    private func makeTangledHistory(in dir: URL) throws -> (GitRepo, [String]) {
        let git = try GitRepo.create(in: dir)
        var ids: [String] = []
        func commit(_ name: String, date: Int? = nil) throws { ids.append(try git.commit(name, files: [name: name + "\n"], date: date)) }
        try commit("base")
        try commit("main-1")
        try git.git("checkout", "-q", "-b", "side", "HEAD~1")
        try commit("side-1", date: GitRepo.startDate - 86_400 * 30)  // a month before the base
        try commit("side-2", date: GitRepo.startDate - 86_400 * 29)
        try git.git("checkout", "-q", "-b", "third", "main")
        try commit("third-1")
        try git.git("checkout", "-q", "main")
        try git.git("merge", "-q", "--no-ff", "-m", "octopus", "side", "third")
        ids.append(try git.revParse("HEAD"))
        try commit("main-2")
        // A criss-cross: a and b each merge the other's parent.
        try git.git("checkout", "-q", "-b", "a", "main")
        try commit("a-1")
        try git.git("checkout", "-q", "-b", "b", "main")
        try commit("b-1", date: GitRepo.startDate - 86_400 * 365)
        try git.git("merge", "-q", "--no-ff", "-m", "b merges a", "a~0")
        ids.append(try git.revParse("HEAD"))
        try git.git("checkout", "-q", "a")
        try git.git("merge", "-q", "--no-ff", "-m", "a merges b-1", "b~1")
        ids.append(try git.revParse("HEAD"))
        try commit("a-2")
        // An unrelated root.
        try git.git("checkout", "-q", "--orphan", "island")
        try git.git("rm", "-q", "-rf", ".")
        try commit("island-1")
        try commit("island-2")
        return (git, ids)
    }

    @Test func aheadBehindAndAncestryAgreeWithFullWalksForEveryPair() throws {
        try withTemporaryDirectory { dir in
            let (git, ids) = try makeTangledHistory(in: dir)
            let repo = try git.open()
            let objects = try ids.map { try ObjectID(hex: $0) }
            let graph = try repo.commitGraph(reachableFrom: [objects.last!, try git.id("a"), try git.id("b"), try git.id("side")])
            #expect(graph.count == Int(try git.git("rev-list", "--count", "--all")))
            for from in objects {
                for to in objects {
                    let exact = try repo.aheadBehind(from: from, to: to)
                    let fast = try #require(graph.aheadBehind(from: from, to: to))
                    #expect(fast.ahead == exact.ahead && fast.behind == exact.behind, "\(from.short)..\(to.short)")
                    // And as git counts them.
                    let counted = try git.git("rev-list", "--count", "\(from.hex)..\(to.hex)")
                    #expect(String(fast.ahead) == counted, "\(from.short)..\(to.short)")
                    #expect(graph.isAncestor(from, of: to) == (try repo.isAncestor(from, of: to)))
                }
            }
            // Commits it did not load are not answered for.
            let loose = try ObjectID(hex: try git.hashObject(type: "blob", "x"))
            #expect(graph.aheadBehind(from: loose, to: objects[0]) == nil)
            #expect(!graph.contains(loose))
        }
    }

    @Test func mergeBaseAgreesWithGitForEveryPair() throws {
        try withTemporaryDirectory { dir in
            let (git, ids) = try makeTangledHistory(in: dir)
            let repo = try git.open()
            let objects = try ids.map { try ObjectID(hex: $0) }
            let graph = try repo.commitGraph(reachableFrom: [objects.last!, try git.id("a"), try git.id("b"), try git.id("side")])
            var several = 0
            for from in objects {
                for to in objects {
                    let all = try git.run(["merge-base", "--all", from.hex, to.hex]).stdout
                        .split(separator: "\n").map(String.init)
                    switch graph.mergeBase(from, to) {
                    case .unique(let id): #expect(all == [id.hex], "\(from.short) \(to.short)")
                    case .none: #expect(all.isEmpty, "\(from.short) \(to.short)")
                    case .several: #expect(all.count > 1, "\(from.short) \(to.short)"); several += 1
                    case .unknown: Issue.record("not loaded")
                    }
                }
            }
            #expect(several > 0)  // the criss-cross
        }
    }

    @Test func reachabilityNamesTheFirstTipThatReachesEachCommit() throws {
        try withTemporaryDirectory { dir in
            let (git, ids) = try makeTangledHistory(in: dir)
            let repo = try git.open()
            let tipNames = ["third", "a", "island"]
            let tips = try tipNames.map { try git.id($0) }
            let graph = try repo.commitGraph(reachableFrom: try ids.map { try ObjectID(hex: $0) } + tips)
            let reach = graph.reachability(fromTips: tips)
            for id in ids {
                var expected: Int?
                for (i, tip) in tipNames.enumerated() where expected == nil {
                    if try git.run(["merge-base", "--is-ancestor", id, tip]).status == 0 { expected = i }
                }
                #expect(reach.firstTip(reaching: try ObjectID(hex: id)) == expected, "\(id)")
            }
        }
    }

    @Test func loadsFromALinkedWorktreeABareCloneAndThroughAlternates() throws {
        try withTemporaryDirectory { dir in
            let (git, _) = try makeTangledHistory(in: dir)
            let count = Int(try git.git("rev-list", "--count", "--all"))
            let tips = try ["main", "a", "b", "side", "island"].map { try git.id($0) }
            let worktree = dir.appendingPathComponent("linked").path
            try git.git("worktree", "add", "-q", worktree, "third")
            let bare = try git.clone(into: "bare.git", options: ["--bare"])
            let borrowing = try git.clone(into: "borrowing", options: ["--shared"])  // objects through alternates
            for path in [worktree, bare.path, borrowing.path] {
                let graph = try Repository(at: path).commitGraph(reachableFrom: tips)
                #expect(graph.count == count, "\(path)")
            }
        }
    }

    @Test func aMissingCommitIsAnErrorNotAShorterHistory() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("one", files: ["a": "1\n"])
            try git.commit("two", files: ["a": "2\n"])
            let shallow = try git.clone(into: "shallow", options: ["--depth", "1"])
            // Ignore the shallow file, as libgit2 1.5 does for walks: the parent is simply missing.
            let repo = try shallow.open()
            #expect(throws: GitError.self) { try repo.commitGraph(reachableFrom: [try shallow.id("HEAD")]) }
        }
    }
}
