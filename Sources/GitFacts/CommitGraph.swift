import Foundation
internal import CLibgit2

/// The ancestry of some commits, loaded in one walk: every commit reachable from them, its
/// parents, and its generation (1 for a root commit, else one more than its highest parent's).
///
/// Built for questions asked many times over one history, as the release audit asks them for
/// every release: after the one walk, `aheadBehind` costs time in proportion to the commits
/// between the two commits asked about (it walks in generation order and stops as soon as
/// everything left is reachable from both), not to the depth of history, and it is exact
/// whatever the commit dates say. Memory is a few dozen bytes per commit.
public struct CommitGraph: Sendable {
    private let index: [CommitKey: Int32]
    /// Node i's parents are `parents[parentStart[i] ..< parentStart[i + 1]]`.
    private let parentStart: [Int32]
    private let parents: [Int32]
    private let generation: [Int32]
    /// Node i's id.
    private let keys: [CommitKey]

    /// The number of commits loaded.
    public var count: Int { generation.count }

    fileprivate init(index: [CommitKey: Int32], parentStart: [Int32], parents: [Int32]) throws {
        self.index = index
        self.parentStart = parentStart
        self.parents = parents
        self.generation = try Self.generations(count: index.count, parentStart: parentStart, parents: parents)
        var keys = [CommitKey](repeating: CommitKey(git_oid()), count: index.count)
        for (key, node) in index { keys[Int(node)] = key }
        self.keys = keys
    }

    /// What `mergeBase` found.
    public enum MergeBase: Sendable, Equatable {
        /// No common ancestor.
        case none
        /// Exactly one best common ancestor: what `git merge-base` prints.
        case unique(ObjectID)
        /// Several (a criss-cross merge): git picks one by its own rules, so ask git's walk.
        case several
        /// A commit was not loaded.
        case unknown
    }

    /// The best common ancestors of two commits (those not reachable from another common
    /// ancestor), by painting both sides down in generation order: a commit's paint is final when
    /// it is taken from the queue, and the walk stops when every queued commit lies below a
    /// common ancestor found.
    public func mergeBase(_ x: ObjectID, _ y: ObjectID) -> MergeBase {
        guard let a = node(x), let b = node(y) else { return .unknown }
        if a == b { return .unique(x) }
        let left: UInt8 = 1, right: UInt8 = 2, stale: UInt8 = 4
        var paint: [Int32: UInt8] = [a: left, b: right]
        var queue = KeyedQueue()
        queue.push(a, key: Int64(generation[Int(a)]))
        queue.push(b, key: Int64(generation[Int(b)]))
        var active = 2  // queued commits not below a common ancestor
        var found: [Int32] = []
        while active > 0, let n = queue.pop() {
            var flags = paint[n] ?? 0
            // Stale commits still pass their paint on: a common ancestor below one found is not a best one.
            if flags & stale == 0 {
                active -= 1
                if flags & (left | right) == left | right {
                    found.append(n)
                    flags |= stale
                }
            }
            for p in parentStart[Int(n)]..<parentStart[Int(n) + 1] {
                let parent = parents[Int(p)]
                if let old = paint[parent] {
                    let new = old | flags
                    if new != old {
                        paint[parent] = new
                        if old & stale == 0 && new & stale != 0 { active -= 1 }
                    }
                } else {
                    paint[parent] = flags
                    queue.push(parent, key: Int64(generation[Int(parent)]))
                    if flags & stale == 0 { active += 1 }
                }
            }
        }
        switch found.count {
        case 0: return .none
        case 1: return .unique(keys[Int(found[0])].id)
        default: return .several
        }
    }

    /// Whether the commit was loaded (it is reachable from one of the tips).
    public func contains(_ id: ObjectID) -> Bool { node(id) != nil }

