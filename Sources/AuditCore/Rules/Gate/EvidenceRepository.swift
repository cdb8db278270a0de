import GitFacts
/// `evidence.repository`: every record names the audited repository.
enum EvidenceRepository: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The evidence is about this repository"
        let named: [(String?, String)] = facts.evidence.testRecords.map { ($0.record.repository, $0.sha256) }
            + facts.evidence.buildRecords.map { ($0.record.repository, $0.sha256) }
        if named.isEmpty {
            return CheckResult(.evidenceRepository, title: title, status: .skipped, reason: "no verified evidence to check")
        }
        let unnamed = named.filter { $0.0 == nil || $0.0 == "_" }
        if !unnamed.isEmpty {
            return CheckResult(.evidenceRepository, title: title, status: .failed,
                               reason: "\(unnamed.count) record(s) do not name their repository: record with --repository URL",
                               evidence: unnamed.map(\.1))
        }
        guard let expected = facts.expectedRepository else {
            let identities = Set(named.compactMap(\.0).map(RepositoryIdentity.normalize))
            if identities.count > 1 {
                return CheckResult(.evidenceRepository, title: title, status: .failed,
                                   reason: "the evidence names \(identities.count) repositories (\(identities.sorted().joined(separator: ", ")))",
                                   evidence: named.map(\.1))
            }
            return CheckResult(.evidenceRepository, title: title, status: .warned,
                               reason: "no expected repository: the repository has no origin remote; set `repository` in the policy",
                               evidence: named.map(\.1), facts: ["recorded": identities.first ?? ""])
        }
        let foreign = named.filter { !RepositoryIdentity.matches($0.0 ?? "", expected) }
        if facts.expectedIsPath {
            if !foreign.isEmpty {
                let names = Set(foreign.compactMap(\.0)).sorted().joined(separator: ", ")
                return CheckResult(.evidenceRepository, title: title, status: .failed,
                                   reason: "the repository has no origin remote, so it is known by its path (\(expected)), and \(foreign.count) record(s) name another repository (\(names)): set `repository` in the policy or pass --repository URL",
                                   evidence: foreign.map(\.1), facts: ["expected": expected])
            }
            return CheckResult(.evidenceRepository, title: title, status: .warned,
                               reason: "the repository has no origin remote: the evidence names it by its path (\(expected)); set `repository` in the policy, or record and gate with --repository URL",
                               evidence: named.map(\.1), facts: ["expected": expected])
        }
        if !foreign.isEmpty {
            let names = Set(foreign.compactMap(\.0)).sorted().joined(separator: ", ")
            return CheckResult(.evidenceRepository, title: title, status: .failed,
                               reason: "\(foreign.count) record(s) are about another repository (\(names)), not \(expected)",
                               evidence: foreign.map(\.1), facts: ["expected": expected])
        }
        return CheckResult(.evidenceRepository, title: title, status: .passed, reason: "all evidence names \(expected)",
                           evidence: named.map(\.1), facts: ["expected": expected])
    }
}
