import Foundation

/// A consumer holds an artifact, not a report: the report vouches for it only when the build
/// evidence it gated named that artifact's digest. Names are not compared (a download may be
/// renamed); only the SHA-256.
enum ReportArtifact: VerifyRule {
    /// `report.artifact`: every artifact asked about (`verify --artifact`) is among the report's
    /// artifacts, which are the subjects of the build evidence the gate verified.
    static func judge(_ facts: VerifyFacts) -> CheckResult {
        let id = VerifyCheckID.artifact.rawValue, title = "The report gated these artifacts"
        let gated = Set(facts.report.artifacts.map { $0.sha256.lowercased() })
        let missing = facts.artifacts.filter { !gated.contains($0.sha256.lowercased()) }
        let tag = facts.report.release.tag ?? facts.report.release.commit ?? "the release"
        var evidence = facts.artifacts.map { "\($0.name) sha256:\($0.sha256)" }
        guard missing.isEmpty else {
            let listed = facts.report.artifacts.isEmpty ? "it names no artifact"
                : "it names \(facts.report.artifacts.map { "\($0.name) (sha256:\($0.sha256.prefix(12)))" }.joined(separator: ", "))"
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report about \(tag) does not vouch for \(missing.map { "\($0.name) (sha256:\($0.sha256))" }.joined(separator: ", ")): \(listed)",
                               evidence: evidence)
        }
        evidence.sort()
        return CheckResult(id: id, title: title, status: .passed,
                           reason: "\(facts.artifacts.count) artifact(s) named by the build evidence the report gated for \(tag)",
                           evidence: evidence)
    }
}
