import GitFacts
/// `lightweight-tag`: the GA tag has no tag object.
enum LightweightTag: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard !facts.ga.tag.isAnnotated else { return [] }
        let tag = facts.policy.policy.tag
        return ["\(facts.name) is a lightweight tag: it has no tagger, date or message, and can be re-made without trace"
            + (tag.annotated || tag.signed ? "; the policy requires \(tag.signed ? "signed" : "annotated") tags" : "")]
    }
}
