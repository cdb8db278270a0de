import Foundation
import GitFacts

/// The evidence the gate works with: every envelope it read, verified for its role, and the
/// records selected from them.
public struct GateEvidence: Sendable {
    /// One envelope, with the role it was checked for and why it cannot be used (if it cannot).
    public struct Item: Sendable {
        public var verified: VerifiedEvidence
        /// The role whose keys were tried (`tester` for test evidence, `builder` for build evidence).
        public var role: Role?
        /// Why this item is not usable; nil when it verified and holds the expected kind of record.
        public var problem: String?
        /// The commit whose note this came from (notes only): the statement must be about that commit.
        public var noteCommit: ObjectID?
    }

    public var items: [Item]
    /// Note lines that are not envelopes at all (skipped: they can never be evidence), with why.
    public var unreadable: [(source: String, reason: String)] = []

    public init(items: [Item], unreadable: [(source: String, reason: String)] = []) {
        self.items = items
        self.unreadable = unreadable
    }

    /// Verified test records, with the envelope digest each came from.
    public var testRecords: [(record: TestRecord, sha256: String)] {
        items.compactMap { item in
            guard item.problem == nil, let r = item.verified.testRecord else { return nil }
            return (r, item.verified.loaded.sha256)
        }
    }

    /// Verified build records, with the envelope digest each came from.
    public var buildRecords: [(record: BuildRecord, sha256: String)] {
        items.compactMap { item in
            guard item.problem == nil, let r = item.verified.buildRecord else { return nil }
            return (r, item.verified.loaded.sha256)
        }
    }

    /// The items that cannot be used.
    public var problems: [Item] { items.filter { $0.problem != nil } }
}

/// Trusted keys, thresholds and keyless identities per role, and the Sigstore root bundles chain to.
public struct TrustStore: Sendable {
    public var keys: [Role: [PublicKey]]
    public var thresholds: [Role: Int]
    /// Keyless signers per role (Sigstore bundles with a Fulcio certificate).
    public var identities: [Role: [Policy.TrustedIdentity]]
    /// The CAs and logs a keyless bundle must chain to and be logged in.
    public var sigstoreRoot: SigstoreTrustedRoot
    /// Whether one signer may hold two roles (`trusted_keys.allow_shared_keys`).
    public var allowSharedKeys: Bool

    public init(keys: [Role: [PublicKey]], thresholds: [Role: Int], identities: [Role: [Policy.TrustedIdentity]] = [:],
                sigstoreRoot: SigstoreTrustedRoot = .publicGood, allowSharedKeys: Bool = false) {
        self.keys = keys
        self.thresholds = thresholds
        self.identities = identities
        self.sigstoreRoot = sigstoreRoot
        self.allowSharedKeys = allowSharedKeys
    }

    public func keys(for role: Role) -> [PublicKey] { keys[role] ?? [] }
    public func threshold(for role: Role) -> Int { max(1, thresholds[role] ?? 1) }
    public func identities(for role: Role) -> [Policy.TrustedIdentity] { identities[role] ?? [] }
}

/// Reads and verifies the gate's evidence from files or git notes.
public enum GateEvidenceCollector {
    /// How far back (first parents) the gate looks for test evidence in notes when the release
    /// commit has none (e.g. the release commit is a version bump on top of the tested commit).
    public static let notesSearchDepth = 50

