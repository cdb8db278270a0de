import Foundation
import GitFacts
import TestSupport
import Testing

/// `objects(_:within:)` against `git ls-tree -r -t`, one search shared by several commits.
@Suite struct ObjectSearchTests {
    @Test func findsWhatLsTreeListsAndRemembersSharedSubtrees() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let first = try git.commit("one", files: ["a/b/c.txt": "c\n", "a/d.txt": "d\n", "e.txt": "e\n"])
            let second = try git.commit("two", files: ["a/b/c.txt": "c2\n", "f/g.txt": "g\n"])
            func listed(_ commit: String) throws -> Set<String> {
                let lines = try git.git("ls-tree", "-r", "-t", commit).split(separator: "\n")
                return Set(lines.map { String($0.split(separator: "\t")[0].split(separator: " ")[2]) } + [try git.revParse("\(commit)^{tree}")])
            }
            let one = try listed(first), two = try listed(second)
            // Look for everything either commit holds, plus an id neither does, and the first commit itself.
            let stranger = try git.hashObject(type: "blob", "nowhere\n")
            let wanted = Set(try (one.union(two) + [stranger, first]).map { try ObjectID(hex: $0) })
            var search = ObjectSearch(wanted)
            let repo = try git.open()
            #expect(Set(try repo.objects(&search, within: try ObjectID(hex: first)).map(\.hex)) == one.union([first]))
            #expect(Set(try repo.objects(&search, within: try ObjectID(hex: second)).map(\.hex)) == two)
            // The same answers again, from what the search remembers.
            #expect(Set(try repo.objects(&search, within: try ObjectID(hex: first)).map(\.hex)) == one.union([first]))
            var empty = ObjectSearch([])
            #expect(try repo.objects(&empty, within: try ObjectID(hex: second)).isEmpty)
        }
    }
}
