internal import CLibgit2

/// The one narrow seam between Swift and libgit2: initialisation and return-code checking.
enum Libgit2 {
    /// Initialises libgit2 exactly once per process (a Swift global is initialised lazily and atomically).
    static let initialized: Bool = {
        git_libgit2_init()
        // Pack files are read through mmap windows and every touched page counts in resident
        // memory; smaller windows and a mapped limit keep an audit's peak memory bounded. Measured
        // on a 100,000-commit, 53 MB pack (scripts/bench.sh): the audit of 2,000 tags peaks at
        // 92 MB with 4 MB windows and 16 MB mapped, 116 MB with 32 and 128, in the same time.
        _ = release_audit_set_mwindow_size(4 * 1024 * 1024)
        _ = release_audit_set_mwindow_mapped_limit(16 * 1024 * 1024)
        // libgit2 keeps up to 256 MB of inflated objects by default; the audit reads each tree
        // and commit it needs once (and keeps its own answers), so a small cache bounds memory at
        // no cost. Measured on emissary-ingress (scripts/bench-real.sh): the audit's peak is 75 MB
        // with 16 MB, 61 MB with 2 MB, 57 MB with 1 MB, in the same time.
        _ = release_audit_set_cache_max_size(1024 * 1024)
        return true
    }()

    /// The last libgit2 error for this thread as a `GitError` naming the failing call.
    static func lastError(_ call: String, code: Int32) -> GitError {
        if let err = git_error_last(), let message = err.pointee.message {
            return .libgit2(call: call, code: code, errorClass: err.pointee.klass, message: String(cString: message))
        }
        return .libgit2(call: call, code: code, errorClass: 0, message: "unknown error")
    }

    /// Throws a `GitError` when a libgit2 call returned a negative code.
    @discardableResult
    static func check(_ code: Int32, _ call: String) throws -> Int32 {
        if code < 0 { throw lastError(call, code: code) }
        return code
    }
}

extension ObjectID {
    /// Copies a libgit2 object id into a Swift value.
    init(_ oid: git_oid) {
        var oid = oid
        self = withUnsafeBytes(of: &oid.id) { ObjectID(bytes: $0) }
    }

    /// The libgit2 form of this id.
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            withUnsafeBytes(of: (high.bigEndian, middle.bigEndian, low.bigEndian)) { source in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<8]))
                UnsafeMutableRawBufferPointer(rebasing: raw[8..<16]).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[8..<16]))
                UnsafeMutableRawBufferPointer(rebasing: raw[16..<20]).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[16..<20]))
            }
        }
        return oid
    }
}

extension ObjectType {
    init(_ type: git_object_t) {
        switch type {
        case GIT_OBJECT_COMMIT: self = .commit
        case GIT_OBJECT_TREE: self = .tree
        case GIT_OBJECT_BLOB: self = .blob
        case GIT_OBJECT_TAG: self = .tag
        default: self = .unknown
        }
    }
}

extension Person {
    /// Copies a libgit2 signature (name, email, time) into a Swift value.
    init(_ sig: UnsafePointer<git_signature>) {
        let s = sig.pointee
        self.init(
            name: s.name.map { String(cString: $0) } ?? "",
            email: s.email.map { String(cString: $0) } ?? "",
            time: s.when.time,
            offsetMinutes: Int(s.when.offset)
        )
    }
}
