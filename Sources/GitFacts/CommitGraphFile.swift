import Foundation
internal import CLibgit2

/// The parents of commits as git's commit-graph file lists them (`objects/info/commit-graph`,
/// written by `git gc` or `git commit-graph write`), read directly.
///
/// Loading the ancestry of 100,000 commits from their objects costs a pack lookup, an inflate
/// and a SHA-1 per commit (some 4.6 billion instructions, a second); from this file it is a
/// binary search in a mapped file. Only a single-file graph with SHA-1 ids is read (not a split
/// chain); a file that is not well formed is not used at all, and commits it does not list (newer
/// than the file) are read from their objects. Like git, this trusts what the file says: it is a
/// cache git writes from the objects, as much the repository's own as its refs are.
final class CommitGraphFile {
    private let base: UnsafeRawPointer
    private let size: Int
    private let count: Int
    private let fanout: Int
    private let oids: Int
    private let commits: Int
    private let edges: Int
    private let edgeCount: Int

    private static let noParent: UInt32 = 0x7000_0000

    /// The commit-graph file of an objects directory, or nil when there is none or it is not one
    /// this reads.
    init?(objectsDirectory: String) {
        let fd = open(objectsDirectory + "/info/commit-graph", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size >= 8 + 12 + 20,
              let mapped = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(mapped)
        size = Int(status.st_size)
        guard let layout = Self.layout(base, size) else {
            munmap(mapped, size)
            return nil
        }
        (count, fanout, oids, commits, edges, edgeCount) = layout
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// Where the chunks are, after checking the header, the chunk table, the sizes and the fan-out.
    private static func layout(_ base: UnsafeRawPointer, _ size: Int)
        -> (count: Int, fanout: Int, oids: Int, commits: Int, edges: Int, edgeCount: Int)? {
        // "CGPH", version 1, hash version 1 (SHA-1), chunk count, no base graphs.
        guard memcmp(base, "CGPH", 4) == 0, byte(base, 4) == 1, byte(base, 5) == 1, byte(base, 7) == 0 else { return nil }
        let chunkCount = Int(byte(base, 6))
        guard 8 + (chunkCount + 1) * 12 <= size else { return nil }
        var chunks: [UInt32: (start: Int, end: Int)] = [:]
        for i in 0..<chunkCount {
            let entry = 8 + i * 12
            let start = uint64(base, entry + 4), end = uint64(base, entry + 16)
            guard start <= end, end <= UInt64(size - 20) else { return nil }
            chunks[uint32(base, entry)] = (Int(start), Int(end))
        }
        guard let fanout = chunks[0x4F49_4446], fanout.end - fanout.start == 256 * 4,  // OIDF
              let oids = chunks[0x4F49_444C], let commits = chunks[0x4344_4154] else { return nil }  // OIDL, CDAT
        let count = Int(uint32(base, fanout.start + 255 * 4))
        guard oids.end - oids.start == count * 20, commits.end - commits.start == count * 36 else { return nil }
        for i in 1..<256 where uint32(base, fanout.start + i * 4) < uint32(base, fanout.start + (i - 1) * 4) { return nil }
        let edges = chunks[0x4544_4745] ?? (0, 0)  // EDGE, for octopus merges
        guard (edges.end - edges.start) % 4 == 0 else { return nil }
        return (count, fanout.start, oids.start, commits.start, edges.start, (edges.end - edges.start) / 4)
    }

    /// Calls `body` with each parent of a commit the file lists, in order, and returns true; returns
    /// false when the file does not list the commit. Throws when its entry points outside the file.
    func forEachParent(of oid: git_oid, _ body: (git_oid) -> Void) throws -> Bool {
        guard let position = position(of: oid) else { return false }
        let entry = commits + position * 36 + 20
        let first = Self.uint32(base, entry), second = Self.uint32(base, entry + 4)
        if first != Self.noParent { body(try self.oid(at: first)) }
        if second == Self.noParent { return true }
        if second & 0x8000_0000 == 0 {
            body(try self.oid(at: second))
            return true
        }
        // The other parents of an octopus merge: EDGE entries, the last with its high bit set.
        var index = Int(second & 0x7FFF_FFFF)
        while true {
            guard index < edgeCount else { throw Self.corrupt }
            let value = Self.uint32(base, edges + index * 4)
            body(try self.oid(at: value & 0x7FFF_FFFF))
            if value & 0x8000_0000 != 0 { return true }
            index += 1
        }
    }

    private static let corrupt = GitError.libgit2(
        call: "commit-graph", code: -1, errorClass: 0,
        message: "the commit-graph file is corrupt: remove .git/objects/info/commit-graph or rewrite it (git commit-graph write --reachable)")

    private func oid(at position: UInt32) throws -> git_oid {
        guard Int(position) < count else { throw Self.corrupt }
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + oids + Int(position) * 20, count: 20)) }
        return oid
    }

    /// The position of an id in the sorted id list: its fan-out bucket, then a binary search.
    private func position(of oid: git_oid) -> Int? {
        var oid = oid
        return withUnsafeBytes(of: &oid.id) { id -> Int? in
            let first = Int(id[0])
            var low = first == 0 ? 0 : Int(Self.uint32(base, fanout + (first - 1) * 4))
            var high = Int(Self.uint32(base, fanout + first * 4))
            while low < high {
                let middle = (low + high) / 2
                let order = memcmp(base + oids + middle * 20, id.baseAddress!, 20)
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    private static func byte(_ base: UnsafeRawPointer, _ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }

    private static func uint32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func uint64(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
