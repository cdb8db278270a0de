import Foundation
import GitFacts
import TestSupport

extension GitRepo {
    /// This repository as GitFacts opens it.
    func open() throws -> Repository { try Repository(at: path) }

    /// The object id `git rev-parse` gives for a revision.
    func id(_ revision: String) throws -> ObjectID { try ObjectID(hex: revParse(revision)) }

    /// `git <args> -z` output split on NUL, without empty entries.
    func nulSeparated(_ arguments: String...) throws -> [String] {
        try git(arguments).split(separator: "\0").map(String.init)
    }

    /// Clones `url` with `git clone <options>` into a new sibling directory and wraps the clone.
    func clone(into name: String, options: [String]) throws -> GitRepo {
        let target = url.deletingLastPathComponent().appendingPathComponent(name)
        try git(["clone", "-q"] + options + ["file://" + path, target.path])
        return GitRepo(existing: target)
    }
}
