import Foundation
internal import CLibgit2

/// Ancestry questions asked many times over one history (the release audit asks them for every
/// RC -> GA pair), answered from commits read once and kept, in time proportional to the commits
/// between the two asked about rather than to the depth of the history.
///
/// How it stays exact:
/// - With git's commit-graph file, or once it has had to, it loads the whole `CommitGraph` of its
///   tips (generation numbers: exact whatever the commit dates say).
/// - Otherwise it walks as git does without that file, newest committer date first, reading only
///   the commits it visits. A walk in date order is exact when no commit is taken from the queue
///   before one of its descendants; each walk checks that on every commit it visits (a commit
///   already taken that gains paint later means the dates misled it), and goes on a day's worth
///   of commit dates past the point where git would stop, so that dates running backwards just
///   below the commits it counted are seen too. On any such sign it answers from the whole graph
///   instead, for this question and every later one.
///
/// What a date walk could still get wrong, were dates to run backwards by more than a day
/// entirely among commits it never read: it can count a commit as on one side only when it is on
/// both, never the reverse, so an ancestor found (`behind == 0`) is one, and a merge base found is
/// a common ancestor. The same trust in dates is what git's own walks place in them.
public final class CommitAncestry {
    /// How the answers so far were found.
    public enum Mode: Sendable, Equatable {
        /// By generation numbers over the whole graph of the tips.
        case generations
        /// By date-ordered walks over the commits visited.
        case dates
    }

    private let repo: Repository
    private var tips: [ObjectID]
    private var graph: CommitGraph?
    private let odb: OpaquePointer
    /// How far a walk goes on past the point where everything queued is on both sides: this many
    /// commits (git's own walks go five further) and then on while the dates are within a day.
    private let slop = 16
    private let margin: Int64 = 86_400

    private var index: [CommitKey: Int32] = [:]
    private var ids: [git_oid] = []
    private var time: [Int64] = []
    /// Node i's parents are `parents[parentStart[i] ..< parentStart[i] + parentCount[i]]` once read
    /// (`parentStart[i] < 0` before).
    private var parentStart: [Int32] = []
    private var parentCount: [Int32] = []
    private var parents: [Int32] = []

    /// How the answers so far were found: `.generations` once the whole graph was loaded.
    public var mode: Mode { graph == nil ? .dates : .generations }

    /// The number of commits read so far (the whole graph's, once it is loaded).
    public var commitsRead: Int { graph?.count ?? ids.count }

    /// An ancestry over the history of `tips` (every commit later questions name should be
    /// reachable from them; others are added when asked about).
    public init(repository: Repository, tips: [ObjectID]) throws {
        repo = repository
        self.tips = tips
        let objects = String(cString: git_repository_commondir(repository.handle)) + "objects"
        var odb: OpaquePointer?
        try Libgit2.check(git_odb_open(&odb, objects), "git_odb_open")
        self.odb = odb!
        if CommitGraphFile(objectsDirectory: objects) != nil { graph = try repository.commitGraph(reachableFrom: tips) }
    }

    deinit { git_odb_free(odb) }

    /// The number of commits in `from..to` and in `to..from`, as `Repository.aheadBehind` counts them.
    public func aheadBehind(from: ObjectID, to: ObjectID) throws -> (ahead: Int, behind: Int) {
        if from == to { return (0, 0) }
        if graph == nil, let counts = try datedAheadBehind(from: from, to: to) { return counts }
        return try exact(from, to).aheadBehind(from: from, to: to)!
    }

