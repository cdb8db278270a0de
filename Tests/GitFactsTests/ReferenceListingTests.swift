import Foundation
import GitFacts
import TestSupport
import Testing

/// Ref listings (`references(matching:)`, `tagNames(matching:)`) read packed-refs themselves:
/// compared with `git for-each-ref` over packed, loose, shadowing, symbolic and rewritten refs.
@Suite struct ReferenceListingTests {
    /// `git for-each-ref` of a prefix: (full name, resolved id) pairs, sorted by name.
    private func forEachRef(_ git: GitRepo, _ prefix: String) throws -> [String] {
        try git.git("for-each-ref", "--format=%(refname) %(objectname)", prefix)
            .split(separator: "\n").map(String.init).sorted()
    }

    private func listed(_ repo: Repository, _ glob: String) throws -> [String] {
        try repo.references(matching: glob).map { "\($0.name) \($0.target.hex)" }.sorted()
    }

    /// A history with packed refs, loose refs over some of them, deleted and symbolic refs.
    private func mixedRepository(in dir: URL) throws -> GitRepo {
        let git = try GitRepo.create(in: dir)
        let first = try git.commit("c1", files: ["f": "1\n"])
        let second = try git.commit("c2", files: ["f": "2\n"])
        for n in 0..<40 {
            try git.git("branch", "b\(n)", n % 2 == 0 ? first : second)
            try git.git("tag", "v1.\(n)", n % 3 == 0 ? first : second)
        }
        try git.git("branch", "feature/deep/x", first)
        _ = try git.tag("v1.2.0-rc.1", first, message: "annotated")
        try git.git("replace", "--graft", second)  // refs/replace/<second>: second without parents
        try git.git("pack-refs", "--all")
        // Loose refs after packing: one new, one over a packed ref, one packed ref deleted.
        try git.git("branch", "loose-only", second)
        try git.git("update-ref", "refs/heads/b3", first)
        try git.git("update-ref", "-d", "refs/heads/b4")
        try git.git("tag", "v1.99", first)
        try git.git("symbolic-ref", "refs/heads/alias", "refs/heads/b1")
        return git
    }

