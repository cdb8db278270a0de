import GitFacts
/// `test.result`: the deciding record of every suite of the tested commit passed.
enum TestResult: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The tests of the tested commit passed, every required suite"
        let policy = facts.policy
        guard let testedCommit = facts.testedCommit else {
            let reason = facts.testedAmbiguity ?? (policy.test.required
                ? "no trusted test evidence about this repository: record it in CI with `release-audit record test`"
                : "no test evidence (not required by the policy)")
            return CheckResult(.testResult, title: title, status: policy.test.required || facts.testedAmbiguity != nil ? .failed : .skipped,
                               reason: reason)
        }
        let decisions = facts.suiteDecisions
        let used = Set(decisions.compactMap { $0.record?.sha256 }).sorted()
        let recordFacts = SuiteDecision.facts(decisions)
        let missing = decisions.filter { $0.record == nil }.map(\.suite)
        if !missing.isEmpty {
            return CheckResult(.testResult, title: title, status: .failed,
                               reason: "required suite(s) without a record for \(testedCommit.short): \(missing.joined(separator: ", "))",
                               evidence: used, facts: recordFacts)
        }
        let bad = decisions.filter { $0.record.map { !policy.test.accepts($0.record.result) } ?? false }
        if let first = bad.first, let record = first.record?.record {
            let failed = record.failedTests.prefix(3).joined(separator: ", ")
            return CheckResult(.testResult, title: title, status: .failed,
                               reason: "the latest test run\(first.suite.isEmpty ? "" : " (suite \(first.suite))") of \(testedCommit.short) is \(record.result.rawValue)" + (failed.isEmpty ? "" : ": \(failed)")
                                   + (bad.count > 1 ? " (and \(bad.count - 1) more suite(s))" : ""),
                               evidence: used, facts: recordFacts)
        }
        let results = Set(decisions.compactMap { $0.record?.record.result.rawValue }).sorted().joined(separator: "/")
        let named = decisions.map(\.suite).filter { !$0.isEmpty }
        let suites = named.isEmpty ? "" : " (suites: \(named.joined(separator: ", ")))"
        return CheckResult(.testResult, title: title, status: .passed,
                           reason: "\(used.count) test run(s) of \(testedCommit.short) \(results)\(suites)", evidence: used, facts: recordFacts)
    }
}
