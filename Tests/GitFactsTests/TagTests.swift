import Foundation
import GitFacts
import TestSupport
import Testing

/// Tags of every shape, compared with `git for-each-ref`, `git cat-file` and `git tag --points-at`.
@Suite struct TagTests {
    @Test func everyTagShapeMatchesForEachRefAndCatFile() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["f": "one\n"])
            let head = try git.commit("c2", files: ["f": "two\n"])
            try git.tag("annotated", message: "release\n\nnotes")
            try git.tag("lightweight")
            try git.tag("old", "HEAD~1", message: "older")
            try git.git("tag", "-a", "-m", "a tag of a tag", "outer", "annotated")
            try git.git("tag", "-a", "-m", "a tag of a tag of a tag", "outermost", "outer")
            try git.git("tag", "tree-light", "HEAD^{tree}")
            try git.git("tag", "-a", "-m", "a tree", "tree-annotated", "HEAD^{tree}")
            try git.git("tag", "blob-light", "HEAD:f")
            try git.git("tag", "-a", "-m", "a blob", "blob-annotated", "HEAD:f")
            try git.git("tag", "-a", "-m", "tagging a tree through a tag", "tree-outer", "tree-annotated")
            try git.git("tag", "release/1.0", "HEAD")
            #expect(try git.git("cat-file", "-t", "outer") == "tag")
            #expect(try git.git("cat-file", "-t", "outermost^{}") == "commit")

            let repo = try git.open()
            let tags = try repo.tags()
            let names = try git.git("for-each-ref", "refs/tags", "--format=%(refname:strip=2)").split(separator: "\n").map(String.init)
            #expect(tags.map(\.name) == names.sorted())
            for tag in tags {
                try expectTag(tag, matches: git)
                #expect(try repo.tag(named: tag.name) == tag)
            }
            let outermost = try #require(tags.first { $0.name == "outermost" })
            #expect(outermost.chainLength == 3 && outermost.commit?.hex == head)
            #expect(try repo.tag(named: "nope") == nil)
            #expect(try repo.tag(named: "bad..name") == nil)
            #expect(try repo.tags(matching: "tree-*").map(\.name) == ["tree-annotated", "tree-light", "tree-outer"])
            #expect(try repo.tags(matching: "release/*").map(\.name) == ["release/1.0"])
        }
    }

    @Test func tagsPointingAtACommitMatchGitTagPointsAt() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            try git.commit("c1", files: ["f": "1\n"])
            try git.tag("v1", message: "one")
            try git.tag("first")
            let head = try git.commit("c2", files: ["f": "2\n"])
            try git.tag("v2", message: "two")
            try git.tag("latest")
            try git.git("tag", "tree", "HEAD^{tree}")
            try git.git("tag", "-a", "-m", "nested", "v2-nested", "v2")
            let repo = try git.open()
            for rev in ["HEAD", "HEAD~1"] {
                let id = try git.id(rev)
                let ours = try repo.tags(pointingAt: id).map(\.name)
                // git 2.39's --points-at follows one tag level only; tags nested deeper are found
                // through the fully peeled `^{}` instead (what git >= 2.42 reports as well).
                let direct = try git.git("tag", "--points-at", rev).split(separator: "\n").map(String.init)
                let nested = try git.git("for-each-ref", "refs/tags", "--format=%(refname:strip=2)").split(separator: "\n")
                    .map(String.init).filter { name in
                        (try? git.revParse("\(name)^{}")) == id.hex && ((try? git.git("cat-file", "-t", "\(name)^{}")) == "commit")
                    }
                #expect(ours == Array(Set(direct + nested)).sorted(), "\(rev)")
                #expect(direct.allSatisfy(ours.contains))
            }
            #expect(try repo.tags(pointingAt: git.id("HEAD")).map(\.name) == ["latest", "v2", "v2-nested"])
            #expect(try repo.tags(pointingAt: ObjectID(hex: head)).first { $0.name == "v2" }?.isAnnotated == true)
        }
    }

    /// Signed tags are made by hand: a tag object whose message ends in a signature block, which is
    /// what `git tag -s` writes (no gpg needed to recognise one; verifying is the caller's job).
    @Test func signatureBlocksAreDetectedOnlyWhereGitFindsThem() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let head = try git.commit("c1", files: ["f": "1\n"])
            let blocks: [(name: String, message: String)] = [
                ("pgp", "release\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEfake\n=abcd\n-----END PGP SIGNATURE-----\n"),
                ("pgp-message", "release\n-----BEGIN PGP MESSAGE-----\n\nowEBfake\n-----END PGP MESSAGE-----\n"),
                ("ssh", "release\n-----BEGIN SSH SIGNATURE-----\nU1NIU0lHfake\n-----END SSH SIGNATURE-----\n"),
                ("x509", "release\n-----BEGIN SIGNED MESSAGE-----\nMIIfake\n-----END SIGNED MESSAGE-----\n"),
                ("mentions-pgp", "how to sign: paste -----BEGIN PGP SIGNATURE----- blocks here\n"),
                ("indented", "quoted:\n  -----BEGIN SSH SIGNATURE-----\n  U1NI\n"),
                ("plain", "release notes\n"),
            ]
            for block in blocks {
                let object = """
                    object \(head)
                    type commit
                    tag \(block.name)
                    tagger \(GitRepo.userName) <\(GitRepo.userEmail)> \(GitRepo.startDate) +0000

                    \(block.message)
                    """
                let id = try git.git(["mktag"], stdin: object)
                try git.git("update-ref", "refs/tags/\(block.name)", id)
            }
            let repo = try git.open()
            for block in blocks {
                let tag = try #require(try repo.tag(named: block.name))
                try expectTag(tag, matches: git)
            }
            #expect(try repo.tags().filter(\.isSigned).map(\.name) == ["pgp", "pgp-message", "ssh", "x509"])
        }
    }

    /// Checks one tag against what git prints for it.
    private func expectTag(_ tag: GitFacts.Tag, matches git: GitRepo, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ref = "refs/tags/\(tag.name)"
        let fields = try git.git("for-each-ref", ref,
                                 "--format=%(objecttype)%00%(objectname)%00%(taggername)%00%(taggeremail)%00%(taggerdate:unix)")
            .components(separatedBy: "\0")
        #expect(fields.count == 5, sourceLocation: sourceLocation)
        guard fields.count == 5 else { return }
        let isAnnotated = fields[0] == "tag"
        #expect(tag.isAnnotated == isAnnotated, "\(tag.name) annotated", sourceLocation: sourceLocation)
        #expect(tag.referenceTarget.hex == fields[1], "\(tag.name) target", sourceLocation: sourceLocation)
        #expect(tag.tagObjectID?.hex == (isAnnotated ? fields[1] : nil), sourceLocation: sourceLocation)

        // The object the tag finally names, and how many tag objects lead there.
        #expect(tag.targetID.hex == (try git.revParse("\(ref)^{}")), "\(tag.name) final target", sourceLocation: sourceLocation)
        #expect(tag.targetType.rawValue == (try git.git("cat-file", "-t", "\(ref)^{}")), "\(tag.name) type", sourceLocation: sourceLocation)
        var chain = 0
        var current = fields[1]
        while try git.git("cat-file", "-t", current) == "tag" {
            let header = try git.git("cat-file", "tag", current)
            current = String(header.split(separator: "\n")[0].dropFirst("object ".count))
            chain += 1
        }
        #expect(tag.chainLength == chain, "\(tag.name) chain", sourceLocation: sourceLocation)
        // `*` in for-each-ref dereferences one tag object (git 2.39), which is the end of a chain of one.
        let peeled = try git.git("for-each-ref", ref, "--format=%(*objecttype) %(*objectname)")
        if chain == 1 {
            #expect(peeled == "\(tag.targetType.rawValue) \(tag.targetID.hex)", sourceLocation: sourceLocation)
        } else if chain == 0 {
            #expect(peeled == " ", sourceLocation: sourceLocation)
        }
        #expect(tag.commit?.hex == (tag.targetType == .commit ? current : nil), sourceLocation: sourceLocation)

        if isAnnotated {
            let tagger = try #require(tag.tagger as Person?, sourceLocation: sourceLocation)
            #expect(tagger.name == fields[2], sourceLocation: sourceLocation)
            #expect("<\(tagger.email)>" == fields[3], sourceLocation: sourceLocation)
            #expect(String(tagger.time) == fields[4], sourceLocation: sourceLocation)
            let raw: String = try git.run(["cat-file", "tag", fields[1]]).stdout
            let message = raw.range(of: "\n\n").map { String(raw[$0.upperBound...]) } ?? ""
            #expect(tag.message == message, "\(tag.name) message", sourceLocation: sourceLocation)
            // git's own split of message and signature: signed exactly when it finds a signature.
            let signature: String = try git.git("for-each-ref", ref, "--format=%(contents:signature)")
            let gitSaysSigned = !signature.isEmpty
            #expect(tag.isSigned == gitSaysSigned, "\(tag.name) signed", sourceLocation: sourceLocation)
        } else {
            #expect(tag.tagger == nil && tag.message == nil && !tag.isSigned, sourceLocation: sourceLocation)
        }
    }
}
