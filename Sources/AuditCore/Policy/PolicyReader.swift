import Foundation
import GitFacts
import Yams

/// Reads a policy document (YAML, or JSON, which is YAML) into a `Policy`, strictly.
///
/// Every key must be known, every value of the right type, every glob, pattern and duration
/// valid; each error names the file, the line and the full key (`source.allowed_paths[2]`).
/// Scalars are typed by the YAML 1.2 core schema: only `true`/`false` are Booleans, so
/// `match: off` is the string "off", and dates stay strings.
struct PolicyReader {
    /// The file as shown in errors (the path as the user gave it, or the preset name).
    let file: String
    /// The absolute directory relative trusted-key paths are resolved against.
    let baseDirectory: String

    /// Policies are small; a bound keeps a hostile file from costing much.
    static let maxBytes = 64 * 1024
    /// Deeper flow nesting is refused with a plain message. (libyaml itself stops at 1000 levels
    /// of any nesting, which keeps Yams' recursive composer within the stack.)
    static let maxNesting = 64

    func read(_ text: String) throws -> Policy {
        let root = try compose(text)
        let top = try mapping(root, at: "", keys: ["version", "source", "test", "build", "trusted_keys", "tag", "rc", "reports"])
        guard let version = top["version"] else {
            throw PolicyError.invalid(file: file, line: top.line, key: "version", message: "missing; a policy starts with \"version: 1\"")
        }
        guard case .scalar(let v) = version.value, version.value.tagName == .int, v.string == "1" else {
            throw invalid(version.value, "version", "unsupported version \(describe(version.value)); this release-audit reads version \(Policy.formatVersion)")
        }
        var policy = Policy()
        try top.read("source") { node, _ in policy.source = try readSource(node) }
        try top.read("test") { node, _ in policy.test = try readTest(node) }
        try top.read("build") { node, _ in policy.build = try readBuild(node) }
        try top.read("trusted_keys") { node, _ in policy.trustedKeys = try readTrustedKeys(node) }
        try top.read("tag") { node, _ in policy.tag = try readTag(node) }
        try top.read("rc") { node, _ in policy.rc = try readCandidates(node, allowedPaths: policy.source.allowedPaths) }
        try top.read("reports") { node, _ in policy.reports = try readReports(node) }
        return policy
    }

    // MARK: Sections

    private func readSource(_ node: Node) throws -> Policy.Source {
        let section = try mapping(node, at: "source", keys: ["match", "allowed_paths", "require_descendant", "branches", "repository"])
        var source = Policy.Source()
        try section.read("allowed_paths") { source.allowedPaths = try allowedPaths($0, $1) }
        try section.read("require_descendant") { source.requireDescendant = try bool($0, $1) }
        try section.read("branches") { source.branches = try globs($0, $1) }
        try section.read("repository") { source.repository = try repository($0, $1) }
        try section.read("match") { node, key in
            source.match = try choice(node, key)
            if source.match == .allowedDiff && source.allowedPaths.isEmpty {
                throw invalid(node, key, "allowed-diff needs at least one glob in source.allowed_paths")
            }
        }
        return source
    }

    private func readTest(_ node: Node) throws -> Policy.TestEvidence {
        let section = try mapping(node, at: "test", keys: ["required", "minimum_result", "required_suites", "clean_worktree", "max_age"])
        var test = Policy.TestEvidence()
        try section.read("required") { test.required = try bool($0, $1) }
        try section.read("minimum_result") { node, key in
            let text = try string(node, key)
            guard let outcome = TestOutcome(rawValue: text), outcome != .failed else {
                throw invalid(node, key, "must be PASSED or WARNED (which also accepts PASSED), not \(describe(node))")
            }
            test.minimumResult = outcome
        }
        try section.read("required_suites") { node, key in
            test.requiredSuites = try strings(node, key).map { item in
                if item.value.isEmpty { throw invalid(item.node, item.key, "a suite name cannot be empty") }
                return item.value
            }
        }
        try section.read("clean_worktree") { test.cleanWorktree = try bool($0, $1) }
        try section.read("max_age") { test.maxAge = try duration($0, $1) }
        return test
    }

