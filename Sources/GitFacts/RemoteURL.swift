/// Remote URLs as they may be shown and recorded: never with credentials in them.
public enum RemoteURL {
    /// Removes credentials from a remote URL.
    ///
    /// For `scheme://user:password@host/...` the whole user-info part goes for http(s) (tokens often
    /// stand in the user name) and the password goes for other schemes; scp-style `user@host:path`
    /// names only a login, which is kept.
    public static func strippingCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        // RFC 3986: the authority ends at the first "/", "?" or "#" (an "@" after it is not user info).
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userInfo = authority[..<at]
        let host = authority[authority.index(after: at)...]
        let tail = rest[authorityEnd...]
        if scheme == "http" || scheme == "https" {
            return "\(scheme)://\(host)\(tail)"
        }
        // Keep empty pieces: in ":password@host" the user is empty and the password must not become it.
        let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return "\(scheme)://\(user.isEmpty ? "" : user + "@")\(host)\(tail)"
    }
}
