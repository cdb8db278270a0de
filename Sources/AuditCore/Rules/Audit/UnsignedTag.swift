import GitFacts
/// `unsigned-tag`: the policy requires signed tags and the annotated GA tag carries no signature.
enum UnsignedTag: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        let tag = facts.ga.tag
        guard tag.isAnnotated, facts.policy.policy.tag.signed, !tag.isSigned else { return [] }
        return ["\(facts.name) is annotated but not signed; the policy requires signed tags"]
    }
}
