import Foundation
import GitFacts

/// Everything the audit judges about one release, read once by `ReleaseHistoryAudit`: plain values,
/// so that every finding is a pure function of them (`FindingKind.rule`).
public struct ReleaseAuditFacts: Sendable {
    public var policy: LoadedPolicy
    public var ga: ReleaseTag
    public var selection: RCSelection
    /// Every release candidate of the version, oldest first.
    public var candidates: [ReleaseTag]
    /// Why git would not build the audited objects for the tag (a replace ref, a look-alike ref); nil when it would.
    public var integrityProblem: String?
    /// From the chosen RC's commit to the GA commit; nil without both.
    public var relation: SourceRelation?
    /// The GA commit's `.gitattributes` files setting export-subst (read only when the RC rule
    /// would let another commit stand for the RC's).
    public var releaseExportSubst: [String]
    /// The release branches: nil when the policy names none.
    public var branches: BranchFacts?
    /// The identity reports must name: the policy's `source.repository`, else the origin remote, else the path.
    public var expectedRepository: String?
    /// Whose signatures on the evidence a report used count.
    public var evidenceTrust: TrustStore
    /// Every report found for the tag (the directory's, then the notes').
    public var reports: [StoredReport]
    /// The report that speaks for the release, chosen once from `reports`.
    public let choice: ReportChoice
    /// The GA tag's signature checked against the policy's `tag.signers` (until it is checked, a
    /// signed tag is `.notChecked`, never good).
    public var gaSignature: SignatureVerdict

    public init(policy: LoadedPolicy, ga: ReleaseTag, selection: RCSelection, candidates: [ReleaseTag],
                integrityProblem: String?, relation: SourceRelation?, releaseExportSubst: [String], branches: BranchFacts?,
                expectedRepository: String?, evidenceTrust: TrustStore, reports: [StoredReport]) {
        gaSignature = ga.tag.isSigned ? .notChecked : .unsigned
        self.policy = policy
        self.ga = ga
        self.selection = selection
        self.candidates = candidates
        self.integrityProblem = integrityProblem
        self.relation = relation
        self.releaseExportSubst = releaseExportSubst
        self.branches = branches
        self.expectedRepository = expectedRepository
        self.evidenceTrust = evidenceTrust
        self.reports = reports
        choice = ReportChoice(reports, tag: ga.tag, policy: policy, expectedRepository: expectedRepository,
                              evidenceTrust: evidenceTrust)
    }

    var name: String { ga.tag.name }

    /// The RC rule's judgement, when the GA and its chosen RC both name commits.
    var rcJudgement: RCJudgement? {
        guard ga.tag.commit != nil, let relation else { return nil }
        return RCJudgement(relation: relation, policy: policy.policy, releaseExportSubst: releaseExportSubst)
    }

    /// Whether the report names the audited repository.
    static func isOurs(_ report: AuditReport, expected: String?) -> Bool {
        guard let expected, let repository = report.release.repository else { return false }
        return RepositoryIdentity.matches(repository, expected)
    }
}

/// The report that speaks for a release: the latest trusted one that still matches the tag and
/// counts here, else the latest trusted one that matches the tag, else the latest trusted one,
/// else an untrusted one (which speaks for nothing).
public struct ReportChoice: Sendable {
    /// A trusted report with what became of its tag.
    public struct Trusted: Sendable {
        public var stored: StoredReport
        public var verified: ReportStatement.Verified
        public var drift: TagDrift.Outcome
        public var report: AuditReport { verified.report }
    }

    public var trusted: Trusted?
    /// The first report, when none is trusted.
    public var untrusted: StoredReport?
    /// How many reports were found.
    public var count: Int

    init(_ reports: [StoredReport], tag: Tag, policy: LoadedPolicy, expectedRepository: String?, evidenceTrust: TrustStore) {
        count = reports.count
        let trusted = reports.compactMap { r in
            r.verified.map { Trusted(stored: r, verified: $0, drift: TagDrift.outcome(of: $0.report, tag: tag)) }
        }
        let latestFirst = trusted.sorted { a, b in
            if ReportRecency.isNewer(a.report, than: b.report) { return true }
            if ReportRecency.isNewer(b.report, than: a.report) { return false }
            return a.stored.sha256 < b.stored.sha256
        }
        let counts = { (r: AuditReport) in
            policy.acceptsReport(madeUnder: r.policy.sha256) && ReleaseAuditFacts.isOurs(r, expected: expectedRepository)
                && ReportSigners.judge(r, trust: evidenceTrust).status != .failed
        }
        self.trusted = latestFirst.first { $0.drift == .unmoved && counts($0.report) }
            ?? latestFirst.first { $0.drift == .unmoved } ?? latestFirst.first
        untrusted = self.trusted == nil ? reports.first : nil
    }

    /// The summary the audit's outputs show.
    var summary: StoredReportSummary? {
        if let chosen = trusted {
            let audited = chosen.report
            let tagState: String
            switch chosen.drift {
            case .moved: tagState = "moved"
            case .recreated: tagState = "recreated"
            case .deleted, .noTag, .unmoved: tagState = "unmoved"
            }
            return StoredReportSummary(
                source: chosen.stored.source, sha256: chosen.stored.sha256, signature: "valid", signatureProblem: nil,
                signers: chosen.verified.signerKeyIDs, verdict: audited.verdict.rawValue, failedChecks: audited.failedChecks.map(\.id),
                auditedAt: audited.auditedAt, commit: audited.release.commit, tagObject: audited.release.tagObject,
                tagState: tagState, policyName: audited.policy.name, policySha256: audited.policy.sha256,
                otherReports: count - 1)
        }
        guard let untrusted else { return nil }
        return StoredReportSummary(
            source: untrusted.source, sha256: untrusted.sha256, signature: "untrusted",
            signatureProblem: untrusted.signatureProblem, signers: [], verdict: nil, failedChecks: [], auditedAt: nil,
            commit: nil, tagObject: nil, tagState: nil, policyName: nil, policySha256: nil, otherReports: count - 1)
    }
}
