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
    ///
    /// With an `ancestry` (the audit keeps one for a whole history), the counts, the ancestry and
    /// the merge base come from it; without one, from the repository's own walks.
    public static func between(_ from: Commit, _ to: Commit, in repo: Repository, ancestry: CommitAncestry? = nil) throws -> SourceRelation {
        if from.id == to.id {
            return SourceRelation(kind: .sameCommit, commitsBetween: 0, commitsBehind: 0, mergeBase: from.id, changedPaths: [])
        }
        if let ancestry {
            // `to` descends from `from` exactly when nothing reachable from `from` is missing from it.
            let counts = try ancestry.aheadBehind(from: from.id, to: to.id)
            return try make(from, to, in: repo, counts: counts, descends: counts.behind == 0, ancestry: ancestry)
        }
        let counts = try repo.aheadBehind(from: from.id, to: to.id)
        return try make(from, to, in: repo, counts: counts, descends: try repo.isAncestor(from.id, of: to.id))
    }

    private static func make(_ from: Commit, _ to: Commit, in repo: Repository, counts: (ahead: Int, behind: Int),
                             descends: Bool, ancestry: CommitAncestry? = nil) throws -> SourceRelation {
        let paths = from.tree == to.tree ? [] : try repo.changedPaths(from: from.id, to: to.id)
        let kind: Kind = from.tree == to.tree ? .sameTree : (descends ? .descendant : .diverged)
        var base: ObjectID?
        if descends {
            base = from.id
        } else {
            // The ancestry answers unless there are several best bases (criss-cross merges):
            // then git's own choice, from its walk, as `git merge-base` prints it.
            switch try ancestry?.mergeBase(from.id, to.id) {
            case .unique(let id)?: base = id
            case .none?: base = nil
            case .several?, .unknown?, nil: base = try repo.mergeBase(from.id, to.id)
            }
        }
        return SourceRelation(kind: kind, commitsBetween: counts.ahead, commitsBehind: counts.behind,
                              mergeBase: base, changedPaths: paths)
    }
}

extension SourceRelation {
    /// The relation in words, as the gate's checks give it: `from` is the earlier side (the tested
    /// commit, the RC), `to` the release.
    func describe(from: ObjectID, to: ObjectID) -> String {
        switch kind {
        case .sameCommit: return "same commit"
        case .sameTree: return "different commits with the same tree"
        case .descendant:
            return "\(to.short) is \(commitsBetween) commit(s) after \(from.short), \(changedPaths.count) path(s) differ"
        case .diverged:
            let base = mergeBase.map { "merge base \($0.short)" } ?? "no common history"
            return "the histories diverged (\(base); \(commitsBetween) commit(s) on the release side, \(commitsBehind) on the tested side)"
        }
    }
}
