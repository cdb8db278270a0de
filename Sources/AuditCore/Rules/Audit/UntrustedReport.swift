import GitFacts
/// `untrusted-report`: reports exist, none signed by enough trusted auditor keys.
enum UntrustedReport: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let untrusted = facts.choice.untrusted else { return [] }
        return ["\(facts.reports.count) report(s) for \(facts.name), none signed by a trusted key: \(untrusted.source): \(untrusted.signatureProblem ?? "")"]
    }
}
