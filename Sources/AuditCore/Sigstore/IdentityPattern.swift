/// An exact value or a glob for a certificate identity field (a workflow SAN, a ref, a signer URI).
///
/// `*` matches any run of characters except `/`, `**` any run including `/` (neither matches a
/// space or a control character, which no workflow path or git ref holds); every other
/// character (including `?`, `[` and `\`) stands for itself, so a URL is written as it is. A
/// pattern without `*` matches only the exact value. Matching is case-sensitive.
///
/// A URL pattern must fix its scheme, host and first two path segments (for GitHub the owner
/// and the repository: `https://github.com/ORG/REPO/...`): a wildcard there would trust every
/// repository on the host, and is refused when the policy is read.
public struct IdentityPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String

    /// - Throws: `GlobError` for an empty pattern, or a URL whose owner or repository is a wildcard.
    public init(_ pattern: String, url: Bool) throws(GlobError) {
        guard !pattern.isEmpty else { throw GlobError(pattern: pattern, reason: "empty") }
        if url, pattern.contains("*") {
            let parts = pattern.split(separator: "/", maxSplits: 5, omittingEmptySubsequences: false)
            // "https:", "", host, owner, repository, rest
            guard parts.count == 6, parts[0].hasSuffix(":"), parts[1].isEmpty,
                  !parts[2].isEmpty, !parts[3].isEmpty, !parts[4].isEmpty,
                  !parts[0...4].contains(where: { $0.contains("*") }) else {
                throw GlobError(pattern: pattern, reason: "a wildcard is allowed only after the owner and repository (https://HOST/OWNER/REPO/...), or every repository on the host would be trusted")
            }
        }
        self.pattern = pattern
    }

    public var description: String { pattern }

    /// Whether `value` matches the whole pattern.
    public func matches(_ value: String) -> Bool {
        Self.match(Array(pattern.utf8)[...], Array(value.utf8)[...])
    }

    private static let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/")

    /// Backtracking match; patterns are short and policy-written, values are certificate fields.
    private static func match(_ p: ArraySlice<UInt8>, _ v: ArraySlice<UInt8>) -> Bool {
        guard let first = p.first else { return v.isEmpty }
        if first != star {
            guard let c = v.first, c == first else { return false }
            return match(p.dropFirst(), v.dropFirst())
        }
        let globstar = p.dropFirst().first == star
        let rest = p.dropFirst(globstar ? 2 : 1)
        var i = v.startIndex
        while true {
            if match(rest, v[i...]) { return true }
            guard i < v.endIndex, v[i] > 0x20, v[i] != 0x7F, globstar || v[i] != slash else { return false }
            i += 1
        }
    }
}
