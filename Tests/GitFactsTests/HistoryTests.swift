import Foundation
import GitFacts
import TestSupport
import Testing

/// Commits, parents and reachability, each compared with what `git` prints for the same repository.
@Suite struct HistoryTests {
    @Test func linearHistoryCommitFactsMatchGitLog() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            var ids: [String] = []
            for i in 1...4 {
                ids.append(try git.commit("change \(i)\n\nbody of \(i)\n", files: ["file.txt": "v\(i)\n"]))
            }
            let repo = try git.open()
            for id in ids {
                let commit = try repo.commit(try ObjectID(hex: id))
                let fields = try git.git("log", "-1", "--format=%H%n%T%n%P%n%an%n%ae%n%at%n%cn%n%ce%n%ct%n%s", id)
                    .components(separatedBy: "\n")
                #expect(fields.count == 10)
                #expect(commit.id.hex == fields[0])
                #expect(commit.tree.hex == fields[1])
                #expect(commit.parents.map(\.hex).joined(separator: " ") == fields[2])
                #expect(commit.author.name == fields[3])
                #expect(commit.author.email == fields[4])
                #expect(String(commit.author.time) == fields[5])
                #expect(commit.committer.name == fields[6])
                #expect(commit.committer.email == fields[7])
                #expect(String(commit.committer.time) == fields[8])
                #expect(commit.summary == fields[9])
                #expect(commit.message == (try rawMessage(git, id)))
                #expect(!commit.isSigned)
            }
            #expect(try repo.resolveCommit("HEAD").hex == ids[3])
            #expect(try repo.commit(try ObjectID(hex: ids[0])).parents.isEmpty)
        }
    }

    @Test func summaryJoinsTheFirstParagraphAndOffsetsAreKept() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.write("a", "a\n")
            try git.git("add", "a")
            var env = git.environment()
            env["GIT_AUTHOR_DATE"] = "@1700000000 +0530"
            env["GIT_COMMITTER_DATE"] = "@1700000100 -0800"
            let result = try runProcess("git", ["commit", "-q", "-m", "first line\nsecond line\n\nbody"],
                                        environment: env, currentDirectory: git.url)
            #expect(result.status == 0)
            let commit = try git.open().commit(try git.id("HEAD"))
            #expect(commit.summary == (try git.git("log", "-1", "--format=%s")))
            #expect(commit.summary == "first line second line")
            #expect(commit.author.offsetMinutes == 330)
            #expect(commit.committer.offsetMinutes == -480)
            #expect(commit.author.time == 1_700_000_000)
            #expect(commit.committer.time == 1_700_000_100)
        }
    }

    @Test func mergesAgreeWithRevListAndMergeBase() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["a": "1\n"])
            try git.commit("c2", files: ["a": "2\n"])
            try git.git("checkout", "-q", "-b", "feature")
            try git.commit("f1", files: ["f": "1\n"])
            try git.commit("f2", files: ["f": "2\n"])
            try git.git("checkout", "-q", "main")
            try git.commit("c3", files: ["a": "3\n"])
            try git.git("checkout", "-q", "-b", "other")
            try git.commit("o1", files: ["o": "1\n"])
            try git.git("checkout", "-q", "main")
            try git.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
            try git.commit("c4", files: ["a": "4\n"])
            try git.git("checkout", "-q", "--orphan", "unrelated")
            try git.commit("u1", files: ["u": "1\n"])

            let repo = try git.open()
            let merge = try git.id("main~1")
            #expect(try repo.commit(merge).parents == [git.id("main~2"), git.id("feature")])
            #expect(try repo.commit(merge).parents.map(\.hex).joined(separator: " ") == git.git("log", "-1", "--format=%P", merge.hex))

            let revisions = ["main", "main~1", "main~2", "main~3", "main~4", "feature", "feature~1", "other", "unrelated"]
            try compareReachability(git, repo, revisions: revisions)
        }
    }

    /// Commit dates that jump back and forth by up to a month (clock skew) must not change any
    /// answer: libgit2's walks order commits by date, so every pair is checked against the graph.
    @Test(arguments: [42, 7, 2024] as [UInt64])
    func clockSkewDoesNotChangeReachabilityAnswers(seed: UInt64) throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            var state = seed
            func next(_ bound: Int) -> Int {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Int((state >> 33) % UInt64(bound))
            }
            try git.commit("root", files: ["r": "0\n"])
            let branches = ["main", "side", "third"]
            for branch in branches.dropFirst() { try git.git("branch", branch) }
            var tips: [String] = []
            for i in 0..<30 {
                let branch = branches[next(branches.count)]
                try git.git("checkout", "-q", branch)
                let date = GitRepo.startDate + i * 600 + (next(2) == 0 ? -1 : 1) * next(30 * 86_400)
                if next(5) == 0 {
                    let other = branches.filter { $0 != branch }[next(branches.count - 1)]
                    git.clock = date
                    try git.git(["merge", "-q", "--no-ff", "-m", "merge \(other) into \(branch) (\(i))", other])
                } else {
                    try git.commit("c\(i) on \(branch)", files: ["\(branch).txt": "\(i)\n"], date: date)
                }
                tips.append(try git.revParse("HEAD"))
            }
            let repo = try git.open()
            let picks = Set(stride(from: 1, to: tips.count, by: 3).map { tips[$0] } + [tips[tips.count - 1]])
            try compareReachability(git, repo, revisions: picks.sorted(), exactSets: true)
        }
    }

    @Test func ancestryOfACommitWithItselfAndOfUnknownIDs() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let c1 = try ObjectID(hex: git.commit("c1", files: ["f": "1\n"]))
            let repo = try git.open()
            #expect(try repo.isAncestor(c1, of: c1))
            #expect(try repo.mergeBase(c1, c1) == c1)
            #expect(try repo.aheadBehind(from: c1, to: c1) == (0, 0))
            let missing = try ObjectID(hex: String(repeating: "ab", count: 20))
            #expect(throws: GitError.self) { try repo.isAncestor(missing, of: c1) }
            #expect(throws: GitError.self) { try repo.aheadBehind(from: missing, to: c1) }
            #expect(throws: GitError.self) { try repo.mergeBase(missing, c1) }
            #expect(throws: GitError.revisionNotFound(missing.hex)) { try repo.commit(missing) }
            let tree = try git.id("HEAD^{tree}")
            #expect(throws: GitError.notACommit(revision: tree.hex, type: .tree)) { try repo.commit(tree) }
            #expect(throws: GitError.notACommit(revision: tree.hex, type: .tree)) { try repo.changedPaths(from: tree, to: c1) }
        }
    }

    /// A shallow clone lacks the commits behind its boundary. libgit2 1.5 does not know shallow
    /// grafts, so a walk that reaches the boundary fails on the missing parent: every answer must
    /// then be the true one (from the full origin) or an error that says the history is cut off.
    @Test func shallowCloneAnswersAreRightOrSayTheHistoryIsCutOff() throws {
        try withTemporaryDirectory { dir in
            let origin = try GitRepo.create(in: dir, name: "origin")
            for i in 1...2 { try origin.commit("c\(i)", files: ["f": "\(i)\n"]) }
            try origin.git("checkout", "-q", "-b", "feature")
            for i in 1...3 { try origin.commit("f\(i)", files: ["g": "\(i)\n"]) }
            try origin.git("checkout", "-q", "main")
            for i in 3...6 { try origin.commit("c\(i)", files: ["f": "\(i)\n"]) }
            try origin.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
            try origin.commit("c7", files: ["f": "7\n"])
            let shallow = try origin.clone(into: "shallow", options: ["--depth", "3", "--no-single-branch"])
            let truth = try CommitGraph(origin)
            let repo = try shallow.open()
            #expect(try repo.facts().isShallow)

            var answered = 0, refused = 0
            let present = try shallow.git("rev-list", "--all").split(separator: "\n").map(String.init)
            for a in present {
                for b in present {
                    let idA = try ObjectID(hex: a), idB = try ObjectID(hex: b)
                    let setA = truth.ancestors(a), setB = truth.ancestors(b)
                    do {
                        #expect(try repo.isAncestor(idA, of: idB) == setB.contains(a))
                        answered += 1
                    } catch let error as GitError {
                        #expect(error.description.contains("shallow"), "\(error)")
                        refused += 1
                    }
                    do {
                        let (ahead, behind) = try repo.aheadBehind(from: idA, to: idB)
                        #expect(ahead == setB.subtracting(setA).count && behind == setA.subtracting(setB).count)
                    } catch let error as GitError {
                        #expect(error.description.contains("shallow"), "\(error)")
                    }
                    do {
                        let base = try #require(try repo.mergeBase(idA, idB))
                        let common = setA.intersection(setB)
                        #expect(common.contains(base.hex))
                        #expect(!common.contains { $0 != base.hex && truth.ancestors($0).contains(base.hex) })
                    } catch let error as GitError {
                        #expect(error.description.contains("shallow"), "\(error)")
                    }
                }
            }
            // Both kinds happen, so the test sees each path.
            #expect(answered > 0 && refused > 0)
        }
    }

    /// The message bytes after the header, as `git cat-file commit` shows them.
    private func rawMessage(_ git: GitRepo, _ id: String) throws -> String {
        let raw = try git.run(["cat-file", "commit", id]).stdout
        guard let split = raw.range(of: "\n\n") else { return "" }
        return String(raw[split.upperBound...])
    }

    /// Checks isAncestor, mergeBase, aheadBehind and commitCount for every ordered pair.
    ///
    /// The truth is the commit graph itself, read from `git rev-list --parents --all` (immune to
    /// the date heuristics walks use); unless `exactSets`, git's own answers are compared too
    /// (`merge-base --is-ancestor`, `rev-list --count`, `merge-base --all`).
    private func compareReachability(_ git: GitRepo, _ repo: Repository, revisions: [String], exactSets: Bool = false) throws {
        let graph = try CommitGraph(git)
        for a in revisions {
            for b in revisions {
                let idA = try git.id(a), idB = try git.id(b)
                let setA = graph.ancestors(idA.hex), setB = graph.ancestors(idB.hex)

                let isAncestor = try repo.isAncestor(idA, of: idB)
                #expect(isAncestor == setB.contains(idA.hex), "isAncestor(\(a), of: \(b))")

                let (ahead, behind) = try repo.aheadBehind(from: idA, to: idB)
                #expect(ahead == setB.subtracting(setA).count, "\(a)..\(b)")
                #expect(behind == setA.subtracting(setB).count, "\(b)..\(a)")
                #expect(try repo.commitCount(from: idA, to: idB) == ahead)

                let base = try repo.mergeBase(idA, idB)
                let common = setA.intersection(setB)
                if common.isEmpty {
                    #expect(base == nil, "merge base of unrelated \(a) and \(b)")
                } else if let base {
                    // A best common ancestor: no other common ancestor descends from it.
                    #expect(common.contains(base.hex), "merge base of \(a) and \(b) is common")
                    let better = common.filter { $0 != base.hex && graph.ancestors($0).contains(base.hex) }
                    #expect(better.isEmpty, "\(better) are better merge bases of \(a) and \(b) than \(base.hex)")
                } else {
                    Issue.record("no merge base found for \(a) and \(b), which share \(common.count) commits")
                }

                if !exactSets {
                    let status = try git.run(["merge-base", "--is-ancestor", a, b]).status
                    #expect(isAncestor == (status == 0), "merge-base --is-ancestor \(a) \(b)")
                    #expect(String(ahead) == (try git.git("rev-list", "--count", "\(a)..\(b)")), "rev-list --count \(a)..\(b)")
                    let all = try git.run(["merge-base", "--all", a, b]).stdout.split(separator: "\n").map(String.init)
                    #expect(base.map { all.contains($0.hex) } ?? all.isEmpty, "merge-base --all \(a) \(b)")
                }
            }
        }
    }
}

/// Every commit's parents, as `git rev-list --parents --all` reads them from the objects.
struct CommitGraph {
    private var parents: [String: [String]] = [:]

    init(_ git: GitRepo) throws {
        for line in try git.git("rev-list", "--parents", "--all").split(separator: "\n") {
            let ids = line.split(separator: " ").map(String.init)
            if let first = ids.first { parents[first] = Array(ids.dropFirst()) }
        }
    }

    /// The commit and everything reachable from it.
    func ancestors(_ id: String) -> Set<String> {
        var seen: Set<String> = [id]
        var stack = [id]
        while let next = stack.popLast() {
            for parent in parents[next] ?? [] where seen.insert(parent).inserted { stack.append(parent) }
        }
        return seen
    }
}
