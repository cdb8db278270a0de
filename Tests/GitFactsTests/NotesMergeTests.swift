import Foundation
import GitFacts
import TestSupport
import Testing

/// Merging fetched evidence notes into the local ones: the union of lines, never a loss.
@Suite struct NotesMergeTests {
    /// Two clones that each appended lines for the same and for different commits merge into the
    /// union, which git itself reads back; merging again changes nothing.
    @Test func divergedNotesMergeIntoTheUnionOfTheirLines() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let first = try git.id(git.commit("c1"))
            let second = try git.id(git.commit("c2"))
            let repo = try git.open()
            try repo.appendNoteLine("shared", to: first)
            let base = try git.revParse(Repository.evidenceNotesRef)

            // The other side: from the same base, a line on each commit, and one it shares with ours.
            try repo.appendNoteLine("theirs-1", to: first)
            try repo.appendNoteLine("theirs-2", to: second)
            try repo.appendNoteLine("both", to: second)
            let theirs = try git.id(Repository.evidenceNotesRef)
            try git.git("update-ref", Repository.evidenceNotesRef, base)
            try repo.appendNoteLine("ours-1", to: first)
            try repo.appendNoteLine("both", to: second)
            let ours = try git.revParse(Repository.evidenceNotesRef)

            #expect(try repo.mergeNotes(from: theirs) == .merged(notes: 2))
            #expect(try git.git("notes", "--ref=release-audit", "show", first.hex) == "shared\nours-1\ntheirs-1")
            #expect(try git.git("notes", "--ref=release-audit", "show", second.hex) == "both\ntheirs-2")
            let merge = try git.revParse(Repository.evidenceNotesRef)
            #expect(try git.git("rev-parse", "\(merge)^1") == ours)
            #expect(try git.git("rev-parse", "\(merge)^2") == theirs.hex)
            #expect(try repo.mergeNotes(from: theirs) == .upToDate)
            #expect(try git.revParse(Repository.evidenceNotesRef) == merge)
            #expect(try git.git("fsck", "--strict", "--no-progress").isEmpty)
        }
    }

    @Test func missingOrBehindLocalNotesTakeTheOtherSide() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let repo = try git.open()
            try repo.appendNoteLine("one", to: commit)
            let older = try git.revParse(Repository.evidenceNotesRef)
            try repo.appendNoteLine("two", to: commit)
            let newer = try git.id(Repository.evidenceNotesRef)

            try git.git("update-ref", Repository.evidenceNotesRef, older)
            #expect(try repo.mergeNotes(from: newer) == .fastForwarded)
            #expect(try git.revParse(Repository.evidenceNotesRef) == newer.hex)
            #expect(try repo.mergeNotes(from: try ObjectID(hex: older)) == .upToDate)

            try git.git("update-ref", "-d", Repository.evidenceNotesRef)
            #expect(try repo.mergeNotes(from: newer) == .created)
            #expect(try repo.note(on: commit) == "one\ntwo\n")
        }
    }

    /// A newer notes commit that drops lines (whoever can push the remote's notes rewrote a note,
    /// emptied the tree, or put a tree where a note was) is not taken as a fast-forward: the local
    /// lines stay, and a merge commit on top of theirs restores them when pushed.
    @Test func aNewerNotesCommitThatDropsLinesKeepsTheLocalOnes() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let other = try git.id(git.commit("c2"))
            let repo = try git.open()
            try repo.appendNoteLine("passed", to: commit)
            try repo.appendNoteLine("failed", to: commit)
            try repo.appendNoteLine("kept", to: other)
            let local = try git.revParse(Repository.evidenceNotesRef)

            let dropped = try git.hashObject(type: "blob", "passed\n")
            let attacks = [
                "one line dropped": "100644 blob \(dropped)\t\(commit.hex)\n",
                "empty tree": "",
                "a tree for a note": "040000 tree \(try git.git(["mktree"], stdin: ""))\t\(commit.hex)\n",
            ]
            for (name, tree) in attacks {
                try git.git("update-ref", Repository.evidenceNotesRef, local)
                let root = try git.git(["mktree"], stdin: tree)
                let theirs = try ObjectID(hex: try git.git("commit-tree", root, "-p", local, "-m", name))
                #expect(try repo.mergeNotes(from: theirs) == .keptLocalLines, "\(name)")
                #expect(try repo.note(on: commit) == "passed\nfailed\n", "\(name)")
                #expect(try repo.note(on: other) == "kept\n", "\(name)")
                let merge = try git.revParse(Repository.evidenceNotesRef)
                #expect(try git.git("rev-parse", "\(merge)^2") == theirs.hex, "\(name): the push is a fast-forward of theirs")
                #expect(try repo.mergeNotes(from: theirs) == .upToDate)
            }
        }
    }

    /// A note git wrote under a fan-out path (`ab/cdef...`) on one side and flat on the other is
    /// read whole from both; the merged lines land where the local note is.
    @Test func fannedOutNotesMergeWithFlatOnes() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let repo = try git.open()
            // Theirs: a notes tree with the note at ab/cdef..., made with git's plumbing.
            let blob = try git.hashObject(type: "blob", "fanned\n")
            let hex = commit.hex
            let sub = try git.git(["mktree"], stdin: "100644 blob \(blob)\t\(hex.dropFirst(2))\n")
            let root = try git.git(["mktree"], stdin: "040000 tree \(sub)\t\(hex.prefix(2))\n")
            let theirs = try git.git("commit-tree", root, "-m", "theirs")
            try repo.appendNoteLine("flat", to: commit)

            #expect(try repo.mergeNotes(from: try ObjectID(hex: theirs)) == .merged(notes: 1))
            #expect(try git.git("notes", "--ref=release-audit", "show", hex) == "flat\nfanned")
            #expect(try repo.note(on: commit) == "flat\nfanned\n")
        }
    }
}
