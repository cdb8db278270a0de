import Foundation
import GitFacts

/// What to audit a repository's release history with.
public struct ReleaseHistoryRequest: Sendable {
    public var policy: LoadedPolicy
    /// The keys trusted to sign audit reports, and how many must have signed.
    public var reportKeys: [PublicKey]
    public var reportThreshold: Int
    /// The directory of stored reports; nil to read reports from the git notes only.
    public var reportsDirectory: String?
    /// Audit only the releases whose version is not lower than this tag's.
    public var since: String?
    public var failOn: FailOn
    /// The keys trusted to have signed the evidence a report used (tester, builder); nil: the policy's.
    public var evidenceTrust: TrustStore?

    public init(policy: LoadedPolicy, reportKeys: [PublicKey], reportThreshold: Int = 1, reportsDirectory: String?,
                since: String? = nil, failOn: FailOn = .default, evidenceTrust: TrustStore? = nil) {
        self.evidenceTrust = evidenceTrust
        self.policy = policy
        self.reportKeys = reportKeys
        self.reportThreshold = reportThreshold
        self.reportsDirectory = reportsDirectory
        self.since = since
        self.failOn = failOn
    }
}

/// Audits every release tag of a repository after the fact: from git alone (tag kind, last RC,
/// RC -> GA relation and changed paths, release-branch reachability) and from the stored reports
/// (found, trusted, verdict, tag unmoved, policy). Works on any repository, including one that
/// never used release-audit.
///
/// Cost: in proportion to the number of tags and the size of each RC -> GA difference, plus,
/// when the policy names release branches, one walk over the history reachable from the
/// release tags and branches (to load the commit graph).
public struct ReleaseHistoryAudit {
    public let repo: Repository

    public init(repo: Repository) { self.repo = repo }

    /// Runs the audit.
    ///
    /// - Throws: `InputProblem` when the repository cannot be audited (a shallow clone, no release
    ///   tag matching the policy, an unknown `--since` tag, an unreadable reports directory).
    public func run(_ request: ReleaseHistoryRequest) throws -> ReleaseHistory {
        let policy = request.policy.policy
        let scheme = policy.tagScheme
        let facts = try repo.facts()
        if facts.isShallow {
            throw InputProblem("this is a shallow clone: ancestry cannot be proven; fetch the full history (git fetch --unshallow --tags)")
        }
        let all = try ReleaseCandidates.releaseTags(in: repo, scheme: scheme)
        var releases = all.filter { $0.rcNumber == nil }
        if releases.isEmpty {
            throw InputProblem("no tag matches the policy's release pattern \(scheme.prefix)\(scheme.release.pattern): fetch the tags (git fetch --tags) or check tag.prefix and tag.pattern")
        }
        if let since = request.since {
            releases = try Self.releases(releases, since: since, scheme: scheme, in: repo)
        }
        // As the gate names it: the policy's repository, else the origin remote, else the path.
        let evidenceTrust = try request.evidenceTrust ?? TrustStore.from(policy: request.policy)
        let expectedRepository = policy.source.repository.map(RepositoryIdentity.normalize) ?? RepositoryIdentity.origin(of: facts.remotes)
            ?? RepositoryIdentity.byPath(of: repo)
        releases.sort(by: Self.newestFirst)
        let byVersion = Dictionary(grouping: all.filter { $0.rcNumber != nil }, by: \.version)

        // RC selection first: it decides which commits the graph needs.
        let selections = releases.map { ReleaseCandidates.lastRC(for: $0, among: byVersion[$0.version] ?? []) }
        let branches = try PolicyBranches.matching(policy.source.branches, remotes: facts.remotes, in: repo)
            .filter { repo.objectType($0.target) == .commit }
        let pairs = zip(releases, selections).compactMap { ga, selection -> (ObjectID, ObjectID)? in
            guard let g = ga.tag.commit, let r = selection.chosen?.tag.commit else { return nil }
            return (r, g)
        }
        // Release branches need one walk over the history (the commit graph), which then also
        // answers every RC -> GA question; without branches each pair is walked on its own,
        // bounded by the commits between the two.
        var graph: CommitGraph?
        if !branches.isEmpty {
            let tips = pairs.flatMap { [$0.1, $0.0] } + releases.compactMap(\.tag.commit) + branches.map(\.target)
            graph = try repo.commitGraph(reachableFrom: Self.unique(tips))
        }
        let reachability = graph?.reachability(fromTips: branches.map(\.target))

        let stored = StoredReports(keys: request.reportKeys, threshold: request.reportThreshold)
        var reportsByTag: [[UInt8]: [StoredReport]] = [:]
        var ignored: [ReleaseHistory.IgnoredReport] = []
        if let directory = request.reportsDirectory {
            let read = try stored.read(directory: directory)
            for report in read.reports { reportsByTag[GitName.key(report.tag), default: []].append(report) }
            ignored = read.ignored
        }

        let failing = request.failOn.failing(under: policy)
        var audited: [AuditedRelease] = []
        // One scanner for every release: the subtrees releases share are read once in all.
        var replaceRefs = ReplaceRefs.Scanner(refs: facts.replaceRefs)
        for (ga, selection) in zip(releases, selections) {
            var reports = reportsByTag[GitName.key(ga.tag.name)] ?? []
            if let commit = ga.tag.commit {
                let fromNotes = try stored.read(notesOn: commit, in: repo).filter { GitName.same($0.tag, ga.tag.name) }
                reports += fromNotes.filter { note in !reports.contains { $0.sha256 == note.sha256 } }
            }
            let candidates = (byVersion[ga.version] ?? []).sorted { ($0.createdAt, $0.tag.name) < ($1.createdAt, $1.tag.name) }
            var context = ReleaseContext(repo: repo, policy: request.policy, ga: ga, selection: selection,
                                         candidates: candidates, graph: graph, expectedRepository: expectedRepository,
                                         evidenceTrust: evidenceTrust)
            try context.auditGit(branches: branches, reachability: reachability, replaceRefs: &replaceRefs)
            context.auditReports(reports)
            audited.append(context.result(failing: failing))
        }

        var findingCounts: [String: Int] = [:]
        for release in audited {
            for kind in Set(release.findings.map(\.kind)) { findingCounts[kind.rawValue, default: 0] += 1 }
        }
        return ReleaseHistory(
            policy: .init(name: request.policy.name, sha256: request.policy.sha256),
            failOn: failing.sorted(),
            releaseBranches: policy.source.branches.isEmpty ? nil : policy.source.branches.map(\.pattern),
            since: request.since,
            releases: audited,
            summary: .init(releases: audited.count,
                           clean: audited.filter { $0.verdict == .clean }.count,
                           noted: audited.filter { $0.verdict == .noted }.count,
                           failed: audited.filter { $0.verdict == .failed }.count,
                           findings: findingCounts),
            ignoredReports: ignored)
    }