    @Test func listingsAgreeWithForEachRef() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let repo = try git.open()
            for (glob, prefix) in [("refs/heads/*", "refs/heads/"), ("refs/tags/*", "refs/tags/"),
                                   ("refs/replace/*", "refs/replace/"), ("refs/remotes/*", "refs/remotes/"), ("refs/*", "refs/")] {
                #expect(try listed(repo, glob) == forEachRef(git, prefix), "\(glob)")
            }
            let v1 = try forEachRef(git, "refs/tags/").map { String($0.split(separator: " ")[0].dropFirst(10)) }
            #expect(try repo.tagNames(matching: "v1.1*") == v1.filter { $0.hasPrefix("v1.1") })
            #expect(try repo.tagNames(matching: "v1.[23]") == ["v1.2", "v1.3"])
            #expect(try repo.tagNames(matching: "v1.99") == ["v1.99"])
            #expect(try repo.tagNames(matching: "nothing*").isEmpty)
            #expect(try listed(repo, "refs/heads/feature/*") == forEachRef(git, "refs/heads/feature/"))
            // The loose ref over a packed one wins; the deleted packed ref is gone.
            let heads = try repo.references(matching: "refs/heads/*")
            #expect(heads.first { $0.name == "refs/heads/b3" }?.target == (try git.id("refs/heads/b3")))
            #expect(!heads.contains { $0.name == "refs/heads/b4" })
            #expect(heads.first { $0.name == "refs/heads/alias" }?.target == (try git.id("refs/heads/b1")))
        }
    }

    @Test func anUnsortedPackedRefsFileIsReadAsGitReadsIt() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let path = git.url.appendingPathComponent(".git/packed-refs")
            let text = try String(contentsOf: path, encoding: .utf8)
            // Records (a ref line and its peeled line) reversed, under a header that claims nothing.
            var records: [[Substring]] = []
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                if line.hasPrefix("^") { records[records.count - 1].append(line) } else { records.append([line]) }
            }
            let body = records.reversed().map { $0.joined(separator: "\n") }.joined(separator: "\n")
            try ("# pack-refs with: peeled\n" + body + "\n").write(to: path, atomically: true, encoding: .utf8)
            let repo = try git.open()
            for (glob, prefix) in [("refs/heads/*", "refs/heads/"), ("refs/tags/*", "refs/tags/"), ("refs/*", "refs/")] {
                #expect(try listed(repo, glob) == forEachRef(git, prefix), "\(glob)")
            }
        }
    }

    /// libgit2 drops a carriage return before the line feed; git keeps it in the name and ignores
    /// the ref (an invalid name). Read as git reads it: such a line names nothing, and cannot stand
    /// in for the real ref of its name.
    @Test func aCarriageReturnInPackedRefsNamesNothingAsForGit() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let path = git.url.appendingPathComponent(".git/packed-refs")
            let other = try git.revParse("refs/heads/b1")
            let text = try String(contentsOf: path, encoding: .utf8)
            try (text + "\(other) refs/tags/v1.9\r\n\(other) refs/tags/zz-new\r\n").write(to: path, atomically: false, encoding: .utf8)
            // Still sorted? No: v1.9\r after zz... is not; the file is re-sorted, and v1.9\r is its own name.
            let repo = try git.open()
            let tags = try repo.references(matching: "refs/tags/*")
            #expect(!tags.contains { $0.name.hasPrefix("refs/tags/zz-new") })
            #expect(tags.filter { $0.name.hasPrefix("refs/tags/v1.9") && $0.name != "refs/tags/v1.99" }.map(\.target) == [try git.id("refs/tags/v1.9")])
            #expect(try repo.tagNames(matching: "zz*").isEmpty)
            let gitNames = try git.run(["for-each-ref", "--format=%(refname)", "refs/tags/"]).stdout
            #expect(!gitNames.contains("zz-new"))
        }
    }

    @Test func aRefNamedTwiceInPackedRefsIsRefused() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let path = git.url.appendingPathComponent(".git/packed-refs")
            let other = try git.revParse("refs/heads/b1")
            let text = try String(contentsOf: path, encoding: .utf8)
            try (text + "\(other) refs/tags/v1.9\n").write(to: path, atomically: false, encoding: .utf8)
            let repo = try git.open()
            #expect(throws: GitError.self) { try repo.tagNames() }
        }
    }

    @Test func aRewrittenPackedRefsFileIsReadAgain() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let repo = try git.open()
            #expect(try repo.tagNames(matching: "v1.5").count == 1)
            try git.git("tag", "-d", "v1.5")  // rewrites packed-refs
            try git.git("tag", "v1.5b")
            try git.git("pack-refs", "--all")
            #expect(try repo.tagNames(matching: "v1.5*") == ["v1.5b"])
            #expect(try listed(repo, "refs/tags/*") == forEachRef(git, "refs/tags/"))
        }
    }

    @Test func aCorruptPackedRefsFileIsAnErrorAsForGit() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let path = git.url.appendingPathComponent(".git/packed-refs")
            for corruption in ["not a ref line\n", "\n", "# a comment after the first record\n",
                               String(repeating: "a", count: 40) + "\n", "^" + String(repeating: "g", count: 40) + "\n"] {
                let text = try String(contentsOf: path, encoding: .utf8)
                defer { try? text.write(to: path, atomically: true, encoding: .utf8) }
                try (text + corruption).write(to: path, atomically: true, encoding: .utf8)
                let repo = try git.open()
                do {
                    _ = try repo.references(matching: "refs/heads/*")
                    Issue.record("a corrupt packed-refs was read: \(corruption.debugDescription)")
                } catch GitError.corruptPackedRefs(let reported) {
                    #expect(reported.hasSuffix(".git/packed-refs"))
                }
                #expect(throws: GitError.self) { try repo.tagNames() }
                #expect(try git.run(["for-each-ref"]).status != 0, "git reads it: \(corruption.debugDescription)")
            }
        }
    }

    @Test func lockFilesFifosAndBrokenLooseRefsAreNotListedAndDoNotBlock() throws {
        try withTemporaryDirectory { dir in
            let git = try mixedRepository(in: dir)
            let heads = git.url.appendingPathComponent(".git/refs/heads")
            let first = try git.revParse("refs/heads/b0")
            try (first + "\n").write(to: heads.appendingPathComponent("locked.lock"), atomically: true, encoding: .utf8)
            #expect(mkfifo(heads.appendingPathComponent("fifo").path, 0o644) == 0)
            // A loose file that is not a ref over a packed ref: git warns and ignores the ref, packed
            // record and all (libgit2's iterator listed the packed one); so does the listing.
            try "garbage\n".write(to: heads.appendingPathComponent("b5"), atomically: true, encoding: .utf8)
            let repo = try git.open()
            let names = try repo.references(matching: "refs/heads/*").map(\.name)
            #expect(!names.contains("refs/heads/locked.lock") && !names.contains("refs/heads/locked"))
            #expect(!names.contains("refs/heads/fifo"))
            #expect(names.contains("refs/heads/b6") && names.contains("refs/heads/loose-only"))
            // A FIFO over a packed branch: looked up, it is a broken ref, never opened (git itself
            // would block on it, so it goes before git is asked anything).
            #expect(mkfifo(heads.appendingPathComponent("b7").path, 0o644) == 0)
            #expect(try repo.resolveReference("refs/heads/b7") == nil)
            #expect(try !repo.references(matching: "refs/heads/*").contains { $0.name == "refs/heads/b7" })
            #expect(try repo.facts().replaceRefs.count == 1)
            for fifo in ["fifo", "b7"] { try FileManager.default.removeItem(at: heads.appendingPathComponent(fifo)) }
            let b5 = try repo.references(matching: "refs/heads/b5")
            let gitB5 = try git.run(["for-each-ref", "refs/heads/b5"]).stdout
            #expect(b5.isEmpty && gitB5.isEmpty)
            #expect(try listed(repo, "refs/heads/*") == forEachRef(git, "refs/heads/"))
        }
    }
}
