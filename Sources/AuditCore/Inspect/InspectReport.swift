import Foundation
import GitFacts

/// What the auditor sees for one revision: the `inspect` command's output.
public struct InspectReport: Codable, Sendable {
    /// A tag that points at the inspected commit.
    public struct TagEntry: Codable, Sendable {
        public var name: String
        public var annotated: Bool
        public var signed: Bool
        /// The tag object id (annotated tags only).
        public var tagObject: String?
        /// The signature's state (`signed (by NAME)`, `signed (unknown signer)`, ...), checked
        /// against a policy's `tag.signers` (`inspect --policy`); nil when unsigned.
        public var signature: String?
    }

    public var revision: String
    public var repository: String
    public var commit: String
    public var tree: String
    public var parents: [String]
    public var author: String
    public var committer: String
    public var committedAt: String
    public var summary: String
    public var signed: Bool
    public var tags: [TagEntry]
    /// Every path that makes the work tree dirty (changed or untracked); empty when clean.
    public var dirty: [String]
    public var shallow: Bool
    public var bare: Bool
    public var currentBranch: String?
    public var detachedHead: Bool
    public var remotes: [Remote]
    /// `refs/replace/*` refs found: reported, never honoured.
    public var replaceRefs: [String]

    /// Reads every fact from the repository.
    ///
    /// - Parameter signers: the policy's tag signers, to check tag signatures against (none: not checked).
    public static func gather(_ repo: Repository, revision: String, signers: GitSignerStore = GitSignerStore()) throws -> InspectReport {
        let verifier = GitSignatureVerifier(signers: signers)
        let id = try repo.resolveCommit(revision)
        let commit = try repo.commit(id)
        let facts = try repo.facts()
        let status = try repo.status()
        return InspectReport(
            revision: revision,
            repository: facts.workDirectory ?? facts.gitDirectory,
            commit: id.hex,
            tree: commit.tree.hex,
            parents: commit.parents.map(\.hex),
            author: "\(commit.author.name) <\(commit.author.email)>",
            committer: "\(commit.committer.name) <\(commit.committer.email)>",
            committedAt: Timestamp.string(commit.committer.date),
            summary: commit.summary,
            signed: commit.isSigned,
            tags: try repo.tags(pointingAt: id).map {
                TagEntry(name: $0.name, annotated: $0.isAnnotated, signed: $0.isSigned, tagObject: $0.tagObjectID?.hex,
                         signature: $0.isSigned ? try verifier.verify(tag: $0).label : nil)
            },
            dirty: status.dirtyPaths,
            shallow: facts.isShallow,
            bare: facts.isBare,
            currentBranch: facts.currentBranch,
            detachedHead: facts.isHeadDetached,
            remotes: facts.remotes,
            replaceRefs: facts.replaceRefs
        )
    }

    /// Pretty JSON with sorted keys.
    public func jsonString() throws -> String {
        try JSONOutput.string(self)
    }

    /// A readable summary for people.
    public var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 14, withPad: " ", startingAt: 0) + Escape.terminal(value)) }
        row("repository", repository)
        row("revision", revision)
        row("commit", commit)
        row("tree", tree)
        row("parents", parents.isEmpty ? "(none: root commit)" : parents.joined(separator: " "))
        row("author", author)
        row("committed", "\(committedAt) by \(committer)")
        row("summary", summary)
        row("signed", signed ? "yes" : "no")
        if tags.isEmpty {
            row("tags", "(none)")
        } else {
            for (i, tag) in tags.enumerated() {
                let kind = tag.annotated ? (tag.signature.map { "annotated, \($0)" } ?? "annotated") : "lightweight"
                row(i == 0 ? "tags" : "", "\(tag.name) (\(kind))")
            }
        }
        if bare {
            row("work tree", "none (bare repository)")
        } else if dirty.isEmpty {
            row("work tree", "clean")
        } else {
            row("work tree", "dirty: \(dirty.count) path(s)")
            for path in dirty { row("", path) }
        }
        row("branch", currentBranch.map { detachedHead ? "\($0) (detached)" : $0 } ?? (detachedHead ? "(detached HEAD)" : "(none)"))
        row("shallow", shallow ? "yes: history is cut off, ancestry cannot be proven" : "no")
        if remotes.isEmpty {
            row("remotes", "(none)")
        } else {
            for (i, remote) in remotes.enumerated() { row(i == 0 ? "remotes" : "", "\(remote.name) \(remote.url)") }
        }
        let shown = replaceRefs.prefix(5).joined(separator: ", ") + (replaceRefs.count > 5 ? ", ..." : "")
        row("replace refs", replaceRefs.isEmpty ? "none"
            : "\(replaceRefs.count): \(shown) (libgit2 never honours them; the gate fails when one touches what it audits; --json lists all)")
        return lines.joined(separator: "\n")
    }
}
