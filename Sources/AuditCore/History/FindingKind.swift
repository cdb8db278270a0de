import Foundation

/// What the release-history audit can find wrong with a release. The raw values are stable ids,
/// documented in docs/audit.md; `--fail-on` names them.
public enum FindingKind: String, CaseIterable, Codable, Sendable, Comparable {
    // From stored evidence.
    /// No audit report for the tag, in the reports directory nor in the git notes on its commit.
    case missingReport = "missing-report"
    /// Reports exist for the tag, but none is signed by enough trusted (auditor) keys.
    case untrustedReport = "untrusted-report"
    /// The trusted report's verdict is FAILED: the gate stopped (or should have stopped) this release.
    case failedReport = "failed-report"
    /// The tag names another commit than the one its report audited.
    case tagMoved = "tag-moved"
    /// The tag names the audited commit through another tag object: it was deleted and made again.
    case tagRecreated = "tag-recreated"
    /// The report was made under another policy than the one audited with, and the audit's policy
    /// does not accept that policy's digest (`reports.accepted_policies`): the report does not count.
    case policyChanged = "policy-changed"
    /// The report is about another repository than the one audited (a fork's gate, say).
    case reportOtherRepository = "report-other-repository"
    /// The evidence the report used was not signed by keys the audit trusts for its role.
    case untrustedEvidence = "untrusted-evidence"

    // From git alone.
    /// No release candidate of the version was tagged before the GA.
    case noRC = "no-rc"
    /// A release candidate of the version was tagged after the GA (informational; never chosen).
    case rcAfterGA = "rc-after-ga"
    /// The GA commit does not descend from its release candidate.
    case rcDiverged = "rc-diverged"
    /// Paths outside the policy's `source.allowed_paths` changed between the release candidate and the GA.
    case rcDisallowedPaths = "rc-disallowed-paths"
    /// The GA does not meet the policy's `rc.match` rule (`same-commit` or `same-tree`).
    case rcMismatch = "rc-mismatch"
    /// The GA tag is lightweight: no tagger, no date, no message, and nothing shows if it is re-made.
    case lightweightTag = "lightweight-tag"
    /// The GA tag is annotated but carries no signature, and the policy requires signed tags.
    case unsignedTag = "unsigned-tag"
    /// The GA tag is signed, but not by one of the policy's `tag.signers` (or none are listed);
    /// it fails only when the policy requires signed tags.
    case unverifiedTagSignature = "unverified-tag-signature"
    /// The GA tag's signature does not verify, or was made by an expired or revoked key.
    case badTagSignature = "bad-tag-signature"
    /// A replace ref changes what git builds for the GA (its commit, a file in it, or the tag
    /// object), or another ref answers to the tag's name (`refs/heads/<tag>`, `refs/<tag>`).
    case releaseAltered = "release-altered"
    /// The GA tag names a tree or a blob, not a commit.
    case tagNotCommit = "tag-not-commit"
    /// The GA commit is not reachable from any branch matching the policy's `source.branches`.
    case notOnReleaseBranch = "not-on-release-branch"

    /// Whether the finding is about stored reports and evidence (`audit --git-only` reads none).
    public var isFromStoredEvidence: Bool {
        switch self {
        case .missingReport, .untrustedReport, .failedReport, .tagMoved, .tagRecreated, .policyChanged,
             .reportOtherRepository, .untrustedEvidence: return true
        default: return false
        }
    }

    public static func < (a: FindingKind, b: FindingKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Whether the finding only informs under this policy, so that the default `--fail-on` leaves it out:
    /// `rc-after-ga` always; `no-rc` when the policy's `rc.match` is `off`;
    /// `lightweight-tag` unless the policy requires annotated or signed tags; `unverified-tag-signature`
    /// unless it requires signed tags.
    public func isInformational(under policy: Policy) -> Bool {
        switch self {
        case .rcAfterGA: return true
        case .noRC: return policy.rc.match == .off
        case .lightweightTag: return !policy.tag.annotated && !policy.tag.signed
        case .unverifiedTagSignature: return !policy.tag.signed
        default: return false
        }
    }
}

/// One audit finding: a pure judgement of the facts gathered about one release, in its own file
/// under Rules/Audit/ named after its id. It returns one message per occurrence (usually none or one).
protocol FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String]
}

