import Foundation
internal import CLibgit2

/// Writing to a repository: just enough to build the demo's throwaway repository through libgit2.
extension Repository {
    /// Creates a new repository with a work tree at `path` (whose HEAD names `branch`) and opens it.
    public static func create(at path: String, initialBranch: String = "main") throws -> Repository {
        _ = Libgit2.initialized
        var options = git_repository_init_options()
        try Libgit2.check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                          "git_repository_init_options_init")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        let code = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&repo, path, &options)
        }
        try Libgit2.check(code, "git_repository_init_ext")
        git_repository_free(repo)
        return try Repository(at: path)
    }

    /// Adds a remote.
    public func addRemote(name: String, url: String) throws {
        var remote: OpaquePointer?
        try Libgit2.check(git_remote_create(&remote, handle, name, url), "git_remote_create")
        git_remote_free(remote)
    }

    /// Writes files into the work tree, stages every change (deletions included), and commits on HEAD.
    ///
    /// - Returns: the new commit's id.
    @discardableResult
    public func commitFiles(_ files: [String: String], message: String, author: Person) throws -> ObjectID {
        guard let workDirectory else { throw GitError.libgit2(call: "commitFiles", code: -1, errorClass: 0, message: "a bare repository has no work tree") }
        for (path, contents) in files {
            let url = URL(fileURLWithPath: workDirectory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        var index: OpaquePointer?
        try Libgit2.check(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        var everything = git_strarray()
        try "*".withCString { star in
            var pattern: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: star)
            try withUnsafeMutablePointer(to: &pattern) { pointer in
                everything.strings = pointer
                everything.count = 1
                try Libgit2.check(git_index_add_all(index, &everything, 0, nil, nil), "git_index_add_all")
                try Libgit2.check(git_index_update_all(index, &everything, nil, nil), "git_index_update_all")
            }
        }
        try Libgit2.check(git_index_write(index), "git_index_write")
        var treeID = git_oid()
        try Libgit2.check(git_index_write_tree(&treeID, index), "git_index_write_tree")
        var tree: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&tree, handle, &treeID), "git_tree_lookup")
        defer { git_tree_free(tree) }

        var parent: OpaquePointer?
        var parentOID = git_oid()
        if git_reference_name_to_id(&parentOID, handle, "HEAD") == 0 {
            try Libgit2.check(git_commit_lookup(&parent, handle, &parentOID), "git_commit_lookup")
        }
        defer { git_commit_free(parent) }

        var signature: UnsafeMutablePointer<git_signature>?
        try Libgit2.check(git_signature_new(&signature, author.name, author.email, author.time, Int32(author.offsetMinutes)),
                          "git_signature_new")
        defer { git_signature_free(signature) }

        var commitID = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitID, handle, "HEAD", signature, signature, nil, message, tree,
                              buffer.count, buffer.baseAddress)
        }
        try Libgit2.check(code, "git_commit_create")
        return ObjectID(commitID)
    }

    /// Creates (or with `force`, replaces) a tag: annotated when `message` is given, else lightweight.
    @discardableResult
    public func createTag(_ name: String, at target: ObjectID, message: String?, tagger: Person, force: Bool = false) throws -> ObjectID {
        var oid = target.oid
        var object: OpaquePointer?
        try Libgit2.check(git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY), "git_object_lookup")
        defer { git_object_free(object) }
        var tagID = git_oid()
        if let message {
            var signature: UnsafeMutablePointer<git_signature>?
            try Libgit2.check(git_signature_new(&signature, tagger.name, tagger.email, tagger.time, Int32(tagger.offsetMinutes)),
                              "git_signature_new")
            defer { git_signature_free(signature) }
            try Libgit2.check(git_tag_create(&tagID, handle, name, object, signature, message, force ? 1 : 0), "git_tag_create")
        } else {
            try Libgit2.check(git_tag_create_lightweight(&tagID, handle, name, object, force ? 1 : 0), "git_tag_create_lightweight")
        }
        return ObjectID(tagID)
    }
}
