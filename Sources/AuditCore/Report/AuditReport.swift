import Foundation

/// A check's outcome. The verdict is PASSED only when no check FAILED.
public enum CheckStatus: String, Codable, Sendable, CaseIterable {
    case passed = "PASSED"
    case failed = "FAILED"
    case warned = "WARNED"
    case skipped = "SKIPPED"
}

/// A changed path and the policy glob that allowed it (nil: not allowed).
public struct PathDecision: Codable, Hashable, Sendable {
    public var path: String
    public var kind: String
    public var allowedBy: String?
    public init(path: String, kind: String, allowedBy: String?) {
        self.path = path
        self.kind = kind
        self.allowedBy = allowedBy
    }
}

/// One check of the gate: an id, a status, a one-line reason, and what it used.
public struct CheckResult: Codable, Hashable, Sendable {
    /// Stable identifier (e.g. `source.match`); documented in reports/README.md.
    public var id: String
    public var title: String
    public var status: CheckStatus
    /// One line: why this status.
    public var reason: String
    /// The SHA-256 of each evidence envelope the check used.
    public var evidence: [String]
    /// Facts the check established (sorted keys), e.g. the chosen RC and why.
    public var facts: [String: String]?
    /// For source and RC comparisons: every changed path and the glob that allowed it.
    public var paths: [PathDecision]?

    public init(id: String, title: String, status: CheckStatus, reason: String, evidence: [String] = [],
                facts: [String: String]? = nil, paths: [PathDecision]? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.reason = reason
        self.evidence = evidence
        self.facts = facts
        self.paths = paths
    }
}

/// The predicate of a signed audit report (`AuditReport.predicateType`), documented in reports/README.md.
public struct AuditReport: Codable, Sendable {
    /// The predicate type URI of reports made by this version of the format.
    public static let predicateType = "https://release-audit.dev/audit-report/v1"

    /// The overall outcome: PASSED only when no check FAILED.
    public enum Verdict: String, Codable, Sendable {
        case passed = "PASSED"
        case failed = "FAILED"
    }

    /// What was released: the tag and the commit it names.
    public struct Release: Codable, Sendable, Equatable {
        public var repository: String?
        public var tag: String?
        /// The tag object id for an annotated tag (what `verify --repo` compares later).
        public var tagObject: String?
        public var tagAnnotated: Bool?
        public var commit: String?
        public var tree: String?
        public var ref: String?
    }

    /// The commit the test evidence is about.
    public struct Tested: Codable, Sendable, Equatable {
        public var commit: String
        public var tree: String?
    }

    /// One evidence envelope the gate read.
    public struct Input: Codable, Sendable, Equatable {
        /// `test`, `build`, or the predicate type of anything else.
        public var kind: String
        public var source: String
        public var sha256: String
        /// Key ids of the distinct trusted keys whose signatures verified.
        public var signers: [String]
        public var verified: Bool
    }

    /// The policy the gate applied, with its exact text, so a report can be re-checked later.
    public struct PolicyInfo: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        public var content: String
    }

    /// The tool that made the report.
    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
    }

    /// The version of this predicate's layout.
    public var formatVersion: Int
    public var verdict: Verdict
    public var release: Release
    public var tested: Tested?
    public var artifacts: [Artifact]
    public var checks: [CheckResult]
    public var inputs: [Input]
    public var policy: PolicyInfo
    public var tool: Tool
    /// When the gate ran (RFC 3339, UTC).
    public var auditedAt: String

    /// The checks that FAILED.
    public var failedChecks: [CheckResult] { checks.filter { $0.status == .failed } }
}
