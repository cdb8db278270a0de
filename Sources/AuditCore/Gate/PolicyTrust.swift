import Foundation

extension LoadedPolicy {
    /// The policy as a report names it: name, digest and exact text.
    public var reportInfo: AuditReport.PolicyInfo {
        AuditReport.PolicyInfo(name: name, sha256: sha256, content: String(decoding: source, as: UTF8.self))
    }
}

extension TrustStore {
    /// The policy's trusted keys per role, plus keys trusted for every role (`--trusted-key`).
    ///
    /// - Throws: when a key the policy names cannot be loaded (the policy is unusable).
    public static func from(policy: LoadedPolicy, extraKeys: [PublicKey]) throws -> TrustStore {
        var keys: [Role: [PublicKey]] = [:]
        var thresholds: [Role: Int] = [:]
        for role in Role.allCases {
            let trust = policy.policy.trustedKeys[role]
            var roleKeys = try trust.keys.map { key -> PublicKey in
                switch key {
                case .file(let path): return try PublicKey.load(from: path)
                case .pem(let pem): return try PublicKey(pem: pem)
                }
            }
            roleKeys += extraKeys
            keys[role] = roleKeys
            thresholds[role] = trust.threshold
        }
        return TrustStore(keys: keys, thresholds: thresholds)
    }
}

extension TagClass {
    /// The release-candidate number; nil for a GA tag.
    public var rcNumber: Int? {
        if case .rc(_, let number, _) = self { return number }
        return nil
    }
}

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
            verifiedLevels: report.verdict == .passed ? ["RELEASE_AUDIT_TESTED_COMMIT"] : [])
    }
}