    /// The releases `--since TAG` keeps: every release whose version is not lower than the tag's.
    ///
    /// Never by date: a tagger chooses the date of a tag, so a never-gated release dated 2001
    /// would vanish. Where two versions do not order (not both numeric, dot-separated), ancestry
    /// decides, and a release is left out only when its commit is a proper ancestor of the
    /// `--since` tag's commit; in doubt it is kept (auditing more never hides anything).
    static func releases(_ releases: [ReleaseTag], since: String, scheme: ReleaseTagScheme, in repo: Repository) throws -> [ReleaseTag] {
        guard let tag = try repo.tag(named: since) else { throw InputProblem("--since: there is no tag \(since)") }
        guard case .some(let kind) = scheme.classify(tag.name) else {
            throw InputProblem("--since \(since) is not a release or release-candidate tag under the policy's tag pattern: name a release tag such as \(scheme.prefix)\(scheme.release.pattern)")
        }
        let sinceVersion = kind.version
        return try releases.filter { release in
            if let order = VersionOrder.compare(release.version, sinceVersion) { return order != .orderedAscending }
            guard let from = tag.commit, let to = release.tag.commit, from != to else { return true }
            return !(try repo.isAncestor(to, of: from))
        }
    }

    /// Newest first: by creation time, then by version (numerically), then by name.
    static func newestFirst(_ a: ReleaseTag, _ b: ReleaseTag) -> Bool {
        if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
        let va = a.version.split(separator: ".").map { Int($0) ?? 0 }, vb = b.version.split(separator: ".").map { Int($0) ?? 0 }
        if va != vb { return va.lexicographicallyPrecedes(vb) == false }
        return a.tag.name > b.tag.name
    }

    static func unique(_ ids: [ObjectID]) -> [ObjectID] {
        var seen = Set<ObjectID>()
        return ids.filter { seen.insert($0).inserted }
    }
}

