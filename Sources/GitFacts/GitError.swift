/// Everything the git layer can fail with. Each case reads as one line for a person.
public enum GitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path is not inside a git repository.
    case notARepository(path: String)
    /// The repository uses an object format libgit2 (and so release-audit) cannot read.
    case unsupportedObjectFormat(path: String, detail: String)
    /// The revision names nothing in the repository.
    case revisionNotFound(String)
    /// An abbreviated id matches more than one object.
    case ambiguousRevision(String)
    /// The revision names an object that does not peel to a commit (a tree or a blob).
    case notACommit(revision: String, type: ObjectType)
    /// The repository has no commits yet (HEAD is unborn).
    case emptyRepository(path: String)
    /// A string that should be an object id is not one.
    case invalidObjectID(String)
    /// The notes ref kept moving under us: concurrent writers never let us in.
    case notesContention(ref: String, attempts: Int)
    /// A note is larger than release-audit reads (evidence notes are a few KiB a line).
    case noteTooLarge(commit: String, bytes: Int, limit: Int)
    /// The repository has the object but cannot read it (a corrupt or truncated object).
    case unreadableObject(String)
    /// A commit whose root tree the repository does not have or cannot read: nothing can be built from it.
    case unreadableTree(commit: String, tree: String)
    /// A tree with two entries of one name (git fsck's `duplicateEntries`): a checkout and an
    /// archive of it do not agree on what the path holds, so no comparison of it can be trusted.
    case duplicateTreeEntry(tree: String, name: String)
    /// The `packed-refs` file does not parse (libgit2 and git refuse it too), or names a ref twice.
    case corruptPackedRefs(path: String)
    /// A note line to append holds a line break (the notes are one evidence line each).
    case noteLineHasLineBreak
    /// Any other libgit2 failure, with libgit2's own error class and message and the call that failed.
    case libgit2(call: String, code: Int32, errorClass: Int32, message: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "not a git repository: \(path) (pass --repo with the path of a clone)"
        case .unsupportedObjectFormat(let path, let detail):
            return "unsupported repository object format at \(path): \(detail); only SHA-1 repositories are supported"
        case .revisionNotFound(let rev):
            return "revision '\(rev)' not found in the repository (fetch it, or check its spelling)"
        case .ambiguousRevision(let rev):
            return "revision '\(rev)' is ambiguous: it matches more than one object; use a longer id"
        case .notACommit(let rev, let type):
            return "revision '\(rev)' is a \(type.rawValue), not a commit"
        case .emptyRepository(let path):
            return "the repository at \(path) has no commits yet"
        case .invalidObjectID(let s):
            return "'\(s)' is not a git object id (40 hexadecimal characters)"
        case .notesContention(let ref, let attempts):
            return "could not update \(ref) after \(attempts) attempts: other writers kept moving it; try again"
        case .noteTooLarge(let commit, let bytes, let limit):
            return "the note on \(commit) is \(bytes / (1024 * 1024)) MiB, larger than the \(limit / (1024 * 1024)) MiB an evidence note may be: someone padded it; remove the junk from refs/notes/release-audit"
        case .unreadableObject(let id):
            return "object \(id) is in the repository but cannot be read: the repository may be corrupt (run git fsck)"
        case .unreadableTree(let commit, let tree):
            return "commit \(commit) has no readable tree (\(tree) is missing or corrupt): nothing can be built from it here; run git fsck, or fetch the full history (a clone filtered with --filter=tree:0 lacks trees)"
        case .duplicateTreeEntry(let tree, let name):
            return "tree \(tree) has two entries named '\(name)' (git fsck: duplicateEntries): a checkout and git archive of it disagree on what that path holds, so it cannot be compared; release from a commit whose tree git fsck accepts"
        case .corruptPackedRefs(let path):
            return "corrupted packed references file \(path): a line does not parse (git cannot read it either) or a ref is named twice (which commit it names is ambiguous); restore it from a good clone"
        case .noteLineHasLineBreak:
            return "a note line must be one line (it contains a line break)"
        case .libgit2(let call, let code, let errorClass, let message):
            // Object database and zlib errors mean unreadable objects: a corrupt repository.
            let hint = errorClass == Self.odbErrorClass || errorClass == Self.zlibErrorClass
                ? "; the repository may be corrupt (run git fsck)" : ""
            return "\(call) failed: \(message) (libgit2 error \(code), class \(errorClass))\(hint)"
        }
    }

    /// libgit2's error classes for the object database (GIT_ERROR_ODB) and zlib (GIT_ERROR_ZLIB).
    static let zlibErrorClass: Int32 = 5
    static let odbErrorClass: Int32 = 9
}
