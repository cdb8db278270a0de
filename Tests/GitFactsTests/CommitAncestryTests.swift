import Foundation
@testable import GitFacts
import TestSupport
import Testing

/// `CommitAncestry`, the audit's ancestry: date-ordered walks over the commits they need, the
/// whole graph when dates mislead them, and always git's answers.
@Suite struct CommitAncestryTests {
    /// Every pair of commits in a history with merges, an octopus, a criss-cross, an unrelated root
    /// and dates that run backwards, against git's own counts, ancestry and merge bases.
    @Test func agreesWithGitOnEveryPairOfATangledHistory() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            var names: [String] = []
            func commit(_ name: String, date: Int? = nil) throws { try git.commit(name, files: [name: name + "\n"], date: date); names.append(name); try git.git("tag", name) }
            try commit("base")
            try commit("main-1")
            try git.git("checkout", "-q", "-b", "side", "base")
            try commit("side-1", date: GitRepo.startDate - 86_400 * 30)
            try commit("side-2", date: GitRepo.startDate - 86_400 * 29)
            try git.git("checkout", "-q", "-b", "third", "main")
            try commit("third-1")
            try git.git("checkout", "-q", "main")
            try git.git("merge", "-q", "--no-ff", "-m", "octopus", "side", "third")
            try git.git("tag", "octopus"); names.append("octopus")
            try git.git("checkout", "-q", "-b", "a", "main")
            try commit("a-1")
            try git.git("checkout", "-q", "-b", "b", "main")
            try commit("b-1", date: GitRepo.startDate - 86_400 * 365)
            try git.git("merge", "-q", "--no-ff", "-m", "b merges a", "a~0")
            try git.git("tag", "b-merge"); names.append("b-merge")
            try git.git("checkout", "-q", "a")
            try git.git("merge", "-q", "--no-ff", "-m", "a merges b-1", "b~1")
            try git.git("tag", "a-merge"); names.append("a-merge")
            try commit("a-2")
            try git.git("checkout", "-q", "--orphan", "island")
            try git.git("rm", "-q", "-rf", ".")
            try commit("island-1")
            try commit("island-2")
            let ids = try names.map { try git.id($0) }
            for from in ids {
                for to in ids {
                    // A fresh ancestry per pair, so that every pair is tried by dates first.
                    let ancestry = try CommitAncestry(repository: try git.open(), tips: ids)
                    let counts = try ancestry.aheadBehind(from: from, to: to)
                    #expect(String(counts.ahead) == (try git.git("rev-list", "--count", "\(from.hex)..\(to.hex)")), "\(names[ids.firstIndex(of: from)!])..\(names[ids.firstIndex(of: to)!]) \(counts) \(ancestry.mode)")
                    #expect(String(counts.behind) == (try git.git("rev-list", "--count", "\(to.hex)..\(from.hex)")), "\(to.short)..\(from.short)")
                    let ancestor = try git.run(["merge-base", "--is-ancestor", from.hex, to.hex]).status == 0
                    #expect(try ancestry.isAncestor(from, of: to) == ancestor)
                    let all = try git.run(["merge-base", "--all", from.hex, to.hex]).stdout.split(separator: "\n").map(String.init)
                    switch try CommitAncestry(repository: try git.open(), tips: ids).mergeBase(from, to) {
                    case .unique(let id): #expect(all == [id.hex], "\(from.short) \(to.short)")
                    case .none: #expect(all.isEmpty, "\(from.short) \(to.short)")
                    case .several: #expect(all.count > 1, "\(from.short) \(to.short)")
                    case .unknown: Issue.record("not loaded")
                    }
                }
            }
        }
    }

    /// A side reaching the common history only through a commit dated a year early: git's walk by
    /// date counts the common commits as one side's before it gets there. The ancestry sees the
    /// late paint, answers from the whole graph, and is right.
    @Test func datesThatMisleadAWalkAreSeenAndTheWholeGraphAnswers() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            for i in 0..<5 { try git.commit("old \(i)", files: ["f": "\(i)\n"]) }
            try git.commit("p", files: ["f": "p\n"])
            try git.git("branch", "b-side")
            try git.commit("s, dated a year early", files: ["s": "s\n"], date: GitRepo.startDate - 86_400 * 365)
            let a = try git.id(try git.commit("a", files: ["a": "a\n"]))
            try git.git("checkout", "-q", "b-side")
            let b = try git.id(try git.commit("b", files: ["b": "b\n"]))
            let ancestry = try CommitAncestry(repository: try git.open(), tips: [a, b])
            #expect(ancestry.mode == .dates)
            let counts = try ancestry.aheadBehind(from: a, to: b)
            #expect(counts.ahead == 1 && counts.behind == 2)
            #expect(ancestry.mode == .generations)
            #expect(try ancestry.mergeBase(a, b) == .unique(try git.id("b-side~1")))
        }
    }

    /// With dates in order, a question about two commits near the tip reads the commits near the
    /// tip, not the history.
    @Test func readsOnlyTheCommitsBetweenWhenDatesAreInOrder() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            for i in 0..<100 { try git.commit("c\(i)", files: ["f": "\(i)\n"], date: GitRepo.startDate + i * 86_400 * 2) }
            let rc = try git.id("HEAD~3"), ga = try git.id("HEAD")
            let ancestry = try CommitAncestry(repository: try git.open(), tips: [rc, ga])
            #expect(try ancestry.aheadBehind(from: rc, to: ga) == (3, 0) as (Int, Int))
            #expect(try ancestry.isAncestor(rc, of: ga))
            #expect(!(try ancestry.isAncestor(ga, of: rc)))
            #expect(ancestry.mode == .dates)
            #expect(ancestry.commitsRead < 30, "\(ancestry.commitsRead) commits read")
        }
    }

    /// git's commit-graph file gives exact generations for the whole history at once.
    @Test func aCommitGraphFileMeansGenerations() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            for i in 0..<5 { try git.commit("c\(i)", files: ["f": "\(i)\n"]) }
            try git.git("commit-graph", "write", "--reachable")
            let ancestry = try CommitAncestry(repository: try git.open(), tips: [try git.id("HEAD")])
            #expect(ancestry.mode == .generations)
            #expect(try ancestry.aheadBehind(from: try git.id("HEAD~4"), to: try git.id("HEAD")) == (4, 0) as (Int, Int))
        }
    }

    /// A missing commit met by a walk is an error, not a shorter history.
    @Test func aMissingParentIsAnError() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("one", files: ["a": "1\n"])
            try git.commit("two", files: ["a": "2\n"])
            try git.commit("three", files: ["a": "3\n"])
            let shallow = try git.clone(into: "shallow", options: ["--depth", "1"])
            let ancestry = try CommitAncestry(repository: try shallow.open(), tips: [try shallow.id("HEAD")])
            let other = try ObjectID(hex: try git.revParse("HEAD~2"))
            #expect(throws: GitError.self) { try ancestry.aheadBehind(from: other, to: try shallow.id("HEAD")) }
        }
    }

    @Test func readsTheCommitterDateAsGitDoes() {
        func time(_ text: String) -> Int64 {
            Array(text.utf8).withUnsafeBufferPointer { CommitAncestry.committerTime(in: $0, from: 0) }
        }
        #expect(time("tree x\nauthor A <a> 5 +0000\ncommitter C <c> 1700000000 +0100\n\nmsg\n") == 1_700_000_000)
        #expect(time("tree x\ncommitter C <c<d>> 42 -0500\n\n") == 42)
        #expect(time("tree x\nauthor A <a> 5 +0000\n\ncommitter C <c> 9 +0000\n") == 0)  // in the message, not a header
        #expect(time("tree x\ncommitter C <c> junk\n\n") == 0)
    }
}

/// The signature-block test the audit asks of every tag message, over its bytes.
@Suite struct SignatureBlockTests {
    @Test func onlyAMarkerAtTheStartOfALineOpensABlock() {
        #expect(Repository.carriesSignature("v1\n-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n"))
        #expect(Repository.carriesSignature("-----BEGIN SSH SIGNATURE-----\n"))
        #expect(Repository.carriesSignature("v1\r\n-----BEGIN SIGNED MESSAGE-----\r\n"))
        #expect(Repository.carriesSignature("v1\n\n\n-----BEGIN PGP MESSAGE-----"))
        #expect(!Repository.carriesSignature("v1 -----BEGIN PGP SIGNATURE-----\n"))
        #expect(!Repository.carriesSignature(" -----BEGIN SSH SIGNATURE-----\n"))
        #expect(!Repository.carriesSignature("-----BEGIN PGP SIGNATURE----"))
        #expect(!Repository.carriesSignature(""))
        #expect(!Repository.carriesSignature("-----BEGIN CERTIFICATE-----\n"))
    }
}
