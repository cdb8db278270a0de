import GitFacts

/// How one commit relates to another: the facts both the gate and the audit compare under a policy.
public struct SourceRelation: Sendable, Equatable {
    /// The relation's kind, as reports spell it.
    public enum Kind: String, Codable, Sendable {
        /// The same commit.
        case sameCommit = "same-commit"
        /// Different commits with identical trees.
        case sameTree = "same-tree"
        /// The later commit descends from the earlier one.
        case descendant
        /// Neither descends from the other (they share a merge base, or none).
        case diverged
    }

    public var kind: Kind
    /// Commits in `from..to` (0 for the same commit).
    public var commitsBetween: Int
    /// Commits in `to..from` (non-zero only when diverged).
    public var commitsBehind: Int
    /// The merge base, for a diverged pair (nil when the histories are unrelated).
    public var mergeBase: ObjectID?
    /// The paths that differ between the two trees (empty for the same commit or the same tree).
    public var changedPaths: [ChangedPath]

    /// Whether `to` descends from (or is) `from`.
    public var isDescendantOrSame: Bool { kind != .diverged }

    /// Works out how `to` relates to `from` (e.g. from the tested commit to the release commit).
    public static func between(_ from: Commit, _ to: Commit, in repo: Repository) throws -> SourceRelation {
        if from.id == to.id {
            return SourceRelation(kind: .sameCommit, commitsBetween: 0, commitsBehind: 0, mergeBase: from.id, changedPaths: [])
        }
        let counts = try repo.aheadBehind(from: from.id, to: to.id)
        let descends = try repo.isAncestor(from.id, of: to.id)
        let paths = from.tree == to.tree ? [] : try repo.changedPaths(from: from.id, to: to.id)
        let kind: Kind = from.tree == to.tree ? .sameTree : (descends ? .descendant : .diverged)
        return SourceRelation(kind: kind, commitsBetween: counts.ahead, commitsBehind: counts.behind,
                              mergeBase: descends ? from.id : try repo.mergeBase(from.id, to.id),
                              changedPaths: paths)
    }
}
