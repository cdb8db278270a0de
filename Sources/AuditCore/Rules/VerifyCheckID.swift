/// One check `verify` adds to a report it verified: a pure judgement of `VerifyFacts`, in its own
/// file under Rules/Verify/ named after its id.
protocol VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult
}

/// The checks `verify` adds, in the order it prints them. The raw values are the stable ids that
/// reports/README.md documents. `report.artifact` applies only when artifacts are asked about
/// (`verify --artifact`); the last two need the repository (`verify --repo`).
///
/// To add a check: a file in Rules/Verify/ with a `VerifyRule`, a case here, and its line in `rule`.
public enum VerifyCheckID: String, CaseIterable, Sendable {
    case release = "report.release"
    case policy = "report.policy"
    case signers = "report.signers"
    case artifact = "report.artifact"
    case tagUnmoved = "release.tag-unmoved"
    case unaltered = "release.unaltered"

    var rule: any VerifyRule.Type {
        switch self {
        case .release: ReportRelease.self
        case .policy: ReportPolicy.self
        case .signers: ReportSigners.self
        case .artifact: ReportArtifact.self
        case .tagUnmoved: TagUnmoved.self
        case .unaltered: ReleaseUnaltered.self
        }
    }

    /// Whether the check judges the repository as it is now (only with `verify --repo`).
    public var needsRepository: Bool { self == .tagUnmoved || self == .unaltered }

    /// Every check that applies: the repository's only when the facts hold the repository's state.
    public static func judgeAll(_ facts: VerifyFacts) -> [CheckResult] {
        allCases.filter { facts.repository != nil || !$0.needsRepository }
            .filter { $0 != .artifact || !facts.artifacts.isEmpty }
            .map { $0.rule.judge(facts) }
    }
}
