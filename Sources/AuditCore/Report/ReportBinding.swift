import Foundation

/// Whether a verified report speaks for the release being asked about. A report's signature says
/// who made it, not which release it is for: the tag, repository and policy inside it must be the
/// ones asked for (a file name is never evidence).
public enum ReportBinding {
    /// `report.release`: the report is about this tag (and, when known, this repository).
    ///
    /// - Parameters:
    ///   - release: the tag the caller asks about (`verify --release`); `refs/tags/` is optional.
    ///   - expectedRepository: the identity the report must name; nil means no repository check,
    ///     and `requireRepository` makes that a failure (the repository could not be identified).
    public static func release(_ report: AuditReport, release: String, expectedRepository: String?,
                               requireRepository: Bool) -> CheckResult {
        let id = "report.release", title = "The report is about the release asked for"
        let asked = release.hasPrefix("refs/tags/") ? String(release.dropFirst(10)) : release
        guard let tag = report.release.tag else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report audited a revision (\(report.release.commit ?? "-")), not the tag \(asked)")
        }
        if !GitName.same(tag, asked) {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report is about \(tag), not \(asked): it cannot vouch for another release",
                               facts: ["asked": asked, "reported": tag])
        }
        var facts = ["tag": tag]
        if let repository = report.release.repository { facts["repository"] = repository }
        guard let expected = expectedRepository else {
            if requireRepository {
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "cannot tell which repository this is (no origin remote): pass --repository URL", facts: facts)
            }
            return CheckResult(id: id, title: title, status: .passed, reason: "the report is about \(tag)", facts: facts)
        }
        facts["expected"] = expected
        guard let repository = report.release.repository, RepositoryIdentity.matches(repository, expected) else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report is about \(tag) of \(report.release.repository ?? "an unnamed repository"), not of \(expected)",
                               facts: facts)
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "the report is about \(tag) of \(expected)", facts: facts)
    }

    /// `report.policy`: the policy text in the report is the one its digest names, and (when a
    /// policy is demanded) the report was made under it or under a policy it accepts by digest.
    public static func policy(_ report: AuditReport, demanded: LoadedPolicy?) -> CheckResult {
        let id = "report.policy", title = "The report was made under the policy demanded"
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

    /// `report.signers`: every piece of evidence the report used was signed by keys trusted for
    /// its role by the verifier's policy (or keys), at that role's threshold. The report names the
    /// signers' key ids, but the keys the gate trusted came partly from its command line, which
    /// no digest covers: this check is what ties a report to the keys its reader trusts.
    public static func signers(_ report: AuditReport, trust: TrustStore?) -> CheckResult {
        let id = "report.signers", title = "The evidence was signed by keys trusted for its role"
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
