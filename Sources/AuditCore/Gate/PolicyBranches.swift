import GitFacts

/// The branches a policy's `source.branches` globs name, local and remote-tracking.
public enum PolicyBranches {
    /// The references under `refs/heads/` and `refs/remotes/<remote>/` whose branch name (without
    /// that prefix) matches one of the globs, sorted by full name (local branches first).
    /// A remote's `HEAD` is never a branch.
    public static func matching(_ globs: [PathGlob], in repo: Repository) throws -> [(name: String, target: ObjectID)] {
        guard !globs.isEmpty else { return [] }
        var matches: [(name: String, target: ObjectID)] = []
        for ref in try repo.references(matching: "refs/heads/*") + repo.references(matching: "refs/remotes/*") {
            let short: String
            if ref.name.hasPrefix("refs/heads/") {
                short = String(ref.name.dropFirst("refs/heads/".count))
            } else {
                // refs/remotes/<remote>/<branch>
                let rest = ref.name.dropFirst("refs/remotes/".count)
                guard let slash = rest.firstIndex(of: "/") else { continue }
                short = String(rest[rest.index(after: slash)...])
            }
            if short != "HEAD", globs.contains(where: { $0.matches(short) }) { matches.append(ref) }
        }
        return matches
    }
}
