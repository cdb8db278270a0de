import Foundation
internal import CLibgit2

/// What merging another notes commit into the local notes ref did.
public enum NotesMergeOutcome: Equatable, Sendable {
    /// The local notes already held everything the other side has.
    case upToDate
    /// There were no local notes: the ref now names the other side's commit.
    case created
    /// The local notes were behind: the ref moved forward to the other side's commit.
    case fastForwarded
    /// Both sides had lines the other lacked: a merge commit now holds the union, for this many
    /// annotated commits whose note changed.
    case merged(notes: Int)
    /// The other side descends from the local notes but lacks lines they hold (someone removed
    /// them): a merge commit keeps the local lines, and a push restores them on the remote.
    case keptLocalLines
}

extension Repository {
    /// The message of a notes merge commit.
    static let notesMergeMessage = "Notes merged by release-audit (union of lines)"

    /// Merges the notes commit `other` (fetched from a remote) into the notes ref `ref`.
    ///
    /// Evidence notes are append-only sets of lines, so the union is always the right merge: for
    /// every commit annotated on either side, the merged note holds the local lines in their order,
    /// then the other side's lines the local note lacks. Nothing is ever dropped, not even when
    /// the other side descends from the local notes: a descendant may have removed lines (an
    /// attacker who can push the remote's notes), so the union is computed all the same, and
    /// the ref fast-forwards only when the other side's tree is exactly that union. Otherwise a
    /// merge commit with both parents is made (which the remote then takes as a fast-forward). The ref is moved by compare-and-swap and the merge redone
    /// when a concurrent local writer moved it first.
    ///
    /// - Throws: `GitError.notesContention` when local writers kept moving the ref.
    @discardableResult
    public func mergeNotes(from other: ObjectID, ref: String = Repository.evidenceNotesRef,
                           maxAttempts: Int = 100) throws -> NotesMergeOutcome {
        for _ in 0..<maxAttempts {
            if let outcome = try tryMergeNotes(from: other, ref: ref) { return outcome }
            usleep(UInt32.random(in: 1_000...10_000))
        }
        throw GitError.notesContention(ref: ref, attempts: maxAttempts)
    }

