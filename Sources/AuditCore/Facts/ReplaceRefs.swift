import GitFacts

/// Which `refs/replace` refs change what a git CLI build of a commit would read.
///
/// libgit2 never honours replace refs, so release-audit always compares the original objects; the
/// git CLI (`git checkout`, `git archive`) does honour them, so a replace ref on the commit, its
/// tree, any tree or blob within it, or the release tag object makes a build ship other bytes than
/// the ones audited. Replace refs that touch only other history are harmless here.
public enum ReplaceRefs {
    /// The object each replace ref replaces, read from its name as git reads it
    /// (`register_replace_ref`): the last path component, whose first 40 characters must be hex
    /// (either case; what follows them is ignored). So `refs/replace/x/<hex>` and
    /// `refs/replace/<hex>-x` replace `<hex>`, as they do for git.
    public static func replacedObjects(_ refs: [String]) -> [ObjectID: String] {
        var result: [ObjectID: String] = [:]
        for ref in refs where ref.utf8.starts(with: "refs/replace/".utf8) {
            // Over the bytes: 13,000 refs on emissary-ingress.
            let utf8 = ref.utf8
            let last = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex
            let hex = utf8[last...].prefix(40)
            guard hex.count == 40, let id = try? ObjectID(hex: String(Substring(hex))) else { continue }
            // Two refs for one object: git keeps the first it reads; either changes the build.
            if result[id] == nil { result[id] = ref }
        }
        return result
    }

    /// Answers "which replace refs touch this commit or these tag objects" for one or many commits,
    /// reading each distinct subtree once in all (an audit asks for every release).
    public struct Scanner {
        /// The replaced objects and the ref replacing each.
        public let replaced: [ObjectID: String]
        /// The search for every replaced object, made on first use. Every one of them is looked
        /// for in the trees, whatever its type or whether it is here: a tree entry may name any
        /// object (a commit id under a file mode, say), git reads it through the replace ref
        /// without checking the type, and follows chains of replacements.
        private var search: ObjectSearch?

        public init(refs: [String]) {
            replaced = ReplaceRefs.replacedObjects(refs)
        }

        /// The replace refs (names, sorted) that touch any of `commits` (each with its whole tree) or
        /// `objects`. Nothing is read when there are no replace refs.
        public mutating func touching(commits: [ObjectID], objects: [ObjectID] = [], in repo: Repository) throws -> [String] {
            guard !replaced.isEmpty else { return [] }
            if search == nil { search = ObjectSearch(Set(replaced.keys)) }
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