    /// The number of commits in `from..to` (reachable from `to`, not from `from`) and in `to..from`,
    /// exactly as `Repository.aheadBehind` counts them; nil when either commit was not loaded.
    public func aheadBehind(from: ObjectID, to: ObjectID) -> (ahead: Int, behind: Int)? {
        guard let a = node(from), let b = node(to) else { return nil }
        if a == b { return (0, 0) }
        // Paint both sides down the graph, highest generation first. A commit's descendants all
        // have higher generations, so when it is taken from the queue its paint is final: it is
        // counted then. Once everything still queued carries both paints, every commit below is
        // reachable from both sides, and the counts are complete.
        let fromSide: UInt8 = 1, toSide: UInt8 = 2, both: UInt8 = 3
        var paint: [Int32: UInt8] = [a: fromSide, b: toSide]
        var queue = KeyedQueue()
        queue.push(a, key: Int64(generation[Int(a)]))
        queue.push(b, key: Int64(generation[Int(b)]))
        var unsettled = 2  // queued commits carrying one paint only
        var ahead = 0, behind = 0
        while unsettled > 0, let node = queue.pop() {
            let flags = paint[node] ?? 0
            if flags == fromSide { behind += 1; unsettled -= 1 }
            if flags == toSide { ahead += 1; unsettled -= 1 }
            for p in parentStart[Int(node)]..<parentStart[Int(node) + 1] {
                let parent = parents[Int(p)]
                if let old = paint[parent] {
                    let new = old | flags
                    if new != old {
                        paint[parent] = new
                        if new == both { unsettled -= 1 }  // it was queued with one paint
                    }
                } else {
                    paint[parent] = flags
                    queue.push(parent, key: Int64(generation[Int(parent)]))
                    if flags != both { unsettled += 1 }
                }
            }
        }
        return (ahead, behind)
    }

    /// Whether `ancestor` is reachable from `descendant` (a commit is reachable from itself); nil
    /// when either commit was not loaded.
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) -> Bool? {
        aheadBehind(from: ancestor, to: descendant).map { $0.behind == 0 }
    }

    /// Which of `tips` each commit is reachable from, the first in their order: one walk over
    /// the commits reachable from any of them, whatever the number of tips.
    public func reachability(fromTips tips: [ObjectID]) -> TipReachability {
        // Walking the tips in order and never entering a commit already labelled labels each
        // commit with the first tip that reaches it: a labelled commit's ancestors are labelled
        // by that tip or an earlier one.
        var label = [Int32](repeating: -1, count: count)
        for (t, tip) in tips.enumerated() {
            guard let start = node(tip), label[Int(start)] < 0 else { continue }
            label[Int(start)] = Int32(t)
            var stack = [start]
            while let n = stack.popLast() {
                for p in parentStart[Int(n)]..<parentStart[Int(n) + 1] where label[Int(parents[Int(p)])] < 0 {
                    label[Int(parents[Int(p)])] = Int32(t)
                    stack.append(parents[Int(p)])
                }
            }
        }
        return TipReachability(index: index, label: label)
    }

    private func node(_ id: ObjectID) -> Int32? { index[CommitKey(id.oid)] }

    /// Generations by an iterative depth-first walk (histories are far too deep to recurse).
    private static func generations(count: Int, parentStart: [Int32], parents: [Int32]) throws -> [Int32] {
        var generation = [Int32](repeating: 0, count: count)
        var open = [Bool](repeating: false, count: count)
        var stack: [(node: Int32, next: Int32)] = []
        for root in 0..<count where generation[root] == 0 {
            stack.append((Int32(root), parentStart[root]))
            open[root] = true
            while let top = stack.last {
                let n = Int(top.node)
                if top.next < parentStart[n + 1] {
                    stack[stack.count - 1].next += 1
                    let p = Int(parents[Int(top.next)])
                    if generation[p] != 0 { continue }
                    // Object ids are hashes of content, so a cycle means a corrupt repository.
                    if open[p] { throw GitError.libgit2(call: "commit graph", code: -1, errorClass: 0, message: "the history has a cycle: the repository is corrupt") }
                    open[p] = true
                    stack.append((Int32(p), parentStart[p]))
                } else {
                    var highest: Int32 = 0
                    for i in parentStart[n]..<parentStart[n + 1] { highest = max(highest, generation[Int(parents[Int(i)])]) }
                    generation[n] = highest + 1
                    open[n] = false
                    stack.removeLast()
                }
            }
        }
        return generation
    }
}

/// For each commit of a `CommitGraph`, the first of some tips it is reachable from.
public struct TipReachability: Sendable {
    fileprivate let index: [CommitKey: Int32]
    fileprivate let label: [Int32]

    /// The position (in the tips given) of the first tip the commit is reachable from; nil when
    /// no tip reaches it.
    public func firstTip(reaching id: ObjectID) -> Int? {
        guard let n = index[CommitKey(id.oid)], label[Int(n)] >= 0 else { return nil }
        return Int(label[Int(n)])
    }
}

/// A commit id as plain integers: cheap to hash, for the one table every commit goes into.
struct CommitKey: Hashable, Sendable {
    let head: UInt64, middle: UInt64, tail: UInt32

    init(_ oid: git_oid) {
        var oid = oid
        (head, middle, tail) = withUnsafeBytes(of: &oid.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    /// The id again.
    var id: ObjectID {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: head, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: middle, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: tail, toByteOffset: 16, as: UInt32.self)
        }
        return ObjectID(oid)
    }
}

