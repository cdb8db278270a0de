import GitFacts
/// `rc-after-ga`: release candidates of the version were tagged after the GA (never chosen).
enum RCAfterGA: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        let after = facts.selection.taggedAfterGA
        guard facts.ga.tag.commit != nil, !after.isEmpty else { return [] }
        return ["\(after.map(\.tag.name).joined(separator: ", ")) \(after.count == 1 ? "was" : "were") tagged after \(facts.name) (ignored for the RC rule)"]
    }
}
