import Foundation

/// The records of a `packed-refs` file, parsed once and kept sorted by name, for listing the refs
/// under a prefix.
///
/// libgit2 1.5 looks a single name up by binary search over the mapped file, but every reference
/// iterator parses the whole file into its cache, sorts it and then copies all of it (18,500 refs
/// on argo-cd: 15 ms for the first listing and 4 ms for each after). Here the file is parsed once
/// per repository (again only if it changes) and a listing takes the records in its prefix's range.
///
/// Parsed as strictly as libgit2's `packed_reload`, so a file libgit2 calls corrupt is refused here
/// too: header and comment lines (`#`) only at the top; then `<40 hex> <name>` lines, each
/// optionally followed by a peeled `^<40 hex>` line. Where the two differ, as git reads it: a
/// carriage return before the line feed is part of the name (libgit2 drops it; git's listings then
/// ignore the ref, its name being invalid, but git's replace refs do not), and a NUL byte ends the
/// name (libgit2's lookup then misses the ref; git does not). A name twice is refused: libgit2
/// keeps the later record, git's binary search finds either, so which commit it names is ambiguous.
/// So is a file whose header says `sorted` and whose records are not in order.
struct PackedRefs {
    /// One record: where its name is in `bytes` (its object id's 40 hex digits end one byte before).
    struct Record {
        let nameStart: Int32
        let nameLength: Int32
    }

    /// What identifies one version of the file (it is replaced by rename when git rewrites it).
    struct Stamp: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    let bytes: [UInt8]
    /// Sorted by name (bytewise, as git and libgit2 sort them), one record per name.
    let records: [Record]
    let stamp: Stamp?
    /// The names that do not start with `refs/` (one-level names such as `v1.0` or `HEAD`), which
    /// git's name lookup tries before `refs/tags/`. A trailing carriage return is dropped, as
    /// libgit2 drops it: a name that might shadow a tag is reported rather than missed.
    let oneLevelNames: Set<[UInt8]>

    init(bytes: [UInt8], records: [Record], stamp: Stamp?) {
        self.bytes = bytes
        self.records = records
        self.stamp = stamp
        let refs = Array("refs/".utf8)
        var names = Set<[UInt8]>()
        for record in records {
            let name = bytes[Int(record.nameStart)..<Int(record.nameStart + record.nameLength)]
            if !name.starts(with: refs) { names.insert(Array(name.last == 0x0D ? name.dropLast() : name)) }
        }
        oneLevelNames = names
    }

    static let empty = PackedRefs(bytes: [], records: [], stamp: nil)

    /// The file's current stamp, or nil when there is no such file.
    static func stamp(of path: String) -> Stamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Stamp(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                     seconds: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
    }

    /// Reads and parses the file; an absent file is an empty one.
    ///
    /// - Throws: `GitError.corruptPackedRefs` for a file libgit2 would not parse.
    static func load(path: String) throws -> PackedRefs {
        guard let stamp = stamp(of: path) else { return .empty }
        let bytes: [UInt8]
        do { bytes = try readFile(path, size: Int(stamp.size)) } catch {
            if Self.stamp(of: path) == nil { return .empty }  // removed between the stat and the read
            throw GitError.libgit2(call: "read packed-refs", code: -1, errorClass: 0, message: "cannot read \(path): \(error)")
        }
        guard bytes.count < Int32.max, let records = parse(bytes) else { throw GitError.corruptPackedRefs(path: path) }
        return PackedRefs(bytes: bytes, records: records, stamp: stamp)
    }

