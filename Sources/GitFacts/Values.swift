import Foundation

/// A git object id (SHA-1), written as 40 lowercase hexadecimal characters.
public struct ObjectID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    // The 20 bytes as three big-endian integers: compared, hashed and ordered as integers (as the
    // bytes, and so as the hex text), which an audit does millions of times over trees and graphs.
    let high: UInt64, middle: UInt64, low: UInt32

    /// The id as 40 lowercase hexadecimal characters.
    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 40) { buffer in
            digits.withUTF8Buffer { digits in
                for (i, byte) in bytes.enumerated() {
                    buffer[2 * i] = digits[Int(byte >> 4)]
                    buffer[2 * i + 1] = digits[Int(byte & 0x0f)]
                }
            }
            return 40
        }
    }

    /// The 20 bytes, in order.
    var bytes: [UInt8] {
        withUnsafeBytes(of: (high.bigEndian, middle.bigEndian, low.bigEndian)) { raw in
            Array(raw[0..<8]) + Array(raw[8..<16]) + Array(raw[16..<20])
        }
    }

    /// Parses a full object id (either case); abbreviated ids are resolved with `Repository.resolveCommit(_:)`.
    public init(hex: String) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        var pending: UInt8?
        for char in hex.utf8 {
            let value: UInt8
            switch char {
            case 48...57: value = char - 48
            case 97...102: value = char - 87
            case 65...70: value = char - 55
            default: throw GitError.invalidObjectID(hex)
            }
            if let high = pending { bytes.append(high << 4 | value); pending = nil } else { pending = value }
            guard bytes.count <= 20 else { throw GitError.invalidObjectID(hex) }
        }
        guard bytes.count == 20, pending == nil else { throw GitError.invalidObjectID(hex) }
        self.init(bytes: bytes)
    }

    /// From the 20 bytes as three big-endian integers.
    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// From 20 bytes (at least 20 must be there).
    init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        var i = bytes.startIndex
        func next(_ n: Int) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<n { value = value << 8 | UInt64(bytes[i]); i = bytes.index(after: i) }
            return value
        }
        high = next(8)
        middle = next(8)
        low = UInt32(next(4))
    }

    /// The first seven characters, as `git log --oneline` shows them.
    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }
    public static func < (a: ObjectID, b: ObjectID) -> Bool { (a.high, a.middle, a.low) < (b.high, b.middle, b.low) }

    public init(from decoder: Decoder) throws {
        try self.init(hex: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}

/// The four kinds of git object (plus `unknown` for anything libgit2 reports otherwise).
public enum ObjectType: String, Sendable, Codable {
    case commit, tree, blob, tag, unknown
}

/// An author, committer or tagger: who, and when (seconds since the epoch and the UTC offset).
public struct Person: Hashable, Sendable, Codable {
    public var name: String
    public var email: String
    /// Seconds since 1970-01-01T00:00:00Z.
    public var time: Int64
    /// Offset from UTC in minutes, as recorded.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Int64, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// The moment as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(time)) }
}

/// The facts of one commit.
public struct Commit: Hashable, Sendable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    public var author: Person
    public var committer: Person
    /// The first paragraph of the message, on one line.
    public var summary: String
    public var message: String
    /// The commit's signature and the exact data it signs, when the commit is signed.
    public var signature: ObjectSignature?

    /// Whether the commit carries a signature (not whether it verifies).
    public var isSigned: Bool { signature != nil }

    public init(id: ObjectID, tree: ObjectID, parents: [ObjectID], author: Person, committer: Person, summary: String,
                message: String, signature: ObjectSignature? = nil) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.author = author
        self.committer = committer
        self.summary = summary
        self.message = message
        self.signature = signature
    }
}

/// A signature embedded in a git object, with the bytes it signs, for verification by a caller.
public struct ObjectSignature: Hashable, Sendable {
    /// The armoured signature (`-----BEGIN PGP SIGNATURE-----`, SSH or X.509).
    public var signature: String
    /// The object's content without the signature: exactly the bytes the signature signs.
    public var signedData: Data

    public init(signature: String, signedData: Data) {
        self.signature = signature
        self.signedData = signedData
    }
}

