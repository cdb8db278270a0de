import Foundation
internal import CLibgit2

extension Repository {
    /// The notes ref release-audit keeps its evidence under.
    public static let evidenceNotesRef = "refs/notes/release-audit"

    /// The note attached to a commit under a notes ref, or nil when there is none.
    public func note(on commit: ObjectID, ref: String = Repository.evidenceNotesRef) throws -> String? {
        var oid = commit.oid
        var note: OpaquePointer?
        let code = git_note_read(&note, handle, ref, &oid)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try Libgit2.check(code, "git_note_read")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Appends one line to the note on a commit, creating the note (and the notes ref) if needed.
    ///
    /// Safe against concurrent writers in other processes: the notes ref is moved with a
    /// compare-and-swap, and when another writer moved it first we re-read and try again, so no
    /// line is lost.
    public func appendNoteLine(_ line: String, to commit: ObjectID, ref: String = Repository.evidenceNotesRef,
                               maxAttempts: Int = 400) throws {
        guard !line.contains("\n") && !line.contains("\r") else {
            throw GitError.libgit2(call: "appendNoteLine", code: -1, errorClass: 0, message: "a note line must be one line (it contains a line break)")
        }
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

        var existing = ""
        if let parent {
            var note: OpaquePointer?
            let code = git_note_commit_read(&note, handle, parent, &target)
            if code == 0 {
                existing = git_note_message(note).map { String(cString: $0) } ?? ""
                git_note_free(note)
            } else if code != GIT_ENOTFOUND.rawValue {
                try Libgit2.check(code, "git_note_commit_read")
            }
        }
        if !existing.isEmpty && !existing.hasSuffix("\n") { existing += "\n" }
        let message = existing + line + "\n"

        var newCommit = git_oid()
        var blob = git_oid()
        try Libgit2.check(
            git_note_commit_create(&newCommit, &blob, handle, parent, signature, signature, &target, message, 1),
            "git_note_commit_create")

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

/// Who release-audit is when it has to sign a notes commit itself.
enum ToolIdentity {
    static let name = "release-audit"
    static let email = "release-audit@localhost"
}
