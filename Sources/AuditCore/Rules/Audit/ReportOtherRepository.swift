import GitFacts
/// `report-other-repository`: the report is about another repository (or the audited one has no identity).
enum ReportOtherRepository: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let chosen = facts.choice.trusted, !ReleaseAuditFacts.isOurs(chosen.report, expected: facts.expectedRepository) else { return [] }
        let named = chosen.report.release.repository ?? "an unnamed repository"
        guard let expected = facts.expectedRepository else {
            return ["cannot tell which repository is audited (no origin remote, no source.repository in the policy), so the report (about \(named)) cannot be matched: set source.repository"]
        }
        return ["the report (\(chosen.stored.source)) is about \(named), not \(expected): a gate run elsewhere does not count here"]
    }
}