/// One release being audited: the facts gathered so far and the findings.
struct ReleaseContext {
    let repo: Repository
    let loaded: LoadedPolicy
    let ga: ReleaseTag
    let selection: RCSelection
    /// Every release candidate of the version, oldest first.
    let candidates: [ReleaseTag]
    let graph: CommitGraph?
    /// The identity reports must name: the policy's `source.repository`, else the origin remote.
    let expectedRepository: String?
    /// Whose signatures on the evidence a report used count.
    let evidenceTrust: TrustStore

    var policy: Policy { loaded.policy }
    var findings: [(FindingKind, String)] = []
    var relation: SourceRelation?
    var decisions: [PathDecision] = []
    var onReleaseBranch: Bool?
    var releaseBranch: String?
    var report: StoredReportSummary?

    init(repo: Repository, policy: LoadedPolicy, ga: ReleaseTag, selection: RCSelection, candidates: [ReleaseTag],
         graph: CommitGraph?, expectedRepository: String?, evidenceTrust: TrustStore) {
        self.expectedRepository = expectedRepository
        self.evidenceTrust = evidenceTrust
        self.repo = repo
        self.loaded = policy
        self.ga = ga
        self.selection = selection
        self.candidates = candidates
        self.graph = graph
    }

    var name: String { ga.tag.name }

    // MARK: From git

    mutating func auditGit(branches: [(name: String, target: ObjectID)], reachability: TipReachability?,
                           replaceRefs: inout ReplaceRefs.Scanner) throws {
        let tag = ga.tag
        let integrity = try ReleaseIntegrity.check(tag: tag.name, commits: tag.commit.map { [$0] } ?? [],
                                                   tagObjects: tag.tagObjects, in: repo, replaceRefs: &replaceRefs)
        if let problem = integrity.problem {
            findings.append((.releaseAltered, "\(name): \(problem)"))
        }
        if !tag.isAnnotated {
            findings.append((.lightweightTag, "\(name) is a lightweight tag: it has no tagger, date or message, and can be re-made without trace"
                + (policy.tag.annotated || policy.tag.signed ? "; the policy requires \(policy.tag.signed ? "signed" : "annotated") tags" : "")))
        } else if policy.tag.signed && !tag.isSigned {
            findings.append((.unsignedTag, "\(name) is annotated but not signed; the policy requires signed tags"))
        } else if policy.tag.signed {
            findings.append((.unverifiedTagSignature, "\(name) carries a signature block, but release-audit does not verify tag signatures yet: the policy's tag.signed cannot be met (check with git verify-tag)"))
        }
        guard let commitID = tag.commit else {
            findings.append((.tagNotCommit, "\(name) names a \(tag.targetType.rawValue) (\(tag.targetID.short)), not a commit"))
            return
        }

        // The last RC and how the GA relates to it.
        if !selection.taggedAfterGA.isEmpty {
            let names = selection.taggedAfterGA.map(\.tag.name).joined(separator: ", ")
            findings.append((.rcAfterGA, "\(names) \(selection.taggedAfterGA.count == 1 ? "was" : "were") tagged after \(name) (ignored for the RC rule)"))
        }
        if let rc = selection.chosen, let rcCommitID = rc.tag.commit {
            let relation = try SourceRelation.between(try repo.commit(rcCommitID), try repo.commit(commitID), in: repo, graph: graph)
            self.relation = relation
            decisions = policy.source.decisions(for: relation.changedPaths)
            try judgeRelation(relation, rc: rc.tag.name, rcCommit: rcCommitID, commit: commitID)
        } else if let rc = selection.chosen {
            findings.append((.noRC, "\(rc.tag.name), the last release candidate, names a \(rc.tag.targetType.rawValue), not a commit"))
        } else {
            findings.append((.noRC, selection.reason))
        }

        // Release branches.
        guard !policy.source.branches.isEmpty else { return }
        let patterns = policy.source.branches.map(\.pattern).joined(separator: ", ")
        if branches.isEmpty {
            onReleaseBranch = false
            findings.append((.notOnReleaseBranch, "no branch matching \(patterns) exists here: fetch the branches"))
        } else if let first = reachability?.firstTip(reaching: commitID) {
            onReleaseBranch = true
            releaseBranch = branches[first].name
        } else {
            onReleaseBranch = false
            findings.append((.notOnReleaseBranch, "\(commitID.short) is not reachable from any branch matching \(patterns)"))
        }
    }

