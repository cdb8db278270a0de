import GitFacts
import Foundation

/// `policy-changed`: the report was made under a policy the audit's does not accept, or its
/// policy text does not hash to the digest it claims.
enum PolicyChanged: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let audited = facts.choice.trusted?.report else { return [] }
        let loaded = facts.policy
        if !loaded.acceptsReport(madeUnder: audited.policy.sha256) {
            return ["the report was made under policy \(audited.policy.name) (sha256 \(audited.policy.sha256.prefix(12))), not \(loaded.name) (\(loaded.sha256.prefix(12))), and the policy does not accept it (reports.accepted_policies): it does not count"]
        }
        if sha256Hex(Data(audited.policy.content.utf8)) != audited.policy.sha256.lowercased() {
            return ["the report's policy text does not have the digest it claims: it does not count"]
        }
        return []
    }
}
