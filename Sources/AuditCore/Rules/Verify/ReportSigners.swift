import Foundation

enum ReportSigners {
    /// `report.signers`: every piece of evidence the report used was signed by keys trusted for
    /// its role by the verifier's policy (or keys), at that role's threshold. The report names the
    /// signers' key ids, but the keys the gate trusted came partly from its command line, which
    /// no digest covers: this check is what ties a report to the keys its reader trusts.
    static func judge(_ report: AuditReport, trust: TrustStore?) -> CheckResult {
        let id = VerifyCheckID.signers.rawValue, title = "The evidence was signed by keys trusted for its role"
        guard let trust else {
            return CheckResult(id: id, title: title, status: .skipped,
                               reason: "who signed the evidence is not checked: pass --policy (with trusted_keys) or --tester-key/--builder-key")
        }
        var problems: [String] = []
        var checked = 0
        for input in report.inputs {
            let role: Role
            switch input.kind {
            case "test": role = .tester
            case "build": role = .builder
            default:
                problems.append("\(input.source) is neither test nor build evidence (\(input.kind))")
                continue
            }
            let trusted = Set(trust.keys(for: role).map(\.keyID))
            if trusted.isEmpty {
                problems.append("no \(role.rawValue) key to check \(input.source) against: list trusted_keys.\(role.rawValue) in the policy or pass --\(role.rawValue)-key")
                continue
            }
            let good = Set(input.signers).intersection(trusted).count
            if good < trust.threshold(for: role) {
                let named = input.signers.map { String($0.prefix(12)) }.joined(separator: ", ")
                problems.append("\(input.source) was signed by \(named.isEmpty ? "no key" : named), not by \(trust.threshold(for: role)) \(role.rawValue) key(s) trusted here")
            }
            checked += 1
        }
        if !problems.isEmpty {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; ..." : ""))
        }
        if report.inputs.isEmpty {
            return CheckResult(id: id, title: title, status: .skipped, reason: "the report used no evidence")
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "\(checked) envelope(s), each signed by keys trusted for its role")
    }
}

extension ReportSigners: VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult { judge(facts.report, trust: facts.evidenceTrust) }
}