    private mutating func judgeRelation(_ relation: SourceRelation, rc: String, rcCommit: ObjectID, commit: ObjectID) throws {
        if relation.kind == .diverged {
            let base = relation.mergeBase.map { "merge base \($0.short)" } ?? "no common history"
            findings.append((.rcDiverged, "\(name) (\(commit.short)) does not descend from \(rc) (\(rcCommit.short)): \(base), \(relation.commitsBetween) commit(s) on the GA side, \(relation.commitsBehind) on the RC side"))
        }
        let disallowed = decisions.filter { $0.allowedBy == nil }
        if !disallowed.isEmpty {
            let list = disallowed.prefix(5).map { "\($0.path) (\($0.kind))" }.joined(separator: ", ") + (disallowed.count > 5 ? ", ..." : "")
            let allowed = policy.source.allowedPaths.isEmpty ? "the policy allows no path to change" : "not in source.allowed_paths"
            findings.append((.rcDisallowedPaths, "\(disallowed.count) path(s) changed from \(rc) to \(name) (\(allowed)): \(list)"))
        }
        // A re-made commit with the RC's tree archives to other files when the tree sets export-subst.
        if relation.kind != .sameCommit, policy.rc.match == .sameTree || policy.rc.match == .allowedDiff,
           case let files = try ExportSubst.attributeFiles(in: commit, repo: repo), !files.isEmpty {
            findings.append((.rcMismatch, "\(name) is not \(rc)'s commit, and \(files.prefix(3).joined(separator: ", ")) sets export-subst: git archive of \(name) expands its own commit's metadata, so the same tree is not the same source"))
        }
        switch policy.rc.match {
        case .sameCommit where relation.kind != .sameCommit:
            findings.append((.rcMismatch, "the policy's rc.match is same-commit, and \(name) is \(relation.kind.rawValue) from \(rc)"))
        case .sameTree where relation.kind != .sameCommit && relation.kind != .sameTree:
            findings.append((.rcMismatch, "the policy's rc.match is same-tree, and \(name) is \(relation.kind.rawValue) from \(rc) with other files"))
        default: break
        }
    }

    // MARK: From stored reports

    /// Chooses the report that speaks for the release: the latest trusted one that still matches
    /// the tag, else the latest trusted one, else an untrusted one (which speaks for nothing).
    mutating func auditReports(_ reports: [StoredReport]) {
        let trusted = reports.compactMap { r in r.verified.map { (stored: r, verified: $0) } }
        if trusted.isEmpty {
            guard let untrusted = reports.first else {
                findings.append((.missingReport, "no audit report for \(name) in the reports directory or in the git notes on its commit"))
                return
            }
            report = StoredReportSummary(
                source: untrusted.source, sha256: untrusted.sha256, signature: "untrusted",
                signatureProblem: untrusted.signatureProblem, signers: [], verdict: nil, failedChecks: [], auditedAt: nil,
                commit: nil, tagObject: nil, tagState: nil, policyName: nil, policySha256: nil, otherReports: reports.count - 1)
            findings.append((.untrustedReport, "\(reports.count) report(s) for \(name), none signed by a trusted key: \(untrusted.source): \(untrusted.signatureProblem ?? "")"))
            return
        }
        let outcomes = trusted.map { TagDrift.outcome(of: $0.verified.report, tag: ga.tag) }
        let latestFirst = zip(trusted, outcomes).sorted { a, b in
            let (da, db) = (Timestamp.date(a.0.verified.report.auditedAt) ?? .distantPast, Timestamp.date(b.0.verified.report.auditedAt) ?? .distantPast)
            return da != db ? da > db : a.0.stored.sha256 < b.0.stored.sha256
        }
        // The report that counts: the latest unmoved one made here under an accepted policy; failing
        // that, the latest unmoved one, else the latest (each of which then fails with its reason).
        let (loaded, expected, evidenceTrust) = (self.loaded, expectedRepository, self.evidenceTrust)
        let counts = { (r: ReportStatement.Verified) in
            loaded.acceptsReport(madeUnder: r.report.policy.sha256) && Self.isOurs(r.report, expected: expected)
                && ReportBinding.signers(r.report, trust: evidenceTrust).status != .failed
        }
        let chosen = latestFirst.first { $0.1 == .unmoved && counts($0.0.verified) }
            ?? latestFirst.first { $0.1 == .unmoved } ?? latestFirst[0]
        let (stored, verified) = chosen.0
        let audited = verified.report
        let tagState: String
        switch chosen.1 {
        case .moved(let was, let now):
            tagState = "moved"
            findings.append((.tagMoved, "\(name) moved since its report (\(stored.source)): it named \(was.map { String($0.prefix(7)) } ?? "-") when audited, now \(now.prefix(7))"))
        case .recreated(let was, let now):
            tagState = "recreated"
            findings.append((.tagRecreated, "\(name) was re-created since its report (\(stored.source)): tag object \(was.map { String($0.prefix(7)) } ?? "none") when audited, now \(now.map { String($0.prefix(7)) } ?? "none (lightweight)")"))
        case .deleted, .noTag, .unmoved:
            tagState = "unmoved"
        }
        if audited.verdict == .failed {
            let failed = audited.failedChecks.map(\.id).joined(separator: ", ")
            findings.append((.failedReport, "the report (\(stored.source)) is FAILED: \(failed)"))
        }
        if !loaded.acceptsReport(madeUnder: audited.policy.sha256) {
            findings.append((.policyChanged, "the report was made under policy \(audited.policy.name) (sha256 \(audited.policy.sha256.prefix(12))), not \(loaded.name) (\(loaded.sha256.prefix(12))), and the policy does not accept it (reports.accepted_policies): it does not count"))
        } else if sha256Hex(Data(audited.policy.content.utf8)) != audited.policy.sha256.lowercased() {
            findings.append((.policyChanged, "the report's policy text does not have the digest it claims: it does not count"))
        }
        let signers = ReportBinding.signers(audited, trust: evidenceTrust)
        if signers.status == .failed {
            findings.append((.untrustedEvidence, "the report (\(stored.source)) used evidence not signed by keys trusted here: \(signers.reason)"))
        }
        if !isOurs(audited) {
            findings.append((.reportOtherRepository, expectedRepository == nil
                ? "cannot tell which repository is audited (no origin remote, no source.repository in the policy), so the report (about \(audited.release.repository ?? "an unnamed repository")) cannot be matched: set source.repository"
                : "the report (\(stored.source)) is about \(audited.release.repository ?? "an unnamed repository"), not \(expectedRepository ?? ""): a gate run elsewhere does not count here"))
        }
        report = StoredReportSummary(
            source: stored.source, sha256: stored.sha256, signature: "valid", signatureProblem: nil,
            signers: verified.signerKeyIDs, verdict: audited.verdict.rawValue, failedChecks: audited.failedChecks.map(\.id),
            auditedAt: audited.auditedAt, commit: audited.release.commit, tagObject: audited.release.tagObject,
            tagState: tagState, policyName: audited.policy.name, policySha256: audited.policy.sha256,
            otherReports: reports.count - 1)
    }

