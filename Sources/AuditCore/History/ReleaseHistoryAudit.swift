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
    /// Judge from git alone: no report is read (neither the directory nor the notes), and no
    /// finding about stored reports or evidence is made. For projects adopting release-audit late.
    public var gitOnly = false

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
        // One ancestry for the whole audit answers every RC -> GA question (counts, ancestry,
        // merge base) from commits read once, and the release branches from the whole graph: a
        // libgit2 walk per pair costs one merge-base walk per visited commit on merge-heavy histories.
        var graph: CommitAncestry?
        if !branches.isEmpty || !pairs.isEmpty {
            let tips = pairs.flatMap { [$0.1, $0.0] } + (branches.isEmpty ? [] : releases.compactMap(\.tag.commit) + branches.map(\.target))
            graph = try CommitAncestry(repository: repo, tips: Self.unique(tips))
        }
        let reachability = branches.isEmpty ? nil : try graph?.reachability(fromTips: branches.map(\.target))

        let stored = StoredReports(keys: request.reportKeys, threshold: request.reportThreshold)
        var reportsByTag: [[UInt8]: [StoredReport]] = [:]
        var ignored: [ReleaseHistory.IgnoredReport] = []
        if let directory = request.reportsDirectory, !request.gitOnly {
            let read = try stored.read(directory: directory)
            for report in read.reports { reportsByTag[GitName.key(report.tag), default: []].append(report) }
            ignored = read.ignored
        }

        let failing = request.failOn.failing(under: policy)
        // One verifier (one temporary gpg keyring, when OpenPGP signers are listed) for every tag.
        let signatures = GitSignatureVerifier(signers: try GitSignerStore.from(policy.tag.signers))
        var audited: [AuditedRelease] = []
        // One scanner for every release: the subtrees releases share are read once in all.
        var replaceRefs = ReplaceRefs.Scanner(refs: facts.replaceRefs)
        for (ga, selection) in zip(releases, selections) {
            var reports = reportsByTag[GitName.key(ga.tag.name)] ?? []
            if let commit = ga.tag.commit, !request.gitOnly {
                let fromNotes = try stored.read(notesOn: commit, in: repo).filter { GitName.same($0.tag, ga.tag.name) }
                reports += fromNotes.filter { note in !reports.contains { $0.sha256 == note.sha256 } }
            }
            let candidates = (byVersion[ga.version] ?? []).sorted { ($0.createdAt, $0.tag.name) < ($1.createdAt, $1.tag.name) }
            var facts = try readRelease(ga, selection: selection, candidates: candidates, policy: request.policy, graph: graph,
                                        branches: branches, reachability: reachability, replaceRefs: &replaceRefs,
                                        reports: reports, expectedRepository: expectedRepository, evidenceTrust: evidenceTrust)
            if ga.tag.isAnnotated { facts.gaSignature = try signatures.verify(tag: ga.tag) }
            audited.append(AuditedRelease.judge(facts, failing: failing, gitOnly: request.gitOnly))
        }

        var findingCounts: [String: Int] = [:]
        for release in audited {
            for kind in Set(release.findings.map(\.kind)) { findingCounts[kind.rawValue, default: 0] += 1 }
        }
        return ReleaseHistory(
            policy: .init(name: request.policy.name, sha256: request.policy.sha256),
            failOn: failing.filter { !request.gitOnly || !$0.isFromStoredEvidence }.sorted(),
            releaseBranches: policy.source.branches.isEmpty ? nil : policy.source.branches.map(\.pattern),
            since: request.since,
            reportsRead: !request.gitOnly,
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

extension ReleaseHistoryAudit {
    /// Reads what the audit judges about one release: the only per-release code that touches the repository.
    func readRelease(_ ga: ReleaseTag, selection: RCSelection, candidates: [ReleaseTag], policy loaded: LoadedPolicy,
                     graph: CommitAncestry?, branches: [(name: String, target: ObjectID)], reachability: TipReachability?,
                     replaceRefs: inout ReplaceRefs.Scanner, reports: [StoredReport], expectedRepository: String?,
                     evidenceTrust: TrustStore) throws -> ReleaseAuditFacts {
        let policy = loaded.policy
        let tag = ga.tag
        let integrity = try ReleaseIntegrity.check(tag: tag.name, commits: tag.commit.map { [$0] } ?? [],
                                                   tagObjects: tag.tagObjects, in: repo, replaceRefs: &replaceRefs)
        var relation: SourceRelation?
        var exportSubst: [String] = []
        var branchFacts: BranchFacts?
        if let commit = tag.commit {
            if let rcCommit = selection.chosen?.tag.commit {
                let found = try SourceRelation.between(try repo.commit(rcCommit), try repo.commit(commit), in: repo, ancestry: graph)
                relation = found
                // A re-made commit with the RC's tree archives to other files when the tree sets export-subst.
                if found.kind != .sameCommit, policy.rc.match == .sameTree || policy.rc.match == .allowedDiff {
                    exportSubst = try ExportSubst.attributeFiles(in: commit, repo: repo)
                }
            }
            if !policy.source.branches.isEmpty {
                let reaching = branches.isEmpty ? nil : reachability?.firstTip(reaching: commit).map { branches[$0].name }
                branchFacts = BranchFacts(candidates: branches.map(\.name), reaching: reaching)
            }
        }
        return ReleaseAuditFacts(policy: loaded, ga: ga, selection: selection, candidates: candidates,
                                 integrityProblem: integrity.problem, relation: relation, releaseExportSubst: exportSubst,
                                 branches: branchFacts, expectedRepository: expectedRepository, evidenceTrust: evidenceTrust,
                                 reports: reports)
    }
}

extension AuditedRelease {
    /// Judges one release: every finding rule over its facts, and the verdict under `failing`.
    static func judge(_ facts: ReleaseAuditFacts, failing: Set<FindingKind>, gitOnly: Bool = false) -> AuditedRelease {
        let list = FindingKind.findAll(facts, gitOnly: gitOnly).map { Finding(kind: $0.0, message: $0.1, fails: failing.contains($0.0)) }
        let verdict: ReleaseVerdict = list.isEmpty ? .clean : list.contains(where: \.fails) ? .failed : .noted
        let (ga, selection, tag) = (facts.ga, facts.selection, facts.ga.tag)
        let afterGA = Set(selection.taggedAfterGA.map(\.tag.name))
        func candidate(_ rc: ReleaseTag) -> AuditedRelease.Candidate {
            AuditedRelease.Candidate(tag: rc.tag.name, number: rc.rcNumber ?? 0, commit: rc.tag.commit?.hex,
                                     createdAt: Timestamp.string(rc.createdAt), afterGA: afterGA.contains(rc.tag.name))
        }
        let relation = facts.relation
        return AuditedRelease(
            tag: tag.name, version: ga.version,
            tagKind: tag.isAnnotated ? .annotated(facts.gaSignature) : .lightweight,
            tagObject: tag.tagObjectID?.hex, commit: tag.commit?.hex, createdAt: Timestamp.string(ga.createdAt),
            rc: selection.chosen.map(candidate),
            rcReason: selection.reason, rcCandidates: facts.candidates.map(candidate),
            relation: relation?.kind, commitsBetween: relation?.commitsBetween, commitsBehind: relation?.commitsBehind,
            mergeBase: relation?.kind == .diverged ? relation?.mergeBase?.hex : nil,
            changedPaths: facts.rcJudgement?.decisions.map(AuditedPath.init) ?? [], onReleaseBranch: facts.branches.map { $0.reaching != nil },
            releaseBranch: facts.branches?.reaching, report: facts.choice.summary, findings: list, verdict: verdict)
    }
}
