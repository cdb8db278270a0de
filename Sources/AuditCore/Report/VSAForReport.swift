import Foundation

/// The SLSA Verification Summary Attestation `gate --vsa` writes beside the report.
public enum VSAForReport {
    /// A VSA with the report's subjects, verdict, policy and inputs.
    public static func statement(for report: AuditReport, policy: LoadedPolicy) throws -> Statement {
        let repository = report.release.repository ?? "_"
        let resource = report.release.ref.map { "git+\(repository)@\($0)" } ?? "git+\(repository)"
        let policyURI = policy.path.map { URL(fileURLWithPath: $0).absoluteString }
            ?? "https://release-audit.dev/policies/\(policy.name)"
        return VSAStatement.make(
            subjects: ReportStatement.subjects(for: report),
            verifierID: ToolInfo.uri, verifierVersion: [ToolInfo.name: ToolInfo.version],
            timeVerified: Timestamp.date(report.auditedAt) ?? Date(), resourceURI: resource,
            policyURI: policyURI, policyDigest: ["sha256": policy.sha256],
            inputAttestations: report.inputs.map { ResourceDescriptor(uri: $0.source, digest: ["sha256": $0.sha256]) },
            passed: report.verdict == .passed,
            verifiedLevels: report.verdict == .passed && testedCommitVerified(report) ? ["RELEASE_AUDIT_TESTED_COMMIT"] : [])
    }

    /// The level's claim, "built from the tested commit", holds only when both checks that make it
    /// actually ran and passed (a policy without test evidence skips them).
    static func testedCommitVerified(_ report: AuditReport) -> Bool {
        [GateCheckID.testResult, .sourceMatch, .buildSource].allSatisfy { id in
            report.checks.contains { $0.id == id.rawValue && $0.status == .passed }
        }
    }
}