    /// Whether a report is about the audited repository.
    func isOurs(_ report: AuditReport) -> Bool { Self.isOurs(report, expected: expectedRepository) }

    static func isOurs(_ report: AuditReport, expected: String?) -> Bool {
        guard let expected, let repository = report.release.repository else { return false }
        return RepositoryIdentity.matches(repository, expected)
    }

    // MARK: Result

    func result(failing: Set<FindingKind>) -> AuditedRelease {
        let list = findings.map { Finding(kind: $0.0, message: $0.1, fails: failing.contains($0.0)) }
        let verdict: ReleaseVerdict = list.isEmpty ? .clean : list.contains(where: \.fails) ? .failed : .noted
        let tag = ga.tag
        let afterGA = Set(selection.taggedAfterGA.map(\.tag.name))
        func candidate(_ rc: ReleaseTag) -> AuditedRelease.Candidate {
            AuditedRelease.Candidate(tag: rc.tag.name, number: rc.rcNumber ?? 0, commit: rc.tag.commit?.hex,
                                     createdAt: Timestamp.string(rc.createdAt), afterGA: afterGA.contains(rc.tag.name))
        }
        return AuditedRelease(
            tag: tag.name, version: ga.version,
            tagKind: tag.isAnnotated ? (tag.isSigned ? .signed : .annotated) : .lightweight,
            tagObject: tag.tagObjectID?.hex, commit: tag.commit?.hex, createdAt: Timestamp.string(ga.createdAt),
            rc: selection.chosen.map(candidate),
            rcReason: selection.reason, rcCandidates: candidates.map(candidate),
            relation: relation?.kind, commitsBetween: relation?.commitsBetween, commitsBehind: relation?.commitsBehind,
            mergeBase: relation?.kind == .diverged ? relation?.mergeBase?.hex : nil,
            changedPaths: decisions, onReleaseBranch: onReleaseBranch, releaseBranch: releaseBranch,
            report: report, findings: list, verdict: verdict)
    }
}
