import GitFacts
/// `source.protected-branch`: the tested commit is reachable from a branch matching `source.branches`.
enum ProtectedBranch: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The tested commit is on a protected branch"
        let branchPatterns = facts.policy.source.branches
        guard !branchPatterns.isEmpty else {
            return CheckResult(.protectedBranch, title: title, status: .skipped, reason: "the policy names no protected branches")
        }
        guard let testedCommit = facts.testedCommit else {
            return CheckResult(.protectedBranch, title: title, status: .failed, reason: "no tested commit to look for (see test.result)")
        }
        // Reachability cannot be asked of a commit the repository lacks.
        guard let branches = facts.branches else {
            return CheckResult(.protectedBranch, title: title, status: .failed,
                               reason: "the tested commit \(testedCommit.hex) is not in this repository (see source.match)")
        }
        let patterns = branchPatterns.map(\.pattern).joined(separator: ", ")
        if branches.candidates.isEmpty {
            return CheckResult(.protectedBranch, title: title, status: .failed, reason: "no branch matching \(patterns) exists here: fetch the branches")
        }
        if let branch = branches.reaching {
            return CheckResult(.protectedBranch, title: title, status: .passed, reason: "\(testedCommit.short) is reachable from \(branch)",
                               facts: ["branch": branch])
        }
        return CheckResult(.protectedBranch, title: title, status: .failed,
                           reason: "\(testedCommit.short) is not reachable from any branch matching \(patterns) (\(branches.candidates.joined(separator: ", ")))")
    }
}
