import GitFacts

/// The RC -> GA pairs that need no commit graph: a GA a few plain commits after its RC (a version
/// bump, say), where the exact counts can be read off the chain itself.
enum LinearChain {
    /// The number of commits in `ancestor..descendant` when `descendant` reaches `ancestor` by
    /// first parents within `limit` steps, through commits that each have exactly one parent;
    /// nil otherwise. Those commits are then exactly `ancestor..descendant`: each descends from
    /// `ancestor`, and everything else `descendant` reaches, `ancestor` reaches too.
    static func length(from ancestor: ObjectID, to descendant: ObjectID, in repo: Repository, limit: Int = 64) throws -> Int? {
        var current = descendant
        for steps in 0...limit {
            if current == ancestor { return steps }
            let parents = try repo.commit(current).parents
            guard parents.count == 1, let parent = parents.first else { return nil }
            current = parent
        }
        return nil
    }
}
