import GitFacts
/// `rc-disallowed-paths`: paths outside `source.allowed_paths` changed from the RC to the GA.
enum RCDisallowedPaths: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard RCJudgement.judgesStructureWhenOff, let judgement = facts.rcJudgement, let rc = facts.selection.chosen else { return [] }
        let disallowed = judgement.disallowed
        guard !disallowed.isEmpty else { return [] }
        let list = disallowed.prefix(5).map { "\($0.path) (\($0.kind))" }.joined(separator: ", ") + (disallowed.count > 5 ? ", ..." : "")
        let allowed = facts.policy.policy.source.allowedPaths.isEmpty ? "the policy allows no path to change" : "not in source.allowed_paths"
        return ["\(disallowed.count) path(s) changed from \(rc.tag.name) to \(facts.name) (\(allowed)): \(list)"]
    }
}
