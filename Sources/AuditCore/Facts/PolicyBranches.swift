import GitFacts

/// The branches a policy's `source.branches` globs name, local and remote-tracking.
public enum PolicyBranches {
    /// The references under `refs/heads/` and `refs/remotes/<remote>/` whose branch name (without
    /// that prefix) matches one of the globs, sorted by full name (local branches first).
    /// A remote's `HEAD` is never a branch, and `<remote>` must be a remote configured here: any
    /// ref can be pushed under `refs/remotes/` of a mirror, so `refs/remotes/fork/main` from nowhere
    /// is not a `main`.
    ///
    /// `remotes` are the repository's configured remotes (`RepositoryFacts.remotes`, already read by the caller).
    public static func matching(_ globs: [PathGlob], remotes configured: [Remote], in repo: Repository) throws -> [(name: String, target: ObjectID)] {
        guard !globs.isEmpty else { return [] }
        // Longest first, so a remote named `a/b` wins over one named `a`.
        let remotes = configured.map(\.name).sorted { $0.count > $1.count }
        var matches: [(name: String, target: ObjectID)] = []
        for ref in try repo.references(matching: "refs/heads/*") + repo.references(matching: "refs/remotes/*") {
            let short: String
            if ref.name.hasPrefix("refs/heads/") {
                short = String(ref.name.dropFirst("refs/heads/".count))
            } else {
                // refs/remotes/<configured remote>/<branch>
                let rest = ref.name.dropFirst("refs/remotes/".count)
                guard let remote = remotes.first(where: { rest.hasPrefix($0 + "/") }) else { continue }
                short = String(rest.dropFirst(remote.count + 1))
            }
            if short != "HEAD", globs.contains(where: { $0.matches(short) }) { matches.append(ref) }
        }
        return matches
    }
}