    private func readBuild(_ node: Node) throws -> Policy.BuildEvidence {
        let section = try mapping(node, at: "build", keys: ["required", "clean_worktree", "max_age"])
        var build = Policy.BuildEvidence()
        try section.read("required") { build.required = try bool($0, $1) }
        try section.read("clean_worktree") { build.cleanWorktree = try bool($0, $1) }
        try section.read("max_age") { build.maxAge = try duration($0, $1) }
        return build
    }

    private func readTrustedKeys(_ node: Node) throws -> Policy.TrustedKeys {
        let section = try mapping(node, at: "trusted_keys", keys: Role.allCases.map(\.rawValue) + ["allow_shared_keys", "trusted_roots"])
        var keys = Policy.TrustedKeys()
        for role in Role.allCases {
            try section.read(role.rawValue) { node, key in keys[role] = try readRoleTrust(node, at: key, role: role) }
        }
        try section.read("allow_shared_keys") { keys.allowSharedKeys = try bool($0, $1) }
        try section.read("trusted_roots") { node, key in
            keys.trustedRoots = try strings(node, key).map { item in
                guard !item.value.isEmpty else { throw invalid(item.node, item.key, "expected a trusted_root.json path, found an empty string") }
                return resolve(item.value)
            }
        }
        return keys
    }

    private func readRoleTrust(_ node: Node, at path: String, role: Role) throws -> Policy.RoleTrust {
        let section = try mapping(node, at: path, keys: ["keys", "threshold", "identities"])
        var trust = Policy.RoleTrust()
        try section.read("keys") { node, key in trust.keys = try strings(node, key).map(trustedKey) }
        try section.read("identities") { node, key in
            guard case .sequence(let items) = node else {
                throw invalid(node, key, "expected a list of identities (each with issuer and san), found \(describe(node))")
            }
            guard role != .auditor || items.isEmpty else {
                throw invalid(node, key, "reports are signed with the gate's own key (--key); keyless identities are for the tester and builder roles")
            }
            trust.identities = try items.enumerated().map { try identity($1, at: "\(key)[\($0)]") }
        }
        try section.read("threshold") { node, key in
            guard case .scalar(let s) = node, node.tagName == .int, let n = Int(s.string), n >= 1 else {
                throw invalid(node, key, "expected a whole number of at least 1, found \(describe(node))")
            }
            if !trust.keys.isEmpty && n > trust.keys.count {
                throw invalid(node, key, "\(n) signatures can never be met by the \(trust.keys.count) key(s) listed in \(path).keys")
            }
            trust.threshold = n
        }
        return trust
    }

    private func readTag(_ node: Node) throws -> Policy.ReleaseTag {
        let section = try mapping(node, at: "tag", keys: ["prefix", "pattern", "required", "annotated", "signed", "signers"])
        var tag = Policy.ReleaseTag()
        try section.read("prefix") { node, key in
            let prefix = try string(node, key)
            do {
                try ReleaseTagScheme.checkPrefix(prefix)
            } catch let error as TagPatternError {
                throw invalid(node, key, "invalid prefix \"\(prefix)\": \(error.reason)")
            }
            tag.prefix = prefix
        }
        try section.read("pattern") { node, key in
            tag.pattern = try tagPattern(node, key)
            if tag.pattern.hasCandidateNumber {
                throw invalid(node, key, "a release (GA) pattern cannot have {n}; {n} belongs in rc.patterns")
            }
        }
        try section.read("required") { tag.required = try bool($0, $1) }
        try section.read("annotated") { tag.annotated = try bool($0, $1) }
        try section.read("signed") { tag.signed = try bool($0, $1) }
        try section.read("signers") { node, key in
            guard case .sequence(let items) = node else {
                throw invalid(node, key, "expected a list of signers (each `ssh: FILE` or `openpgp: FILE`), found \(describe(node))")
            }
            tag.signers = try items.enumerated().map { try gitSigner($1, at: "\(key)[\($0)]") }
        }
        return tag
    }

