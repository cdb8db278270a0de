import GitFacts
/// `worktree.clean`: the deciding test records and the build records claim a clean work tree.
enum WorktreeClean: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The work tree was clean at test and build time"
        let policy = facts.policy
        if !policy.test.cleanWorktree && !policy.build.cleanWorktree {
            return CheckResult(.worktreeClean, title: title, status: .skipped, reason: "the policy does not require clean work trees")
        }
        var problems: [String] = []
        var used: [String] = []
        var checked = (test: 0, build: 0)
        func judge(_ dirty: [String]?, _ sha256: String, _ what: String, _ key: String) {
            if what == "test" { checked.test += 1 } else { checked.build += 1 }
            guard let dirty else {
                problems.append("the \(what) record makes no clean-work-tree claim (recorded with --no-worktree, in a bare repository, or by another tool): record it in the work tree that ran, or set \(key): false")
                used.append(sha256)
                return
            }
            if !dirty.isEmpty {
                problems.append("\(what == "test" ? "tests" : "the build") ran on a dirty tree (\(dirty.prefix(3).joined(separator: ", ")))")
                used.append(sha256)
            }
        }
        if policy.test.cleanWorktree {
            for decision in facts.suiteDecisions {
                if let r = decision.record { judge(r.record.dirtyPaths, r.sha256, "test", "test.clean_worktree") }
            }
        }
        if policy.build.cleanWorktree {
            for r in facts.buildRecords { judge(r.record.dirtyPaths, r.sha256, "build", "build.clean_worktree") }
        }
        if !problems.isEmpty {
            var seen = Set<String>()
            return CheckResult(.worktreeClean, title: title, status: .failed,
                               reason: problems.filter { seen.insert($0).inserted }.joined(separator: "; "), evidence: Array(Set(used)).sorted())
        }
        if checked.test + checked.build == 0 {
            return CheckResult(.worktreeClean, title: title, status: .skipped, reason: "no test or build record to check")
        }
        var parts: [String] = []
        if checked.test > 0 { parts.append("\(checked.test) test record(s)") }
        if checked.build > 0 { parts.append("\(checked.build) build record(s)") }
        return CheckResult(.worktreeClean, title: title, status: .passed,
                           reason: "no dirty paths were recorded at test or build time (\(parts.joined(separator: " and ")) checked)")
    }
}
