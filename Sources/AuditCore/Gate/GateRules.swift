import Foundation

/// The rules the gate's checks apply, as plain values taken from a policy.
public struct GateRules: Sendable {
    /// How the release commit must relate to the tested commit.
    public enum Match: String, Sendable {
        case exactCommit = "exact-commit"
        case sameTree = "same-tree"
        case allowedDiff = "allowed-diff"
    }

    public var match: Match
    public var allowedPaths: [PathGlob]
    public var requireDescendant: Bool
    public var requireTestEvidence: Bool
    public var requireBuildEvidence: Bool
    public var allowWarnedTests: Bool
    public var requiredSuites: [String]
    public var maxEvidenceAge: TimeInterval?
    public var cleanAtTest: Bool
    public var cleanAtBuild: Bool
    public var tagScheme: ReleaseTagScheme
    public var requireAnnotatedTag: Bool
    public var requireSignedTag: Bool
    /// nil: the RC -> GA rule is off.
    public var rcMatch: Match?
    public var protectedBranches: [PathGlob]
    public var repository: String?
}
