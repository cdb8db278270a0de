/// Why a tag pattern was rejected: the pattern and what is wrong with it.
public struct TagPatternError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String
    /// What is wrong, e.g. `no {version} placeholder`.
    public var reason: String

    public init(pattern: String, reason: String) {
        self.pattern = pattern
        self.reason = reason
    }

    public var description: String { "invalid tag pattern \"\(pattern)\": \(reason)" }
}

/// A tag name pattern with the placeholders `{version}` and `{n}`, such as `v{version}` or `v{version}-rc.{n}`.
///
/// `{version}` matches a numeric version, `[0-9]+(\.[0-9]+)*` (`1`, `1.2`, `1.2.3`, `1.2.3.4`), and
/// nothing else, so `v1.2.3-rc.1` is never a `v{version}` tag of version `1.2.3-rc.1`. `{n}` matches
/// a release-candidate number, `[0-9]+`. Everything else is literal text, compared exactly.
public struct TagPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    private enum Token: Hashable, Sendable {
        case literal([Unicode.Scalar])
        case version
        case number
    }

    /// Parses a pattern: it needs exactly one `{version}`, at most one `{n}`, no other placeholder,
    /// literal text between placeholders, and only characters a tag name may hold.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.tokens = try Self.parse(pattern)
    }

    private init(pattern: String, tokens: [Token]) {
        self.pattern = pattern
        self.tokens = tokens
    }

    /// `v{version}`: the usual GA tag.
    public static let defaultRelease = TagPattern(pattern: "v{version}", tokens: [.literal(["v"]), .version])
    /// `v{version}-rc.{n}` and `v{version}-rc{n}`: the two usual release-candidate spellings.
    public static let defaultReleaseCandidates = [
        TagPattern(pattern: "v{version}-rc.{n}", tokens: [.literal(["v"]), .version, .literal(Array("-rc.".unicodeScalars)), .number]),
        TagPattern(pattern: "v{version}-rc{n}", tokens: [.literal(["v"]), .version, .literal(Array("-rc".unicodeScalars)), .number]),
    ]

    /// Whether the pattern has an `{n}` placeholder (release-candidate patterns must).
    public var hasCandidateNumber: Bool { tokens.contains(.number) }

    public var description: String { pattern }

    public static func == (a: TagPattern, b: TagPattern) -> Bool { a.pattern == b.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// The version (and RC number, for a pattern with `{n}`) when the whole tag name matches.
    ///
    /// An RC number too large for `Int` means no match.
    public func match(_ tagName: String) -> (version: String, rc: Int?)? {
        let s = Array(tagName.unicodeScalars)
        var version: ArraySlice<Unicode.Scalar> = []
        var number: ArraySlice<Unicode.Scalar> = []

        // Backtracking over the placeholders' possible lengths, longest first; patterns are short.
        func match(_ t: Int, _ i: Int) -> Bool {
            guard t < tokens.count else { return i == s.count }
            switch tokens[t] {
            case .literal(let text):
                return s[i...].starts(with: text) && match(t + 1, i + text.count)
            case .version:
                for end in Self.versionEnds(in: s, from: i).reversed() where match(t + 1, end) {
                    version = s[i..<end]
                    return true
                }
                return false
            case .number:
                var end = i
                while end < s.count, Self.isDigit(s[end]) { end += 1 }
                while end > i {
                    if match(t + 1, end) {
                        number = s[i..<end]
                        return true
                    }
                    end -= 1
                }
                return false
            }
        }

        guard match(0, 0) else { return nil }
        let versionText = String(String.UnicodeScalarView(version))
        guard hasCandidateNumber else { return (versionText, nil) }
        guard let n = Int(String(String.UnicodeScalarView(number))) else { return nil }
        return (versionText, n)
    }

    /// Every end index `e` such that `s[start..<e]` is a numeric version, in increasing order.
    private static func versionEnds(in s: [Unicode.Scalar], from start: Int) -> [Int] {
        var ends: [Int] = []
        var i = start
        while i < s.count, isDigit(s[i]) {
            while i < s.count, isDigit(s[i]) { i += 1 }
            ends.append(i)
            guard i + 1 < s.count, s[i] == ".", isDigit(s[i + 1]) else { break }
            i += 1
        }
        return ends
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    // MARK: Parsing

    /// Characters git never allows in a ref name (`git check-ref-format`), so a pattern holding one matches nothing.
    private static let forbidden: Set<Unicode.Scalar> = [" ", "~", "^", ":", "?", "*", "[", "\\", "\u{7F}"]

    private static func parse(_ pattern: String) throws -> [Token] {
        func fail(_ reason: String) -> TagPatternError { TagPatternError(pattern: pattern, reason: reason) }
        guard !pattern.isEmpty else { throw fail("empty pattern") }
        if let bad = pattern.unicodeScalars.first(where: { forbidden.contains($0) || $0.value < 0x20 }) {
            throw fail("\"\(bad.escaped(asASCII: true))\" cannot appear in a tag name")
        }
        var tokens: [Token] = []
        var literal: [Unicode.Scalar] = []
        var rest = Substring(pattern)
        while let c = rest.unicodeScalars.first {
            if c == "}" { throw fail("unmatched \"}\"") }
            guard c == "{" else {
                literal.append(c)
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else { throw fail("unclosed \"{\"") }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            let token: Token
            switch name {
            case "version": token = .version
            case "n": token = .number
            default: throw fail("unknown placeholder {\(name)}; use {version} and {n}")
            }
            if tokens.contains(token) { throw fail("{\(name)} appears twice") }
            if literal.isEmpty, let last = tokens.last, last == .version || last == .number {
                throw fail("placeholders must be separated by literal text")
            }
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
            tokens.append(token)
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        guard tokens.contains(.version) else { throw fail("no {version} placeholder") }
        return tokens
    }
}