    /// One attempt; nil when the ref moved underneath.
    private func tryMergeNotes(from other: ObjectID, ref: String) throws -> NotesMergeOutcome? {
        guard let local = try referenceTarget(ref) else {
            return try moveRef(ref, to: other, expected: nil, why: "release-audit: notes fetched") ? .created : nil
        }
        if try isAncestor(other, of: local) { return .upToDate }
        let descendant = try isAncestor(local, of: other)

        let localCommit = try lookupCommit(local)
        defer { git_commit_free(localCommit) }
        let otherCommit = try lookupCommit(other)
        defer { git_commit_free(otherCommit) }

        // The union, note by note, for every commit the other side annotates.
        var blobs: [(path: String, blob: git_oid)] = []
        var root: OpaquePointer?
        try Libgit2.check(git_commit_tree(&root, localCommit), "git_commit_tree")
        defer { git_tree_free(root) }
        for annotated in try annotatedCommits(in: otherCommit) {
            let theirs = try noteBytes(inNotesCommit: otherCommit, for: annotated) ?? []
            let ours = try noteBytes(inNotesCommit: localCommit, for: annotated)
            let merged = Self.unionOfLines(ours ?? [], theirs)
            if merged == (ours ?? []) { continue }
            if merged.count > Self.maxNoteBytes {
                throw GitError.noteTooLarge(commit: annotated.hex, bytes: merged.count, limit: Self.maxNoteBytes)
            }
            var blob = git_oid()
            let created = merged.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) }
            try Libgit2.check(created, "git_blob_create_from_buffer")
            blobs.append((try notePath(in: root, for: annotated), blob))
        }

        // One tree update for all of them (libgit2 sorts the updates).
        var treeID = git_oid()
        let paths = blobs.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates = zip(blobs, paths).map { entry, path -> git_tree_update in
            var update = git_tree_update()
            update.action = GIT_TREE_UPDATE_UPSERT
            update.id = entry.blob
            update.filemode = GIT_FILEMODE_BLOB
            update.path = UnsafePointer(path)
            return update
        }
        try Libgit2.check(git_tree_create_updated(&treeID, handle, root, updates.count, &updates), "git_tree_create_updated")
        if descendant, let otherTree = git_commit_tree_id(otherCommit), git_oid_equal(&treeID, otherTree) != 0 {
            return try moveRef(ref, to: other, expected: local, why: "release-audit: notes fast-forward") ? .fastForwarded : nil
        }
        var tree: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&tree, handle, &treeID), "git_tree_lookup")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle) != 0 {
            try Libgit2.check(git_signature_now(&signature, ToolIdentity.name, ToolIdentity.email), "git_signature_now")
        }
        defer { git_signature_free(signature) }
        var merge = git_oid()
        var parents: [OpaquePointer?] = [localCommit, otherCommit]
        try Libgit2.check(
            git_commit_create(&merge, handle, nil, signature, signature, nil, Self.notesMergeMessage, tree, 2, &parents),
            "git_commit_create")
        let outcome: NotesMergeOutcome = descendant ? .keptLocalLines : .merged(notes: blobs.count)
        return try moveRef(ref, to: ObjectID(merge), expected: local, why: "release-audit: notes merged") ? outcome : nil
    }

    /// Lines of `ours` as they are, then each line of `theirs` that `ours` lacks, in order; every
    /// line ends with a newline, and empty lines are dropped from `theirs`.
    static func unionOfLines(_ ours: [UInt8], _ theirs: [UInt8]) -> [UInt8] {
        var merged = ours
        if let last = merged.last, last != 0x0A { merged.append(0x0A) }
        var seen = Set(ours.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) })
        for line in theirs.split(separator: 0x0A, omittingEmptySubsequences: true) where seen.insert(Array(line)).inserted {
            merged += line
            merged.append(0x0A)
        }
        return merged
    }

    /// Every commit that a notes commit annotates (each path of its tree spelling a full id).
    func annotatedCommits(in notesCommit: OpaquePointer?) throws -> Set<ObjectID> {
        var iterator: OpaquePointer?
        try Libgit2.check(git_note_commit_iterator_new(&iterator, notesCommit), "git_note_commit_iterator_new")
        defer { git_note_iterator_free(iterator) }
        var result: Set<ObjectID> = []
        var blob = git_oid()
        var annotated = git_oid()
        while true {
            let code = git_note_next(&blob, &annotated, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try Libgit2.check(code, "git_note_next")
            result.insert(ObjectID(annotated))
        }
        return result
    }

    /// The object a ref names (peeling nothing), or nil when the ref does not exist.
    public func referenceTarget(_ ref: String) throws -> ObjectID? {
        var id = git_oid()
        let code = git_reference_name_to_id(&id, handle, ref)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try Libgit2.check(code, "git_reference_name_to_id")
        return ObjectID(id)
    }

    private func lookupCommit(_ id: ObjectID) throws -> OpaquePointer? {
        var oid = id.oid
        var commit: OpaquePointer?
        try Libgit2.check(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup")
        return commit
    }

    /// Moves `ref` to `target` under its lock if it still names `expected` (nil: must not exist).
    /// Returns false when another writer got there first.
    private func moveRef(_ ref: String, to target: ObjectID, expected: ObjectID?, why: String) throws -> Bool {
        var new = target.oid
        var old = expected?.oid ?? git_oid()
        var out: OpaquePointer?
        let code = git_reference_create_matching(&out, handle, ref, &new, 1, &old, why)
        git_reference_free(out)
        switch code {
        case 0: return true
        case GIT_EMODIFIED.rawValue, GIT_ELOCKED.rawValue, GIT_EEXISTS.rawValue, GIT_ENOTFOUND.rawValue: return false
        default:
            try Libgit2.check(code, "git_reference_create_matching")
            return false
        }
    }
}
