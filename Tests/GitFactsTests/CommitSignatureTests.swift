import Foundation
import GitFacts
import TestSupport
import Testing

/// Commits with a `gpgsig` header, built by hand as `git commit -S` writes them.
@Suite struct CommitSignatureTests {
    static let armour = """
        -----BEGIN PGP SIGNATURE-----

        iHUEABYKAB0WIQTfakefakefakefakefakefakefakefakeFAmWSAAAACgkQfake
        =wxyz
        -----END PGP SIGNATURE-----
        """

    @Test func gpgsigHeaderGivesTheSignatureAndTheBytesItSigns() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let parent = try git.commit("unsigned", files: ["f": "1\n"])
            let tree = try git.revParse("HEAD^{tree}")
            let person = "\(GitRepo.userName) <\(GitRepo.userEmail)> \(GitRepo.startDate) +0000"
            let unsignedBody = "tree \(tree)\nparent \(parent)\nauthor \(person)\ncommitter \(person)\n"
            // A header value continues on lines that start with one space; an empty line inside is a lone space.
            let header = "gpgsig " + Self.armour.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n ") + "\n"
            let message = "\nsigned change\n\nwith a body\n"
            let id = try git.hashObject(type: "commit", unsignedBody + header + message)
            try git.git("update-ref", "refs/heads/signed", id)
            #expect(try git.git("cat-file", "-t", id) == "commit")

            let commit = try git.open().commit(try ObjectID(hex: id))
            let signature = try #require(commit.signature)
            #expect(commit.isSigned)
            // The armoured signature, continuation spaces removed (libgit2 drops the last newline,
            // which git's own parse keeps; an armour parser does not care) ...
            #expect(signature.signature == Self.armour)
            // ... and the signed bytes: the object without the gpgsig header, what `git verify-commit` checks.
            #expect(signature.signedData == Data((unsignedBody + message).utf8))
            #expect(signature.signedData == Data((try withoutHeader("gpgsig", in: git.run(["cat-file", "commit", id]).stdout)).utf8))
            #expect(commit.summary == "signed change")
            #expect(commit.parents.map(\.hex) == [parent])
            #expect(commit.tree.hex == tree)

            // A commit that only mentions a signature in its message is not signed.
            let mention = try git.hashObject(type: "commit", unsignedBody + "\ngpgsig -----BEGIN PGP SIGNATURE-----\n")
            #expect(try git.open().commit(try ObjectID(hex: mention)).isSigned == false)
        }
    }

    /// `raw` without the header field `name` and its continuation lines, as git strips it to verify.
    private func withoutHeader(_ name: String, in raw: String) throws -> String {
        var out: [Substring] = []
        var inHeaders = true
        var skipping = false
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            if inHeaders && line.isEmpty { inHeaders = false }
            if inHeaders && line.hasPrefix(name + " ") { skipping = true; continue }
            if skipping && line.hasPrefix(" ") { continue }
            skipping = false
            out.append(line)
        }
        return out.joined(separator: "\n")
    }
}
