import GitFacts
/// `bad-tag-signature`: the GA tag's signature does not verify (or is by an expired or revoked
/// key): the tag object was altered or the signature block pasted from elsewhere.
enum BadTagSignature: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard case .bad(let reason) = facts.gaSignature else { return [] }
        return ["\(facts.name) has a bad signature: \(reason)"]
    }
}