    /// The whole file, with read(2) straight into the array (no `Data` copy of a megabyte).
    private static func readFile(_ path: String, size: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: max(size, 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }  // it grew since the stat
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 { if errno == EINTR { continue }; throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// The records, sorted by name, or nil when the file is corrupt or names a ref twice.
    static func parse(_ bytes: [UInt8]) -> [Record]? {
        bytes.withUnsafeBufferPointer { b -> [Record]? in
            guard let base = b.baseAddress else { return [] }
            let end = b.count
            var i = 0
            func lineEnd(from start: Int) -> Int? {
                guard start < end, let found = memchr(base + start, 0x0A, end - start) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            // Checked here, decoded only for the records a listing returns.
            func isObjectID(at start: Int) -> Bool {
                guard start + 40 <= end else { return false }
                var bad: UInt8 = 0
                for k in start..<(start + 40) { bad |= hexTable[Int(base[k])] }
                return bad & 0x80 == 0
            }
            // The header's traits: a file that says it is sorted and is not is refused. git would
            // binary-search it and miss what is out of order (a branch, an RC tag), while a
            // reading that sorts it first would see them: no single answer.
            var claimsSorted = false
            let header = Array("# pack-refs with:".utf8)
            if end >= header.count && memcmp(base, header, header.count) == 0, let eol = lineEnd(from: 0) {
                let traits = String(decoding: b[header.count..<eol], as: UTF8.self) + " "
                claimsSorted = traits.contains(" sorted ")
            }
            // Header and comment lines, at the top only.
            while i < end && base[i] == UInt8(ascii: "#") {
                guard let eol = lineEnd(from: i) else { return nil }
                i = eol + 1
            }
            var records: [Record] = []
            records.reserveCapacity(end / 64)
            var sorted = true
            while i < end {
                guard isObjectID(at: i), i + 40 < end, base[i + 40] == 0x20 else { return nil }
                let nameStart = i + 41
                guard let eol = lineEnd(from: nameStart) else { return nil }
                // git holds the name as a C string: it ends at a NUL byte (git lists `refs/tags/v1\0x`
                // as v1 and honours `refs/replace/<id>\0x`).
                let nameEnd = memchr(base + nameStart, 0, eol - nameStart).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? eol
                let record = Record(nameStart: Int32(nameStart), nameLength: Int32(nameEnd - nameStart))
                if sorted, let last = records.last, compare(last, record, b) >= 0 { sorted = false }
                records.append(record)
                i = eol + 1
                // An optional peeled line: `^` and 40 hex, then anything up to the line feed.
                if i < end && base[i] == UInt8(ascii: "^") {
                    guard isObjectID(at: i + 1) else { return nil }
                    i += 41
                    if i < end {
                        guard let eol = lineEnd(from: i) else { return nil }
                        i = eol + 1
                    }
                }
            }
            if sorted { return records }
            if claimsSorted { return nil }
            // Unsorted (git sorts such a file when it reads it), or a name twice (refused).
            records.sort { compare($0, $1, b) < 0 }
            for k in records.indices.dropFirst() where compare(records[k - 1], records[k], b) == 0 { return nil }
            return records
        }
    }

    /// Each byte's value as a hexadecimal digit, 0x80 for a byte that is not one.
    private static let hexTable: [UInt8] = (0..<256).map { hexValue(UInt8($0)) ?? 0x80 }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// Bytewise order of two records' names (`strcmp`).
    private static func compare(_ x: Record, _ y: Record, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Int(min(x.nameLength, y.nameLength))
        let c = memcmp(b.baseAddress! + Int(x.nameStart), b.baseAddress! + Int(y.nameStart), n)
        if c != 0 { return Int(c) }
        return Int(x.nameLength) - Int(y.nameLength)
    }

    /// A record's object id.
    func target(of record: Record) -> ObjectID {
        let start = Int(record.nameStart) - 41
        func digits(_ from: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            // The digits were checked when the file was parsed.
            for k in from..<(from + count) { value = value << 4 | UInt64(Self.hexValue(bytes[start + k]) ?? 0) }
            return value
        }
        return ObjectID(high: digits(0, 16), middle: digits(16, 16), low: UInt32(digits(32, 8)))
    }

    /// A record's name.
    func name(of record: Record) -> String {
        String(decoding: rawName(of: record), as: UTF8.self)
    }

    /// A record's name, as bytes (not always UTF-8).
    func rawName(of record: Record) -> ArraySlice<UInt8> {
        bytes[Int(record.nameStart)..<Int(record.nameStart + record.nameLength)]
    }

    /// The target of the record of exactly this name, if there is one.
    func target(ofName name: [UInt8]) -> ObjectID? {
        let index = lowerBound(name)
        guard index < records.count, rawName(of: records[index]).elementsEqual(name) else { return nil }
        return target(of: records[index])
    }

    /// The index of the first record whose name is not below `key` (bytewise).
    private func lowerBound(_ key: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            var low = 0, high = records.count
            while low < high {
                let mid = (low + high) / 2
                let record = records[mid]
                let c = memcmp(b.baseAddress! + Int(record.nameStart), key, min(Int(record.nameLength), key.count))
                if c != 0 ? c < 0 : Int(record.nameLength) < key.count { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    /// The records whose names start with `prefix` (bytes), in name order.
    func records(withPrefix prefix: [UInt8]) -> ArraySlice<Record> {
        let low = lowerBound(prefix)
        var last = low
        while last < records.count && rawName(of: records[last]).starts(with: prefix) { last += 1 }
        return records[low..<last]
    }
}
