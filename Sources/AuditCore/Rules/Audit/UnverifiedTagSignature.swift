import GitFacts
/// `unverified-tag-signature`: the policy requires signed tags, and a signature block cannot be verified yet.
enum UnverifiedTagSignature: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        let tag = facts.ga.tag
        guard tag.isAnnotated, facts.policy.policy.tag.signed, tag.isSigned else { return [] }
        return ["\(facts.name) carries a signature block, but release-audit does not verify tag signatures yet: the policy's tag.signed cannot be met (check with git verify-tag)"]
    }
}
