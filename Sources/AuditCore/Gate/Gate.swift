import Foundation
import GitFacts

/// What the gate is asked to audit.
public struct GateRequest: Sendable {
    /// The release: a tag (the usual case) or a bare revision.
    public enum Release: Sendable {
        case tag(String)
        case revision(String)
    }

    public var release: Release
    /// The policy the checks apply.
    public var policy: Policy
    /// The policy as the report names it (name, digest, exact text).
    public var policyInfo: AuditReport.PolicyInfo
    public var trust: TrustStore
    /// Test evidence files; when empty, test evidence is read from git notes.
    public var testEvidence: [String]
    /// Build evidence files; when empty, build evidence is read from git notes.
    public var buildEvidence: [String]
    /// The expected repository identity when the policy names none (default: the origin remote).
    public var repositoryOverride: String?
    public var now: Date

    public init(release: Release, policy: Policy, policyInfo: AuditReport.PolicyInfo, trust: TrustStore,
                testEvidence: [String] = [], buildEvidence: [String] = [], repositoryOverride: String? = nil,
                now: Date = Date()) {
        self.release = release
        self.policy = policy
        self.policyInfo = policyInfo
        self.trust = trust
        self.testEvidence = testEvidence
        self.buildEvidence = buildEvidence
        self.repositoryOverride = repositoryOverride
        self.now = now
    }
}

/// The gate: compares what was tested with what was released, under a policy, and produces the report.
public struct Gate {
    public let repo: Repository

    public init(repo: Repository) { self.repo = repo }

    /// Runs every check and assembles the (unsigned) report.
    ///
    /// - Throws: when the input is unusable (unreadable evidence, a revision or tag that does not exist,
    ///   a tag that names no commit):
    ///   the gate cannot audit. Every problem with the evidence itself becomes a FAILED check instead.
    public func run(_ request: GateRequest) throws -> AuditReport {
        let facts = try repo.facts()

        var releaseTag: Tag?
        var releaseCommit: Commit?
        switch request.release {
        case .tag(let name):
            let short = name.hasPrefix("refs/tags/") ? String(name.dropFirst(10)) : name
            // Without a release commit there is nothing to audit and no subject to sign a report
            // about: a tag that is missing or names no commit is unusable input, like a bad revision.
            guard let tag = try repo.tag(named: short) else {
                throw InputProblem("tag \(short) does not exist in this repository: check the name, or fetch the tags (git fetch --tags)")
            }
            guard let commit = tag.commit else {
                throw InputProblem("tag \(short) names a \(tag.targetType.rawValue), not a commit: there is no release commit to audit")
            }
            releaseTag = tag
            releaseCommit = try repo.commit(commit)
        case .revision(let revision):
            releaseCommit = try repo.commit(try repo.resolveCommit(revision))
        }

        let evidence = try collectEvidence(request, release: releaseCommit?.id)
        let namedRepository = request.policy.source.repository.map(RepositoryIdentity.normalize)
            ?? request.repositoryOverride.map(RepositoryIdentity.normalize)
            ?? RepositoryIdentity.origin(of: facts.remotes)
        // Without a name, the repository is known by its path, as `record` names it then: evidence
        // recorded anywhere else (a fork, another clone) does not match.
        let expectedRepository = namedRepository ?? RepositoryIdentity.byPath(of: repo)

        let gateFacts = try GateReader(repo: repo).read(
            request, facts: facts, releaseTag: releaseTag, releaseCommit: releaseCommit, evidence: evidence,
            expectedRepository: expectedRepository, expectedIsPath: namedRepository == nil)
        let checks = GateCheckID.judgeAll(gateFacts)

        // The tag's own (short) name, however it was asked for (`v1.0.0` or `refs/tags/v1.0.0`).
        let tagName = releaseTag?.name
        let repository: String? = expectedRepository
        return AuditReport(
            formatVersion: 1,
            verdict: checks.contains { $0.status == .failed } ? .failed : .passed,
            release: AuditReport.Release(
                repository: repository, tag: tagName, tagObject: releaseTag?.tagObjectID?.hex,
                tagAnnotated: releaseTag?.isAnnotated, commit: releaseCommit?.id.hex, tree: releaseCommit?.tree.hex,
                ref: tagName.map { "refs/tags/\($0)" }),
            tested: gateFacts.testedCommit.map { AuditReport.Tested(commit: $0.hex, tree: gateFacts.tested?.commit.tree.hex) },
            artifacts: gateFacts.artifacts,
            checks: checks,
            inputs: evidence.items.map { item in
                AuditReport.Input(
                    kind: item.verified.testRecord != nil ? "test" : item.verified.buildRecord != nil ? "build"
                        : item.role.map { $0 == .tester ? "test" : "build" } ?? "unknown",
                    source: item.verified.loaded.source, sha256: item.verified.loaded.sha256,
                    signers: item.verified.signerKeyIDs, verified: item.problem == nil)
            },
            policy: request.policyInfo,
            tool: AuditReport.Tool(name: ToolInfo.name, version: ToolInfo.version),
            auditedAt: Timestamp.string(request.now))
    }

    /// Files for the kinds named on the command line; git notes for the others.
    private func collectEvidence(_ request: GateRequest, release: ObjectID?) throws -> GateEvidence {
        var items: [GateEvidence.Item] = []
        var unreadable: [(source: String, reason: String)] = []
        if !request.testEvidence.isEmpty || !request.buildEvidence.isEmpty {
            items = try GateEvidenceCollector.fromFiles(test: request.testEvidence, build: request.buildEvidence,
                                                         trust: request.trust).items
        }
        if request.testEvidence.isEmpty || request.buildEvidence.isEmpty, let release {
            let fromNotes = try GateEvidenceCollector.fromNotes(repo: repo, release: release, trust: request.trust)
            unreadable = fromNotes.unreadable
            items += fromNotes.items.filter { item in
                let isTest = item.role == .tester || item.verified.testRecord != nil
                return isTest ? request.testEvidence.isEmpty : request.buildEvidence.isEmpty
            }
        }
        return GateEvidence(items: items, unreadable: unreadable)
    }
}
