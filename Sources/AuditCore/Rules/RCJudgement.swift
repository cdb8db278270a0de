import GitFacts
/// How a GA relates to its last release candidate under the policy's RC rule: written once, for
/// the gate's `release.rc-to-ga` and the audit's `rc-*` findings.
///
/// The one deliberate difference: under `rc.match: off` the gate skips its check, while the audit
/// still reports a diverged GA and disallowed paths (`judgesStructureWhenOff`), because those tell a
/// maintainer something about the history whatever the policy requires.
struct RCJudgement {
    let relation: SourceRelation
    let mode: Policy.CandidateMatch
    /// Every changed path with the `source.allowed_paths` entry that allows it (if any).
    let decisions: [PathDecision]
    /// The GA's `.gitattributes` files that set export-subst, when they make another commit unlike
    /// the RC's (empty otherwise).
    let exportSubstFiles: [String]

    /// - Parameter releaseExportSubst: the GA commit's `.gitattributes` files setting export-subst.
    init(relation: SourceRelation, policy: Policy, releaseExportSubst: [String]) {
        self.relation = relation
        mode = policy.rc.match
        decisions = policy.source.decisions(for: relation.changedPaths)
        let acceptsOtherCommits = mode == .sameTree || mode == .allowedDiff
        exportSubstFiles = relation.kind != .sameCommit && acceptsOtherCommits ? releaseExportSubst : []
    }

    /// The audit reports diverged GAs and disallowed paths even when the RC rule is off.
    static let judgesStructureWhenOff = true

    /// The GA does not descend from the RC.
    var diverged: Bool { relation.kind == .diverged }
    /// The changed paths no `source.allowed_paths` entry allows.
    var disallowed: [PathDecision] { decisions.filter { $0.allowedBy == nil } }
    /// The mode's own requirement (`same-commit`, `same-tree`) is not met.
    var modeMismatch: Bool {
        switch mode {
        case .sameCommit: return relation.kind != .sameCommit
        case .sameTree: return relation.kind != .sameCommit && relation.kind != .sameTree
        case .allowedDiff, .off: return false
        }
    }
    /// Whether the GA meets the rule.
    var passes: Bool {
        exportSubstFiles.isEmpty && !modeMismatch && (mode != .allowedDiff || (!diverged && disallowed.isEmpty))
    }
}
