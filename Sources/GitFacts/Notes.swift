import Foundation
internal import CLibgit2

extension Repository {
    /// The notes ref release-audit keeps its evidence under.
    public static let evidenceNotesRef = "refs/notes/release-audit"

    /// The largest note read: thousands of evidence lines. A larger one is refused (an error, not
    /// skipped: skipping it could hide a newer FAILED record inside it).
    public static let maxNoteBytes = 16 * 1024 * 1024

    /// The note attached to a commit under a notes ref, or nil when there is none.
    ///
    /// The whole note, as `git notes show` prints it: a NUL byte does not end it (libgit2's note
    /// message is a C string, which would), bytes that are not UTF-8 are replaced (U+FFFD), and
    /// when the notes tree holds the commit's note at more than one fan-out path (`abcd...` and
    /// `ab/cd...`), every one is read, one after the other, as git concatenates them; libgit2
    /// reads only one, so a second entry could otherwise hide lines that git shows.
    ///
    /// - Throws: `GitError.noteTooLarge` past `maxNoteBytes` in all.
    public func note(on commit: ObjectID, ref: String = Repository.evidenceNotesRef) throws -> String? {
        guard var notesCommitID = try storedReference(ref)?.oid else { return nil }
        var notesCommit: OpaquePointer?
        try Libgit2.check(git_commit_lookup(&notesCommit, handle, &notesCommitID), "git_commit_lookup")
        defer { git_commit_free(notesCommit) }
        return try noteBytes(inNotesCommit: notesCommit, for: commit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every byte of the note on `commit` in one notes commit, read at every fan-out path and
    /// concatenated (as `git notes show` does), or nil when there is none.
    func noteBytes(inNotesCommit notesCommit: OpaquePointer?, for commit: ObjectID) throws -> [UInt8]? {
        var tree: OpaquePointer?
        try Libgit2.check(git_commit_tree(&tree, notesCommit), "git_commit_tree")
        defer { git_tree_free(tree) }

        let hex = Array(commit.hex)
        var bytes: [UInt8] = []
        var found = false
        // Fan-out 0 (`abcdef...`) to 19 (`ab/cd/.../ef`, the last two characters a file of their own).
        for fanout in 0..<20 {
            var parts: [String] = []
            for level in 0..<fanout { parts.append(String(hex[(2 * level)..<(2 * level + 2)])) }
            parts.append(String(hex[(2 * fanout)...]))
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, parts.joined(separator: "/"))
            if code == GIT_ENOTFOUND.rawValue { continue }
            try Libgit2.check(code, "git_tree_entry_bypath")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { continue }
            var blob: OpaquePointer?
            try Libgit2.check(git_blob_lookup(&blob, handle, git_tree_entry_id(entry)), "git_blob_lookup")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            if bytes.count + size > Self.maxNoteBytes {
                throw GitError.noteTooLarge(commit: commit.hex, bytes: bytes.count + size, limit: Self.maxNoteBytes)
            }
            if found && bytes.last != 0x0A { bytes.append(0x0A) }
            bytes += UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size)
            found = true
        }
        return found ? bytes : nil
    }

    /// Every byte of a note's blob.
    private func noteBytes(_ note: OpaquePointer?, of commit: ObjectID) throws -> [UInt8] {
        var blob: OpaquePointer?
        try Libgit2.check(git_blob_lookup(&blob, handle, git_note_id(note)), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        if size > Self.maxNoteBytes {
            throw GitError.noteTooLarge(commit: commit.hex, bytes: size, limit: Self.maxNoteBytes)
        }
        return Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
    }

    /// Appends one line to the note on a commit, creating the note (and the notes ref) if needed.
    ///
    /// Safe against concurrent writers in other processes: the notes ref is moved with a
    /// compare-and-swap, and when another writer moved it first we re-read and try again, so no
    /// line is lost.
    public func appendNoteLine(_ line: String, to commit: ObjectID, ref: String = Repository.evidenceNotesRef,
                               maxAttempts: Int = 400) throws {
        try appendNoteLines([line], to: commit, ref: ref, maxAttempts: maxAttempts)
    }

    /// Appends several lines to the note on `commit` in one notes commit: all of them or none.
    public func appendNoteLines(_ lines: [String], to commit: ObjectID, ref: String = Repository.evidenceNotesRef,
                                maxAttempts: Int = 400) throws {
        guard !lines.contains(where: { $0.contains("\n") || $0.contains("\r") }) else {
            throw GitError.noteLineHasLineBreak
        }
        guard !lines.isEmpty else { return }
        let line = lines.joined(separator: "\n")
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle) != 0 {
            // CI machines often have no user.name: the notes commit is still made, by us.
            try Libgit2.check(git_signature_now(&signature, ToolIdentity.name, ToolIdentity.email), "git_signature_now")
        }
        defer { git_signature_free(signature) }

        var attempt = 0
        while attempt < maxAttempts {
            attempt += 1
            if try tryAppend(line, to: commit, ref: ref, signature: signature) { return }
            // Another writer won the race: back off a little (randomised, growing) and retry.
            usleep(UInt32.random(in: 1_000...(2_000 + 500 * UInt32(min(attempt, 40)))))
        }
        throw GitError.notesContention(ref: ref, attempts: maxAttempts)
    }

