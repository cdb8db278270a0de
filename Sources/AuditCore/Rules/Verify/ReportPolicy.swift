import Foundation

enum ReportPolicy {
    /// `report.policy`: the policy text in the report is the one its digest names, and (when a
    /// policy is demanded) the report was made under it or under a policy it accepts by digest.
    static func judge(_ report: AuditReport, demanded: LoadedPolicy?) -> CheckResult {
        let id = VerifyCheckID.policy.rawValue, title = "The report was made under the policy demanded"
        let content = sha256Hex(Data(report.policy.content.utf8))
        if content != report.policy.sha256.lowercased() {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report's policy text does not have the digest it claims (\(report.policy.sha256.prefix(12)) claimed, \(content.prefix(12)) computed)")
        }
        guard let demanded else {
            return CheckResult(id: id, title: title, status: .skipped,
                               reason: "no policy demanded (--policy); made under \(report.policy.name) (sha256 \(report.policy.sha256.prefix(12)))",
                               facts: ["sha256": report.policy.sha256])
        }
        if demanded.acceptsReport(madeUnder: report.policy.sha256) {
            let how = report.policy.sha256.lowercased() == demanded.sha256 ? "" : ", accepted by reports.accepted_policies"
            return CheckResult(id: id, title: title, status: .passed,
                               reason: "made under \(report.policy.name) (sha256 \(report.policy.sha256.prefix(12)))\(how)",
                               facts: ["sha256": report.policy.sha256])
        }
        return CheckResult(id: id, title: title, status: .failed,
                           reason: "made under \(report.policy.name) (sha256 \(report.policy.sha256.prefix(12))), not under \(demanded.name) (\(demanded.sha256.prefix(12))): list its digest in reports.accepted_policies if it is as strict",
                           facts: ["sha256": report.policy.sha256, "demanded": demanded.sha256])
    }
}

extension ReportPolicy: VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult { judge(facts.report, demanded: facts.demandedPolicy) }
}