    /// Whether `ancestor` is reachable from `descendant` (a commit is reachable from itself).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        try aheadBehind(from: ancestor, to: descendant).behind == 0
    }

    /// The best common ancestors of two commits, as `CommitGraph.mergeBase` gives them.
    public func mergeBase(_ x: ObjectID, _ y: ObjectID) throws -> CommitGraph.MergeBase {
        if x == y { return .unique(x) }
        if graph == nil, let base = try datedMergeBase(x, y) { return base }
        return try exact(x, y).mergeBase(x, y)
    }

    /// Which of `tips` each commit of the whole graph is reachable from (loads the whole graph).
    public func reachability(fromTips branchTips: [ObjectID]) throws -> TipReachability {
        try exact(branchTips).reachability(fromTips: branchTips)
    }

    /// The whole graph, loaded (again) when it does not hold `ids`.
    private func exact(_ ids: ObjectID...) throws -> CommitGraph { try exact(ids) }

    private func exact(_ ids: [ObjectID]) throws -> CommitGraph {
        if let graph, ids.allSatisfy(graph.contains) { return graph }
        tips += ids.filter { !tips.contains($0) }
        let loaded = try repo.commitGraph(reachableFrom: tips)
        graph = loaded
        // The date walks' commits are not needed any more.
        (index, self.ids, time, parentStart, parentCount, parents) = ([:], [], [], [], [], [])
        return loaded
    }

    // MARK: Date-ordered walks

    private static let fromSide: UInt8 = 1, toSide: UInt8 = 2, both: UInt8 = 3, stale: UInt8 = 4, taken: UInt8 = 8

    /// The counts by a date-ordered walk, or nil when the dates misled it.
    private func datedAheadBehind(from: ObjectID, to: ObjectID) throws -> (ahead: Int, behind: Int)? {
        let a = try node(from.oid), b = try node(to.oid)
        let (fromSide, toSide, both, taken) = (Self.fromSide, Self.toSide, Self.both, Self.taken)
        var paint: [Int32: UInt8] = [a: fromSide, b: toSide]
        var queue = KeyedQueue()
        queue.push(a, key: time[Int(a)])
        queue.push(b, key: time[Int(b)])
        var unsettled = 2  // queued commits carrying one paint only
        var ahead = 0, behind = 0
        var oldestCounted = Int64.max
        var extra = slop
        while let top = queue.peek() {
            // Everything queued is on both sides: go on a little further, in case what lies below
            // shows the dates misled the walk.
            if unsettled == 0 {
                if extra == 0 && time[Int(top)] < oldestCounted &- margin { break }
                extra = max(extra - 1, 0)
            }
            let n = queue.pop()!
            let flags = paint[n]! & both
            paint[n] = flags | taken
            if flags != both {
                if flags == fromSide { behind += 1 } else { ahead += 1 }
                unsettled -= 1
                oldestCounted = min(oldestCounted, time[Int(n)])
            }
            for parent in try parentsOf(n) {
                if let old = paint[parent] {
                    let new = old | flags
                    guard new != old else { continue }
                    if old & taken != 0 { return nil }  // taken before a descendant: the dates misled the walk
                    paint[parent] = new
                    if new & both == both { unsettled -= 1 }  // it was queued with one paint
                } else {
                    paint[parent] = flags
                    queue.push(parent, key: time[Int(parent)])
                    if flags != both { unsettled += 1 }
                }
            }
        }
        return (ahead, behind)
    }

    /// The merge base by a date-ordered walk, or nil when the dates misled it.
    private func datedMergeBase(_ x: ObjectID, _ y: ObjectID) throws -> CommitGraph.MergeBase? {
        let a = try node(x.oid), b = try node(y.oid)
        let (left, right, both, stale, taken) = (Self.fromSide, Self.toSide, Self.both, Self.stale, Self.taken)
        var paint: [Int32: UInt8] = [a: left, b: right]
        var queue = KeyedQueue()
        queue.push(a, key: time[Int(a)])
        queue.push(b, key: time[Int(b)])
        var active = 2  // queued commits not below a common ancestor
        var oldestActive = Int64.max
        var extra = slop
        var found: [Int32] = []
        while let top = queue.peek() {
            if active == 0 {
                if extra == 0 && time[Int(top)] < oldestActive &- margin { break }
                extra = max(extra - 1, 0)
            }
            let n = queue.pop()!
            // A common ancestor found passes `stale` on but keeps its own paint as it was taken, so
            // that a descendant of it found later (the dates misled the walk) shows as new paint.
            var flags = paint[n]! & (both | stale)
            paint[n] = flags | taken
            if flags & stale == 0 {
                active -= 1
                oldestActive = min(oldestActive, time[Int(n)])
                if flags & both == both {
                    found.append(n)
                    flags |= stale
                }
            }
            for parent in try parentsOf(n) {
                if let old = paint[parent] {
                    let new = old | flags
                    guard new != old else { continue }
                    if old & taken != 0 { return nil }
                    paint[parent] = new
                    if old & stale == 0 && new & stale != 0 { active -= 1 }
                } else {
                    paint[parent] = flags
                    queue.push(parent, key: time[Int(parent)])
                    if flags & stale == 0 { active += 1 }
                }
            }
        }
        switch found.count {
        case 0: return CommitGraph.MergeBase.none
        case 1: return .unique(ObjectID(ids[Int(found[0])]))
        default: return .several
        }
    }

    /// The node of a commit, its date read.
    private func node(_ oid: git_oid) throws -> Int32 {
        let n = intern(oid)
        try load(n)
        return n
    }

    /// The node of a commit, not read yet when it is new.
    private func intern(_ oid: git_oid) -> Int32 {
        let key = CommitKey(oid)
        if let n = index[key] { return n }
        let n = Int32(ids.count)
        index[key] = n
        ids.append(oid)
        parentStart.append(-1)
        parentCount.append(0)
        time.append(0)
        return n
    }

    /// A commit's parents, each read (a walk needs their dates to queue them).
    private func parentsOf(_ n: Int32) throws -> [Int32] {
        let start = Int(parentStart[Int(n)]), count = Int(parentCount[Int(n)])
        // By index, holding no slice of `parents` while `load` appends to it (a slice held would
        // make every append copy the whole array).
        for i in start..<start + count { try load(parents[i]) }
        return Array(parents[start..<start + count])
    }

    /// Reads a commit object once: its parents (as nodes, not read yet) and its committer date.
    private func load(_ n: Int32) throws {
        guard parentStart[Int(n)] < 0 else { return }
        var found: [Int32] = []
        try Repository.readCommit(ids[Int(n)], from: odb) { raw in
            let end = try Repository.forEachParent(in: raw, of: ids[Int(n)]) { found.append(intern($0)) }
            time[Int(n)] = Self.committerTime(in: raw, from: end)
        }
        parentStart[Int(n)] = Int32(parents.count)
        parentCount[Int(n)] = Int32(found.count)
        parents.append(contentsOf: found)
    }

    /// The committer date of a raw commit (seconds since 1970): the number after the last `>` of
    /// its `committer` header, as git reads it; 0 (the oldest) when there is none.
    static func committerTime(in raw: UnsafeBufferPointer<UInt8>, from start: Int) -> Int64 {
        let header = Array("\ncommitter ".utf8)
        var i = max(start - 1, 0)
        while i + header.count <= raw.count {
            if raw[i] == 0x0A, raw[i + 1] == 0x0A { return 0 }  // the end of the headers
            if zip(header.indices, header).allSatisfy({ raw[i + $0] == $1 }) {
                var lineEnd = i + header.count
                while lineEnd < raw.count, raw[lineEnd] != 0x0A { lineEnd += 1 }
                var close = lineEnd
                while close > i, raw[close - 1] != UInt8(ascii: ">") { close -= 1 }
                var j = close
                while j < lineEnd, raw[j] == 0x20 { j += 1 }
                var value: Int64 = 0, digits = 0
                while j < lineEnd, raw[j] >= 0x30, raw[j] <= 0x39, digits < 18 {
                    value = value * 10 + Int64(raw[j] - 0x30)
                    j += 1
                    digits += 1
                }
                return digits > 0 ? value : 0
            }
            i += 1
        }
        return 0
    }
}

/// A max-queue of graph nodes by a key (generation or commit date; ties by node number, for a
/// deterministic order), for `CommitGraph` and `CommitAncestry`.
struct KeyedQueue {
    private var heap: [(key: Int64, node: Int32)] = []

    private static func before(_ a: (key: Int64, node: Int32), _ b: (key: Int64, node: Int32)) -> Bool {
        a.key != b.key ? a.key > b.key : a.node < b.node
    }

    func peek() -> Int32? { heap.first?.node }

    mutating func push(_ node: Int32, key: Int64) {
        heap.append((key, node))
        var i = heap.count - 1
        while i > 0 {
            let up = (i - 1) / 2
            guard Self.before(heap[i], heap[up]) else { break }
            heap.swapAt(i, up)
            i = up
        }
    }

    mutating func pop() -> Int32? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first.node }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count, Self.before(heap[l], heap[best]) { best = l }
            if r < heap.count, Self.before(heap[r], heap[best]) { best = r }
            if best == i { break }
            heap.swapAt(i, best)
            i = best
        }
        return first.node
    }
}
