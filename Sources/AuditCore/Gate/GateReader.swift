import Foundation
import GitFacts

/// Reads everything the gate judges, once: the only part of the gate that touches the repository.
/// A read that fails is an error (the gate cannot audit), never an absent fact.
struct GateReader {
    let repo: Repository

    /// The facts of one release under one request, with the evidence already collected.
    func read(_ request: GateRequest, facts repository: RepositoryFacts, releaseTag: Tag?, releaseCommit: Commit?,
              evidence: GateEvidence, expectedRepository: String?, expectedIsPath: Bool) throws -> GateFacts {
        let policy = request.policy
        var requestedTag: String?
        if case .tag(let name) = request.release { requestedTag = name }
        var facts = GateFacts(policy: policy, now: request.now, requestedTag: requestedTag, releaseTag: releaseTag,
                              releaseCommit: releaseCommit, evidence: evidence, expectedRepository: expectedRepository,
                              expectedIsPath: expectedIsPath, isShallow: repository.isShallow,
                              replaceRefCount: repository.replaceRefs.count)
        Self.selectRecords(&facts)

        if let testedCommit = facts.testedCommit, let commit = try commitIfPresent(testedCommit) {
            let relation = try releaseCommit.map { try SourceRelation.between(commit, $0, in: repo) }
            facts.tested = TestedSource(commit: commit, relation: relation)
        }
        let built = [releaseCommit?.id, facts.tested?.commit.id].compactMap { $0 }
        var scanner = ReplaceRefs.Scanner(refs: repository.replaceRefs)
        let integrity = try ReleaseIntegrity.check(tag: releaseTag?.name, commits: built, tagObjects: releaseTag?.tagObjects ?? [],
                                                   in: repo, replaceRefs: &scanner)
        (facts.replacedInRelease, facts.tagShadows) = (integrity.replaced, integrity.shadows)

        if let releaseTag, releaseTag.isAnnotated, policy.tag.signed || !policy.tag.signers.isEmpty {
            let verifier = GitSignatureVerifier(signers: try GitSignerStore.from(policy.tag.signers))
            facts.tagSignature = try verifier.verify(tag: releaseTag)
        }
        facts.rc = try readRC(policy: policy, tag: releaseTag, release: releaseCommit)
        if !policy.source.branches.isEmpty, let tested = facts.tested {
            let candidates = try PolicyBranches.matching(policy.source.branches, remotes: repository.remotes, in: repo)
            var reaching: String?
            for ref in candidates where repo.objectType(ref.target) == .commit {
                if try repo.isAncestor(tested.commit.id, of: ref.target) { reaching = ref.name; break }
            }
            facts.branches = BranchFacts(candidates: candidates.map(\.name), reaching: reaching)
        }
        // export-subst matters only where another commit must stand for the release.
        let testedStandsIn = facts.tested?.relation.map { $0.kind != .sameCommit } == true && policy.source.match != .exactCommit
        let rcStandsIn = facts.rc?.relation.map { $0.kind != .sameCommit } == true && policy.rc.match != .sameCommit
        if let releaseCommit, testedStandsIn || rcStandsIn {
            facts.releaseExportSubst = try ExportSubst.attributeFiles(in: releaseCommit.id, repo: repo)
        }
        return facts
    }

    /// The commit with this id, or nil when the repository does not have it (or it is not a commit);
    /// an object the repository has but cannot read is an error.
    func commitIfPresent(_ id: ObjectID) throws -> Commit? {
        guard repo.contains(id) else { return nil }
        switch repo.objectType(id) {
        case .commit: return try repo.commit(id)
        case .some: return nil
        case nil: throw GitError.unreadableObject(id.hex)
        }
    }

    /// The GA's last RC and the relation, under an RC rule that is on.
    private func readRC(policy: Policy, tag: Tag?, release: Commit?) throws -> RCFacts? {
        guard policy.rc.match != .off, let tag, tag.commit != nil, let release,
              let kind = policy.tagScheme.classify(tag.name), kind.rcNumber == nil else { return nil }
        let sameVersion = try ReleaseCandidates.releaseTags(in: repo, scheme: policy.tagScheme, version: kind.version)
        let ga = ReleaseTag(tag: tag, version: kind.version, rcNumber: nil, createdAt: try ReleaseCandidates.createdAt(tag, in: repo))
        let selection = ReleaseCandidates.lastRC(for: ga, among: sameVersion)
        guard let rcCommit = selection.chosen?.tag.commit else { return RCFacts(selection: selection, relation: nil) }
        return RCFacts(selection: selection, relation: try SourceRelation.between(try repo.commit(rcCommit), release, in: repo))
    }

    /// Chooses the tested commit, the suites' deciding records and the build records from the
    /// verified evidence about this repository (pure).
    static func selectRecords(_ facts: inout GateFacts) {
        let expectedRepository = facts.expectedRepository
        let isOurs = { (repository: String?) -> Bool in
            guard let expected = expectedRepository else { return true }
            guard let repository else { return false }
            return RepositoryIdentity.matches(repository, expected)
        }
        facts.testRecords = facts.evidence.testRecords.filter { isOurs($0.record.repository) }
        // In the notes, a build of another tag of the same commit (its RC, say) is not this release's
        // build: skipped. A file named on the command line is used as given (and fails if it is for another tag).
        let release = facts.releaseTag
        let forOtherTags = facts.evidence.items.filter { item in
            guard item.noteCommit != nil, let name = item.verified.buildRecord?.tagName, let release else { return false }
            return !GitName.same(name, release.name)
        }
        facts.buildsOfOtherTags = Set(forOtherTags.compactMap { $0.verified.buildRecord?.tagName }).sorted()
        let otherTags = Set(forOtherTags.map(\.verified.loaded.sha256))
        facts.buildRecords = facts.evidence.buildRecords.filter { isOurs($0.record.repository) && !otherTags.contains($0.sha256) }
        let commits = Set(facts.testRecords.map(\.record.commit))
        if commits.count == 1 {
            facts.testedCommit = commits.first
        } else if commits.count > 1 {
            if let release = facts.releaseCommit?.id, commits.contains(release) {
                facts.testedCommit = release
            } else {
                facts.testedAmbiguity = "the test evidence names \(commits.count) different commits (\(commits.sorted().map(\.short).joined(separator: ", "))) and none is the release commit: pass the evidence of one tested commit"
            }
        }
        if let testedCommit = facts.testedCommit {
            facts.suiteDecisions = SuiteDecision.decide(facts.testRecords, testedCommit: testedCommit,
                                                        requiredSuites: facts.policy.test.requiredSuites)
        }
        var seen = Set<Artifact>()
        facts.artifacts = facts.buildRecords.flatMap(\.record.artifacts).filter { seen.insert($0).inserted }
    }
}
