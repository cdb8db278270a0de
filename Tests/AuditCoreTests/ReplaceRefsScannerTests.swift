import Foundation
import GitFacts
import Testing
import TestSupport
@testable import AuditCore

/// `ReplaceRefs.Scanner`: which replace refs change what git builds for a commit, reading trees
/// only for replaced trees and blobs.
@Suite struct ReplaceRefsScannerTests {
    @Test func findsReplacedCommitsBlobsAndMissingObjectsByTheirReplacement() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let first = try git.commit("one", files: ["a.txt": "a\n", "dir/b.txt": "b\n"])
            let release = try git.commit("two", files: ["c.txt": "c\n"])
            let blob = try git.revParse("\(release):dir/b.txt")
            let other = try git.hashObject(type: "blob", "other\n")
            // A tree whose entry names a blob that is not here, replaced by a blob that is.
            let missing = String(repeating: "ab", count: 20)
            let tree = try git.git(["mktree", "--missing"], stdin: "100644 blob \(missing)\tgone.txt\n")
            let odd = try git.git("commit-tree", tree, "-m", "odd")
            try git.git("replace", blob, other)
            try git.git("update-ref", "refs/replace/\(missing)", other)
            // A missing object replaced by a commit cannot make a tree read other bytes.
            try git.git("update-ref", "refs/replace/\(String(repeating: "cd", count: 20))", first)
            try git.git("replace", first, release)
            let repo = try Repository(at: git.path)
            var scanner = ReplaceRefs.Scanner(refs: try repo.facts().replaceRefs)
            #expect(try scanner.touching(commits: [try ObjectID(hex: release)], in: repo) == ["refs/replace/\(blob)"])
            #expect(try scanner.touching(commits: [try ObjectID(hex: first)], in: repo).sorted() == ["refs/replace/\(blob)", "refs/replace/\(first)"])
            #expect(try scanner.touching(commits: [try ObjectID(hex: odd)], in: repo) == ["refs/replace/\(missing)"])
        }
    }
}
