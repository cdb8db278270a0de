import Foundation
import GitFacts
import TestSupport
import Testing

/// `resolveCommit` against `git rev-parse`, and its errors.
@Suite struct RevisionTests {
    @Test func revisionFormsResolveAsGitRevParseDoes() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            for i in 1...4 { try git.commit("c\(i)", files: ["f": "\(i)\n"]) }
            try git.tag("v1", "HEAD~1", message: "release 1")
            try git.tag("light", "HEAD~3")
            try git.git("branch", "topic", "HEAD~2")
            let repo = try git.open()
            let head = try git.revParse("HEAD")
            for rev in ["HEAD", "main", "refs/heads/main", "HEAD~2", "HEAD^", "HEAD^{commit}", "main~3", "topic",
                        "v1", "v1^{commit}", "v1^{}", "light", "refs/tags/v1", "v1~1", String(head.prefix(7)), head,
                        head.uppercased()] {
                let expected = try git.revParse(rev + "^{commit}")
                #expect(try repo.resolveCommit(rev).hex == expected, "\(rev)")
            }
        }
    }

    @Test func missingRevisionsAreNotFound() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1")
            let repo = try git.open()
            for rev in ["nope", "HEAD~5", "refs/heads/nope", String(repeating: "0", count: 40), "deadbeef", "v9.9"] {
                #expect(try git.run(["rev-parse", "--verify", "--quiet", rev + "^{commit}"]).status != 0)
                #expect(throws: GitError.revisionNotFound(rev), "\(rev)") { try repo.resolveCommit(rev) }
            }
        }
    }

    @Test func treesAndBlobsAreNotCommits() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["f": "content\n"])
            try git.git("tag", "at-tree", "HEAD^{tree}")
            try git.git("tag", "-a", "-m", "annotated blob", "at-blob", "HEAD:f")
            let repo = try git.open()
            #expect(throws: GitError.notACommit(revision: "HEAD^{tree}", type: .tree)) { try repo.resolveCommit("HEAD^{tree}") }
            #expect(throws: GitError.notACommit(revision: "HEAD:f", type: .blob)) { try repo.resolveCommit("HEAD:f") }
            #expect(throws: GitError.notACommit(revision: "at-tree", type: .tree)) { try repo.resolveCommit("at-tree") }
            #expect(throws: GitError.notACommit(revision: "at-blob", type: .blob)) { try repo.resolveCommit("at-blob") }
            let treeID = try git.revParse("HEAD^{tree}")
            #expect(throws: GitError.notACommit(revision: treeID, type: .tree)) { try repo.resolveCommit(treeID) }
            #expect(repo.objectType(try ObjectID(hex: treeID)) == .tree)
            #expect(try git.git("cat-file", "-t", treeID) == "tree")
        }
    }

    @Test func emptyRepositoryHasNoHead() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let repo = try git.open()
            #expect(throws: GitError.emptyRepository(path: repo.workDirectory ?? "")) { try repo.resolveCommit("HEAD") }
            #expect(throws: GitError.emptyRepository(path: repo.workDirectory ?? "")) { try repo.resolveCommit("HEAD~1") }
            #expect(throws: GitError.revisionNotFound("main")) { try repo.resolveCommit("main") }
            let facts = try repo.facts()
            #expect(facts.currentBranch == "main")
            #expect(!facts.isHeadDetached)
            #expect(try repo.status().isClean)
            #expect(try repo.tags().isEmpty)
        }
    }

    @Test func uniqueAbbreviatedIDsResolveAndAmbiguousOnesAreRefused() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let first = try git.commit("c1", files: ["f": "1\n"])
            // Write blobs until two objects share a 4-character prefix (about 300 on average, by the
            // birthday bound on 65536 prefixes); hash-object takes many at once.
            var byPrefix: [String: String] = [:]
            var ambiguous: String?
            var batch = 0
            while ambiguous == nil && batch < 20 {
                let files = (0..<200).map { "blob-\(batch)-\($0)" }
                for name in files { try git.write(name, "\(name)\n") }
                let ids = try git.git(["hash-object", "-w"] + files).split(separator: "\n").map(String.init)
                for id in ids {
                    let prefix = String(id.prefix(4))
                    if byPrefix[prefix] != nil, byPrefix[prefix] != id { ambiguous = prefix; break }
                    byPrefix[prefix] = id
                }
                batch += 1
            }
            let prefix = try #require(ambiguous)
            // git agrees the prefix is ambiguous.
            #expect(try git.git("rev-parse", "--disambiguate=\(prefix)").split(separator: "\n").count >= 2)
            let repo = try git.open()
            #expect(throws: GitError.ambiguousRevision(prefix)) { try repo.resolveCommit(prefix) }
            // A longer prefix of the commit is unique, as git says.
            let short = try git.git("rev-parse", "--short=12", first)
            #expect(try repo.resolveCommit(short).hex == first)
            // A unique prefix of a blob resolves, but to something that is not a commit.
            let blob = try #require(byPrefix.values.first { $0.prefix(4) != prefix.prefix(4) })
            #expect(throws: GitError.notACommit(revision: String(blob.prefix(10)), type: .blob)) {
                try repo.resolveCommit(String(blob.prefix(10)))
            }
        }
    }
}
