/// What a tag name is under a release tag scheme.
public enum TagClass: Sendable, Hashable {
    /// A release (GA) tag of this version.
    case ga(version: String)
    /// Release candidate `number` of this version, matched by the scheme's RC pattern at `patternIndex`.
    case rc(version: String, number: Int, patternIndex: Int)

    /// The version the tag is for, GA or RC.
    public var version: String {
        switch self {
        case .ga(let version), .rc(let version, _, _): return version
        }
    }
}

/// A release stream's tag names: an optional prefix (such as `chart/`), the GA pattern and the RC patterns.
///
/// The prefix is literal text in front of every pattern, so with prefix `chart/` the GA pattern
/// `v{version}` matches `chart/v1.2.3` and not `v1.2.3`.
public struct ReleaseTagScheme: Sendable, Hashable {
    /// Literal text every tag of the stream starts with; may be empty.
    public let prefix: String
    /// The GA pattern (without `{n}`).
    public let release: TagPattern
    /// The release-candidate patterns (each with `{n}`), tried in order.
    public let candidates: [TagPattern]

    /// Combines the parts; a GA pattern with `{n}`, an RC pattern without it, or a prefix with a
    /// character no tag name may hold throws `TagPatternError`.
    public init(prefix: String = "", release: TagPattern, candidates: [TagPattern] = []) throws {
        if release.hasCandidateNumber {
            throw TagPatternError(pattern: release.pattern, reason: "a release (GA) pattern cannot have {n}; {n} belongs in RC patterns")
        }
        if let bad = candidates.first(where: { !$0.hasCandidateNumber }) {
            throw TagPatternError(pattern: bad.pattern, reason: "an RC pattern needs {n} for the release-candidate number")
        }
        try Self.checkPrefix(prefix)
        self.init(checkedPrefix: prefix, release: release, candidates: candidates)
    }

    /// Combines parts already checked (the policy reader checks them with file and line).
    init(checkedPrefix prefix: String, release: TagPattern, candidates: [TagPattern]) {
        self.prefix = prefix
        self.release = release
        self.candidates = candidates
    }

    /// Throws when a prefix holds a character git never allows in a tag name.
    static func checkPrefix(_ prefix: String) throws {
        // A prefix is literal text: checking it as a pattern (with a stand-in placeholder) reuses the character rules.
        guard !prefix.contains("{"), !prefix.contains("}") else {
            throw TagPatternError(pattern: prefix, reason: "a prefix is literal text and cannot hold \"{\" or \"}\"")
        }
        do {
            _ = try TagPattern(prefix + "{version}")
        } catch let error as TagPatternError {
            throw TagPatternError(pattern: prefix, reason: error.reason)
        }
    }

    /// Classifies a short tag name (`v1.2.3`, not `refs/tags/v1.2.3`): GA, RC, or nil when it is neither.
    ///
    /// The GA pattern is tried first, then the RC patterns in order.
    public func classify(_ tagName: String) -> TagClass? {
        // Compared by Unicode scalars, exactly as git compares names (no canonical equivalence).
        guard tagName.unicodeScalars.starts(with: prefix.unicodeScalars) else { return nil }
        let rest = String(String.UnicodeScalarView(tagName.unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
        if let m = release.match(rest) { return .ga(version: m.version) }
        for (index, pattern) in candidates.enumerated() {
            if let m = pattern.match(rest), let n = m.rc { return .rc(version: m.version, number: n, patternIndex: index) }
        }
        return nil
    }
}