    /// Verifies explicitly named evidence files for their role.
    ///
    /// - Throws: when a file cannot be read as DSSE, or holds a verified record of the other kind
    ///   (a mistake in the command line, reported so it can be fixed).
    public static func fromFiles(test: [String], build: [String], trust: TrustStore) throws -> GateEvidence {
        var items: [GateEvidence.Item] = []
        for (paths, role) in [(test, Role.tester), (build, Role.builder)] {
            for path in paths {
                for loaded in try EvidenceSource.load(path: path) {
                    let v = try EvidenceVerifier.verify(loaded, role: role, trust: trust)
                    // A file given for the wrong kind (checked with either role's keys, so the message
                    // names the mix-up; it is refused, never used as the other kind).
                    let other: Role = role == .tester ? .builder : .tester
                    let asOther = v.isVerified ? v
                        : try EvidenceVerifier.verify(loaded, role: other, trust: trust)
                    if asOther.isVerified {
                        if role == .tester, asOther.buildRecord != nil {
                            throw InputProblem("\(loaded.source) holds build provenance: pass it with --build-evidence")
                        }
                        if role == .builder, asOther.testRecord != nil {
                            throw InputProblem("\(loaded.source) holds test evidence: pass it with --test-evidence")
                        }
                    }
                    items.append(item(v, role: role, expected: role))
                }
            }
        }
        return GateEvidence(items: items)
    }

    /// Reads evidence from the git notes: build evidence on the release commit, test evidence on
    /// the release commit or, failing that, on its nearest first-parent ancestor that has some.
    public static func fromNotes(repo: Repository, release: ObjectID, trust: TrustStore) throws -> GateEvidence {
        var items: [GateEvidence.Item] = []
        var unreadable: [(source: String, reason: String)] = []
        var foundTest = false
        var commit: ObjectID? = release
        var depth = 0
        while let current = commit, depth <= notesSearchDepth {
            let note = try EvidenceSource.readNote(repo, commit: current)
            unreadable += note.unreadable
            for loaded in note.envelopes {
                var entry = try classify(loaded, trust: trust)
                entry.noteCommit = current
                // Past the release commit, only test evidence is of interest.
                if current != release && entry.verified.testRecord == nil { continue }
                if entry.problem == nil, let recorded = entry.verified.testRecord?.commit ?? entry.verified.buildRecord?.commit,
                   recorded != current {
                    entry.problem = "the note on \(current.short) holds a statement about another commit (\(recorded.short)): evidence was copied between commits"
                }
                if entry.verified.testRecord != nil { foundTest = true }
                items.append(entry)
            }
            if foundTest { break }
            commit = try repo.commit(current).parents.first
            depth += 1
        }
        return GateEvidence(items: items, unreadable: unreadable)
    }

    /// Verifies a note's envelope as test evidence (tester keys), else as build evidence (builder keys).
    static func classify(_ loaded: LoadedEnvelope, trust: TrustStore) throws -> GateEvidence.Item {
        let asTest = try EvidenceVerifier.verify(loaded, role: .tester, trust: trust)
        if asTest.isVerified, asTest.testRecord != nil { return item(asTest, role: .tester, expected: .tester) }
        let asBuild = try EvidenceVerifier.verify(loaded, role: .builder, trust: trust)
        if asBuild.isVerified, asBuild.buildRecord != nil { return item(asBuild, role: .builder, expected: .builder) }
        if asTest.isVerified { return item(asTest, role: .tester, expected: .tester) }
        if asBuild.isVerified { return item(asBuild, role: .builder, expected: .builder) }
        var unverified = GateEvidence.Item(verified: asTest, role: nil, problem: nil)
        unverified.problem = "does not verify as test evidence (tester keys) nor as build evidence (builder keys): \(asTest.problem ?? "")"
            + (asBuild.problem.map { $0 == asTest.problem ? "" : "; as build evidence: \($0)" } ?? "")
        return unverified
    }

    static func item(_ v: VerifiedEvidence, role: Role, expected: Role) -> GateEvidence.Item {
        var problem = v.problem.map { "\(role == .tester ? "test" : "build") evidence: \($0)" }
        if problem == nil {
            switch (expected, v.content) {
            case (.tester, .test?), (.builder, .build?): break
            case (_, .other(let type)?): problem = "a statement of type \(type) is neither test nor build evidence"
            default: problem = "signed by a \(role.rawValue) key but holds the other kind of evidence"
            }
        }
        return GateEvidence.Item(verified: v, role: role, problem: problem)
    }
}
