import GitFacts

/// Everything `verify`'s checks judge: the verified report, what the caller asked about, and
/// (with `--repo`) what the repository says now. Plain values; `read` is the only verify code that
/// touches the repository.
public struct VerifyFacts: Sendable {
    /// The report whose signature verified.
    public var report: AuditReport
    /// The tag the caller asks about (`--release`); `refs/tags/` is optional.
    public var release: String
    /// The repository identity the report must name; nil when none was given or found.
    public var expectedRepository: String?
    /// The policy the report must have been made under (`--policy`), if any.
    public var demandedPolicy: LoadedPolicy?
    /// The keys the evidence signers are checked against; nil when the caller gave none.
    public var evidenceTrust: TrustStore?
    /// The repository's state now, when verifying against one.
    public var repository: RepositoryState?
    /// The artifacts the caller holds (`verify --artifact`), which the report must have gated.
    public var artifacts: [Artifact]

    /// What the repository says about the audited release now.
    public struct RepositoryState: Sendable {
        /// The tag of the report's name as it is now: nil when it no longer exists.
        public var tagNow: Tag?
        /// Replace refs and look-alike refs that change what git builds for the tag.
        public var integrity: ReleaseIntegrity
    }

    public init(report: AuditReport, release: String, expectedRepository: String?, demandedPolicy: LoadedPolicy?,
                evidenceTrust: TrustStore?, repository: RepositoryState?, artifacts: [Artifact] = []) {
        self.report = report
        self.release = release
        self.expectedRepository = expectedRepository
        self.demandedPolicy = demandedPolicy
        self.evidenceTrust = evidenceTrust
        self.repository = repository
        self.artifacts = artifacts
    }

    /// Reads the repository's state for a report (the tag now, replace refs on the audited objects,
    /// refs that shadow the tag's name). Unreadable objects are errors, not absent.
    public static func state(of report: AuditReport, in repo: Repository, replaceRefs: [String]) throws -> RepositoryState {
        let tagNow = try report.release.tag.flatMap { try repo.tag(named: $0) }
        // The tag object audited, and the chain the tag has now.
        var tagObjects = report.release.tagObject.flatMap { try? ObjectID(hex: $0) }.map { [$0] } ?? []
        if !replaceRefs.isEmpty, let tagNow { tagObjects += tagNow.tagObjects }
        var scanner = ReplaceRefs.Scanner(refs: replaceRefs)
        let commits = [report.release.commit, report.tested?.commit].compactMap { $0.flatMap { try? ObjectID(hex: $0) } }
        let integrity = try ReleaseIntegrity.check(tag: report.release.tag, commits: commits, tagObjects: tagObjects,
                                                   in: repo, replaceRefs: &scanner)
        return RepositoryState(tagNow: tagNow, integrity: integrity)
    }
}
