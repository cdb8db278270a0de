import Foundation

/// One line of an SSH allowed-signers file (git's `gpg.ssh.allowedSignersFile`, ssh-keygen(1)
/// "ALLOWED SIGNERS"): `principals [options] keytype base64-key [comment]`.
public struct AllowedSigner: Sendable, Hashable {
    /// The principals as written (comma-separated patterns), e.g. `alice@example.com`.
    public var principals: String
    /// `namespaces="..."`: the namespaces the key may sign in; nil means any.
    public var namespaces: [String]?
    /// `valid-after` / `valid-before`: the key counts only for signatures made in this window.
    public var validAfter: Date?
    public var validBefore: Date?
    public var key: SSHPublicKey

    /// Whether the key may sign in `namespace` at `time` (the tagger's or committer's date, as
    /// git passes it to ssh-keygen with `-Overify-time`); nil when it may, else why not.
    func refusal(namespace: String, at time: Date) -> String? {
        if let namespaces, !Self.matchList(namespaces, namespace) {
            return "the allowed-signers entry for \(principals) does not allow namespace \"\(namespace)\""
        }
        if let validAfter, time < validAfter {
            return "the allowed-signers entry for \(principals) is valid only after \(iso(validAfter)), and the signature is dated \(iso(time))"
        }
        if let validBefore, time > validBefore {
            return "the allowed-signers entry for \(principals) was valid only before \(iso(validBefore)), and the signature is dated \(iso(time))"
        }
        return nil
    }

    /// ssh's `match_pattern_list`: a `!`-negated pattern that matches refuses outright; otherwise
    /// any positive pattern that matches allows.
    static func matchList(_ patterns: [String], _ value: String) -> Bool {
        var allowed = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if glob(String(pattern.dropFirst()), matches: value) { return false }
            } else if glob(pattern, matches: value) {
                allowed = true
            }
        }
        return allowed
    }

    /// ssh's `match_pattern`: `*` any run, `?` one character.
    static func glob(_ pattern: String, matches value: String) -> Bool {
        func match(_ p: Substring, _ v: Substring) -> Bool {
            guard let c = p.first else { return v.isEmpty }
            if c == "*" { return match(p.dropFirst(), v) || (!v.isEmpty && match(p, v.dropFirst())) }
            guard let d = v.first, c == "?" || c == d else { return false }
            return match(p.dropFirst(), v.dropFirst())
        }
        return match(Substring(pattern), Substring(value))
    }

    /// Parses an allowed-signers text: one entry per line; blank lines and `#` comments are skipped.
    ///
    /// - Throws: `SSHSignatureError.malformed` naming the line, for a line that does not parse or
    ///   uses `cert-authority` (SSH certificates are not verified here).
    public static func parse(_ text: String, source: String) throws(SSHSignatureError) -> [AllowedSigner] {
        var result: [AllowedSigner] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do throws(SSHSignatureError) {
                result.append(try entry(line))
            } catch {
                throw .malformed("\(source) line \(index + 1): \(error.description)")
            }
        }
        return result
    }

    private static func entry(_ line: String) throws(SSHSignatureError) -> AllowedSigner {
        let tokens = tokenize(line)
        guard tokens.count >= 3 else { throw .malformed("expected principals, [options,] key type and key") }
        let principals = tokens[0].replacingOccurrences(of: "\"", with: "")
        var rest = tokens.dropFirst()
        var options: [String] = []
        if !isKeyType(rest.first ?? "") {
            options = splitOptions(rest.removeFirst())
        }
        guard rest.count >= 2, isKeyType(rest[rest.startIndex]) else { throw .malformed("no key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...)") }
        guard let blob = Data(base64Encoded: rest[rest.startIndex + 1]) else { throw .malformed("the key is not base64") }
        let key = try SSHPublicKey(blob: blob)
        guard key.type == rest[rest.startIndex] else { throw .malformed("the key's type is \(key.type), not \(rest[rest.startIndex])") }
        var signer = AllowedSigner(principals: principals, namespaces: nil, validAfter: nil, validBefore: nil, key: key)
        var seen = Set<String>()
        for option in options {
            let (name, raw) = option.firstIndex(of: "=").map {
                (option[..<$0].lowercased(), String(option[option.index(after: $0)...]))
            } ?? (option.lowercased(), "")
            // As ssh-keygen reads them: a value in double quotes, each option once.
            guard seen.insert(name).inserted else { throw .malformed("option \(name) is given more than once") }
            if name != "cert-authority" {
                guard raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\""), !raw.dropFirst().dropLast().contains("\"") else {
                    throw .malformed("the value of \(name) must be in double quotes")
                }
            }
            let value = String(raw.dropFirst().dropLast())
            switch name {
            case "namespaces": signer.namespaces = value.split(separator: ",").map(String.init)
            case "valid-after": signer.validAfter = try time(value)
            case "valid-before": signer.validBefore = try time(value)
            case "cert-authority": throw .malformed("cert-authority entries (SSH certificates) are not verified by release-audit")
            default: throw .malformed("unknown option \(name)")
            }
        }
        return signer
    }

    private static func isKeyType(_ token: String) -> Bool {
        token.hasPrefix("ssh-") || token.hasPrefix("ecdsa-sha2-") || token.hasPrefix("sk-")
    }

    /// Whitespace-separated tokens; double quotes keep spaces inside a token.
    private static func tokenize(_ line: String) -> [String] {
        var tokens: [String] = [], current = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() }
            if !quoted && (c == " " || c == "\t") {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Comma-separated options; commas inside double quotes stay.
    private static func splitOptions(_ text: String) -> [String] {
        var options: [String] = [], current = "", quoted = false
        for c in text {
            if c == "\"" { quoted.toggle() }
            if c == "," && !quoted { options.append(current); current = "" } else { current.append(c) }
        }
        options.append(current)
        return options.filter { !$0.isEmpty }
    }

    /// ssh-keygen's time format: `YYYYMMDD[HHMM[SS]]`, local time unless it ends in `Z`.
    static func time(_ text: String) throws(SSHSignatureError) -> Date {
        var digits = text
        var zone = TimeZone.current
        if digits.hasSuffix("Z") || digits.hasSuffix("z") {
            digits.removeLast()
            zone = TimeZone(identifier: "UTC")!
        }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw .malformed("\"\(text)\" is not a time (YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z)")
        }
        let n = digits.map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { n[range].reduce(0) { $0 * 10 + $1 } }
        var parts = DateComponents(year: number(0..<4), month: number(4..<6), day: number(6..<8))
        if digits.count >= 12 { parts.hour = number(8..<10); parts.minute = number(10..<12) }
        if digits.count == 14 { parts.second = number(12..<14) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: parts), calendar.dateComponents([.year, .month, .day], from: date).day == parts.day else {
            throw .malformed("\"\(text)\" is not a valid date")
        }
        return date
    }
}

private func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