extension Repository {
    /// Loads the ancestry of `tips` (commit ids): one walk over every commit reachable from them.
    ///
    /// - Throws: `GitError` when a tip is not a commit, or a commit in the history is missing
    ///   (a shallow clone, a partial or corrupt repository).
    public func commitGraph(reachableFrom tips: [ObjectID]) throws -> CommitGraph {
        var index: [CommitKey: Int32] = [:]
        var pending: [git_oid] = []  // nodes in index order; node i's parents are read in turn i
        var parentStart: [Int32] = [0]
        var parents: [Int32] = []
        func intern(_ oid: git_oid) -> Int32 {
            let raw = CommitKey(oid)
            if let n = index[raw] { return n }
            let n = Int32(index.count)
            index[raw] = n
            pending.append(oid)
            return n
        }
        for tip in tips { _ = intern(tip.oid) }
        // Only the raw objects' `parent` lines are parsed: building commit objects (signatures,
        // messages) would cost more than reading them.
        // A database of its own on the same objects (packs, loose objects, alternates): what it
        // reads is not kept in the repository's object cache after the walk (16 MB less at peak
        // for 50,000 commits).
        var odb: OpaquePointer?
        let objects = String(cString: git_repository_commondir(handle)) + "objects"
        try Libgit2.check(git_odb_open(&odb, objects), "git_odb_open")
        defer { git_odb_free(odb) }
        // git's commit-graph file, when there is one, lists most commits' parents without reading them.
        let file = CommitGraphFile(objectsDirectory: objects)
        var next = 0
        while next < pending.count {
            let oid = pending[next]
            if let file, try file.forEachParent(of: oid, { parents.append(intern($0)) }) {
                parentStart.append(Int32(parents.count))
                next += 1
                continue
            }
            try Self.readCommit(oid, from: odb!) { raw in
                try Self.forEachParent(in: raw, of: oid) { parents.append(intern($0)) }
            }
            parentStart.append(Int32(parents.count))
            next += 1
        }
        return try CommitGraph(index: index, parentStart: parentStart, parents: parents)
    }

    /// Reads a commit's raw object from `odb` and hands its bytes to `body`.
    ///
    /// - Throws: `GitError.revisionNotFound` when it is missing, `.notACommit` when it is another type.
    @discardableResult
    static func readCommit<T>(_ oid: git_oid, from odb: OpaquePointer, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        var oid = oid
        var object: OpaquePointer?
        let code = git_odb_read(&object, odb, &oid)
        if code < 0 {
            let error = Libgit2.lastError("git_odb_read (\(ObjectID(oid).hex))", code: code)
            throw code == GIT_ENOTFOUND.rawValue ? GitError.revisionNotFound(ObjectID(oid).hex) : error
        }
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_COMMIT else {
            throw GitError.notACommit(revision: ObjectID(oid).hex, type: ObjectType(git_odb_object_type(object)))
        }
        return try body(UnsafeBufferPointer(start: git_odb_object_data(object).assumingMemoryBound(to: UInt8.self), count: git_odb_object_size(object)))
    }

    /// Calls `body` with each parent id of a raw commit object: the `parent <hex>` lines that
    /// follow its `tree` line, as git writes (and libgit2 reads) them.
    /// Returns the offset just after them.
    @discardableResult
    static func forEachParent(in raw: UnsafeBufferPointer<UInt8>, of commit: git_oid, _ body: (git_oid) -> Void) throws -> Int {
        let tree = Array("tree ".utf8), parent = Array("parent ".utf8)
        func starts(with prefix: [UInt8], at offset: Int) -> Bool {
            offset + prefix.count + 41 <= raw.count && zip(prefix.indices, prefix).allSatisfy { raw[offset + $0] == $1 }
        }
        guard starts(with: tree, at: 0) else {
            throw GitError.libgit2(call: "commit graph", code: -1, errorClass: 0, message: "commit \(ObjectID(commit).hex) is malformed: no tree line")
        }
        var offset = tree.count + 41
        while starts(with: parent, at: offset) {
            var id = git_oid()
            let start = offset + parent.count
            let parsed = git_oid_fromstrn(&id, UnsafeRawPointer(raw.baseAddress! + start).assumingMemoryBound(to: CChar.self), 40)
            guard parsed == 0, raw[start + 40] == 0x0A else {
                throw GitError.libgit2(call: "commit graph", code: -1, errorClass: 0, message: "commit \(ObjectID(commit).hex) has a malformed parent line")
            }
            body(id)
            offset = start + 41
        }
        return offset
    }
}
