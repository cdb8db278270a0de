import GitFacts

/// Whether git, asked for a release tag now, would build what was audited: no ref shadows the
/// tag's name, and no replace ref changes the commit, its files or the tag object.
///
/// A present commit whose tree cannot be read is an error (`GitError.unreadableTree`), not intact.
///
/// The gate checks this when it runs; `verify --repo` and `audit` check it again later, since a
/// replace ref or a branch of the tag's name can be pushed after the audit.
public struct ReleaseIntegrity: Sendable, Equatable {
    /// `refs/replace` refs touching the release (or tested) commit, its tree, or the tag object.
    public var replaced: [String]
    /// Refs git would take instead of `refs/tags/<name>` (`refs/<name>`, and `refs/heads/<name>`,
    /// which `git checkout <name>` prefers), or beside it.
    public var shadows: [String]

    public var isIntact: Bool { replaced.isEmpty && shadows.isEmpty }

    /// Checks a tag name, the commits audited for it, and its tag objects: the whole chain of the
    /// tag as it is now (`Tag.tagObjects`; a tag of a tag has two), plus any a report audited.
    /// `replaceRefs` is shared by the callers that check many releases, so each subtree is read once.
    public static func check(tag: String?, commits: [ObjectID], tagObjects: [ObjectID], in repo: Repository,
                             replaceRefs: inout ReplaceRefs.Scanner) throws -> ReleaseIntegrity {
        let present = commits.filter { repo.objectType($0) == .commit }
        // git builds nothing from a commit without its tree, so neither may a PASSED say it did
        // (under exact-commit no rule reads the tree otherwise).
        for id in present {
            let tree = try repo.commit(id).tree
            guard repo.objectType(tree) == .tree else { throw GitError.unreadableTree(commit: id.hex, tree: tree.hex) }
        }
        let replaced = try replaceRefs.touching(commits: present, objects: tagObjects, in: repo)
        return ReleaseIntegrity(replaced: replaced, shadows: try tag.map { try shadows(of: $0, in: repo) } ?? [])
    }

    /// The refs other than `refs/tags/<name>` that git's name rules (`git rev-parse`, `git
    /// checkout`) would read for `<name>`: `$GIT_DIR/<name>` first (a loose file or a
    /// `packed-refs` line), then `refs/<name>`, and `refs/heads/<name>` and `refs/remotes/...` after it.
    public static func shadows(of name: String, in repo: Repository) throws -> [String] {
        let candidates = [name, "refs/\(name)", "refs/heads/\(name)", "refs/remotes/\(name)", "refs/remotes/\(name)/HEAD"]
        return try repo.oneLevelReferences(named: name) + candidates.filter { try repo.resolveReference($0) != nil }
    }

    /// What shadowing refs mean, for the gate's `release.tag` and for `problem`.
    static func ambiguity(_ shadows: [String], name: String) -> String {
        "\(name) is ambiguous: \(shadows.joined(separator: ", ")) also answer to it, and git rev-parse or git checkout may take them instead of the tag; delete them"
    }

    /// One line for a check or finding; nil when intact.
    public var problem: String? {
        var parts: [String] = []
        if !replaced.isEmpty {
            let shown = replaced.prefix(3).joined(separator: ", ") + (replaced.count > 3 ? ", ..." : "")
            parts.append("\(replaced.count) replace ref(s) (\(shown)) change what git builds for it: delete them (git replace -d)")
        }
        if !shadows.isEmpty {
            parts.append(Self.ambiguity(shadows, name: "its name"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
