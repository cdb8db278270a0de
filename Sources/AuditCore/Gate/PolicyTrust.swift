import Foundation

extension LoadedPolicy {
    /// The policy as a report names it: name, digest and exact text.
    public var reportInfo: AuditReport.PolicyInfo {
        AuditReport.PolicyInfo(name: name, sha256: sha256, content: String(decoding: source, as: UTF8.self))
    }
}

extension TrustStore {
    /// The policy's trusted keys per role, plus the keys given on the command line for each role
    /// (`--tester-key`, `--builder-key`, `--auditor-key`).
    ///
    /// One key trusted for two roles collapses them (a CI key could then pass for the release
    /// build, or sign the report), so it is refused unless the policy sets
    /// `trusted_keys.allow_shared_keys: true`. `signingKeys` names keys that will sign as the
    /// auditor (the gate's own `--key`): one trusted as tester or builder is refused as well.
    ///
    /// - Throws: `InputProblem` when a key the policy names cannot be loaded, or a key holds two roles.
    public static func from(policy: LoadedPolicy, extraKeys: [Role: [PublicKey]] = [:],
                            signingKeys: [PublicKey] = [], extraRoots: [String] = []) throws -> TrustStore {
        var keys: [Role: [PublicKey]] = [:]
        var thresholds: [Role: Int] = [:]
        for role in Role.allCases {
            let trust = policy.policy.trustedKeys[role]
            var roleKeys = try trust.keys.map { key -> PublicKey in
                switch key {
                case .file(let path): return try PublicKey.load(from: path)
                case .pem(let pem): return try PublicKey(pem: pem)
                }
            }
            roleKeys += extraKeys[role] ?? []
            // The same key listed twice (or a copy of its file) is one key: it can sign only once.
            var seen = Set<String>()
            roleKeys = roleKeys.filter { seen.insert($0.keyID).inserted }
            if !roleKeys.isEmpty && trust.threshold > roleKeys.count {
                throw InputProblem("trusted_keys.\(role.rawValue).threshold is \(trust.threshold), but only \(roleKeys.count) distinct key(s) are trusted for the role: it can never be met (is a key listed twice?)")
            }
            keys[role] = roleKeys
            thresholds[role] = trust.threshold
        }
        let trusted = policy.policy.trustedKeys
        let identities = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, trusted[$0].identities) })
        // Bundles are verified keylessly only for roles with identities: without any, the built-in
        // root is not parsed (its certificates cost every gate a few milliseconds). Root files
        // named are read either way, so a broken one is an error now, not when first needed.
        var root = identities.values.allSatisfy(\.isEmpty) ? SigstoreTrustedRoot(authorities: [], logs: []) : SigstoreTrustedRoot.publicGood
        for path in trusted.trustedRoots + extraRoots { root = root.adding(try SigstoreTrustedRoot.load(path: path)) }
        let store = TrustStore(keys: keys, thresholds: thresholds, identities: identities, sigstoreRoot: root,
                               allowSharedKeys: trusted.allowSharedKeys)
        if !trusted.allowSharedKeys {
            try store.checkRolesApart(signingKeys: signingKeys)
        }
        return store
    }

    /// Refuses a key trusted for two roles, and a signing (auditor) key that is trusted as tester or builder.
    func checkRolesApart(signingKeys: [PublicKey]) throws {
        var roleOf: [String: Role] = [:]
        for role in Role.allCases {
            for key in keys(for: role) {
                if let other = roleOf[key.keyID], other != role {
                    throw InputProblem("key \(key.keyID.prefix(16)) is trusted as both \(other.rawValue) and \(role.rawValue): give each role its own key (release-audit keygen), or set trusted_keys.allow_shared_keys: true in the policy if that is intended")
                }
                roleOf[key.keyID] = role
            }
        }
        // The same keyless identity in two roles collapses them as one key would. (Patterns that
        // merely overlap are caught per bundle: one matching both roles is refused.)
        var identityRole: [Policy.TrustedIdentity: Role] = [:]
        for role in Role.allCases {
            for identity in identities(for: role) {
                if let other = identityRole[identity], other != role {
                    throw InputProblem("the identity \(identity.san) is trusted as both \(other.rawValue) and \(role.rawValue): give each role its own workflow, or set trusted_keys.allow_shared_keys: true in the policy if that is intended")
                }
                identityRole[identity] = role
            }
        }
        for key in signingKeys {
            if let role = roleOf[key.keyID], role != .auditor {
                throw InputProblem("the report signing key (--key, \(key.keyID.prefix(16))) is trusted as \(role.rawValue): the auditor needs a key of its own, or set trusted_keys.allow_shared_keys: true in the policy")
            }
        }
    }
}

extension LoadedPolicy {
    /// Whether a report made under the policy with this digest counts under this policy: the same
    /// policy, or one listed in `reports.accepted_policies`.
    public func acceptsReport(madeUnder sha256: String) -> Bool {
        sha256.lowercased() == self.sha256 || policy.reports.acceptedPolicies.contains(sha256.lowercased())
    }
}

extension TagClass {
    /// The release-candidate number; nil for a GA tag.
    public var rcNumber: Int? {
        if case .rc(_, let number, _) = self { return number }
        return nil
    }
}
