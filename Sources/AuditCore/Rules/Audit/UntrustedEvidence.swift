import GitFacts
/// `untrusted-evidence`: the evidence the report used was not signed by keys trusted here for its role.
enum UntrustedEvidence: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let chosen = facts.choice.trusted else { return [] }
        let signers = ReportSigners.judge(chosen.report, trust: facts.evidenceTrust)
        guard signers.status == .failed else { return [] }
        return ["the report (\(chosen.stored.source)) used evidence not signed by keys trusted here: \(signers.reason)"]
    }
}
