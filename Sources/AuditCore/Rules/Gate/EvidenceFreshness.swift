import GitFacts
import Foundation

/// `evidence.freshness`: each suite's deciding record is younger than `test.max_age`, not dated in
/// the future, and made before the build; the build evidence is younger than `build.max_age`.
enum EvidenceFreshness: GateRule {
    /// How far in the future a recording time may be (clocks of CI machines and the gate differ).
    static let allowedClockSkew: TimeInterval = 5 * 60

    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "Each suite's test record is fresh and predates the build"
        let policy = facts.policy, now = facts.now, buildRecords = facts.buildRecords
        let decisions = facts.suiteDecisions.filter { $0.record != nil }
        guard !decisions.isEmpty else {
            return CheckResult(.evidenceFreshness, title: title, status: .skipped, reason: "no test evidence (see test.result)")
        }
        var problems: [String] = []
        let firstBuild = buildRecords.compactMap(\.record.recordedAt).min()
        for decision in decisions {
            guard let record = decision.record?.record else { continue }
            guard let recorded = record.recordedAt else {
                if policy.test.maxAge != nil || firstBuild != nil {
                    problems.append("\(decision.recordLabel) has no recording time, so its age and its order before the build cannot be proven")
                }
                continue
            }
            let age = now.timeIntervalSince(recorded)
            if age < -allowedClockSkew {
                // A record dated in the future would never grow old enough to fail max_age.
                problems.append("\(decision.recordLabel) is dated \(Timestamp.string(recorded)), in the future: its age cannot be proven (is the recording clock wrong?)")
            } else if let maxAge = policy.test.maxAge?.timeInterval, age > maxAge {
                problems.append("\(decision.recordLabel) is \(duration(age)) old; the policy allows \(duration(maxAge))")
            }
            if let firstBuild, recorded > firstBuild {
                problems.append("\(decision.recordLabel) was made (\(Timestamp.string(recorded))) after the build (\(Timestamp.string(firstBuild))): tests after the build do not vouch for it")
            }
        }
        if let maxAge = policy.build.maxAge?.timeInterval, !buildRecords.isEmpty {
            if let newestBuild = buildRecords.compactMap(\.record.recordedAt).max() {
                if now.timeIntervalSince(newestBuild) > maxAge {
                    problems.append("the build evidence is \(duration(now.timeIntervalSince(newestBuild))) old; the policy allows \(duration(maxAge))")
                } else if now.timeIntervalSince(newestBuild) < -allowedClockSkew {
                    problems.append("the build evidence is dated \(Timestamp.string(newestBuild)), in the future: its age cannot be proven (is the recording clock wrong?)")
                }
            } else {
                problems.append("the build evidence has no recording time, so its age cannot be proven")
            }
        }
        let used = Set(decisions.compactMap { $0.record?.sha256 }).sorted()
        let recordFacts = SuiteDecision.facts(decisions)
        if !problems.isEmpty {
            return CheckResult(.evidenceFreshness, title: title, status: .failed, reason: problems.joined(separator: "; "), evidence: used, facts: recordFacts)
        }
        let ordered = firstBuild != nil
        if policy.test.maxAge == nil && policy.build.maxAge == nil && !ordered {
            return CheckResult(.evidenceFreshness, title: title, status: .skipped,
                               reason: "no maximum age in the policy, and no build record with a time to order the tests before", evidence: used, facts: recordFacts)
        }
        let oldest = decisions.compactMap { $0.record?.record.recordedAt }.min()
        var parts: [String] = []
        if let oldest { parts.append("test evidence recorded \(duration(now.timeIntervalSince(oldest))) ago") }
        if ordered { parts.append("every suite before the build") }
        let reason = parts.joined(separator: ", ") + (policy.test.maxAge == nil ? " (no maximum age in the policy)" : "")
        return CheckResult(.evidenceFreshness, title: title, status: .passed, reason: reason, evidence: used, facts: recordFacts)
    }

    /// A duration as the messages write it: `3d4h`, `2h5m`, `7m`, `12s`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s >= 86_400 { return "\(s / 86_400)d\((s % 86_400) / 3_600)h" }
        if s >= 3_600 { return "\(s / 3_600)h\((s % 3_600) / 60)m" }
        if s >= 60 { return "\(s / 60)m" }
        return "\(max(s, 0))s"
    }
}
