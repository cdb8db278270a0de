import Foundation
internal import CLibgit2

/// An open git repository. Owns its libgit2 handle; every other libgit2 object is copied into
/// Swift values and freed before a method returns.
///
/// Not for concurrent use (libgit2 objects are not); open one `Repository` per task.
public final class Repository {
    let handle: OpaquePointer

    /// The git directory that was actually opened (`.../.git/` or the bare repository).
    public let gitDirectory: String
    /// The work tree, nil for a bare repository.
    public let workDirectory: String?
    /// The directory that holds the refs shared by every work tree (the git directory, unless
    /// this is a linked work tree).
    let commonDirectory: String
    /// `commonDirectory` as bytes ending in `/`: loose ref paths are this plus the ref name.
    let refsRoot: [UInt8]
    /// `packed-refs`, parsed (see `packedRefs()`).
    private var packedRefsCache: PackedRefs?

    /// Opens the repository that contains `path`, searching parent directories as `git` does.
    ///
    /// - Throws: `GitError.notARepository` when no repository contains the path,
    ///   `GitError.unsupportedObjectFormat` for a SHA-256 repository.
    public init(at path: String) throws {
        _ = Libgit2.initialized
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, 0, nil)
        guard code == 0, let repo else {
            let error = Libgit2.lastError("git_repository_open_ext", code: code)
            if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
            if case .libgit2(_, _, _, let message) = error, message.contains("objectformat") {
                throw GitError.unsupportedObjectFormat(path: path, detail: message)
            }
            throw error
        }
        handle = repo
        Self.ignoreCommitGraph(repo)
        gitDirectory = String(cString: git_repository_path(repo))
        workDirectory = git_repository_workdir(repo).map { String(cString: $0) }
        commonDirectory = git_repository_commondir(repo).map { String(cString: $0) } ?? gitDirectory
        refsRoot = Array(commonDirectory.utf8) + (commonDirectory.hasSuffix("/") ? [] : [0x2F])
    }

    deinit { git_repository_free(handle) }

    /// Detaches the commit-graph file (`.git/objects/info/commit-graph`, which `git gc` writes) from
    /// libgit2's object database.
    ///
    /// libgit2 1.5 checksums the whole file (SHA-1 over some 60 bytes per commit) the first time a
    /// merge-base or walk looks at it, and again after any lookup of a missing object, while its
    /// walks are no faster with it: on 100,000 commits that is 25-50 ms and 6 MB of memory per
    /// load, for nothing. Commits are read from the object database either way, so answers do not change.
    private static func ignoreCommitGraph(_ repo: OpaquePointer) {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repo) == 0 else { return }
        _ = git_odb_set_commit_graph(odb, nil)
        git_odb_free(odb)
    }

    // MARK: Revisions and commits

    /// Resolves a revision (`HEAD`, a branch, a tag, a full or abbreviated id, `X^{commit}`, `X~2`) to a commit id.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, handle, revision)
        guard code == 0, let object else {
            switch code {
            case GIT_EAMBIGUOUS.rawValue: throw GitError.ambiguousRevision(revision)
            case GIT_ENOTFOUND.rawValue, GIT_EINVALIDSPEC.rawValue:
                if revision == "HEAD" || revision.hasPrefix("HEAD"), git_repository_head_unborn(handle) == 1 {
                    throw GitError.emptyRepository(path: workDirectory ?? gitDirectory)
                }
                throw GitError.revisionNotFound(revision)
            default: throw Libgit2.lastError("git_revparse_single", code: code)
            }
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peel = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        // Only these codes mean "no commit behind it"; any other is a broken object (a corrupt or
        // hash-mismatched target) and must say so, not blame the revision's type.
        if peel != 0, peel != GIT_EINVALIDSPEC.rawValue, peel != GIT_EPEEL.rawValue {
            // libgit2 overwrites the cause with a generic peel message: say what it means.
            let cause = peel == GIT_EMISMATCH.rawValue ? "its content does not match its id" : "it cannot be read"
            throw GitError.libgit2(call: "git_object_peel", code: peel, errorClass: Int32(GIT_ERROR_ODB.rawValue),
                                   message: "the commit behind '\(revision)' is broken: \(cause)")
        }
        guard peel == 0, let commit else {
            var type = ObjectType(git_object_type(object))
            if type == .tag { type = (try? finalTarget(of: ObjectID(git_object_id(object).pointee)).type) ?? .tag }
            throw GitError.notACommit(revision: revision, type: type)
        }
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }

    /// The facts of one commit.
    public func commit(_ id: ObjectID) throws -> Commit {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }

        var parents: [ObjectID] = []
        for i in 0..<git_commit_parentcount(commit) {
            if let p = git_commit_parent_id(commit, i) { parents.append(ObjectID(p.pointee)) }
        }
        return Commit(
            id: id,
            tree: ObjectID(git_commit_tree_id(commit).pointee),
            parents: parents,
            author: Person(git_commit_author(commit)),
            committer: Person(git_commit_committer(commit)),
            summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            signature: try hasSignatureHeader(commit) ? commitSignature(id) : nil
        )
    }

    /// Looks up a commit; the caller frees it. A tree or blob with this id is `notACommit`, not "not found"
    /// (libgit2 reports a type mismatch as GIT_ENOTFOUND).
    private func lookupCommit(_ id: ObjectID) throws -> OpaquePointer {
        var oid = id.oid
        var commit: OpaquePointer?
        let code = git_commit_lookup(&commit, handle, &oid)
        if code == GIT_ENOTFOUND.rawValue {
            if let type = objectType(id) { throw GitError.notACommit(revision: id.hex, type: type) }
            throw GitError.revisionNotFound(id.hex)
        }
        try Libgit2.check(code, "git_commit_lookup")
        guard let commit else { throw Libgit2.lastError("git_commit_lookup", code: -1) }
        return commit
    }

    /// Whether a commit's header has a `gpgsig` field, the one `git_commit_extract_signature` reads.
    /// Asking the parsed commit first spares unsigned commits a second read of the raw object.
    private func hasSignatureHeader(_ commit: OpaquePointer) throws -> Bool {
        var field = git_buf()
        defer { git_buf_dispose(&field) }
        let code = git_commit_header_field(&field, commit, "gpgsig")
        if code == GIT_ENOTFOUND.rawValue { return false }
        try Libgit2.check(code, "git_commit_header_field")
        return true
    }

    private func commitSignature(_ id: ObjectID) throws -> ObjectSignature? {
        var oid = id.oid
        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        let code = git_commit_extract_signature(&signature, &signedData, handle, &oid, nil)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try Libgit2.check(code, "git_commit_extract_signature")
        var data = signedData.ptr.map { Data(bytes: $0, count: signedData.size) } ?? Data()
        // git verifies a commit without any of its signature headers; libgit2 removed `gpgsig`,
        // and a SHA-256 signature header (`gpgsig-sha256`) is taken out too.
        data = Self.removingHeader("gpgsig-sha256", from: data)
        return ObjectSignature(signature: Self.string(signature), signedData: data)
    }

    /// The object bytes without the header field `name` (its line and continuation lines).
    static func removingHeader(_ name: String, from data: Data) -> Data {
        let prefix = Array((name + " ").utf8)
        var out = Data()
        var inHeaders = true
        var skipping = false
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? data.endIndex
            let line = data[start..<end]
            defer { start = end }
            if inHeaders && (line.first == 0x0A) { inHeaders = false }
            if inHeaders && line.starts(with: prefix) { skipping = true; continue }
            if skipping && inHeaders && line.first == 0x20 { continue }
            skipping = false
            out.append(line)
        }
        return out
    }

    /// A tag object's signature and signed bytes, split as git splits them (`parse_signed_buffer`):
    /// the signature starts at the last line that opens a signature block.
    private func tagSignature(_ id: git_oid) throws -> ObjectSignature? {
        var odb: OpaquePointer?
        try Libgit2.check(git_repository_odb(&odb, handle), "git_repository_odb")
        defer { git_odb_free(odb) }
        var oid = id
        var object: OpaquePointer?
        try Libgit2.check(git_odb_read(&object, odb, &oid), "git_odb_read")
        defer { git_odb_object_free(object) }
        guard let raw = git_odb_object_data(object) else { return nil }
        let data = Data(bytes: raw, count: git_odb_object_size(object))
        let markers = Self.signatureMarkers.map { Array($0.utf8) }
        var match: Int?
        var start = data.startIndex
        while start < data.endIndex {
            let line = data[start...]
            if markers.contains(where: { line.starts(with: $0) }) { match = start }
            start = data[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? data.endIndex
        }
        guard let match else { return nil }
        return ObjectSignature(signature: String(decoding: data[match...], as: UTF8.self), signedData: Data(data[..<match]))
    }

    private static func string(_ buf: git_buf) -> String {
        guard let ptr = buf.ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: buf.size), as: UTF8.self)
    }

    /// Whether the object database has an object with this id (without reading it: a corrupt
    /// object is there, and `commit(_:)` then fails to read it).
    public func contains(_ id: ObjectID) -> Bool {
        var oid = id.oid
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0, let odb else { return false }
        defer { git_odb_free(odb) }
        return git_odb_exists(odb, &oid) == 1
    }

    /// The type of the object with this id, or nil when the repository does not have it.
    public func objectType(_ id: ObjectID) -> ObjectType? {
        var oid = id.oid
        var object: OpaquePointer?
        guard git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY) == 0, let object else { return nil }
        defer { git_object_free(object) }
        return ObjectType(git_object_type(object))
    }

    // MARK: Tags

    /// The tags whose short names match a glob (`fnmatch`, e.g. `v*`), sorted by name.
    public func tags(matching glob: String = "*") throws -> [Tag] {
        try tagNames(matching: glob).compactMap { try tag(named: $0) }
    }

    /// The short names of the tags that match a glob, sorted: no tag object is read, so choose by
    /// name first and read only the tags you need with `tag(named:)`.
    ///
    /// The glob applies to the name after `refs/tags/` as in `git_tag_list_match`, which also
    /// resolves every reference it lists; here only names are read.
    public func tagNames(matching glob: String = "*") throws -> [String] {
        try listReferences(matching: "refs/tags/" + glob).map { String($0.name.dropFirst("refs/tags/".count)) }.sorted()
    }

    /// One tag by short name, or nil when there is no such tag.
    public func tag(named name: String) throws -> Tag? {
        guard let target = try storedReference("refs/tags/" + name) else { return nil }
        var oid = target.oid

        // A lightweight tag names its commit directly: its type is all we need, and the object header
        // says it without inflating the object (audits list thousands of tags).
        let type = try objectHeaderType(oid)
        guard type == GIT_OBJECT_TAG else {
            return Tag(name: name, isAnnotated: false, referenceTarget: target, tagger: nil, message: nil,
                       isSigned: false, chainLength: 0, targetType: ObjectType(type), targetID: target)
        }
        // An annotated tag object (`git_tag` is a `git_object`). Its target is read only when it is
        // another tag; its type comes from the target's own header, not from what the tag claims.
        var object: OpaquePointer?
        try Libgit2.check(git_object_lookup(&object, handle, &oid, GIT_OBJECT_TAG), "git_object_lookup")
        defer { git_object_free(object) }
        let tagger = git_tag_tagger(object).map { Person($0) }
        let message = git_tag_message(object).map { String(cString: $0) }
        let targetID = ObjectID(git_tag_target_id(object).pointee)
        var final = (id: targetID, type: ObjectType(try objectHeaderType(targetID.oid)), chain: 1)
        var chain = [target]
        if final.type == .tag {
            let rest = try finalTarget(of: targetID)
            final = (rest.id, rest.type, rest.chain + 1)
            chain += rest.tags
        }
        // The raw object is read again (for the exact signed bytes) only when the message carries
        // a signature block: the audit reads every tag, most of them unsigned.
        let signature = try message.map(Self.carriesSignature) == true ? tagSignature(oid) : nil
        var tag = Tag(name: name, isAnnotated: true, referenceTarget: target, tagger: tagger, message: message,
                      isSigned: signature != nil, chainLength: final.chain,
                      targetType: final.type, targetID: final.id, tagObjects: chain, signature: signature)
        tag.objectName = git_tag_name(object).map { String(cString: $0) }
        return tag
    }

    /// The type of an object from its header alone (no inflating, no hashing).
    private func objectHeaderType(_ oid: git_oid) throws -> git_object_t {
        var odb: OpaquePointer?
        try Libgit2.check(git_repository_odb(&odb, handle), "git_repository_odb")
        defer { git_odb_free(odb) }
        var oid = oid
        var size = 0
        var type = GIT_OBJECT_INVALID
        try Libgit2.check(git_odb_read_header(&size, &type, odb, &oid), "git_odb_read_header")
        return type
    }

    /// Every tag that peels to this commit, sorted by name.
    public func tags(pointingAt commit: ObjectID) throws -> [Tag] {
        try tags().filter { $0.commit == commit }
    }

    /// Follows tag objects from `id` to the first object that is not a tag.
    private func finalTarget(of id: ObjectID) throws -> (id: ObjectID, type: ObjectType, chain: Int, tags: [ObjectID]) {
        var current = id
        var chain = 0
        var tags: [ObjectID] = []
        while true {
            var oid = current.oid
            var object: OpaquePointer?
            try Libgit2.check(git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY), "git_object_lookup")
            let type = git_object_type(object)
            if type != GIT_OBJECT_TAG {
                git_object_free(object)
                return (current, ObjectType(type), chain, tags)
            }
            tags.append(current)
            current = ObjectID(git_tag_target_id(object).pointee)
            git_object_free(object)
            chain += 1
            // A tag chain cannot loop (ids are content hashes), but a corrupt repository must not hang us.
            if chain > 64 { throw GitError.libgit2(call: "tag chain", code: -1, errorClass: 0, message: "tag chain deeper than 64 at \(id)") }
        }
    }

    /// Whether a tag message carries a signature block: a line that starts with a marker
    /// (git's `parse_signed_buffer`; the marker anywhere else in a line is just text).
    static func carriesSignature(_ message: String) -> Bool {
        // Over the bytes, line starts only: the audit asks this of every tag.
        var message = message
        return message.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                let rest = UnsafeBufferPointer(rebasing: bytes[start...])
                if rest.first == UInt8(ascii: "-"), signatureMarkers.contains(where: { rest.starts(with: $0.utf8) }) { return true }
                guard let newline = rest.firstIndex(of: 0x0A) else { return false }
                start += newline + 1
            }
            return false
        }
    }

    /// The lines that open a signature block, per signing format, as git 2.39 knows them.
    private static let signatureMarkers = [
        "-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----",  // OpenPGP
        "-----BEGIN SIGNED MESSAGE-----",  // X.509 (gpgsm)
        "-----BEGIN SSH SIGNATURE-----",  // SSH
    ]

    // MARK: References

    /// The object a full reference name (`refs/heads/main`) resolves to, or nil when it does not exist.
    public func resolveReference(_ name: String) throws -> ObjectID? {
        try storedReference(name)
    }

    /// Where git's own name lookup finds a one-level ref of this name: a file `$GIT_DIR/<name>`
    /// holding an object id or `ref: ...`, or a `packed-refs` line of that name. `git rev-parse`
    /// and `git checkout` try `<name>` before `refs/tags/<name>`, so such a ref shadows a tag;
    /// libgit2 refuses one-level names (`GIT_EINVALIDSPEC`), so they are read here as git reads them.
    public func oneLevelReferences(named name: String) throws -> [String] {
        var found: [String] = []
        for directory in Set([gitDirectory, commonDirectory]).sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            // Read as git reads a loose ref: a symbolic link whose text is a ref name is a symbolic
            // ref (dangling on disk or not); a FIFO planted there is never opened.
            switch LooseRef.at(path: Array(path.utf8)) {
            case .direct, .symbolic: found.append(path)
            case .missing, .absent, .broken: continue
            }
        }
        if try packedRefs().oneLevelNames.contains(Array(name.utf8)) { found.append("packed-refs: \(name)") }
        return found
    }

    /// The references whose full names match a glob (`refs/heads/release/*`), with their resolved targets, sorted by name.
    public func references(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var result: [(name: String, target: ObjectID)] = []
        // A dangling symbolic ref is left out.
        for ref in try listReferences(matching: glob) { if let target = ref.target { result.append((ref.name, target)) } }
        return result.sorted { $0.name < $1.name }
    }

    /// The refs whose full names match a glob, as git lists them (loose refs under the glob's
    /// directory, then the packed ones they do not shadow), with the target of each direct ref (nil
    /// for a symbolic one, or a broken one). Unsorted.
    ///
    /// Not with libgit2's iterator: it parses, sorts and copies the whole packed-refs file for every
    /// listing (18,500 refs on argo-cd: 15 ms the first time, 4 ms each after). Here the file is
    /// parsed once (`PackedRefs`) and the records under the glob's literal prefix are read by
    /// binary search. Loose refs are read as git reads them (`LooseRef`); names are handled as bytes
    /// (a name need not be UTF-8).
    ///
    /// With `includeBroken`, as git lists replace refs (`DO_FOR_EACH_INCLUDE_BROKEN`): also refs
    /// whose names are not valid ref names (a carriage return in packed-refs, say) and loose files
    /// that do not parse, without targets; otherwise those are left out, as `git for-each-ref`
    /// leaves them out ("ignoring broken ref").
    func listReferences(matching glob: String, includeBroken: Bool = false) throws -> [(name: String, target: ObjectID?)] {
        // The literal text before the first glob character: every name listed starts with it.
        let prefix = Array(glob.utf8.prefix { !"?*[\\".utf8.contains($0) })
        let rest = glob.utf8.count - prefix.count
        func matches(_ name: [UInt8]) -> Bool {
            guard name.starts(with: prefix) else { return false }
            switch rest {
            case 0: return name.count == prefix.count
            case 1 where glob.last == "*": return true  // `refs/tags/*`: fnmatch without FNM_PATHNAME takes any rest
            default: return fnmatch(glob, (name + [0]).map { CChar(bitPattern: $0) }, 0) == 0
            }
        }
        var result: [(name: String, target: ObjectID?)] = []
        var shadowed = Set<[UInt8]>()
        let root = refsRoot
        let directory = prefix.lastIndex(of: 0x2F).map { Array(prefix[...$0]) } ?? Array("refs/".utf8)
        for (name, isFile) in try Self.looseFiles(in: root, under: directory) where matches(name) {
            // A loose entry shadows the packed record of its name, whatever it holds (git's
            // overlay of loose over packed refs); a broken one is then left out, unless asked for.
            let loose = isFile ? LooseRef.at(path: root + name) : .broken
            if loose == .missing { continue }  // gone since the directory was read
            shadowed.insert(name)
            let valid = Self.isValidReferenceName(name)
            if loose == .broken || loose == .absent || !valid {
                if includeBroken { result.append((String(decoding: name, as: UTF8.self), nil)) }
                continue
            }
            result.append((String(decoding: name, as: UTF8.self), try resolve(loose)))
        }
        let packed = try packedRefs()
        for record in packed.records(withPrefix: prefix) {
            let raw = Array(packed.rawName(of: record))
            guard !shadowed.contains(raw), matches(raw) else { continue }
            // git ignores a ref whose name is not a valid ref name ("ignoring ref with broken
            // name"): a carriage return before the line feed, say. Its replace refs do not.
            guard includeBroken || Self.isValidReferenceName(raw) else { continue }
            result.append((String(decoding: raw, as: UTF8.self), packed.target(of: record)))
        }
        return result
    }

    /// The object a full ref name resolves to, read as git reads it and as the listings read it:
    /// the loose file when there is one (`LooseRef`, symbolic refs followed), else the
    /// packed-refs record of that name. nil when there is no such ref, it is broken or dangles,
    /// or the name is not a valid ref name.
    ///
    /// libgit2's own lookup would binary-search packed-refs comparing whole lines, and so miss a
    /// record whose name git reads up to a NUL byte; and it follows a symbolic link on disk where
    /// git reads its text as the name of the ref it points to.
    func storedReference(_ name: String) throws -> ObjectID? {
        // Per-work-tree names (HEAD, refs/bisect/...) are libgit2's to find.
        guard name.hasPrefix("refs/"), !name.hasPrefix("refs/bisect/") else {
            var oid = git_oid()
            let code = git_reference_name_to_id(&oid, handle, name)
            if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue { return nil }
            try Libgit2.check(code, "git_reference_name_to_id")
            return ObjectID(oid)
        }
        return try storedReference(bytes: Array(name.utf8))
    }

    /// `packed-refs`, parsed on first use and again only when the file has changed.
    func packedRefs() throws -> PackedRefs {
        let path = (commonDirectory as NSString).appendingPathComponent("packed-refs")
        if let cached = packedRefsCache, cached.stamp == PackedRefs.stamp(of: path) { return cached }
        let loaded = try PackedRefs.load(path: path)
        packedRefsCache = loaded
        return loaded
    }

    /// The loose ref files under `directory` (a path relative to `root` ending in `/`, such as
    /// `refs/tags/`), as paths relative to `root`, in bytes (a file name need not be UTF-8), the
    /// way git's files backend scans them (`loose_fill_ref_dir`): names starting with `.` and
    /// ending in `.lock` skipped, symbolic links followed (a dangling one is no ref). Each comes
    /// with whether it is a regular file: anything else (a FIFO, a device) is never opened.
    static func looseFiles(in root: [UInt8], under directory: [UInt8]) throws -> [(name: [UInt8], isFile: Bool)] {
        var names: [(name: [UInt8], isFile: Bool)] = []
        func cPath(_ relative: [UInt8]) -> [CChar] { (root + relative + [0]).map { CChar(bitPattern: $0) } }
        func walk(_ relative: [UInt8], depth: Int) throws {
            guard let dir = opendir(cPath(relative)) else { return }
            defer { closedir(dir) }
            var entries: [[UInt8]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if name.first == 0x2E || name.reversed().starts(with: ".lock".utf8.reversed()) { continue }
                entries.append(name)
            }
            for name in entries {
                let path = relative + name
                var status = stat()
                guard stat(cPath(path), &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFREG: names.append((path, true))
                case S_IFDIR:
                    // Symbolic links are followed, so a loop must end somewhere; git refuses names this deep.
                    guard depth < 64 else {
                        throw GitError.libgit2(call: "list refs", code: -1, errorClass: 0,
                                               message: "\(String(decoding: root + path, as: UTF8.self)) nests more than 64 directories deep (a symbolic-link loop?)")
                    }
                    try walk(path + [0x2F], depth: depth + 1)
                default: names.append((path, false))
                }
            }
        }
        try walk(directory, depth: 0)
        return names
    }

    // MARK: Reachability

    /// Whether `ancestor` is reachable from `descendant` (a commit counts as reachable from itself).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        var a = ancestor.oid
        var d = descendant.oid
        // git_graph_descendant_of(x, x) is 0, hence the equality test above.
        let code = git_graph_descendant_of(handle, &d, &a)
        if code < 0 { throw walkError("git_graph_descendant_of", code: code) }
        return code == 1
    }

    /// The best common ancestor of two commits, or nil when their histories are unrelated.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var x = a.oid
        var y = b.oid
        let code = git_merge_base(&out, handle, &x, &y)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        if code < 0 { throw walkError("git_merge_base", code: code) }
        return ObjectID(out)
    }

    /// The number of commits in `from..to` (ahead) and in `to..from` (behind).
    ///
    /// Exact whatever the commit dates (`git_graph_ahead_behind` and libgit2's revision walk stop
    /// by date and miscount when dates go backwards), and bounded by the commits between the two:
    /// the commits both sides share are exactly those reachable from their merge bases, so each
    /// side is walked from its tip and the walk stops at any commit reachable from a merge base.
    public func aheadBehind(from: ObjectID, to: ObjectID) throws -> (ahead: Int, behind: Int) {
        if from == to {
            git_commit_free(try lookupCommit(from))  // still an error when it is not a commit
            return (0, 0)
        }
        let bases = try mergeBases(from, to)
        // The usual case (a release a few commits after the tested commit) in one pass down the chain.
        if bases == [from], let ahead = try singleParentChain(from: to, reaching: from) { return (ahead, 0) }
        if bases == [to], let behind = try singleParentChain(from: from, reaching: to) { return (0, behind) }
        return (try countCommits(from: to, stoppingAtAncestorsOf: bases),
                try countCommits(from: from, stoppingAtAncestorsOf: bases))
    }

    /// The number of commits from `tip` down to `ancestor` (excluded) when every one of them has
    /// exactly one parent; nil when a merge or a root commit comes first.
    ///
    /// Exact, by topology alone: those commits descend from `ancestor`, so none of them is its
    /// ancestor, and everything else `tip` reaches is reached through `ancestor`. So the count is
    /// `ancestor..tip`, and `tip..ancestor` is empty. (`countCommits` asks `isAncestor` of every
    /// commit it visits, a merge-base walk each: quadratic in the distance.)
    private func singleParentChain(from tip: ObjectID, reaching ancestor: ObjectID) throws -> Int? {
        var target = ancestor.oid
        var current = tip.oid
        var count = 0
        while git_oid_equal(&current, &target) == 0 {
            var commit: OpaquePointer?
            try Libgit2.check(git_commit_lookup(&commit, handle, &current), "git_commit_lookup")
            defer { git_commit_free(commit) }
            guard git_commit_parentcount(commit) == 1, let parent = git_commit_parent_id(commit, 0) else { return nil }
            current = parent.pointee
            count += 1
        }
        return count
    }

    /// Every merge base of two commits (several for criss-cross merges; none for unrelated histories).
    private func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        var out = git_oidarray()
        var x = a.oid
        var y = b.oid
        let code = git_merge_bases(&out, handle, &x, &y)
        if code == GIT_ENOTFOUND.rawValue { return [] }
        if code < 0 { throw walkError("git_merge_bases", code: code) }
        defer { git_oidarray_dispose(&out) }
        return (0..<out.count).map { ObjectID(out.ids[$0]) }
    }

    /// The commits reachable from `tip` that are not reachable from any of `bases`.
    private func countCommits(from tip: ObjectID, stoppingAtAncestorsOf bases: [ObjectID]) throws -> Int {
        var seen = Set<ObjectID>()
        var pending = [tip]
        var count = 0
        while let id = pending.popLast() {
            guard seen.insert(id).inserted else { continue }
            if try bases.contains(where: { try isAncestor(id, of: $0) }) { continue }
            count += 1
            let commit = try lookupCommit(id)
            defer { git_commit_free(commit) }
            for i in 0..<git_commit_parentcount(commit) {
                if let parent = git_commit_parent_id(commit, i) { pending.append(ObjectID(parent.pointee)) }
            }
        }
        return count
    }

    /// The number of commits in `from..to`: reachable from `to` but not from `from`.
    public func commitCount(from: ObjectID, to: ObjectID) throws -> Int {
        try aheadBehind(from: from, to: to).ahead
    }

    /// The error for a failed history walk. libgit2 1.5 does not know shallow grafts: in a shallow
    /// clone a walk that reaches the cut-off fails on the missing parent, so say that.
    private func walkError(_ call: String, code: Int32) -> GitError {
        let error = Libgit2.lastError(call, code: code)
        guard git_repository_is_shallow(handle) == 1, case .libgit2(_, _, let errorClass, let message) = error,
              errorClass == Int32(GIT_ERROR_ODB.rawValue) else { return error }
        return .libgit2(call: call, code: code, errorClass: errorClass,
                        message: "\(message): this is a shallow clone and the history needed is cut off; fetch it (git fetch --unshallow)")
    }

    // MARK: Trees

    /// The paths that differ between two commits' trees, sorted by path.
    ///
    /// Compares tree entries only and never reads blob contents, so it works in partial clones.
    /// Renames are not detected: a rename is a deletion plus an addition, so both paths are listed.
    public func changedPaths(from old: ObjectID, to new: ObjectID) throws -> [ChangedPath] {
        let oldTree = try treeID(ofCommit: old)
        let newTree = try treeID(ofCommit: new)
        var changes: [ChangedPath] = []
        try compareTrees(oldTree, newTree, prefix: [], into: &changes)
        return changes.sorted { $0.path < $1.path }
    }

    func treeID(ofCommit id: ObjectID) throws -> git_oid {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        return git_commit_tree_id(commit).pointee
    }

    // MARK: Work tree

    /// The work tree's state: tracked paths changed in the index or work tree, and untracked files.
    /// Ignored files are excluded. A bare repository has no work tree and nothing dirty.
    ///
    /// Stricter than `git status` in two ways: a tracked file marked assume-unchanged or
    /// skip-worktree (`git update-index`), which git stops comparing, is still compared, so a
    /// change hidden that way (or a sparse checkout's missing files) makes the tree dirty; and
    /// submodules are compared whatever `ignore` setting `.gitmodules` or the configuration
    /// (`submodule.<name>.ignore`, `diff.ignoreSubmodules`) has, as `git status
    /// --ignore-submodules=none` does: one checked out at another commit than its gitlink, or with
    /// modified or untracked content, is a changed path.
    public func status() throws -> WorkTreeStatus {
        if git_repository_is_bare(handle) == 1 {
            return WorkTreeStatus(hasWorkTree: false, changedPaths: [], untrackedPaths: [])
        }
        var index: OpaquePointer?
        try Libgit2.check(git_repository_index(&index, handle), "git_repository_index")
        defer {
            // Drop the in-memory edits below: the index on disk was never written.
            _ = git_index_read(index, 1)
            git_index_free(index)
        }
        try clearLookAwayFlags(index)

        var options = git_status_options()
        try Libgit2.check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        try Libgit2.check(git_status_list_new(&list, handle, &options), "git_status_list_new")
        defer { git_status_list_free(list) }

        var changed: [String] = []
        var untracked: [String] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i)?.pointee else { continue }
            let status = entry.status.rawValue
            if status == GIT_STATUS_CURRENT.rawValue || status & GIT_STATUS_IGNORED.rawValue != 0 { continue }
            let delta = (entry.index_to_workdir ?? entry.head_to_index)?.pointee
            guard let delta, let cPath = delta.new_file.path ?? delta.old_file.path else { continue }
            let path = String(cString: cPath)
            // One entry can be both: `git rm --cached f` stages a deletion and leaves f untracked,
            // and git lists it twice ("D  f" and "?? f").
            if status & GIT_STATUS_WT_NEW.rawValue != 0 { untracked.append(path) }
            if status & ~GIT_STATUS_WT_NEW.rawValue != 0 { changed.append(path) }
        }
        // The list above honours each submodule's `ignore` setting, which the repository controls.
        let listed = Set(changed).union(untracked.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
        changed += try dirtySubmodulePaths().filter { !listed.contains($0) }
        return WorkTreeStatus(hasWorkTree: true, changedPaths: changed.sorted(), untrackedPaths: untracked.sorted())
    }

    /// The paths of the submodules that differ from their gitlinks or have local changes, with
    /// every `ignore` setting overridden (GIT_SUBMODULE_IGNORE_NONE).
    ///
    /// libgit2 lists the submodules of `.gitmodules`, the configuration, the index and HEAD, so a
    /// gitlink without a `.gitmodules` entry is one too (named by its path). One never initialised
    /// (only WD_UNINITIALIZED) is not dirty, as in git.
    private func dirtySubmodulePaths() throws -> [String] {
        var submodules: [(name: String, path: String)] = []
        let code = withUnsafeMutablePointer(to: &submodules) { list in
            git_submodule_foreach(handle, { submodule, name, payload in
                guard let submodule, let name, let payload, let path = git_submodule_path(submodule) else { return 0 }
                payload.assumingMemoryBound(to: [(name: String, path: String)].self).pointee
                    .append((String(cString: name), String(cString: path)))
                return 0
            }, list)
        }
        try Libgit2.check(code, "git_submodule_foreach")

        let dirty = [GIT_SUBMODULE_STATUS_INDEX_ADDED, GIT_SUBMODULE_STATUS_INDEX_DELETED, GIT_SUBMODULE_STATUS_INDEX_MODIFIED,
                     GIT_SUBMODULE_STATUS_WD_ADDED, GIT_SUBMODULE_STATUS_WD_DELETED, GIT_SUBMODULE_STATUS_WD_MODIFIED,
                     GIT_SUBMODULE_STATUS_WD_INDEX_MODIFIED, GIT_SUBMODULE_STATUS_WD_WD_MODIFIED, GIT_SUBMODULE_STATUS_WD_UNTRACKED]
            .reduce(UInt32(0)) { $0 | $1.rawValue }
        var paths: [String] = []
        for submodule in submodules {
            var status: UInt32 = 0
            try Libgit2.check(git_submodule_status(&status, handle, submodule.name, GIT_SUBMODULE_IGNORE_NONE), "git_submodule_status")
            if status & dirty != 0 { paths.append(submodule.path) }
        }
        return paths
    }

    /// Clears, in the repository's in-memory index only, the bits that tell status not to look at
    /// a file's work tree copy: assume-unchanged (`VALID`) and skip-worktree.
    private func clearLookAwayFlags(_ index: OpaquePointer?) throws {
        let assumeUnchanged = UInt16(GIT_INDEX_ENTRY_VALID.rawValue)
        let skipWorktree = UInt16(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue)
        var flagged: [git_index_entry] = []
        for i in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, i)?.pointee else { continue }
            if entry.flags & assumeUnchanged != 0 || entry.flags_extended & skipWorktree != 0 { flagged.append(entry) }
        }
        // git_index_add copies the entry (path included) before it replaces the old one.
        for var entry in flagged {
            entry.flags &= ~assumeUnchanged
            entry.flags_extended &= ~skipWorktree
            try Libgit2.check(git_index_add(index, &entry), "git_index_add")
        }
    }

    // MARK: Repository facts

    /// A configuration value (repository, global and system configuration), nil when unset.
    public func configString(_ key: String) throws -> String? {
        var config: OpaquePointer?
        try Libgit2.check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let code = git_config_get_string(&value, config, key)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try Libgit2.check(code, "git_config_get_string")
        return value.map { String(cString: $0) }
    }

    /// The configured remotes' names, as `git_remote_list` finds them (every `remote.<name>.url` or
    /// `remote.<name>.pushurl`), unique and sorted.
    ///
    /// Read by iterating the configuration, not with `git_remote_list`: its pattern search
    /// (`git_config_foreach_match`) leaks PCRE2 match data for every entry that does not match in
    /// libgit2 1.5 (fixed in 1.6, libgit2#6382), some 20 KiB each.
    private func remoteNames() throws -> [String] {
        var config: OpaquePointer?
        try Libgit2.check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var iterator: OpaquePointer?
        try Libgit2.check(git_config_iterator_new(&iterator, config), "git_config_iterator_new")
        defer { git_config_iterator_free(iterator) }
        var names = Set<String>()
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let code = git_config_next(&entry, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try Libgit2.check(code, "git_config_next")
            guard let cName = entry?.pointee.name else { continue }
            let key = Array(String(cString: cName).utf8)  // lowercase section and key, as libgit2 stores them
            let prefix = Array("remote.".utf8)
            guard key.starts(with: prefix) else { continue }
            for suffix in [Array(".url".utf8), Array(".pushurl".utf8)]
            where key.count >= prefix.count + suffix.count && key.suffix(suffix.count).elementsEqual(suffix) {
                names.insert(String(decoding: key[prefix.count..<(key.count - suffix.count)], as: UTF8.self))
            }
        }
        return names.sorted()
    }

    /// Facts about the repository as a whole: shallow, bare, remotes, current branch, replace refs.
    public func facts() throws -> RepositoryFacts {
        var remotes: [Remote] = []
        for name in try remoteNames() {
            // The URL as configured: git_remote_lookup would apply url.<base>.insteadOf rewrites,
            // which are a local transport detail, not the repository's identity.
            let url = try configString("remote.\(name).url") ?? ""
            remotes.append(Remote(name: name, url: RemoteURL.strippingCredentials(url)))
        }

        // The branch HEAD names (born or not), from HEAD's own file as `git branch --show-current`
        // reads it: not through libgit2, which would open whatever file the branch's path holds.
        // Detached: HEAD names a commit the repository has, as `git_repository_head_detached` says.
        var currentBranch: String?
        var isHeadDetached = false
        switch LooseRef.at(path: Array((gitDirectory as NSString).appendingPathComponent("HEAD").utf8)) {
        case .symbolic(let target):
            let name = String(decoding: target, as: UTF8.self)
            let born = try resolve(.symbolic(target)) != nil
            if name.hasPrefix("refs/heads/") { currentBranch = String(name.dropFirst(11)) } else if !born { currentBranch = name }
        case .direct(let id): isHeadDetached = contains(id)
        case .missing, .absent, .broken: break
        }

        return RepositoryFacts(
            gitDirectory: gitDirectory,
            workDirectory: workDirectory,
            isBare: git_repository_is_bare(handle) == 1,
            isShallow: git_repository_is_shallow(handle) == 1,
            objectFormat: "sha1",
            remotes: remotes.sorted { $0.name < $1.name },
            currentBranch: currentBranch,
            isHeadDetached: isHeadDetached,
            // Every replace ref git would read, broken ones included (git's replace machinery reads
            // them too): a replace ref that might change a build is reported, never missed.
            replaceRefs: try listReferences(matching: "refs/replace/*", includeBroken: true).map(\.name).sorted()
        )
    }
}
