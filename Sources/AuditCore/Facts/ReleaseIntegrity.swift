import GitFacts

/// Whether git, asked for a release tag now, would build what was audited: no ref shadows the
/// tag's name, and no replace ref changes the commit, its files or the tag object.
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
        let replaced = try replaceRefs.touching(commits: present, objects: tagObjects, in: repo)
        return ReleaseIntegrity(replaced: replaced, shadows: try tag.map { try shadows(of: $0, in: repo) } ?? [])
    }

    /// The refs other than `refs/tags/<name>` that git's name rules (`git rev-parse`, `git
    /// checkout`) would read for `<name>`.
    public static func shadows(of name: String, in repo: Repository) throws -> [String] {
        let candidates = [name, "refs/\(name)", "refs/heads/\(name)", "refs/remotes/\(name)", "refs/remotes/\(name)/HEAD"]
        return try candidates.filter { try repo.resolveReference($0) != nil }
    }

    /// One line for a check or finding; nil when intact.
    public var problem: String? {
        var parts: [String] = []
        if !replaced.isEmpty {
            let shown = replaced.prefix(3).joined(separator: ", ") + (replaced.count > 3 ? ", ..." : "")
            parts.append("\(replaced.count) replace ref(s) (\(shown)) change what git builds for it: delete them (git replace -d)")
        }
        if !shadows.isEmpty {
            parts.append("its name is ambiguous: \(shadows.joined(separator: ", ")) also answer to it (git checkout would take a branch first): delete them")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
