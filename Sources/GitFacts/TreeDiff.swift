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

    /// Which of `search.ids` are the commit itself, its tree, or a tree, blob or gitlink anywhere
    /// in that tree (what a checkout or `git archive` of the commit reads).
    ///
    /// Each distinct subtree is read once per `search`: what a subtree holds is remembered there, so
    /// asking for many commits that share most of their trees (every release of an audit) costs
    /// about one walk of the trees they have between them. Nothing of the history is read, and
    /// nothing at all when `search.ids` is empty.
    public func objects(_ search: inout ObjectSearch, within commit: ObjectID) throws -> Set<ObjectID> {
        guard !search.ids.isEmpty else { return [] }
        var found = try search.hits(inTree: ObjectID(try treeID(ofCommit: commit)), in: self)
        if search.ids.contains(commit) { found.insert(commit) }
        return found
    }

    /// The entries of a tree as ids, with which of them are trees: for `ObjectSearch`.
    func treeEntryIDs(_ tree: ObjectID) throws -> [(id: ObjectID, isTree: Bool)] {
        var oid = tree.oid
        var object: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&object, handle, &oid), "git_tree_lookup")
        defer { git_tree_free(object) }
        return (0..<git_tree_entrycount(object)).compactMap { i in
            guard let entry = git_tree_entry_byindex(object, i) else { return nil }
            return (ObjectID(git_tree_entry_id(entry).pointee), git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE)
        }
    }

    /// Every file of this name anywhere in the commit's tree (`.gitattributes`, say), with its
    /// contents and its whole size: one walk of the tree. Contents past `maxBytes` are cut, so a
    /// caller sees `size > contents.count` and can refuse what it could not read.
    public func files(named name: String, within commit: ObjectID, maxBytes: Int = 16 << 20) throws -> [(path: String, contents: Data, size: Int)] {
        let wanted = Array(name.utf8)
        var found: [(path: String, contents: Data, size: Int)] = []
        var pending: [(tree: git_oid, prefix: [UInt8])] = [(try treeID(ofCommit: commit), [])]
        while let (tree, prefix) = pending.popLast() {
            // Over libgit2's entries without copying each name (argo-cd: 1,700 trees, 16,000
            // entries, one walk per gate). Every entry is seen, so a tree with two entries of one
            // name hides nothing from this search.
            var oid = tree
            var object: OpaquePointer?
            try Libgit2.check(git_tree_lookup(&object, handle, &oid), "git_tree_lookup")
            defer { git_tree_free(object) }
            for i in 0..<git_tree_entrycount(object) {
                guard let entry = git_tree_entry_byindex(object, i), let cName = git_tree_entry_name(entry) else { continue }
                let mode = git_tree_entry_filemode(entry)
                if mode == GIT_FILEMODE_TREE {
                    pending.append((git_tree_entry_id(entry).pointee, prefix + UnsafeRawBufferPointer(start: cName, count: strlen(cName)) + [0x2F]))
                } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE,
                          strlen(cName) == wanted.count, memcmp(cName, wanted, wanted.count) == 0 {
                    var blob: OpaquePointer?
                    try Libgit2.check(git_blob_lookup(&blob, handle, git_tree_entry_id(entry)), "git_blob_lookup")
                    defer { git_blob_free(blob) }
                    let size = Int(git_blob_rawsize(blob))
                    found.append((String(decoding: prefix + wanted, as: UTF8.self),
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
    ///
    /// - Throws: `GitError.duplicateTreeEntry` for a tree with two entries of one name (a blob `d`
    ///   beside a tree `d`, say): libgit2 reads it, but comparisons by name would see one of them
    ///   only, and the other (what `git archive` may ship) would go unseen.
    private func treeEntries(_ id: git_oid) throws -> [(name: [UInt8], entry: Entry)] {
        var oid = id
        var tree: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&tree, handle, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        let entries: [(name: [UInt8], entry: Entry)] = (0..<git_tree_entrycount(tree)).compactMap { i in
            guard let entry = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(entry) else { return nil }
            let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name))
            return (Array(bytes), Entry(id: git_tree_entry_id(entry).pointee, mode: git_tree_entry_filemode(entry)))
        }
        var names = Set<[UInt8]>()
        for (name, _) in entries where !names.insert(name).inserted {
            throw GitError.duplicateTreeEntry(tree: ObjectID(id).hex, name: String(decoding: name, as: UTF8.self))
        }
        return entries
    }
}

/// A search for some object ids in trees, remembering what each subtree holds (see
/// `Repository.objects(_:within:)`).
public struct ObjectSearch: Sendable {
    /// The ids looked for.
    public let ids: Set<ObjectID>
    private var hitsByTree: [ObjectID: Set<ObjectID>] = [:]

    public init(_ ids: Set<ObjectID>) { self.ids = ids }

    /// The ids looked for that are `tree` or inside it. Iterative (no recursion on deep trees):
    /// a tree's answer is stored once all its subtrees have theirs.
    mutating func hits(inTree root: ObjectID, in repo: Repository) throws -> Set<ObjectID> {
        if let known = hitsByTree[root] { return known }
        var stack: [(tree: ObjectID, entries: [(id: ObjectID, isTree: Bool)]?)] = [(root, nil)]
        while let (tree, listed) = stack.popLast() {
            if hitsByTree[tree] != nil { continue }
            let entries = try listed ?? repo.treeEntryIDs(tree)
            let unknown = entries.filter { $0.isTree && hitsByTree[$0.id] == nil && $0.id != tree }
            if !unknown.isEmpty {
                stack.append((tree, entries))
                stack += unknown.map { ($0.id, nil) }
                continue
            }
            var hits = Set<ObjectID>()
            if ids.contains(tree) { hits.insert(tree) }
            for entry in entries {
                if ids.contains(entry.id) { hits.insert(entry.id) }
                if entry.isTree, let inner = hitsByTree[entry.id] { hits.formUnion(inner) }
            }
            hitsByTree[tree] = hits
        }
        return hitsByTree[root] ?? []
    }
}