    /// One `tag.signers` entry: `ssh: FILE-OR-LINES`, or `openpgp: FILE-OR-ARMOR` with optional `fingerprints`.
    private func gitSigner(_ node: Node, at path: String) throws -> Policy.GitSigner {
        let section = try mapping(node, at: path, keys: ["ssh", "openpgp", "fingerprints"])
        let ssh = section["ssh"], openpgp = section["openpgp"]
        guard (ssh == nil) != (openpgp == nil) else {
            throw PolicyError.invalid(file: file, line: section.line, key: path, message: "give exactly one of ssh (an allowed-signers file or lines) and openpgp (a public key file or armored block)")
        }
        let kind: Policy.GitSigner.Kind = ssh != nil ? .ssh : .openpgp
        let name = kind == .ssh ? "ssh" : "openpgp"
        let entry = (ssh ?? openpgp)!
        let text = try string(entry.value, "\(path).\(name)")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw invalid(entry.value, "\(path).\(name)", "expected a file path or the keys themselves, found an empty string")
        }
        let inline = kind == .ssh
            ? text.contains(where: \.isWhitespace) && text.split(whereSeparator: \.isWhitespace).contains { $0.hasPrefix("ssh-") || $0.hasPrefix("ecdsa-sha2-") || $0.hasPrefix("sk-") }
            : text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----")
        var signer = Policy.GitSigner(kind: kind, source: inline ? .inline(text) : .file(resolve(text)))
        try section.read("fingerprints") { node, key in
            guard kind == .openpgp else { throw invalid(node, key, "fingerprints pin OpenPGP keys; an SSH entry names its keys itself") }
            signer.fingerprints = try strings(node, key).map { item in
                let hex = item.value.replacingOccurrences(of: " ", with: "").uppercased()
                guard hex.count == 40 || hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                    throw invalid(item.node, item.key, "expected a full OpenPGP fingerprint (40 or 64 hexadecimal characters), as `gpg --fingerprint` prints it")
                }
                return hex
            }
        }
        return signer
    }

    private func readReports(_ node: Node) throws -> Policy.ReportRule {
        let section = try mapping(node, at: "reports", keys: ["accepted_policies"])
        var rule = Policy.ReportRule()
        try section.read("accepted_policies") { node, key in
            rule.acceptedPolicies = try strings(node, key).map { item in
                let hex = item.value.lowercased()
                guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                    throw invalid(item.node, item.key, "expected the SHA-256 of a policy file (64 hexadecimal characters), as reports and `sha256sum` show it")
                }
                return hex
            }
        }
        return rule
    }

    private func readCandidates(_ node: Node, allowedPaths: [Policy.AllowedPath]) throws -> Policy.CandidateRule {
        let section = try mapping(node, at: "rc", keys: ["patterns", "match"])
        var rule = Policy.CandidateRule()
        try section.read("patterns") { node, key in
            rule.patterns = try strings(node, key).map { item in
                let pattern = try tagPattern(item.node, item.key)
                if !pattern.hasCandidateNumber {
                    throw invalid(item.node, item.key, "an RC pattern needs {n} for the release-candidate number, as in \"v{version}-rc.{n}\"")
                }
                return pattern
            }
        }
        try section.read("match") { node, key in
            rule.match = try choice(node, key)
            if rule.match != .off && rule.patterns.isEmpty {
                throw invalid(node, key, "\(rule.match.rawValue) needs at least one pattern in rc.patterns")
            }
            if rule.match == .allowedDiff && allowedPaths.isEmpty {
                throw invalid(node, key, "allowed-diff needs at least one glob in source.allowed_paths")
            }
        }
        return rule
    }

    // MARK: Values

    private func bool(_ node: Node, _ key: String) throws -> Bool {
        guard case .scalar(let s) = node, node.tagName == .bool else {
            throw invalid(node, key, "expected true or false, found \(describe(node))")
        }
        return s.string.lowercased() == "true"
    }

    private func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let s) = node, node.tagName == .str else {
            throw invalid(node, key, "expected a string, found \(describe(node))")
        }
        return s.string
    }

    private func strings(_ node: Node, _ key: String) throws -> [(value: String, node: Node, key: String)] {
        guard case .sequence(let items) = node else {
            throw invalid(node, key, "expected a list of strings, found \(describe(node))")
        }
        return try items.enumerated().map { index, item in
            let itemKey = "\(key)[\(index)]"
            return (try string(item, itemKey), item, itemKey)
        }
    }

    private func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ key: String) throws -> Choice where Choice.RawValue == String {
        let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .scalar(let s) = node, node.tagName == .str, let value = Choice(rawValue: s.string) else {
            throw invalid(node, key, "expected one of \(allowed), found \(describe(node))")
        }
        return value
    }

    private func globs(_ node: Node, _ key: String) throws -> [PathGlob] {
        try strings(node, key).map { try glob($0.node, $0.key) }
    }

    /// `source.allowed_paths`: each entry a glob (modifications only) or `{path: GLOB, added: BOOL, deleted: BOOL}`.
    private func allowedPaths(_ node: Node, _ key: String) throws -> [Policy.AllowedPath] {
        guard case .sequence(let items) = node else {
            throw invalid(node, key, "expected a list of globs (or {path: GLOB, added: true} entries), found \(describe(node))")
        }
        return try items.enumerated().map { index, item in
            let itemKey = "\(key)[\(index)]"
            if case .mapping = item {
                let entry = try mapping(item, at: itemKey, keys: ["path", "added", "deleted"])
                guard let path = entry["path"] else {
                    throw invalid(item, itemKey, "an entry written as a mapping needs path: GLOB")
                }
                var allowed = Policy.AllowedPath(glob: try glob(path.value, "\(itemKey).path"))
                try entry.read("added") { allowed.added = try bool($0, $1) }
                try entry.read("deleted") { allowed.deleted = try bool($0, $1) }
                return allowed
            }
            return Policy.AllowedPath(glob: try glob(item, itemKey))
        }
    }

    private func glob(_ node: Node, _ key: String) throws -> PathGlob {
        let text = try string(node, key)
        do {
            return try PathGlob(text)
        } catch let error as GlobError {
            throw invalid(node, key, error.description)
        }
    }

    private func tagPattern(_ node: Node, _ key: String) throws -> TagPattern {
        let text = try string(node, key)
        do {
            return try TagPattern(text)
        } catch let error as TagPatternError {
            throw invalid(node, key, error.description)
        }
    }

    /// `null` (no limit) or a duration string.
    private func duration(_ node: Node, _ key: String) throws -> PolicyDuration? {
        if isNull(node) { return nil }
        guard case .scalar(let s) = node, node.tagName == .str else {
            throw invalid(node, key, "expected a duration such as \"7d\", \"36h\", \"90m\" or \"3600s\" (or null for no limit), found \(describe(node))")
        }
        do {
            return try PolicyDuration(parsing: s.string)
        } catch let error as PolicyDuration.ParseError {
            throw invalid(node, key, error.description)
        }
    }

    /// `null` (no check) or a repository URL without credentials.
    private func repository(_ node: Node, _ key: String) throws -> String? {
        if isNull(node) { return nil }
        let url = try string(node, key)
        if url.isEmpty || url.contains(where: \.isWhitespace) {
            throw invalid(node, key, "expected a repository URL such as \"https://github.com/org/repo\" (or null for no check)")
        }
        if RemoteURL.strippingCredentials(url).lowercased() != url.lowercased() {
            throw invalid(node, key, "the URL holds credentials; write it without a user name or token")
        }
        return url
    }

    /// One keyless identity: `issuer` and `san` required, the Fulcio extension fields optional.
    private func identity(_ node: Node, at path: String) throws -> Policy.TrustedIdentity {
        let fields = ["issuer", "san", "source_repository", "source_ref", "build_signer", "build_signer_digest", "runner_environment"]
        let section = try mapping(node, at: path, keys: fields)
        func text(_ name: String) throws -> String? {
            var value: String?
            try section.read(name) { node, key in
                let s = try string(node, key)
                guard !s.isEmpty, !s.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                    throw invalid(node, key, "expected a value without spaces, found \(describe(node))")
                }
                value = s
            }
            return value
        }
        func pattern(_ name: String, url: Bool) throws -> IdentityPattern? {
            guard let value = try text(name) else { return nil }
            do {
                return try IdentityPattern(value, url: url)
            } catch {
                throw invalid(section[name]!.value, "\(path).\(name)", error.description)
            }
        }
        guard let issuer = try text("issuer") else {
            throw PolicyError.invalid(file: file, line: section.line, key: "\(path).issuer", message: "missing; name the OIDC issuer, e.g. https://token.actions.githubusercontent.com")
        }
        guard let san = try pattern("san", url: true) else {
            throw PolicyError.invalid(file: file, line: section.line, key: "\(path).san", message: "missing; name the workflow, e.g. https://github.com/ORG/REPO/.github/workflows/release.yml@refs/tags/v*")
        }
        if issuer.contains("*") {
            throw invalid(section["issuer"]!.value, "\(path).issuer", "the issuer is matched exactly; a wildcard is not allowed")
        }
        return Policy.TrustedIdentity(
            issuer: issuer, san: san, sourceRepository: try text("source_repository"),
            sourceRef: try pattern("source_ref", url: false), buildSigner: try pattern("build_signer", url: true),
            buildSignerDigest: try text("build_signer_digest"), runnerEnvironment: try text("runner_environment"))
    }

    /// A path resolved against the policy file's directory (absolute paths as they are).
    private func resolve(_ path: String) -> String {
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// An inline PEM text, or a path resolved against the policy file's directory.
    private func trustedKey(_ item: (value: String, node: Node, key: String)) throws -> Policy.TrustedKey {
        let text = item.value.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("-----BEGIN ") {
            guard text.contains("\n-----END "), text.hasSuffix("-----") else {
                throw invalid(item.node, item.key, "an inline key must be a whole PEM block, from \"-----BEGIN ...-----\" to \"-----END ...-----\"")
            }
            return .pem(item.value)
        }
        guard !item.value.isEmpty else {
            throw invalid(item.node, item.key, "expected a PEM file path or an inline PEM key, found an empty string")
        }
        let url = item.value.hasPrefix("/")
            ? URL(fileURLWithPath: item.value)
            : URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(item.value)
        return .file(url.standardizedFileURL.path)
    }

    // MARK: Mappings

    /// A mapping's entries by key, each with its key's line; unknown keys are rejected.
    struct Section {
        let line: Int
        let path: String
        private let entries: [String: (keyLine: Int, value: Node)]

        init(line: Int, path: String, entries: [String: (keyLine: Int, value: Node)]) {
            self.line = line
            self.path = path
            self.entries = entries
        }

        subscript(name: String) -> (keyLine: Int, value: Node)? { entries[name] }

        /// Calls `body` with the value and full key, when the key is present.
        func read(_ name: String, _ body: (Node, String) throws -> Void) throws {
            guard let entry = entries[name] else { return }
            try body(entry.value, path.isEmpty ? name : "\(path).\(name)")
        }
    }

    private func mapping(_ node: Node, at path: String, keys allowed: [String]) throws -> Section {
        guard case .mapping(let mapping) = node else {
            let what = path.isEmpty ? "a policy must be a mapping of keys (version, source, ...)" : "expected a mapping of keys (\(allowed.joined(separator: ", ")))"
            throw invalid(node, path, "\(what), found \(describe(node))")
        }
        var entries: [String: (keyLine: Int, value: Node)] = [:]
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line ?? 1
            guard case .scalar(let k) = keyNode else {
                throw PolicyError.invalid(file: file, line: line, key: path, message: "a key must be a plain name, found \(describe(keyNode))")
            }
            let name = k.string
            let full = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                throw PolicyError.invalid(file: file, line: line, key: full, message: "unknown key; allowed here: \(allowed.joined(separator: ", "))")
            }
            // Yams rejects keys equal in text and tag; this also catches `version` against `!t version`.
            if let first = entries[name] {
                throw PolicyError.invalid(file: file, line: line, key: full,
                                          message: "repeated key (first at line \(first.keyLine)); each key may appear once")
            }
            entries[name] = (line, value)
        }
        return Section(line: node.mark?.line ?? 1, path: path, entries: entries)
    }

    // MARK: Errors

    private func invalid(_ node: Node, _ key: String, _ message: String) -> PolicyError {
        .invalid(file: file, line: node.mark?.line ?? 1, key: key, message: message)
    }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.tagName == .null { return true }
        return false
    }

    /// A node's type (and short value) for error messages: `the integer 2`, `a list`.
    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            switch node.tagName {
            case .str: return "the string \"\(s.string)\""
            case .int: return "the integer \(s.string)"
            case .float: return "the number \(s.string)"
            case .bool: return "the boolean \(s.string)"
            case .null: return "null"
            default: return "a value tagged \(node.tagName.rawValue)"
            }
        }
    }
}
