import GitFacts
/// `unverified-tag-signature`: the GA tag is signed, but not by an allowed signer (a key the
/// policy's `tag.signers` do not list, or none are listed). It fails the audit when the policy
/// requires signed tags (`tag.signed: true`); otherwise it informs.
enum UnverifiedTagSignature: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        switch facts.gaSignature {
        case .notChecked:
            // Without signers and without a requirement, "not checked" is what the tag kind says.
            guard facts.policy.policy.tag.signed else { return [] }
            return ["\(facts.name) is signed, but the policy lists no tag.signers to check it with: tag.signed: true needs them"]
        case .unknownSigner(let key, let reason):
            return ["\(facts.name) is signed by key \(key), which is not an allowed signer: \(reason)"]
        case .unsigned, .good, .bad:
            return []
        }
    }
}