extension FindingKind {
    /// The rule that finds this kind.
    ///
    /// To add a finding: a file in Rules/Audit/ with a `FindingRule`, a case above (with its doc,
    /// which docs/audit.md follows), its line here and its place in `evaluationOrder`.
    var rule: any FindingRule.Type {
        switch self {
        case .missingReport: MissingReport.self
        case .untrustedReport: UntrustedReport.self
        case .failedReport: FailedReport.self
        case .tagMoved: TagMoved.self
        case .tagRecreated: TagRecreated.self
        case .policyChanged: PolicyChanged.self
        case .reportOtherRepository: ReportOtherRepository.self
        case .untrustedEvidence: UntrustedEvidence.self
        case .noRC: NoRC.self
        case .rcAfterGA: RCAfterGA.self
        case .rcDiverged: RCDiverged.self
        case .rcDisallowedPaths: RCDisallowedPaths.self
        case .rcMismatch: RCMismatch.self
        case .lightweightTag: LightweightTag.self
        case .unsignedTag: UnsignedTag.self
        case .unverifiedTagSignature: UnverifiedTagSignature.self
        case .badTagSignature: BadTagSignature.self
        case .releaseAltered: ReleaseAltered.self
        case .tagNotCommit: TagNotCommit.self
        case .notOnReleaseBranch: NotOnReleaseBranch.self
        }
    }

    /// The order a release's findings are listed in: what git shows about the tag, its RC and its
    /// branch, then what its report shows.
    static let evaluationOrder: [FindingKind] = [
        .releaseAltered, .lightweightTag, .unsignedTag, .badTagSignature, .unverifiedTagSignature, .tagNotCommit,
        .rcAfterGA, .rcDiverged, .rcDisallowedPaths, .rcMismatch, .noRC, .notOnReleaseBranch,
        .missingReport, .untrustedReport, .tagMoved, .tagRecreated, .failedReport, .policyChanged,
        .untrustedEvidence, .reportOtherRepository,
    ]

    /// Every finding of one release, in `evaluationOrder`; with `gitOnly`, only those from git alone.
    static func findAll(_ facts: ReleaseAuditFacts, gitOnly: Bool = false) -> [(FindingKind, String)] {
        evaluationOrder.filter { !gitOnly || !$0.isFromStoredEvidence }.flatMap { kind in kind.rule.find(facts).map { (kind, $0) } }
    }
}

/// Which findings fail the audit (`--fail-on`): `default`, `all`, `none`, or a comma-separated
/// list of finding ids, optionally with `default` among them (`default,policy-changed`).
public struct FailOn: Sendable, Equatable {
    /// Whether the policy's default set is included: every kind that is not informational under it.
    public var includesDefault: Bool
    /// Kinds named explicitly (or every kind, for `all`).
    public var kinds: Set<FindingKind>

    /// Every kind except the informational ones.
    public static let `default` = FailOn(includesDefault: true, kinds: [])

    public init(includesDefault: Bool, kinds: Set<FindingKind>) {
        self.includesDefault = includesDefault
        self.kinds = kinds
    }

    /// Parses the `--fail-on` value.
    ///
    /// - Throws: `InputProblem` naming an unknown id and listing the known ones.
    public init(parsing text: String) throws {
        var result = FailOn(includesDefault: false, kinds: [])
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for item in items {
            switch item {
            case "default": result.includesDefault = true
            case "all": result.kinds.formUnion(FindingKind.allCases)
            case "none": if items.count > 1 { throw InputProblem("--fail-on none cannot be combined with other values") }
            default:
                guard let kind = FindingKind(rawValue: item) else {
                    let known = FindingKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw InputProblem("--fail-on: unknown finding \"\(item)\"; use default, all, none or a comma-separated list of: \(known)")
                }
                result.kinds.insert(kind)
            }
        }
        self = result
    }

    /// The kinds that fail the audit under a policy.
    public func failing(under policy: Policy) -> Set<FindingKind> {
        var set = kinds
        if includesDefault { set.formUnion(FindingKind.allCases.filter { !$0.isInformational(under: policy) }) }
        return set
    }
}
