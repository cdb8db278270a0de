import GitFacts
/// `evidence.signatures`: every envelope verifies with enough keys trusted for its role.
enum EvidenceSignatures: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "Evidence signatures are valid and trusted, each key in its role"
        let evidence = facts.evidence
        let all = evidence.items.map(\.verified.loaded.sha256)
        let skipped = evidence.unreadable.isEmpty ? ""
            : "; skipped \(evidence.unreadable.count) unreadable note line(s), which can never be evidence: "
                + evidence.unreadable.prefix(3).map { "\($0.source): \($0.reason)" }.joined(separator: "; ")
        if evidence.items.isEmpty {
            return CheckResult(.evidenceSignatures, title: title, status: .failed,
                               reason: "no evidence found: pass --test-evidence/--build-evidence, or record with --notes" + skipped)
        }
        let problems = evidence.problems
        if !problems.isEmpty {
            let list = problems.prefix(3).map { "\($0.verified.loaded.source): \($0.problem ?? "")" }.joined(separator: "; ")
            return CheckResult(.evidenceSignatures, title: title, status: .failed,
                               reason: "\(problems.count) of \(evidence.items.count) envelope(s) cannot be used: \(list)" + skipped,
                               evidence: problems.map(\.verified.loaded.sha256))
        }
        // Who signed what, per role: `tester: ci.json by 1a2b3c4d5e6f`.
        var signers: [String: String] = [:]
        var parts: [String] = []
        for role in [Role.tester, .builder] {
            let signed = evidence.items.filter { $0.role == role }
            guard !signed.isEmpty else { continue }
            let keys = Set(signed.flatMap(\.verified.signerNames)).sorted()
            signers[role.rawValue] = keys.joined(separator: ",")
            let workflows = keys.filter { $0.hasPrefix("workflow ") }.map { $0.dropFirst("workflow ".count) }
            let keyIDs = keys.filter { !$0.hasPrefix("workflow ") }
            let who = [keyIDs.isEmpty ? nil : "key(s) \(keyIDs.joined(separator: ", "))",
                       workflows.isEmpty ? nil : "keyless workflow(s) \(workflows.joined(separator: ", "))"].compactMap { $0 }
            parts.append("\(role.rawValue) \(who.joined(separator: " and ")) signed \(signed.count) \(role == .tester ? "test" : "build") record(s)")
        }
        for item in evidence.items {
            signers["signers.\(item.verified.loaded.sha256.prefix(12))"] = "\(item.role?.rawValue ?? "-"): \(item.verified.signerNames.joined(separator: ","))"
            if let keyless = item.verified.keyless {
                signers["keyless.\(item.verified.loaded.sha256.prefix(12))"] = keyless.identity.summary + "  logged \(keyless.log) #\(keyless.logIndex)"
            }
        }
        return CheckResult(.evidenceSignatures, title: title, status: evidence.unreadable.isEmpty ? .passed : .warned,
                           reason: parts.joined(separator: "; ") + skipped, evidence: all, facts: signers)
    }
}
