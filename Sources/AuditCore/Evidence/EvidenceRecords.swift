import Foundation
import GitFacts

/// The roles that sign evidence and reports; a policy trusts keys per role.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Signs test evidence (CI).
    case tester
    /// Signs build evidence (the release build).
    case builder
    /// Signs audit reports (the gate).
    case auditor
}

/// The outcome of a test run, as the test-result predicate spells it.
public enum TestOutcome: String, Codable, Sendable {
    case passed = "PASSED"
    case warned = "WARNED"
    case failed = "FAILED"
}

/// The CI run an evidence record was made in, as far as the environment tells.
public struct CIContext: Codable, Hashable, Sendable {
    /// `github-actions`, `gitlab-ci`, `buildkite`, `circleci`, `jenkins`, or `local`.
    public var provider: String
    public var runID: String?
    public var runURL: String?
    public var workflow: String?
    /// The ref the CI run was for (`refs/heads/main`, `refs/pull/7/merge`).
    public var ref: String?
    /// The triggering event (`push`, `pull_request`, ...).
    public var event: String?
    public var runner: String?
    /// The commit the CI says it checked out (e.g. `GITHUB_SHA`), when it differs from the recorded one this is kept.
    public var ciCommit: String?

    public init(provider: String, runID: String? = nil, runURL: String? = nil, workflow: String? = nil,
                ref: String? = nil, event: String? = nil, runner: String? = nil, ciCommit: String? = nil) {
        self.provider = provider
        self.runID = runID
        self.runURL = runURL
        self.workflow = workflow
        self.ref = ref
        self.event = event
        self.runner = runner
        self.ciCommit = ciCommit
    }
}

/// A release artifact: a name and its SHA-256 digest (lowercase hex).
public struct Artifact: Codable, Hashable, Sendable {
    public var name: String
    public var sha256: String
    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}

/// What a test record says, read from a verified in-toto Statement with the test-result predicate.
public struct TestRecord: Hashable, Sendable {
    /// The tested commit (subject digest `gitCommit`).
    public var commit: ObjectID
    /// The tested tree (subject digest `gitTree`), when recorded.
    public var tree: ObjectID?
    /// The repository identity (normalised URL), from the subject's name.
    public var repository: String?
    public var result: TestOutcome
    public var passedTests: [String]
    public var warnedTests: [String]
    public var failedTests: [String]
    /// Which test runs these are (e.g. `unit`, `e2e`): the extension's `suites`.
    public var suites: [String]
    public var url: String?
    public var recordedAt: Date?
    /// Dirty paths of the work tree at test time (recorded with `--allow-dirty`); empty when clean;
    /// nil when the record makes no claim about the work tree (another tool's, or `--no-worktree`).
    public var dirtyPaths: [String]?
    public var ci: CIContext?
    public var toolVersion: String?

    public init(commit: ObjectID, tree: ObjectID?, repository: String?, result: TestOutcome,
                passedTests: [String] = [], warnedTests: [String] = [], failedTests: [String] = [],
                suites: [String] = [], url: String? = nil, recordedAt: Date? = nil, dirtyPaths: [String]? = [],
                ci: CIContext? = nil, toolVersion: String? = nil) {
        self.commit = commit
        self.tree = tree
        self.repository = repository
        self.result = result
        self.passedTests = passedTests
        self.warnedTests = warnedTests
        self.failedTests = failedTests
        self.suites = suites
        self.url = url
        self.recordedAt = recordedAt
        self.dirtyPaths = dirtyPaths
        self.ci = ci
        self.toolVersion = toolVersion
    }
}

/// Which build-provenance dialect a build record was read from.
public enum ProvenanceFormat: String, Codable, Sendable {
    /// SLSA Provenance v1 (ours, GitHub attest-build-provenance, slsa-github-generator BYOB).
    case slsaV1 = "slsa-provenance-v1"
    /// SLSA Provenance v0.2 (`materials`, `invocation.configSource`, digest `sha1`).
    case slsaV02 = "slsa-provenance-v0.2"
}

/// What a build record says, read from verified SLSA provenance.
public struct BuildRecord: Hashable, Sendable {
    /// The source commit the release was built from.
    public var commit: ObjectID
    /// The source tree, when recorded (our own records carry it).
    public var tree: ObjectID?
    /// The repository identity (normalised URL) of the source.
    public var repository: String?
    /// The ref the source was resolved from (`refs/tags/v1.2.0`), when recorded.
    public var ref: String?
    /// The release tag's name, object id (annotated tags) and kind, from our extension.
    public var tagName: String?
    public var tagObject: ObjectID?
    public var tagAnnotated: Bool?
    /// The release version (`--version`), when recorded.
    public var version: String?
    public var artifacts: [Artifact]
    public var builderID: String?
    public var recordedAt: Date?
    /// Dirty paths of the work tree at build time; empty when clean; nil when no claim is made.
    public var dirtyPaths: [String]?
    public var format: ProvenanceFormat
    public var ci: CIContext?
    public var toolVersion: String?
    /// The ref a keyless signer's workflow ran for (the certificate's source repository ref,
    /// Fulcio extension 14); nil for key-signed records.
    public var workflowRef: String? = nil

    public init(commit: ObjectID, tree: ObjectID? = nil, repository: String? = nil, ref: String? = nil,
                tagName: String? = nil, tagObject: ObjectID? = nil, tagAnnotated: Bool? = nil, version: String? = nil,
                artifacts: [Artifact] = [], builderID: String? = nil, recordedAt: Date? = nil,
                dirtyPaths: [String]? = [], format: ProvenanceFormat = .slsaV1, ci: CIContext? = nil,
                toolVersion: String? = nil) {
        self.commit = commit
        self.tree = tree
        self.repository = repository
        self.ref = ref
        self.tagName = tagName
        self.tagObject = tagObject
        self.tagAnnotated = tagAnnotated
        self.version = version
        self.artifacts = artifacts
        self.builderID = builderID
        self.recordedAt = recordedAt
        self.dirtyPaths = dirtyPaths
        self.format = format
        self.ci = ci
        self.toolVersion = toolVersion
    }
}
