import GitFacts
/// `missing-report`: no audit report for the tag, in the reports directory nor in the notes.
enum MissingReport: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard facts.reports.isEmpty else { return [] }
        return ["no audit report for \(facts.name) in the reports directory or in the git notes on its commit"]
    }
}
