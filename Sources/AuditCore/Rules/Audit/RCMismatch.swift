import GitFacts
/// `rc-mismatch`: the GA does not meet `rc.match` (`same-commit`, `same-tree`), or export-subst
/// makes a re-made commit with the RC's tree archive to other files.
enum RCMismatch: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let judgement = facts.rcJudgement, let rc = facts.selection.chosen?.tag.name else { return [] }
        var found: [String] = []
        let name = facts.name
        if !judgement.exportSubstFiles.isEmpty {
            found.append("\(name) is not \(rc)'s commit, and \(judgement.exportSubstFiles.prefix(3).joined(separator: ", ")) sets export-subst: git archive of \(name) expands its own commit's metadata, so the same tree is not the same source")
        }
        if judgement.modeMismatch {
            let kind = judgement.relation.kind.rawValue
            found.append(judgement.mode == .sameCommit
                ? "the policy's rc.match is same-commit, and \(name) is \(kind) from \(rc)"
                : "the policy's rc.match is same-tree, and \(name) is \(kind) from \(rc) with other files")
        }
        return found
    }
}