    /// One compare-and-swap attempt. Returns false when the ref moved or was locked underneath us.
    private func tryAppend(_ line: String, to commit: ObjectID, ref: String,
                           signature: UnsafeMutablePointer<git_signature>?) throws -> Bool {
        var target = commit.oid
        // The current notes commit, if the notes ref exists.
        var currentID = git_oid()
        let lookup = git_reference_name_to_id(&currentID, handle, ref)
        let refExists: Bool
        switch lookup {
        case 0: refExists = true
        case GIT_ENOTFOUND.rawValue: refExists = false
        default: try Libgit2.check(lookup, "git_reference_name_to_id")
            refExists = false
        }

        var parent: OpaquePointer?
        if refExists {
            try Libgit2.check(git_commit_lookup(&parent, handle, &currentID), "git_commit_lookup")
        }
        defer { git_commit_free(parent) }

        // The note as bytes: git_note_commit_create takes a C string, which would cut the note
        // (and the lines after it) at a NUL byte, so the blob, tree and commit are written here.
        var existing: [UInt8] = []
        if let parent {
            var note: OpaquePointer?
            let code = git_note_commit_read(&note, handle, parent, &target)
            if code == 0 {
                defer { git_note_free(note) }
                existing = try noteBytes(note, of: ObjectID(target))
            } else if code != GIT_ENOTFOUND.rawValue {
                try Libgit2.check(code, "git_note_commit_read")
            }
        }
        if let last = existing.last, last != UInt8(ascii: "\n") { existing.append(UInt8(ascii: "\n")) }
        let message = existing + Array(line.utf8) + [UInt8(ascii: "\n")]

        var blob = git_oid()
        let created = message.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) }
        try Libgit2.check(created, "git_blob_create_from_buffer")
        var tree = try notesTree(parent, with: blob, for: commit)
        var treeObject: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&treeObject, handle, &tree), "git_tree_lookup")
        defer { git_tree_free(treeObject) }
        var newCommit = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        try Libgit2.check(
            git_commit_create(&newCommit, handle, nil, signature, signature, nil, Self.notesCommitMessage, treeObject,
                              parents.count, &parents),
            "git_commit_create")

        // Compare-and-swap under the ref's lock. When the ref did not exist, the expected value is
        // the zero id, which libgit2 reads as "must still not exist" (checked under the lock);
        // git_reference_create(force: 0) checks only before locking, so two first writers could
        // both "create" the ref and the later one silently drop the earlier one's line.
        var expected = refExists ? currentID : git_oid()
        var newRef: OpaquePointer?
        let code = git_reference_create_matching(&newRef, handle, ref, &newCommit, 1, &expected, "release-audit: append evidence")
        git_reference_free(newRef)
        switch code {
        case 0: return true
        case GIT_EMODIFIED.rawValue, GIT_ELOCKED.rawValue, GIT_EEXISTS.rawValue: return false
        case GIT_ENOTFOUND.rawValue where refExists: return false  // deleted since we read it: start over
        default:
            try Libgit2.check(code, "git_reference_create")
            return false
        }
    }
}

extension Repository {
    /// The message of a notes commit, as libgit2's git_note_commit_create writes it.
    static let notesCommitMessage = "Notes added by 'git_note_create' from libgit2"

    /// The id of the notes tree of `parent` (empty when nil) with the note on `commit` set to `blob`.
    ///
    /// The note stays where it is found: notes trees may fan out (`ab/cdef...`), and a path is
    /// followed as libgit2 reads notes, into a two-digit subtree when there is one, else to the
    /// rest of the id at that level, where a new note goes too.
    fileprivate func notesTree(_ parent: OpaquePointer?, with blob: git_oid, for commit: ObjectID) throws -> git_oid {
        var out = git_oid()
        guard let parent else {
            var builder: OpaquePointer?
            try Libgit2.check(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new")
            defer { git_treebuilder_free(builder) }
            var id = blob
            try Libgit2.check(git_treebuilder_insert(nil, builder, commit.hex, &id, GIT_FILEMODE_BLOB), "git_treebuilder_insert")
            try Libgit2.check(git_treebuilder_write(&out, builder), "git_treebuilder_write")
            return out
        }
        var root: OpaquePointer?
        try Libgit2.check(git_commit_tree(&root, parent), "git_commit_tree")
        defer { git_tree_free(root) }
        let path = try notePath(in: root, for: commit)

        var update = git_tree_update()
        update.action = GIT_TREE_UPDATE_UPSERT
        update.id = blob
        update.filemode = GIT_FILEMODE_BLOB
        try path.withCString { cPath in
            update.path = cPath
            try Libgit2.check(git_tree_create_updated(&out, handle, root, 1, &update), "git_tree_create_updated")
        }
        return out
    }

    /// Where the note on `commit` goes in the notes tree `root`: into a two-digit subtree when
    /// there is one, else the rest of the id at that level.
    func notePath(in root: OpaquePointer?, for commit: ObjectID) throws -> String {
        var path = ""
        var rest = Substring(commit.hex)
        var tree = root
        var subtrees: [OpaquePointer?] = []
        defer { subtrees.forEach { git_tree_free($0) } }
        while rest.count > 2, let entry = git_tree_entry_byname(tree, String(rest.prefix(2))),
              git_tree_entry_type(entry) == GIT_OBJECT_TREE {
            var subtree: OpaquePointer?
            try Libgit2.check(git_tree_lookup(&subtree, handle, git_tree_entry_id(entry)), "git_tree_lookup")
            subtrees.append(subtree)
            path += rest.prefix(2) + "/"
            rest = rest.dropFirst(2)
            tree = subtree
        }
        path += rest
        return path
    }
}

/// Who release-audit is when it has to sign a notes commit itself.
enum ToolIdentity {
    static let name = "release-audit"
    static let email = "release-audit@localhost"
}
