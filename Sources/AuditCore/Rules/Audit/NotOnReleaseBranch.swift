import GitFacts
/// `not-on-release-branch`: the GA commit is not reachable from a branch matching `source.branches`.
enum NotOnReleaseBranch: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let commit = facts.ga.tag.commit, let branches = facts.branches, branches.reaching == nil else { return [] }
        let patterns = facts.policy.policy.source.branches.map(\.pattern).joined(separator: ", ")
        return [branches.candidates.isEmpty
            ? "no branch matching \(patterns) exists here: fetch the branches"
            : "\(commit.short) is not reachable from any branch matching \(patterns)"]
    }
}
