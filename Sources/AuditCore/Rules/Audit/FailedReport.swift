import GitFacts
/// `failed-report`: the report that speaks for the release is FAILED.
enum FailedReport: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let chosen = facts.choice.trusted, chosen.report.verdict == .failed else { return [] }
        return ["the report (\(chosen.stored.source)) is FAILED: \(chosen.report.failedChecks.map(\.id).joined(separator: ", "))"]
    }
}
