/// Why a glob was rejected: the pattern and what is wrong with it.
public struct GlobError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String
    /// What is wrong, e.g. `unclosed bracket`.
    public var reason: String

    public init(pattern: String, reason: String) {
        self.pattern = pattern
        self.reason = reason
    }

    public var description: String { "invalid glob \"\(pattern)\": \(reason)" }
}

/// A git-style glob matched against a whole repository-relative path (or a branch or tag name).
///
/// `*` matches any run of characters within one `/`-separated segment, `?` one character,
/// `[abc]`, `[a-z]` and `[!x]` (or `[^x]`) one character of a class, and `\` escapes the next
/// character. `**` must be a whole segment: `**/` matches zero or more directories (`**/x`,
/// `a/**/b`), a trailing `/**` matches everything inside (`a/**` matches `a/b` and `a/b/c`, not
/// `a`), and `**` alone matches every path. There is no `.gitignore`-style anchoring: a pattern
/// without `/` matches only a top-level name. Matching is case-sensitive and `*` matches dot files.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let segments: [Segment]

    private enum Segment: Sendable {
        /// `**`: any number of whole segments.
        case globstar
        case parts([Part])
    }

    private enum Part: Sendable {
        case literal(Unicode.Scalar)
        /// `?`
        case anyOne
        /// `*`
        case star
        case charClass(negated: Bool, ranges: [ClosedRange<Unicode.Scalar>])
    }

    /// Parses a glob; an empty pattern, `***`, an unclosed `[` and the like throw `GlobError`.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.segments = try Self.parse(pattern)
    }

    public var description: String { pattern }

    // By scalars: Swift's String equality is canonical equivalence, git compares bytes.
    public static func == (a: PathGlob, b: PathGlob) -> Bool { a.pattern.unicodeScalars.elementsEqual(b.pattern.unicodeScalars) }
    public func hash(into hasher: inout Hasher) { hasher.combine(Array(pattern.utf8)) }

    /// Whether the glob matches the whole path (no leading `/`; segments separated by `/`).
    public func matches(_ path: String) -> Bool {
        guard !path.isEmpty else { return false }
        // Split on the scalar `/`, not on Characters: `/` followed by a combining mark is one
        // Character to Swift, but git (and GitHub's branch rules) still see a separator there.
        let names = path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false).map { Array($0) }
        // matched[i][j]: segments[i...] match names[j...]; filled from the end (no recursion, no blow-up).
        var matched = Array(repeating: Array(repeating: false, count: names.count + 1), count: segments.count + 1)
        matched[segments.count][names.count] = true
        for i in stride(from: segments.count - 1, through: 0, by: -1) {
            for j in stride(from: names.count, through: 0, by: -1) {
                switch segments[i] {
                case .globstar where i == segments.count - 1:
                    matched[i][j] = j < names.count  // a trailing `**` needs at least one name
                case .globstar:
                    matched[i][j] = (j...names.count).contains { matched[i + 1][$0] }
                case .parts(let parts):
                    matched[i][j] = j < names.count && matched[i + 1][j + 1] && Self.segment(parts, matches: names[j])
                }
            }
        }
        return matched[0][0]
    }

    /// Matches one segment's parts against one name (no `/` in either), backtracking only to the last `*`.
    private static func segment(_ parts: [Part], matches name: [Unicode.Scalar]) -> Bool {
        var p = 0, n = 0
        var lastStar: (part: Int, name: Int)?
        while n < name.count {
            if p < parts.count, case .star = parts[p] {
                lastStar = (p, n)
                p += 1
            } else if p < parts.count, single(parts[p], matches: name[n]) {
                p += 1
                n += 1
            } else if let star = lastStar {
                lastStar = (star.part, star.name + 1)
                p = star.part + 1
                n = star.name + 1
            } else {
                return false
            }
        }
        while p < parts.count, case .star = parts[p] { p += 1 }
        return p == parts.count
    }

    private static func single(_ part: Part, matches c: Unicode.Scalar) -> Bool {
        switch part {
        case .literal(let l): return l == c
        case .anyOne: return true
        case .star: return false
        case .charClass(let negated, let ranges): return ranges.contains { $0.contains(c) } != negated
        }
    }

    // MARK: Parsing

    private static func parse(_ pattern: String) throws -> [Segment] {
        func fail(_ reason: String) -> GlobError { GlobError(pattern: pattern, reason: reason) }
        guard !pattern.isEmpty else { throw fail("empty pattern") }
        if pattern.hasPrefix("/") { throw fail("a leading \"/\" never matches; paths are relative to the repository root") }
        if pattern.hasSuffix("/") { throw fail("a trailing \"/\" never matches a file; write \"\(pattern)**\" for everything inside") }

        let s = Array(pattern.unicodeScalars)
        var segments: [Segment] = []
        var parts: [Part] = []
        var isGlobstar = false
        var i = 0

        func endSegment() throws {
            if isGlobstar {
                segments.append(.globstar)
            } else if parts.isEmpty {
                throw fail("empty path segment (\"//\")")
            } else if case .literal(".") = parts.first, parts.count == 1 || (parts.count == 2 && isDot(parts[1])) {
                throw fail("\".\" and \"..\" segments never match a repository path")
            } else {
                segments.append(.parts(parts))
            }
            parts = []
            isGlobstar = false
        }

        while i < s.count {
            let c = s[i]
            switch c {
            case "/":
                try endSegment()
                i += 1
            case "*":
                var run = 0
                while i + run < s.count, s[i + run] == "*" { run += 1 }
                if run >= 3 { throw fail("\"***\" is not a wildcard; use \"*\" within a segment or \"**\" across segments") }
                if run == 2 {
                    let startsSegment = i == 0 || s[i - 1] == "/"
                    let endsSegment = i + 2 == s.count || s[i + 2] == "/"
                    guard startsSegment, endsSegment, parts.isEmpty else {
                        throw fail("\"**\" must be a whole path segment, as in \"**/x\", \"a/**\" or \"a/**/b\"")
                    }
                    isGlobstar = true
                } else {
                    parts.append(.star)
                }
                i += run
            case "?":
                parts.append(.anyOne)
                i += 1
            case "[":
                let (part, next) = try parseClass(s, from: i, fail: fail)
                parts.append(part)
                i = next
            case "\\":
                guard i + 1 < s.count else { throw fail("ends with an escaping backslash") }
                if s[i + 1] == "/" { throw fail("\"/\" cannot be escaped; it always separates segments") }
                parts.append(.literal(s[i + 1]))
                i += 2
            default:
                parts.append(.literal(c))
                i += 1
            }
        }
        try endSegment()
        return segments
    }

    private static func isDot(_ part: Part) -> Bool {
        if case .literal(".") = part { return true }
        return false
    }

    /// Parses `[...]` starting at `start` (the `[`); returns the class and the index after `]`.
    private static func parseClass(_ s: [Unicode.Scalar], from start: Int, fail: (String) -> GlobError) throws -> (Part, Int) {
        var i = start + 1
        var negated = false
        if i < s.count, s[i] == "!" || s[i] == "^" {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while true {
            guard i < s.count else { throw fail("unclosed bracket") }
            var c = s[i]
            if c == "]" && !first { return (.charClass(negated: negated, ranges: ranges), i + 1) }
            first = false
            if c == "/" { throw fail("a character class cannot contain \"/\"") }
            if c == "\\" {
                guard i + 1 < s.count else { throw fail("unclosed bracket") }
                i += 1
                c = s[i]
            }
            // A range `a-z`, unless the `-` is last in the class (`[a-]` holds `a` and `-`).
            if i + 2 < s.count, s[i + 1] == "-", s[i + 2] != "]" {
                var upper = s[i + 2]
                var end = i + 3
                if upper == "\\" {
                    guard i + 3 < s.count else { throw fail("unclosed bracket") }
                    upper = s[i + 3]
                    end = i + 4
                }
                if upper == "/" { throw fail("a character class cannot contain \"/\"") }
                guard c <= upper else { throw fail("reversed range \"\(c)-\(upper)\" in a character class") }
                ranges.append(c...upper)
                i = end
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
    }
}
