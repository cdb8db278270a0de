import Foundation
internal import CLibgit2

/// Comparing two trees entry by entry, as `git diff-tree -r --no-renames` does, without descending
/// into subtrees whose ids are equal.
///
/// `git_diff_tree_to_tree` walks every entry of both trees, equal subtrees included: some 6
/// million instructions for a 500-file tree whatever the change, and its tree reads fill the object
/// cache. A release changes a handful of paths; this reads only the trees on their way.
extension Repository {
    /// One tree entry, copied out of libgit2.
    private struct Entry {
        let id: git_oid
        /// Normalized as git does (100664 reads as 100644).
        let mode: git_filemode_t

        var isTree: Bool { mode == GIT_FILEMODE_TREE }
        var isGitlink: Bool { mode == GIT_FILEMODE_COMMIT }

        /// What the entry is, for type changes: a file (either mode), a symlink, a submodule, a tree.
        var type: UInt32 {
            mode == GIT_FILEMODE_BLOB_EXECUTABLE ? GIT_FILEMODE_BLOB.rawValue : mode.rawValue
        }
    }

    /// The paths that differ between two trees (the whole of either side when the other is nil),
    /// appended to `changes` in no particular order. `prefix` is the trees' path and a slash.
    func compareTrees(_ old: git_oid?, _ new: git_oid?, prefix: [UInt8], into changes: inout [ChangedPath]) throws {
        let before = try old.map(treeEntries) ?? []
        let after = try new.map(treeEntries) ?? []
        var afterByName: [[UInt8]: Entry] = [:]
        for (name, entry) in after { afterByName[name] = entry }
        var seen = Set<[UInt8]>()
        for (name, o) in before {
            seen.insert(name)
            let path = prefix + name
            guard let n = afterByName[name] else {
                try removed(o, at: path, into: &changes)
                continue
            }
            if o.mode == n.mode && Self.equal(o.id, n.id) { continue }  // equal, subtrees included
            switch (o.isTree, n.isTree) {
            case (true, true):
                try compareTrees(o.id, n.id, prefix: path + [0x2F], into: &changes)
            case (true, false):
                try compareTrees(o.id, nil, prefix: path + [0x2F], into: &changes)
                changes.append(Self.change(path, .added, old: nil, new: n))
            case (false, true):
                changes.append(Self.change(path, .deleted, old: o, new: nil))
                try compareTrees(nil, n.id, prefix: path + [0x2F], into: &changes)
            case (false, false):
                let kind: ChangeKind = o.type != n.type ? .typeChanged : (o.isGitlink ? .submodule : .modified)
                changes.append(Self.change(path, kind, old: o, new: n))
            }
        }
        for (name, n) in after where !seen.contains(name) {
            let path = prefix + name
            if n.isTree {
                try compareTrees(nil, n.id, prefix: path + [0x2F], into: &changes)
            } else {
                changes.append(Self.change(path, .added, old: nil, new: n))
            }
        }
    }

    /// Which of `ids` are the commit itself, its tree, or a tree, blob or gitlink anywhere in that
    /// tree (what a checkout or `git archive` of the commit reads).
    ///
    /// One walk of the tree, each distinct subtree read once; nothing else of the history is read.
    /// Answers in no time when `ids` is empty.
    public func objects(_ ids: Set<ObjectID>, within commit: ObjectID) throws -> Set<ObjectID> {
        guard !ids.isEmpty else { return [] }
        var found = Set<ObjectID>()
        if ids.contains(commit) { found.insert(commit) }
        let root = try treeID(ofCommit: commit)
        var pending = [root]
        var seen = Set<ObjectID>([ObjectID(root)])
        if ids.contains(ObjectID(root)) { found.insert(ObjectID(root)) }
        while let tree = pending.popLast() {
            for (_, entry) in try treeEntries(tree) {
                let id = ObjectID(entry.id)
                if ids.contains(id) { found.insert(id) }
                if entry.isTree, seen.insert(id).inserted { pending.append(entry.id) }
            }
        }
        return found
    }

    /// Every file of this name anywhere in the commit's tree (`.gitattributes`, say), with its
    /// contents and its whole size: one walk of the tree. Contents past `maxBytes` are cut, so a
    /// caller sees `size > contents.count` and can refuse what it could not read.
    public func files(named name: String, within commit: ObjectID, maxBytes: Int = 16 << 20) throws -> [(path: String, contents: Data, size: Int)] {
        let wanted = Array(name.utf8)
        var found: [(path: String, contents: Data, size: Int)] = []
        var pending: [(tree: git_oid, prefix: [UInt8])] = [(try treeID(ofCommit: commit), [])]
        while let (tree, prefix) = pending.popLast() {
            for (entryName, entry) in try treeEntries(tree) {
                if entry.isTree {
                    pending.append((entry.id, prefix + entryName + [0x2F]))
                } else if entryName == wanted, entry.mode == GIT_FILEMODE_BLOB || entry.mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                    var oid = entry.id
                    var blob: OpaquePointer?
                    try Libgit2.check(git_blob_lookup(&blob, handle, &oid), "git_blob_lookup")
                    defer { git_blob_free(blob) }
                    let size = Int(git_blob_rawsize(blob))
                    found.append((String(decoding: prefix + entryName, as: UTF8.self),
                                  Data(bytes: git_blob_rawcontent(blob), count: min(size, maxBytes)), size))
                }
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    private func removed(_ entry: Entry, at path: [UInt8], into changes: inout [ChangedPath]) throws {
        if entry.isTree {
            try compareTrees(entry.id, nil, prefix: path + [0x2F], into: &changes)
        } else {
            changes.append(Self.change(path, .deleted, old: entry, new: nil))
        }
    }

    private static func equal(_ a: git_oid, _ b: git_oid) -> Bool {
        var a = a, b = b
        return git_oid_equal(&a, &b) == 1
    }

    private static func change(_ path: [UInt8], _ kind: ChangeKind, old: Entry?, new: Entry?) -> ChangedPath {
        ChangedPath(path: String(decoding: path, as: UTF8.self), kind: kind,
                    oldID: old.map { ObjectID($0.id) }, newID: new.map { ObjectID($0.id) }, newMode: new.map { $0.mode.rawValue })
    }

    /// A tree's entries, names as bytes (git names are bytes, not always UTF-8).
    private func treeEntries(_ id: git_oid) throws -> [(name: [UInt8], entry: Entry)] {
        var oid = id
        var tree: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&tree, handle, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        return (0..<git_tree_entrycount(tree)).compactMap { i in
            guard let entry = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(entry) else { return nil }
            let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name))
            return (Array(bytes), Entry(id: git_tree_entry_id(entry).pointee, mode: git_tree_entry_filemode(entry)))
        }
    }
}
