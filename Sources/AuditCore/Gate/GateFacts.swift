import Foundation
import GitFacts

/// Everything the gate's checks judge, read once from the repository and the evidence by
/// `GateReader`: plain values, so that every check is a pure function of them (`GateCheckID`).
public struct GateFacts: Sendable {
    public var policy: Policy
    /// The time the gate judges freshness at.
    public var now: Date
    /// The tag asked for (`--release`), as given; nil for `--release-rev`.
    public var requestedTag: String?
    public var releaseTag: Tag?
    public var releaseCommit: Commit?
    /// Every envelope found, verified under its role.
    public var evidence: GateEvidence
    /// The identity the evidence must name: the policy's repository, `--repository`, the origin
    /// remote, else the repository's path.
    public var expectedRepository: String?
    /// The expected identity is the repository's path (no origin remote, no `repository` named).
    public var expectedIsPath: Bool
    public var isShallow: Bool
    /// How many `refs/replace/` refs the repository has.
    public var replaceRefCount: Int

    /// Verified test records about this repository.
    public var testRecords: [(record: TestRecord, sha256: String)] = []
    /// Verified build records about this repository and this release.
    public var buildRecords: [(record: BuildRecord, sha256: String)] = []
    /// The tested commit, when the test evidence names exactly one (or the release commit among several).
    public var testedCommit: ObjectID?
    /// Why no tested commit could be chosen, when several are named.
    public var testedAmbiguity: String?
    /// The tested commit and its relation to the release, when the repository has the tested commit.
    public var tested: TestedSource?
    /// The deciding record of each suite of the tested commit.
    public var suiteDecisions: [SuiteDecision] = []
    /// The artifacts the build records name, each once.
    public var artifacts: [Artifact] = []
    /// Tags whose build records the notes hold beside this release's (skipped).
    public var buildsOfOtherTags: [String] = []
    /// The replace refs that touch the release or tested commit (or anything in their trees) or the tag object.
    public var replacedInRelease: [String] = []
    /// Refs that answer to the release tag's name beside `refs/tags/<name>`.
    public var tagShadows: [String] = []
    /// The release tag's signature checked against `tag.signers`; nil when the policy neither
    /// requires a signed tag nor lists signers (or the tag is lightweight).
    public var tagSignature: SignatureVerdict?
    /// The `.gitattributes` files of the release commit that set `export-subst` (read only when a
    /// different commit must stand for the release).
    public var releaseExportSubst: [String] = []
    /// The GA's last release candidate and how the GA relates to it; nil when the RC rule is off
    /// or the release is no GA tag.
    public var rc: RCFacts?
    /// The protected branches and the first that reaches the tested commit; nil when the policy
    /// names none or the tested commit is not in the repository.
    public var branches: BranchFacts?

    public init(policy: Policy, now: Date, requestedTag: String?, releaseTag: Tag?, releaseCommit: Commit?,
                evidence: GateEvidence, expectedRepository: String?, expectedIsPath: Bool, isShallow: Bool,
                replaceRefCount: Int) {
        self.policy = policy
        self.now = now
        self.requestedTag = requestedTag
        self.releaseTag = releaseTag
        self.releaseCommit = releaseCommit
        self.evidence = evidence
        self.expectedRepository = expectedRepository
        self.expectedIsPath = expectedIsPath
        self.isShallow = isShallow
        self.replaceRefCount = replaceRefCount
    }

    /// The test envelopes of the tested commit (sorted digests).
    var testedRecordDigests: [String] {
        testRecords.filter { $0.record.commit == testedCommit }.map(\.sha256).sorted()
    }
}

/// The tested commit as the repository holds it, and how the release relates to it.
public struct TestedSource: Sendable {
    public var commit: Commit
    /// From the tested commit to the release commit; nil when there is no release commit.
    public var relation: SourceRelation?

    public init(commit: Commit, relation: SourceRelation?) {
        self.commit = commit
        self.relation = relation
    }
}

/// The RC -> GA facts of a GA tag.
public struct RCFacts: Sendable {
    public var selection: RCSelection
    /// From the chosen RC's commit to the GA commit; nil when no RC with a commit was chosen.
    public var relation: SourceRelation?

    public init(selection: RCSelection, relation: SourceRelation?) {
        self.selection = selection
        self.relation = relation
    }
}

/// The protected branches that exist and the first of them that reaches the tested commit.
public struct BranchFacts: Sendable {
    /// The full names of the branches matching `source.branches`.
    public var candidates: [String]
    /// The first candidate the tested commit is reachable from.
    public var reaching: String?

    public init(candidates: [String], reaching: String?) {
        self.candidates = candidates
        self.reaching = reaching
    }
}

/// One suite of the tested commit and the record that decides it: the latest record covering that
/// suite (a re-run replaces a flaky failure; at the same time the worse result wins). Every suite
/// any record names is judged, and every required suite, so no failing or stale suite hides
/// behind a passing one. `suite` is empty for records that name no suite.
public struct SuiteDecision: Sendable {
    public var suite: String
    public var record: (record: TestRecord, sha256: String)?

    public init(suite: String, record: (record: TestRecord, sha256: String)?) {
        self.suite = suite
        self.record = record
    }

    /// How the freshness messages name the deciding record.
    var recordLabel: String { suite.isEmpty ? "the newest test evidence" : "the record of suite \(suite)" }

    /// Chooses the deciding record of every suite of `testedCommit` among `records`.
    static func decide(_ records: [(record: TestRecord, sha256: String)], testedCommit: ObjectID,
                       requiredSuites: [String]) -> [SuiteDecision] {
        let records = records.filter { $0.record.commit == testedCommit }
        var names = Set(records.flatMap { $0.record.suites.isEmpty ? [""] : $0.record.suites })
        names.formUnion(requiredSuites)
        // With required suites, the unnamed records are not one of them: they count only on their own.
        let severity: [TestOutcome: Int] = [.passed: 0, .warned: 1, .failed: 2]
        return names.sorted().map { name in
            let covering = records.filter { name.isEmpty ? $0.record.suites.isEmpty : $0.record.suites.contains(name) }
            let deciding = covering.max { a, b in
                let (ta, tb) = (a.record.recordedAt ?? .distantPast, b.record.recordedAt ?? .distantPast)
                if ta != tb { return ta < tb }
                let (sa, sb) = (severity[a.record.result, default: 2], severity[b.record.result, default: 2])
                return sa != sb ? sa < sb : a.sha256 > b.sha256
            }
            return SuiteDecision(suite: name, record: deciding)
        }
    }

    /// `record.<suite>`: the envelope digest of the record that decided each suite.
    static func facts(_ decisions: [SuiteDecision]) -> [String: String] {
        var facts: [String: String] = [:]
        for decision in decisions {
            facts["record.\(decision.suite.isEmpty ? "(no suite)" : decision.suite)"] = decision.record?.sha256 ?? "none"
        }
        return facts
    }
}
