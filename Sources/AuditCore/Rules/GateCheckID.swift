import GitFacts
/// One gate check: a pure judgement of the facts the gate gathered (`GateFacts`), in its own file
/// under Rules/Gate/ named after its id.
protocol GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult
}

/// The gate's checks, in the order reports list them. The raw values are the stable ids that
/// reports/README.md documents.
///
/// To add a check: a file in Rules/Gate/ with a `GateRule`, a case here, and its line in `rule`.
public enum GateCheckID: String, CaseIterable, Sendable {
    case evidenceSignatures = "evidence.signatures"
    case evidenceRepository = "evidence.repository"
    case testResult = "test.result"
    case sourceMatch = "source.match"
    case buildSource = "build.source"
    case releaseTag = "release.tag"
    case rcToGA = "release.rc-to-ga"
    case worktreeClean = "worktree.clean"
    case protectedBranch = "source.protected-branch"
    case evidenceFreshness = "evidence.freshness"
    case repositorySafety = "repository.safety"

    var rule: any GateRule.Type {
        switch self {
        case .evidenceSignatures: EvidenceSignatures.self
        case .evidenceRepository: EvidenceRepository.self
        case .testResult: TestResult.self
        case .sourceMatch: SourceMatch.self
        case .buildSource: BuildSource.self
        case .releaseTag: ReleaseTagCheck.self
        case .rcToGA: RCToGA.self
        case .worktreeClean: WorktreeClean.self
        case .protectedBranch: ProtectedBranch.self
        case .evidenceFreshness: EvidenceFreshness.self
        case .repositorySafety: RepositorySafety.self
        }
    }

    /// Every check, judged in order.
    public static func judgeAll(_ facts: GateFacts) -> [CheckResult] {
        allCases.map { $0.rule.judge(facts) }
    }
}

extension CheckResult {
    /// A result of one of the gate's checks.
    init(_ id: GateCheckID, title: String, status: CheckStatus, reason: String, evidence: [String] = [],
         facts: [String: String]? = nil, paths: [PathDecision]? = nil) {
        self.init(id: id.rawValue, title: title, status: status, reason: reason, evidence: evidence, facts: facts, paths: paths)
    }
}
