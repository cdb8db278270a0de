import GitFacts

/// Which `refs/replace` refs change what a git CLI build of a commit would read.
///
/// libgit2 never honours replace refs, so release-audit always compares the original objects; the
/// git CLI (`git checkout`, `git archive`) does honour them, so a replace ref on the commit, its
/// tree, any tree or blob within it, or the release tag object makes a build ship other bytes than
/// the ones audited. Replace refs that touch only other history are harmless here.
public enum ReplaceRefs {
    /// The replaced object of each well-formed `refs/replace/<40 hex>` name.
    public static func replacedObjects(_ refs: [String]) -> [ObjectID: String] {
        var result: [ObjectID: String] = [:]
        for ref in refs where ref.hasPrefix("refs/replace/") {
            if let id = try? ObjectID(hex: String(ref.dropFirst("refs/replace/".count))) { result[id] = ref }
        }
        return result
    }

    /// Answers "which replace refs touch this commit or these tag objects" for one or many commits,
    /// reading each distinct subtree once in all (an audit asks for every release).
    public struct Scanner {
        /// The replaced objects and the ref replacing each.
        public let replaced: [ObjectID: String]
        /// The search for replaced trees and blobs (and objects not here, whose type is unknown);
        /// made on first use. Replaced commits and tags are never inside a tree (a submodule's
        /// commit is another repository's), so when only those are replaced, no tree is read.
        private var search: ObjectSearch?

        public init(refs: [String]) {
            replaced = ReplaceRefs.replacedObjects(refs)
        }

        /// The replace refs (names, sorted) that touch any of `commits` (each with its whole tree) or
        /// `objects`. Nothing is read when there are no replace refs.
        public mutating func touching(commits: [ObjectID], objects: [ObjectID] = [], in repo: Repository) throws -> [String] {
            guard !replaced.isEmpty else { return [] }
            if search == nil {
                // An object missing here is judged by its replacement: git reading a tree entry
                // replaced by a commit or a tag fails (a type mismatch) instead of building other
                // bytes. Whatever cannot be typed either way is searched for.
                search = ObjectSearch(Set(replaced.compactMap { id, ref in
                    let kind = repo.objectHeaderKind(id) ?? (try? repo.resolveReference(ref)).flatMap { $0 }.flatMap(repo.objectHeaderKind)
                    return kind == .commit || kind == .tag ? nil : id
                }))
            }
            var hit = Set<ObjectID>(objects.filter { replaced[$0] != nil })
            for commit in Set(commits) {
                if replaced[commit] != nil { hit.insert(commit) }
                hit.formUnion(try repo.objects(&search!, within: commit))
            }
            return Set(hit.compactMap { replaced[$0] }).sorted()
        }
    }

    /// The replace refs (names, sorted) that touch any of `commits` (each with its whole tree) or `objects`.
    ///
    /// One walk of each commit's tree; nothing when there are no replace refs.
    public static func touching(commits: [ObjectID], objects: [ObjectID] = [], refs: [String], in repo: Repository) throws -> [String] {
        var scanner = Scanner(refs: refs)
        return try scanner.touching(commits: commits, objects: objects, in: repo)
    }
}
