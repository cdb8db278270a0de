/// The policy written out with every key present and every default filled in (`policy check`).
///
/// Reading either form back gives an equal policy. Keys come in the documented order, not sorted.
extension Policy {
    /// The policy as YAML: two-space indentation, strings quoted whenever any YAML reader could take them for something else.
    public func canonicalYAML() -> String {
        var out = ""
        Self.writeYAML(document, indent: "", into: &out)
        return out
    }

    /// The policy as pretty-printed JSON, keys in the same order as the YAML form.
    public func canonicalJSON() -> String {
        String(decoding: Self.json(.map(document)).jsonData(.document), as: UTF8.self) + "\n"
    }

    /// A value of the canonical document.
    private indirect enum Value {
        case string(String)
        case int(Int)
        case bool(Bool)
        case null
        case list([Value])
        case map([(String, Value)])
    }

    private var document: [(String, Value)] {
        func strings(_ items: [String]) -> Value { .list(items.map(Value.string)) }
        func optional(_ s: String?) -> Value { s.map(Value.string) ?? .null }
        func keys(_ trust: RoleTrust) -> Value {
            .map([
                ("keys", .list(trust.keys.map { key in
                    switch key {
                    case .file(let path): return .string(path)
                    case .pem(let pem): return .string(pem)
                    }
                })),
                ("threshold", .int(trust.threshold)),
                ("identities", .list(trust.identities.map { id in
                .map([("issuer", .string(id.issuer)), ("san", .string(id.san.pattern))]
                    + [("source_repository", id.sourceRepository), ("source_ref", id.sourceRef?.pattern),
                       ("build_signer", id.buildSigner?.pattern), ("build_signer_digest", id.buildSignerDigest),
                       ("runner_environment", id.runnerEnvironment)].compactMap { k, v in v.map { (k, .string($0)) } })
                })),
            ])
        }
        return [
            ("version", .int(Self.formatVersion)),
            ("source", .map([
                ("match", .string(source.match.rawValue)),
                ("allowed_paths", .list(source.allowedPaths.map { entry in
                    entry.added || entry.deleted
                        ? .map([("path", .string(entry.pattern)), ("added", .bool(entry.added)), ("deleted", .bool(entry.deleted))])
                        : .string(entry.pattern)
                })),
                ("require_descendant", .bool(source.requireDescendant)),
                ("branches", strings(source.branches.map(\.pattern))),
                ("repository", optional(source.repository)),
            ])),
            ("test", .map([
                ("required", .bool(test.required)),
                ("minimum_result", .string(test.minimumResult.rawValue)),
                ("required_suites", strings(test.requiredSuites)),
                ("clean_worktree", .bool(test.cleanWorktree)),
                ("max_age", optional(test.maxAge?.description)),
            ])),
            ("build", .map([
                ("required", .bool(build.required)),
                ("clean_worktree", .bool(build.cleanWorktree)),
                ("max_age", optional(build.maxAge?.description)),
            ])),
            ("trusted_keys", .map(Role.allCases.map { ($0.rawValue, keys(trustedKeys[$0])) }
                + [("allow_shared_keys", .bool(trustedKeys.allowSharedKeys)), ("trusted_roots", strings(trustedKeys.trustedRoots))])),
            ("tag", .map([
                ("prefix", .string(tag.prefix)),
                ("pattern", .string(tag.pattern.pattern)),
                ("required", .bool(tag.required)),
                ("annotated", .bool(tag.annotated)),
                ("signed", .bool(tag.signed)),
                ("signers", .list(tag.signers.map { signer in
                    let text: String
                    switch signer.source {
                    case .file(let path): text = path
                    case .inline(let value): text = value
                    }
                    return .map([(signer.kind.rawValue, .string(text))]
                        + (signer.kind == .openpgp && !signer.fingerprints.isEmpty ? [("fingerprints", strings(signer.fingerprints))] : []))
                })),
            ])),
            ("rc", .map([
                ("patterns", strings(rc.patterns.map(\.pattern))),
                ("match", .string(rc.match.rawValue)),
            ])),
            ("reports", .map([
                ("accepted_policies", strings(reports.acceptedPolicies)),
            ])),
        ]
    }

    // MARK: YAML

    private static func writeYAML(_ members: [(String, Value)], indent: String, into out: inout String) {
        for (key, value) in members {
            switch value {
            case .map(let inner):
                out += "\(indent)\(key):\n"
                writeYAML(inner, indent: indent + "  ", into: &out)
            case .list(let items) where !items.isEmpty:
                out += "\(indent)\(key):\n"
                for item in items { out += "\(indent)  - \(yamlScalar(item))\n" }
            default:
                out += "\(indent)\(key): \(yamlScalar(value))\n"
            }
        }
    }

    /// A scalar (or empty list) on one line. Strings stay plain only when made of name characters and
    /// not a word some YAML reader takes for a Boolean or null; otherwise they are JSON-quoted, which
    /// is valid YAML double-quoted style.
    private static func yamlScalar(_ value: Value) -> String {
        switch value {
        case .string(let s):
            let special: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"]
            let isPlain = s.unicodeScalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } == true
                && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._/-".unicodeScalars.contains($0) }
                && !special.contains(s.lowercased())
            return isPlain ? s : jsonString(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items): return items.isEmpty ? "[]" : "[" + items.map(yamlScalar).joined(separator: ", ") + "]"
        case .map(let members):
            return members.isEmpty ? "{}" : "{" + members.map { "\($0.0): \(yamlScalar($0.1))" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: JSON

    private static func json(_ value: Value) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .int(let n): return .number(String(n))
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .list(let items): return .array(items.map(json))
        case .map(let members): return .object(members.map { (key: $0.0, value: json($0.1)) })
        }
    }

    /// A JSON string literal, which is also a YAML double-quoted scalar: `"`, `\\`, controls and
    /// invisible characters escaped (`JSONStyle.document`).
    private static func jsonString(_ s: String) -> String {
        String(decoding: JSONValue.string(s).jsonData(.document), as: UTF8.self)
    }
}
