import GitFacts

extension Policy.Source {
    /// Each changed path with the `allowed_paths` entry that allows that change (nil: not allowed).
    /// The gate's `source.match` and `release.rc-to-ga` and the audit's RC -> GA findings all decide here.
    public func decisions(for changes: [ChangedPath]) -> [PathDecision] {
        changes.map { change in
            PathDecision(path: change.path, kind: change.kind.rawValue,
                         // A symbolic link or a submodule is never a version bump, even where a file may be.
                         allowedBy: change.isRegularFileOrGone ? allowance(for: change.path, kind: change.kind)?.pattern : nil)
        }
    }
}
