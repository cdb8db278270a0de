import Foundation
import GitFacts

/// One spelling per repository, so that evidence recorded from a clone over ssh matches a release built over https.
public enum RepositoryIdentity {
    /// The identity of a clone: its `origin` remote (or its only remote), normalised; nil when there is none.
    public static func origin(of remotes: [Remote]) -> String? {
        let remote = remotes.first(where: { $0.name == "origin" }) ?? (remotes.count == 1 ? remotes.first : nil)
        return remote.map { normalize($0.url) }
    }

    /// The identity of a repository known by nothing but its path (no origin remote): what `record`
    /// names it by then, so only evidence recorded in this very repository matches.
    public static func byPath(of repo: Repository) -> String {
        normalize(repo.workDirectory ?? repo.gitDirectory)
    }

    /// The normalised identity of a repository URL or path.
    ///
    /// - `https://`, `http://`, `ssh://`, `git://` URLs and scp-style `user@host:org/repo.git` become
    ///   `https://host/org/repo`: host lowercased, credentials dropped, `.git`, query, fragment and trailing
    ///   slashes removed; the port is dropped for ssh and git (it names the transport, not the repository)
    ///   and kept for http(s) unless it is the default one. Other schemes keep their scheme.
    /// - A local path or `file://` URL becomes `file://<absolute path>` (`.`/`..` resolved against the
    ///   current directory, no trailing slash, `%` and `@` percent-encoded; symbolic links are not resolved).
    ///
    /// Normalising an identity again gives the same identity.
    /// - A `git+` prefix (SPDX download locations, provenance uris) is removed first.
    public static func normalize(_ url: String) -> String {
        var text = Substring(url.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.lowercased().hasPrefix("git+") { text = text.dropFirst(4) }
        guard !text.isEmpty else { return "" }

        if let separator = text.range(of: "://") {
            let scheme = text[..<separator.lowerBound].lowercased()
            let rest = text[separator.upperBound...]
            if scheme == "file" { return fileIdentity(fileURLPath(rest)) }
            return remoteIdentity(scheme: scheme, rest: rest)
        }
        if let colon = text.firstIndex(of: ":"), colon != text.startIndex,
           !text[..<colon].contains("/"), text[..<colon].count > 1 {
            // scp form: [user@]host:path (git's rule: a colon before any slash; one letter is a drive)
            let userHost = text[..<colon]
            let host = userHost.lastIndex(of: "@").map { userHost[userHost.index(after: $0)...] } ?? userHost
            return "https://\(host.lowercased())\(cleanPath(text[text.index(after: colon)...]))"
        }
        return fileIdentity(String(text))
    }

    /// Whether two URLs or paths name the same repository (their normalised forms are equal).
    ///
    /// Only the host is compared without regard to case; an empty identity matches nothing.
    public static func matches(_ a: String, _ b: String) -> Bool {
        let x = normalize(a)
        return !x.isEmpty && x == normalize(b)
    }

    private static func remoteIdentity(scheme: String, rest: Substring) -> String {
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

        // Split host and port, minding bracketed IPv6 hosts.
        var host = authority
        var port: Substring?
        let portSearchStart = authority.hasPrefix("[") ? (authority.firstIndex(of: "]") ?? authority.endIndex) : authority.startIndex
        if let colon = authority[portSearchStart...].lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        if let p = port, !p.allSatisfy(\.isNumber) {
            // `ssh://git@host:org/repo`: an scp path written into a URL; the "port" is the first path part.
            path = Substring("/" + p + path)
            port = nil
        }
        if port?.isEmpty == true { port = nil }

        let web = ["https", "http", "ssh", "git"].contains(scheme)
        switch scheme {
        case "https" where port == "443", "http" where port == "80", "ssh", "git": port = nil
        default: break
        }
        let portPart = port.map { ":\($0)" } ?? ""
        return "\(web ? "https" : scheme)://\(host.lowercased())\(portPart)\(cleanPath(path))"
    }

    /// A repository path without query, fragment, trailing slashes or `.git`, starting with `/` unless empty.
    private static func cleanPath(_ path: Substring) -> String {
        var p = path
        if let cut = p.firstIndex(where: { $0 == "?" || $0 == "#" }) { p = p[..<cut] }
        while p.hasSuffix("/") { p = p.dropLast() }
        if p.hasSuffix(".git") { p = p.dropLast(4) }
        while p.hasSuffix("/") { p = p.dropLast() }
        while p.hasPrefix("/") { p = p.dropFirst() }
        return p.isEmpty ? "" : "/" + p
    }

    /// The path of a `file://` URL (an empty or `localhost` host is allowed), percent-decoded.
    private static func fileURLPath(_ rest: Substring) -> String {
        var path = rest
        if !path.hasPrefix("/") {
            path = path.firstIndex(of: "/").map { path[$0...] } ?? "/"
        }
        return String(path).removingPercentEncoding ?? String(path)
    }

    /// `file://` and the absolute path, with `%` and `@` percent-encoded so that the identity reads back as
    /// the same path and can be followed by `@<ref>` in a provenance uri.
    private static func fileIdentity(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        var absolute = URL(fileURLWithPath: expanded).standardizedFileURL.path
        while absolute.count > 1 && absolute.hasSuffix("/") { absolute.removeLast() }
        let escaped = absolute.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "@", with: "%40")
        return "file://" + escaped
    }
}
