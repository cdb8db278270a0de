import GitFacts
/// `repository.safety`: the history is complete (not shallow), and no replace ref changes what
/// git builds for the release.
enum RepositorySafety: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The repository can prove ancestry, and no replace ref changes what is built"
        if facts.isShallow {
            return CheckResult(.repositorySafety, title: title, status: .failed,
                               reason: CheckoutAdvice.shallowClone)
        }
        let replaced = facts.replacedInRelease, count = facts.replaceRefCount
        if !replaced.isEmpty {
            let shown = replaced.prefix(5).joined(separator: ", ") + (replaced.count > 5 ? ", ..." : "")
            return CheckResult(.repositorySafety, title: title, status: .failed,
                               reason: "\(replaced.count) of \(count) replace ref(s) replace the release or tested commit, its tree, a file in it, or the tag (\(shown)): a git CLI build reads the replacements, not the audited objects; delete them (git replace -d) and build again",
                               facts: ["replaceRefs": String(count), "relevant": replaced.joined(separator: " ")])
        }
        if count > 0 {
            return CheckResult(.repositorySafety, title: title, status: .warned,
                               reason: "\(count) replace ref(s) present, none touching the release or tested commit, their files or the tag: the original objects were audited",
                               facts: ["replaceRefs": String(count)])
        }
        return CheckResult(.repositorySafety, title: title, status: .passed, reason: "full history, no replacement refs")
    }
}