/// A tag, followed to the object it finally names.
public struct Tag: Hashable, Sendable {
    /// The short name (`v1.2.0`), without `refs/tags/`.
    public var name: String
    /// Whether `refs/tags/<name>` points at a tag object (annotated) or directly at another object (lightweight).
    public var isAnnotated: Bool
    /// What `refs/tags/<name>` points at: the tag object for an annotated tag, else the named object itself.
    public var referenceTarget: ObjectID
    /// The tagger of the (outermost) tag object; nil for a lightweight tag.
    public var tagger: Person?
    /// The message of the (outermost) tag object, signature included as stored; nil for a lightweight tag.
    public var message: String?
    /// Whether the (outermost) tag object carries a PGP, SSH or X.509 signature.
    public var isSigned: Bool
    /// The (outermost) tag object's signature and the bytes it signs (the object up to the last
    /// line that opens a signature block, as git splits it); nil when it carries none.
    public var signature: ObjectSignature? = nil
    /// The name the (outermost) tag object itself carries (its `tag` header); nil for a lightweight
    /// tag. It differs from `name` when a tag object was put under another ref name.
    public var objectName: String? = nil
    /// How many tag objects were followed to reach the target (0 lightweight, 1 annotated, 2+ tag-of-tag).
    public var chainLength: Int
    /// The type of the object the tag finally names.
    public var targetType: ObjectType
    /// The id of the object the tag finally names.
    public var targetID: ObjectID
    /// Every tag object followed from the reference to the target, outermost first (empty for a
    /// lightweight tag): a replace ref on any of them changes what the tag peels to.
    public var tagObjects: [ObjectID] = []

    public init(name: String, isAnnotated: Bool, referenceTarget: ObjectID, tagger: Person?, message: String?, isSigned: Bool,
                chainLength: Int, targetType: ObjectType, targetID: ObjectID, tagObjects: [ObjectID] = [],
                signature: ObjectSignature? = nil) {
        self.signature = signature
        self.name = name
        self.isAnnotated = isAnnotated
        self.referenceTarget = referenceTarget
        self.tagger = tagger
        self.message = message
        self.isSigned = isSigned
        self.chainLength = chainLength
        self.targetType = targetType
        self.targetID = targetID
        self.tagObjects = tagObjects
    }

    /// The commit the tag peels to, or nil when it names a tree or a blob.
    public var commit: ObjectID? { targetType == .commit ? targetID : nil }
    /// The tag object id for an annotated tag, nil for a lightweight tag.
    public var tagObjectID: ObjectID? { isAnnotated ? referenceTarget : nil }
}

/// How a path changed between two trees.
public enum ChangeKind: String, Sendable, Codable {
    case added, deleted, modified
    /// The path changed type (file to symlink, file to submodule...).
    case typeChanged = "type-changed"
    /// A submodule gitlink changed (the recorded commit of the submodule).
    case submodule
}

/// One path that differs between two trees.
public struct ChangedPath: Hashable, Sendable, Codable {
    public var path: String
    public var kind: ChangeKind
    /// The object id before the change (nil when added).
    public var oldID: ObjectID?
    /// The object id after the change (nil when deleted).
    public var newID: ObjectID?
    /// The git file mode after the change (`0o100644`, `0o100755`, `0o120000` for a symbolic link,
    /// `0o160000` for a submodule); nil when deleted.
    public var newMode: UInt32?

    public init(path: String, kind: ChangeKind, oldID: ObjectID? = nil, newID: ObjectID? = nil, newMode: UInt32? = nil) {
        self.path = path
        self.kind = kind
        self.oldID = oldID
        self.newID = newID
        self.newMode = newMode
    }

    /// Whether the path is a regular file after the change (or gone).
    public var isRegularFileOrGone: Bool { newMode == nil || newMode == 0o100644 || newMode == 0o100755 }
}

/// The state of the work tree against HEAD and the index, ignored files excluded.
public struct WorkTreeStatus: Hashable, Sendable {
    /// False for a bare repository, which has no work tree (and so nothing dirty).
    public var hasWorkTree: Bool
    /// Tracked paths with staged or unstaged changes, sorted.
    public var changedPaths: [String]
    /// Untracked paths (files, not directories), sorted.
    public var untrackedPaths: [String]

    /// Every path that makes the tree dirty: changed and untracked, sorted, each once.
    public var dirtyPaths: [String] {
        // Compare bytes, not Strings: Swift calls "é" and "e\u{301}" equal, git keeps both paths.
        var seen = Set<[UInt8]>()
        return (changedPaths + untrackedPaths).filter { seen.insert(Array($0.utf8)).inserted }.sorted()
    }
    /// Whether nothing differs from HEAD.
    public var isClean: Bool { changedPaths.isEmpty && untrackedPaths.isEmpty }
}

/// A configured remote, its URL with any credentials removed.
public struct Remote: Hashable, Sendable, Codable {
    public var name: String
    public var url: String
}

/// Facts about the repository as a whole.
public struct RepositoryFacts: Hashable, Sendable {
    /// The git directory that was opened (`.git`, or the bare repository itself).
    public var gitDirectory: String
    /// The work tree, nil for a bare repository.
    public var workDirectory: String?
    public var isBare: Bool
    /// A shallow clone's history is cut off: ancestry cannot be proven in it.
    public var isShallow: Bool
    /// `sha1` (SHA-256 repositories are refused when opened).
    public var objectFormat: String
    public var remotes: [Remote]
    /// The current branch's short name; nil when HEAD is detached or unborn.
    public var currentBranch: String?
    public var isHeadDetached: Bool
    /// The refs under `refs/replace/`: reported, never honoured (libgit2 does not apply them).
    public var replaceRefs: [String]
}
