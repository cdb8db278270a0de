import GitFacts
/// `rc-diverged`: the GA commit does not descend from its release candidate (whatever `rc.match` says).
enum RCDiverged: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard RCJudgement.judgesStructureWhenOff, let judgement = facts.rcJudgement, judgement.diverged,
              let rc = facts.selection.chosen, let rcCommit = rc.tag.commit, let commit = facts.ga.tag.commit else { return [] }
        let relation = judgement.relation
        let base = relation.mergeBase.map { "merge base \($0.short)" } ?? "no common history"
        return ["\(facts.name) (\(commit.short)) does not descend from \(rc.tag.name) (\(rcCommit.short)): \(base), \(relation.commitsBetween) commit(s) on the GA side, \(relation.commitsBehind) on the RC side"]
    }
}
