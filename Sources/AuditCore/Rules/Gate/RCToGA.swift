import GitFacts
/// `release.rc-to-ga`: the GA meets the policy's `rc.match` against its last release candidate
/// (the judgement itself is `RCJudgement`, shared with the audit).
enum RCToGA: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The GA matches its last release candidate"
        let mode = facts.policy.rc.match
        if mode == .off {
            return CheckResult(.rcToGA, title: title, status: .skipped, reason: "the policy's RC -> GA rule is off")
        }
        guard let rcFacts = facts.rc, let tag = facts.releaseTag, let gaCommit = tag.commit else {
            return CheckResult(.rcToGA, title: title, status: .failed, reason: "no GA release tag to compare with its release candidates (see release.tag)")
        }
        let selection = rcFacts.selection
        var rcFactsShown = ["why": selection.reason]
        guard let rc = selection.chosen, let rcCommit = rc.tag.commit, let relation = rcFacts.relation else {
            return CheckResult(.rcToGA, title: title, status: .failed, reason: selection.reason, facts: rcFactsShown)
        }
        rcFactsShown["rc"] = rc.tag.name
        rcFactsShown["rcCommit"] = rcCommit.hex
        rcFactsShown["relation"] = relation.kind.rawValue
        let judgement = RCJudgement(relation: relation, policy: facts.policy, releaseExportSubst: facts.releaseExportSubst)
        let paths = judgement.decisions.isEmpty ? nil : judgement.decisions
        if !judgement.exportSubstFiles.isEmpty {
            return CheckResult(.rcToGA, title: title, status: .failed,
                               reason: "\(tag.name) against \(rc.tag.name): \(ExportSubst.problem(files: judgement.exportSubstFiles, other: rc.tag.name))",
                               facts: rcFactsShown, paths: paths)
        }
        return CheckResult(.rcToGA, title: title, status: judgement.passes ? .passed : .failed,
                           reason: "\(tag.name) against \(rc.tag.name) (\(mode.rawValue)): \(relation.describe(from: rcCommit, to: gaCommit))",
                           facts: rcFactsShown, paths: paths)
    }
}
