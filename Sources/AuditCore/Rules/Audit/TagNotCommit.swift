import GitFacts
/// `tag-not-commit`: the GA tag names a tree or a blob (the RC and branch findings then say nothing).
enum TagNotCommit: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        let tag = facts.ga.tag
        guard tag.commit == nil else { return [] }
        return ["\(facts.name) names a \(tag.targetType.rawValue) (\(tag.targetID.short)), not a commit"]
    }
}
