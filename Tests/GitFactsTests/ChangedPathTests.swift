import Foundation
import GitFacts
import TestSupport
import Testing

/// `changedPaths(from:to:)` against `git diff-tree -r --no-renames --raw`.
@Suite struct ChangedPathTests {
    @Test func renamesDeletionsTypeChangesAndModesMatchDiffTree() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let before = try git.commit("before", files: [
                "keep.txt": "same\n", "edit.txt": "old\n", "gone.txt": "bye\n", "old-name.txt": "moved content\n",
                "dir/nested/deep.txt": "deep\n", "link-me": "a file for now\n", "was-file": "becomes a directory\n",
                "script.sh": "echo hi\n",
            ])
            try git.write("edit.txt", "new\n")
            try git.remove("gone.txt")
            try git.git("mv", "old-name.txt", "new-name.txt")
            try git.write("dir/nested/deep.txt", "deeper\n")
            try git.write("dir/added.txt", "added\n")
            try git.remove("link-me")
            try FileManager.default.createSymbolicLink(atPath: git.url.appendingPathComponent("link-me").path,
                                                       withDestinationPath: "keep.txt")
            try git.remove("was-file")
            try git.write("was-file/inside.txt", "now a directory\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755],
                                                  ofItemAtPath: git.url.appendingPathComponent("script.sh").path)
            let after = try git.commit("after")

            let repo = try git.open()
            let changes = try repo.changedPaths(from: ObjectID(hex: before), to: ObjectID(hex: after))
            try expectChanges(changes, match: git, before, after)
            #expect(changes.first { $0.path == "link-me" }?.kind == .typeChanged)
            #expect(changes.filter { $0.path.hasSuffix("name.txt") }.map(\.kind) == [.added, .deleted])
            #expect(changes.first { $0.path == "script.sh" }?.kind == .modified)
            #expect(try repo.changedPaths(from: ObjectID(hex: after), to: ObjectID(hex: after)).isEmpty)
            // Reversed, every addition is a deletion and the other way round.
            let reversed = try repo.changedPaths(from: ObjectID(hex: after), to: ObjectID(hex: before))
            try expectChanges(reversed, match: git, after, before)
        }
    }

    @Test func submoduleChangesAreGitlinkChanges() throws {
        try withTemporaryDirectory { dir in
            let sub = try GitRepo.create(in: dir, name: "sub")
            try sub.commit("sub 1", files: ["s": "1\n"])
            let git = try GitRepo.create(in: dir, name: "super")
            try git.commit("super 1", files: ["f": "1\n", "vendored": "a file, later a submodule\n"])
            try git.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + sub.path, "modules/sub")
            let added = try git.commit("add submodule")
            let inner = GitRepo(existing: git.url.appendingPathComponent("modules/sub"))
            let innerHead = try inner.commit("sub 2", files: ["s": "2\n"])
            let moved = try git.commit("move submodule")
            try git.git("rm", "-q", "modules/sub")
            let removed = try git.commit("remove submodule")

            try git.git("rm", "-q", "vendored")
            try git.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + sub.path, "vendored")
            let replaced = try git.commit("a file becomes a submodule")

            let repo = try git.open()
            let pairs = [(try git.revParse("HEAD~4"), added), (added, moved), (moved, removed), (removed, replaced)]
            for (a, b) in pairs {
                try expectChanges(try repo.changedPaths(from: ObjectID(hex: a), to: ObjectID(hex: b)), match: git, a, b)
            }
            let bump = try repo.changedPaths(from: ObjectID(hex: added), to: ObjectID(hex: moved))
            #expect(bump.map(\.path) == ["modules/sub"])
            #expect(bump.first?.kind == .submodule)
            #expect(bump.first?.newID?.hex == innerHead)
            let swap = try repo.changedPaths(from: ObjectID(hex: removed), to: ObjectID(hex: replaced))
            #expect(swap.first { $0.path == "vendored" }?.kind == .typeChanged)
        }
    }

    /// A blobless partial clone has every commit and tree but no file contents: comparing trees
    /// must work there without fetching anything.
    @Test func worksInABloblessPartialCloneWithoutFetchingBlobs() throws {
        try withTemporaryDirectory { dir in
            let origin = try GitRepo.create(in: dir, name: "origin")
            try origin.git("config", "uploadpack.allowFilter", "true")
            let first = try origin.commit("c1", files: ["a.txt": "1\n", "b/c.txt": "c\n", "gone": "x\n"])
            try origin.remove("gone")
            let second = try origin.commit("c2", files: ["a.txt": "2\n", "b/d.txt": "d\n"])
            let clone = try origin.clone(into: "partial", options: ["--filter=blob:none", "--no-checkout"])
            let missingBefore = try clone.git("rev-list", "--objects", "--all", "--missing=print").split(separator: "\n").filter { $0.hasPrefix("?") }
            #expect(missingBefore.count >= 4, "the clone really lacks blobs")

            let repo = try clone.open()
            let changes = try repo.changedPaths(from: ObjectID(hex: first), to: ObjectID(hex: second))
            try expectChanges(changes, match: clone, first, second)
            #expect(changes.map(\.path) == ["a.txt", "b/d.txt", "gone"])
            let missingAfter = try clone.git("rev-list", "--objects", "--all", "--missing=print").split(separator: "\n").filter { $0.hasPrefix("?") }
            #expect(missingAfter == missingBefore, "nothing was fetched")
        }
    }

    /// Compares changed paths with `git diff-tree -r --no-renames --raw -z a b`.
    private func expectChanges(_ changes: [ChangedPath], match git: GitRepo, _ a: String, _ b: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        // Records: ":<old mode> <new mode> <old id> <new id> <status>" then the path.
        let fields = try git.nulSeparated("diff-tree", "-r", "--no-renames", "--raw", "--abbrev=40", "-z", a, b)
        var expected: [String] = []
        var i = 0
        while i + 1 < fields.count {
            let meta = fields[i].dropFirst().split(separator: " ").map(String.init)
            let path = fields[i + 1]
            i += 2
            guard meta.count == 5 else { Issue.record("odd diff-tree line \(fields[i - 2])"); continue }
            let isGitlink = meta[0] == "160000" || meta[1] == "160000"
            let kind: ChangeKind
            switch meta[4] {
            case "A": kind = .added
            case "D": kind = .deleted
            case "T": kind = .typeChanged
            default: kind = isGitlink ? .submodule : .modified
            }
            expected.append(describe(path, kind, kind == .added ? nil : meta[2], kind == .deleted ? nil : meta[3]))
        }
        let ours = changes.map { describe($0.path, $0.kind, $0.oldID?.hex, $0.newID?.hex) }
        #expect(ours == expected.sorted(), sourceLocation: sourceLocation)
    }

    private func describe(_ path: String, _ kind: ChangeKind, _ old: String?, _ new: String?) -> String {
        "\(path) \(kind.rawValue) \(old ?? "-") \(new ?? "-")"
    }
}
