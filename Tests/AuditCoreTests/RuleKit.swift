@testable import AuditCore
import Foundation
import GitFacts

/// Plain values for the rule tests: commits, tags, and really signed evidence, with no process
/// and no repository. `gate()` is a release that passes every check of the exact-commit preset;
/// each test changes one fact.
enum RuleKit {
    static let tester = SigningKey.generate()
    static let builder = SigningKey.generate()
    static let stranger = SigningKey.generate()
    static let identity = "https://github.com/example/widget"
    static let now = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
    static let trust = TrustStore(keys: [.tester: [tester.publicKey], .builder: [builder.publicKey]], thresholds: [:])

    static func id(_ n: Int) -> ObjectID { try! ObjectID(hex: String(format: "%040x", n)) }

    static func person(_ time: Date) -> Person {
        Person(name: "Test Author", email: "author@example.com", time: Int64(time.timeIntervalSince1970), offsetMinutes: 0)
    }

    static func commit(_ n: Int, tree: Int? = nil, parents: [Int] = []) -> Commit {
        Commit(id: id(n), tree: id(tree ?? 1000 + n), parents: parents.map(id), author: person(now), committer: person(now),
               summary: "Commit \(n)", message: "Commit \(n)\n")
    }

    /// An annotated (or lightweight) tag on commit `n`; its tag object is `5000 + n`.
    static func tag(_ name: String, on n: Int, annotated: Bool = true, signed: Bool = false,
                    at time: Date = now.addingTimeInterval(-600)) -> Tag {
        Tag(name: name, isAnnotated: annotated, referenceTarget: annotated ? id(5000 + n) : id(n),
            tagger: annotated ? person(time) : nil, message: annotated ? name : nil, isSigned: signed,
            chainLength: annotated ? 1 : 0, targetType: .commit, targetID: id(n), tagObjects: annotated ? [id(5000 + n)] : [])
    }

    static func releaseTag(_ name: String, on n: Int, rc: Int? = nil, annotated: Bool = true,
                           at time: Date = now.addingTimeInterval(-600)) -> ReleaseTag {
        let tag = tag(name, on: n, annotated: annotated, at: time)
        return ReleaseTag(tag: tag, version: "1.0.0", rcNumber: rc, createdAt: time)
    }

    /// A signed envelope around a statement, loaded as the gate loads one.
    static func loaded(_ payload: Data, by keys: [SigningKey], source: String) -> LoadedEnvelope {
        let envelope = try! DSSEEnvelope.sign(payload: payload, keys: keys)
        let bytes = envelope.jsonData()
        return LoadedEnvelope(source: source, bytes: bytes, sha256: sha256Hex(bytes), envelope: envelope)
    }

    static func testItem(commit n: Int = 1, tree: Int? = nil, result: TestOutcome = .passed, suites: [String] = [],
                         recordedAt: Date? = now.addingTimeInterval(-3600), dirty: [String]? = [],
                         repository: String? = identity, by key: SigningKey = tester, source: String = "test.json") -> GateEvidence.Item {
        let record = TestRecord(commit: id(n), tree: id(tree ?? 1000 + n), repository: repository, result: result,
                                failedTests: result == .failed ? ["widget_spins"] : [], suites: suites,
                                recordedAt: recordedAt, dirtyPaths: dirty)
        return try! GateEvidenceCollector.classify(loaded(TestResultStatement.make(record: record).jsonData(), by: [key], source: source),
                                                   trust: trust)
    }

    static func buildItem(commit n: Int = 1, tree: Int? = nil, tag: Tag? = RuleKit.tag("v1.0.0", on: 1),
                          recordedAt: Date? = now.addingTimeInterval(-1800), dirty: [String]? = [],
                          repository: String? = identity, by key: SigningKey = builder, noteCommit: Int? = nil) -> GateEvidence.Item {
        let record = BuildRecord(commit: id(n), tree: id(tree ?? 1000 + n), repository: repository, tagName: tag?.name,
                                 tagObject: tag?.tagObjectID, tagAnnotated: tag?.isAnnotated, recordedAt: recordedAt, dirtyPaths: dirty)
        var item = try! GateEvidenceCollector.classify(loaded(ProvenanceStatement.make(record: record).jsonData(), by: [key], source: "build.json"),
                                                       trust: trust)
        item.noteCommit = noteCommit.map(id)
        return item
    }

    static func relation(_ kind: SourceRelation.Kind, between: Int = 0, behind: Int = 0, paths: [ChangedPath] = []) -> SourceRelation {
        SourceRelation(kind: kind, commitsBetween: between, commitsBehind: behind, mergeBase: kind == .diverged ? id(99) : nil,
                       changedPaths: paths)
    }

    static func changed(_ path: String, _ kind: ChangeKind = .modified) -> ChangedPath {
        ChangedPath(path: path, kind: kind, oldID: id(7001), newID: id(7002), newMode: 0o100644)
    }

    static func policy(_ name: String = "exact-commit", _ change: (inout Policy) -> Void = { _ in }) -> Policy {
        var policy = try! Policy.load(nameOrPath: name).policy
        change(&policy)
        return policy
    }

    /// A release v1.0.0 on commit 1, tested and built there, passing every check of `policy`.
    static func gate(policy: Policy = RuleKit.policy(), evidence: [GateEvidence.Item] = [testItem(), buildItem()],
                     release: Int = 1, tested: Int? = 1, relation: SourceRelation? = nil) -> GateFacts {
        let tag = tag("v1.0.0", on: release)
        var facts = GateFacts(policy: policy, now: now, requestedTag: "v1.0.0", releaseTag: tag, releaseCommit: commit(release),
                              evidence: GateEvidence(items: evidence), expectedRepository: identity, expectedIsPath: false,
                              isShallow: false, replaceRefCount: 0)
        GateReader.selectRecords(&facts)
        if let tested, facts.testedCommit == id(tested) {
            facts.tested = TestedSource(commit: commit(tested), relation: relation ?? (tested == release ? Self.relation(.sameCommit) : nil))
        }
        return facts
    }
}
