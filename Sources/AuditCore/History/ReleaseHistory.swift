import Foundation

/// The result of auditing every release of a repository: one entry per GA tag, newest first, and
/// a summary. Its JSON (`--format json`) is documented in docs/audit.md; every key is always
/// present (null when there is nothing to say), keys are sorted, and the order of releases is stable.
public struct ReleaseHistory: Encodable, Sendable {
    /// The version of this JSON layout.
    public var formatVersion = 1
    /// The policy audited with.
    public var policy: PolicyRef
    /// The finding ids that fail the audit, sorted as `FindingKind.allCases`.
    public var failOn: [FindingKind]
    /// The policy's `source.branches` globs; nil when it names none (the branch column is skipped).
    @ExplicitNull public var releaseBranches: [String]?
    /// `--since`: the tag releases were audited from, when given.
    @ExplicitNull public var since: String?
    /// Whether stored reports were read; false for `--git-only`, where no report finding is made.
    public var reportsRead = true
    public var releases: [AuditedRelease]
    public var summary: Summary
    /// Files and envelopes in the reports directory that are not audit reports, and why.
    public var ignoredReports: [IgnoredReport]

    /// The policy's name and the SHA-256 of its exact bytes.
    public struct PolicyRef: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
    }

    /// How many releases were audited, how they came out, and the findings by kind.
    public struct Summary: Encodable, Sendable, Equatable {
        public var releases: Int
        public var clean: Int
        public var noted: Int
        public var failed: Int
        /// Finding id -> number of releases with that finding (only kinds found).
        public var findings: [String: Int]
    }

    /// Something in the reports directory that was not read as an audit report.
    public struct IgnoredReport: Encodable, Sendable, Equatable {
        public var source: String
        public var reason: String
    }

    /// Whether the audit passes: no release FAILED.
    public var passed: Bool { summary.failed == 0 }
}

/// A release's verdict: CLEAN (no finding), NOTED (findings, none of them failing) or FAILED.
public enum ReleaseVerdict: String, Codable, Sendable {
    case clean = "CLEAN"
    case noted = "NOTED"
    case failed = "FAILED"
}

/// How a GA tag was made: `lightweight`, `annotated`, or signed with the signature's verdict
/// (`signed (by NAME)`, `signed (unknown signer)`, `signed (bad signature)`,
/// `signed (not checked: no signers in the policy)`). Encoded as that string.
public struct TagKind: RawRepresentable, Codable, Sendable, Hashable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let lightweight = TagKind(rawValue: "lightweight")
    public static let annotated = TagKind(rawValue: "annotated")

    /// The kind of an annotated tag, from its signature's verdict.
    public static func annotated(_ verdict: SignatureVerdict) -> TagKind {
        verdict == .unsigned ? .annotated : TagKind(rawValue: verdict.label)
    }
}

/// One finding about a release: its kind, one line saying what was found, and whether it fails the audit.
public struct Finding: Codable, Sendable, Equatable {
    public var kind: FindingKind
    public var message: String
    public var fails: Bool
}

/// One audited GA release.
public struct AuditedRelease: Encodable, Sendable {
    public var tag: String
    public var version: String
    public var tagKind: TagKind
    /// The tag object, for an annotated tag.
    @ExplicitNull public var tagObject: String?
    /// The commit the tag peels to (nil when it names a tree or a blob).
    @ExplicitNull public var commit: String?
    /// When the tag was made (the tagger date; for a lightweight tag, its commit's date), RFC 3339 UTC.
    public var createdAt: String
    /// The last release candidate under the RC rule, nil when there is none.
    @ExplicitNull public var rc: Candidate?
    /// Why that candidate was chosen (or why none was).
    public var rcReason: String
    /// Every release candidate of the version, oldest first.
    public var rcCandidates: [Candidate]
    /// How the GA commit relates to the RC commit; nil without an RC.
    @ExplicitNull public var relation: SourceRelation.Kind?
    /// Commits in RC..GA (on the GA side); nil without an RC.
    @ExplicitNull public var commitsBetween: Int?
    /// Commits in GA..RC (on the RC side; non-zero only when diverged); nil without an RC.
    @ExplicitNull public var commitsBehind: Int?
    /// The merge base of RC and GA when they diverged (nil otherwise, or when unrelated).
    @ExplicitNull public var mergeBase: String?
    /// Every path that differs from the RC's tree to the GA's, and the policy glob that allows it (nil: not allowed).
    public var changedPaths: [AuditedPath]
    /// Whether the GA commit is reachable from a release branch; nil when the policy names no branches.
    @ExplicitNull public var onReleaseBranch: Bool?
    /// The first release branch (full ref name) the GA commit is reachable from.
    @ExplicitNull public var releaseBranch: String?
    /// The audit report found for the tag, nil when none.
    @ExplicitNull public var report: StoredReportSummary?
    public var findings: [Finding]
    public var verdict: ReleaseVerdict

    /// A release candidate tag.
    public struct Candidate: Encodable, Sendable, Equatable {
        public var tag: String
        public var number: Int
        /// Nil when the tag names a tree or a blob.
        @ExplicitNull public var commit: String?
        public var createdAt: String
        /// Tagged after the GA: noted, never chosen.
        public var afterGA: Bool
    }
}

/// The audit report found for a release, as far as it can be trusted.
public struct StoredReportSummary: Encodable, Sendable, Equatable {
    /// Where it was read: a file path, or `notes:<commit>#<line>`.
    public var source: String
    /// The SHA-256 of the envelope's bytes.
    public var sha256: String
    /// `valid` (signed by enough trusted keys) or `untrusted` (the fields below are then nil: nothing in it is believed).
    public var signature: String
    /// Why the signature was not accepted (untrusted only).
    @ExplicitNull public var signatureProblem: String?
    /// Key ids of the trusted keys that signed.
    public var signers: [String]
    /// The report's verdict, PASSED or FAILED.
    @ExplicitNull public var verdict: String?
    /// The checks that FAILED in the report.
    public var failedChecks: [String]
    @ExplicitNull public var auditedAt: String?
    /// The commit and tag object the report audited.
    @ExplicitNull public var commit: String?
    @ExplicitNull public var tagObject: String?
    /// `unmoved`, `moved` or `recreated`: the tag now against what the report audited.
    @ExplicitNull public var tagState: String?
    @ExplicitNull public var policyName: String?
    @ExplicitNull public var policySha256: String?
    /// How many other reports name the same tag (older, moved, or untrusted ones).
    public var otherReports: Int
}

/// A path that differs from the RC's tree to the GA's, and the `source.allowed_paths` entry that
/// allows it (null when none does: the audit's JSON always has the key, a report leaves it out).
public struct AuditedPath: Encodable, Sendable, Equatable {
    public var path: String
    public var kind: String
    @ExplicitNull public var allowedBy: String?

    public init(_ decision: PathDecision) {
        path = decision.path
        kind = decision.kind
        allowedBy = decision.allowedBy
    }
}
