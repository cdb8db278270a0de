import GitFacts
/// `source.match`: the release commit is the tested commit, has its tree, or differs from it only
/// in allowed paths, as the policy's `source.match` says.
enum SourceMatch: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let policy = facts.policy
        let title = "The release was built from the tested source (\(policy.source.match.rawValue))"
        guard let release = facts.releaseCommit else {
            return CheckResult(.sourceMatch, title: title, status: .failed, reason: "the release has no commit to compare (see release.tag)")
        }
        guard let testedCommit = facts.testedCommit else {
            let required = policy.test.required || facts.testedAmbiguity != nil
            return CheckResult(.sourceMatch, title: title, status: required ? .failed : .skipped,
                               reason: facts.testedAmbiguity ?? "no trusted test evidence names a tested commit to compare with")
        }
        let used = facts.testedRecordDigests
        guard let testedSource = facts.tested, let relation = testedSource.relation else {
            return CheckResult(.sourceMatch, title: title, status: .failed,
                               reason: "the tested commit \(testedCommit.hex) is not in this repository: fetch it (git fetch origin \(testedCommit.hex))",
                               evidence: used)
        }
        let tested = testedSource.commit
        if let recordedTree = facts.testRecords.first(where: { $0.record.commit == testedCommit && $0.record.tree != nil })?.record.tree,
           recordedTree != tested.tree {
            return CheckResult(.sourceMatch, title: title, status: .failed,
                               reason: "the test evidence records tree \(recordedTree.short) for \(testedCommit.short), but its tree is \(tested.tree.short): the evidence is forged or corrupt",
                               evidence: used)
        }
        var relationFacts = ["tested": tested.id.hex, "release": release.id.hex, "relation": relation.kind.rawValue,
                             "commitsBetween": String(relation.commitsBetween)]
        if let base = relation.mergeBase { relationFacts["mergeBase"] = base.hex }
        let decisions = policy.source.decisions(for: relation.changedPaths)
        let relationText = relation.describe(from: tested.id, to: release.id)
        if relation.kind != .sameCommit, policy.source.match != .exactCommit, !facts.releaseExportSubst.isEmpty {
            return CheckResult(.sourceMatch, title: title, status: .failed,
                               reason: ExportSubst.problem(files: facts.releaseExportSubst, other: "the tested commit"),
                               evidence: used, facts: relationFacts, paths: decisions.isEmpty ? nil : decisions)
        }
        switch policy.source.match {
        case .exactCommit:
            if relation.kind == .sameCommit {
                return CheckResult(.sourceMatch, title: title, status: .passed,
                                   reason: "the release commit \(release.id.short) is exactly the tested commit", evidence: used, facts: relationFacts)
            }
            return CheckResult(.sourceMatch, title: title, status: .failed,
                               reason: "the release commit \(release.id.short) is not the tested commit \(tested.id.short): \(relationText)",
                               evidence: used, facts: relationFacts, paths: decisions.isEmpty ? nil : decisions)
        case .sameTree:
            if relation.kind == .sameCommit || relation.kind == .sameTree {
                return CheckResult(.sourceMatch, title: title, status: .passed,
                                   reason: relation.kind == .sameCommit ? "the release commit is the tested commit"
                                       : "the release commit \(release.id.short) has the tested tree \(tested.tree.short)",
                                   evidence: used, facts: relationFacts)
            }
            return CheckResult(.sourceMatch, title: title, status: .failed,
                               reason: "the release tree differs from the tested tree: \(relationText)",
                               evidence: used, facts: relationFacts, paths: decisions)
        case .allowedDiff:
            if policy.source.requireDescendant && relation.kind == .diverged {
                return CheckResult(.sourceMatch, title: title, status: .failed,
                                   reason: "the release commit \(release.id.short) does not descend from the tested commit \(tested.id.short): \(relationText)",
                                   evidence: used, facts: relationFacts, paths: decisions)
            }
            let disallowed = decisions.filter { $0.allowedBy == nil }
            if !disallowed.isEmpty {
                let list = disallowed.prefix(5).map { "\($0.path) (\($0.kind))" }.joined(separator: ", ")
                let allowedPaths = policy.source.allowedPaths
                let why = disallowed.contains { decision in
                    decision.kind != ChangeKind.modified.rawValue && allowedPaths.contains { $0.glob.matches(decision.path) }
                }
                    ? "; an allowed_paths entry allows only modifications unless it says added: true or deleted: true, and never a type change or a submodule move" : ""
                return CheckResult(.sourceMatch, title: title, status: .failed,
                                   reason: "\(disallowed.count) changed path(s) not allowed by the policy: \(list)\(why)",
                                   evidence: used, facts: relationFacts, paths: decisions)
            }
            return CheckResult(.sourceMatch, title: title, status: .passed,
                               reason: decisions.isEmpty ? "\(relationText); no path differs"
                                   : "\(relationText); all \(decisions.count) changed path(s) are allowed",
                               evidence: used, facts: relationFacts, paths: decisions.isEmpty ? nil : decisions)
        }
    }
}
