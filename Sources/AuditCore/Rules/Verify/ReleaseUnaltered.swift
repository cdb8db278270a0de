/// `release.unaltered` (`verify --repo`): git, asked for the tag now, builds what was audited (no
/// replace ref on the commits, their files or the tag object; no ref that shadows the tag's name).
enum ReleaseUnaltered: VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult {
        let id = VerifyCheckID.unaltered.rawValue, title = "No replace ref or look-alike ref changes what git builds for the tag"
        guard let state = facts.repository else {
            // Fail closed: the rule is only asked with a repository (VerifyCheckID.judgeAll).
            return CheckResult(id: id, title: title, status: .failed, reason: "no repository to check: pass --repo")
        }
        if let problem = state.integrity.problem {
            return CheckResult(id: id, title: title, status: .failed, reason: "\(facts.report.release.tag ?? "the release"): \(problem)")
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "no replace ref touches the audited objects, and no other ref answers to the tag's name")
    }
}
