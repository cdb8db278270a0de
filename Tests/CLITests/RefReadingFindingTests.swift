import AuditCore
import Foundation
import GitFacts
import TestSupport
import Testing

/// Black-box findings against the ref reading that replaced libgit2's iterator (each was a PASS
/// or a hidden ref where git sees one): a NUL byte ending a packed-refs name (git reads the name
/// up to it), a carriage return before the line feed (git's replace refs still read such a ref),
/// and loose ref names that are not UTF-8. Each is compared with what git does.
@Suite struct RefReadingFindingTests {
    /// The fixture's tested release, then `packed-refs` rewritten with `extra` lines appended.
    private func release(appending extra: (_ tested: String) throws -> [UInt8]) throws -> GateFixture {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.git("pack-refs", "--all")
        try append(try extra(try f.id("HEAD")), toPackedRefsOf: f)
        return f
    }

    /// Appends lines to `packed-refs`, whose header then no longer claims it is sorted (git would
    /// binary-search a sorted file and not see lines out of order; unsorted, it reads them all).
    private func append(_ lines: [UInt8], toPackedRefsOf f: GateFixture) throws {
        let path = f.git.url.appendingPathComponent(".git/packed-refs")
        var bytes = [UInt8](try Data(contentsOf: path))
        if bytes.first == UInt8(ascii: "#"), let eol = bytes.firstIndex(of: 0x0A) { bytes.replaceSubrange(0..<eol, with: Array("# pack-refs with: peeled fully-peeled ".utf8)) }
        try Data(bytes + lines).write(to: path)
    }

    /// A commit like `tested` whose README says something else, as an attacker would plant it.
    private func evilTwin(of tested: String, in f: GateFixture) throws -> String {
        let blob = try f.git.hashObject(type: "blob", "evil\n")
        let tree = try f.git.run(["mktree"], stdin: "100644 blob \(blob)\tREADME.md\n").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return try f.git.git("commit-tree", "-m", "release", tree)
    }

    @Test func aPackedReplaceRefEndingInANulIsReadAsGitReadsIt() throws {
        var evil = ""
        var tested = ""
        let f = try release { head in
            tested = head
            return []
        }
        evil = try evilTwin(of: tested, in: f)
        try append(Array("\(evil) refs/replace/\(tested)".utf8) + [0] + Array("junk\n".utf8), toPackedRefsOf: f)
        // git honours it: the release commit now reads as the evil one.
        #expect(try f.git.git("rev-parse", "\(tested)^{tree}") == (try f.git.git("rev-parse", "\(evil)^{tree}")))
        #expect(try Repository(at: f.git.path).facts().replaceRefs == ["refs/replace/\(tested)"])
        let run = try f.gate("v1.0.0")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.status(of: "repository.safety") == .failed)
    }

    @Test func aPackedReplaceRefEndingInACarriageReturnStillCounts() throws {
        var tested = ""
        let f = try release { head in
            tested = head
            return Array("\(head) refs/replace/\(head)\r\n".utf8)
        }
        // git's listings ignore the name, but its replace machinery reads it: git cannot even
        // archive the release ("replacement 0000... not found").
        let archive = try f.git.run(["archive", "v1.0.0"])
        #expect(archive.status != 0 && archive.stderr.contains("replacement"), "\(archive.stderr)")
        #expect(try Repository(at: f.git.path).facts().replaceRefs == ["refs/replace/\(tested)\r"])
        let run = try f.gate("v1.0.0")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.status(of: "repository.safety") == .failed)
    }

    @Test func aPackedRCTagEndingInANulIsSeenAsGitSeesIt() throws {
        let f = try GateFixture()
        try f.recordTest()
        let tested = try f.id("HEAD")
        try f.git.tag("v1.0.0-rc.1", message: "rc1")
        try f.git.tag("v1.0.0", message: "release")
        try f.recordBuild("v1.0.0")
        // A later RC, on another commit, tagged before the GA; the RC -> GA rule must see it.
        try f.git.git("checkout", "-q", "-b", "side")
        try f.git.commit("other", files: ["other.txt": "x\n"])
        let other = try f.git.git(["mktag"], stdin: """
        object \(try f.id("HEAD"))
        type commit
        tag v1.0.0-rc.2
        tagger Test Author <author@example.com> \(GitRepo.startDate - 10) +0000

        rc2

        """).trimmingCharacters(in: .whitespacesAndNewlines)
        try f.git.git("checkout", "-q", "main")
        try f.git.git("pack-refs", "--all")
        try append(Array("\(other) refs/tags/v1.0.0-rc.2".utf8) + [0] + Array("x\n".utf8), toPackedRefsOf: f)
        #expect(try f.git.git("tag", "-l", "v1.0.0-rc.*").split(separator: "\n") == ["v1.0.0-rc.1", "v1.0.0-rc.2"])
        let repo = try Repository(at: f.git.path)
        #expect(try repo.tagNames(matching: "v1.0.0-rc.*") == ["v1.0.0-rc.1", "v1.0.0-rc.2"])
        #expect(try repo.tag(named: "v1.0.0-rc.2")?.referenceTarget.hex == other)
        // (git's own lookup of the name misses the record, comparing whole lines, while its listing
        // shows it: the RC is counted here, so the rule fails rather than judge an older RC.)
        #expect(try repo.tag(named: "v1.0.0-rc.2")?.commit?.hex != tested)
        let policy = try f.policy("""
        version: 1
        source:
          match: exact-commit
        rc:
          match: same-commit

        """)
        let run = try f.gate("v1.0.0", policy: policy)
        #expect(run.status == 1, "\(run.stdout)")
    }

    @Test(arguments: [false, true]) func aLooseReplaceRefWhoseNameIsNotUTF8StillCounts(asDirectory: Bool) throws {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        let tested = try f.id("HEAD")
        let evil = try evilTwin(of: tested, in: f)
        // The byte 0xFF after the id, or as a directory name before it: not UTF-8.
        let replace = Array((f.git.path + "/.git/refs/replace/").utf8)
        func cString(_ bytes: [UInt8]) -> [CChar] { (bytes + [0]).map { CChar(bitPattern: $0) } }
        #expect(mkdir(cString(Array(replace.dropLast())), 0o755) == 0 || errno == EEXIST)
        var file = replace + Array(tested.utf8) + [0xFF]
        if asDirectory {
            #expect(mkdir(cString(replace + [0xFF]), 0o755) == 0)
            file = replace + [0xFF, 0x2F] + Array(tested.utf8)
        }
        let fd = open(cString(file), O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        _ = Array("\(evil)\n".utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect(try f.git.git("rev-parse", "\(tested)^{tree}") == (try f.git.git("rev-parse", "\(evil)^{tree}")), "git honours it")
        let names = try Repository(at: f.git.path).facts().replaceRefs
        #expect(ReplaceRefs.replacedObjects(names).keys.map(\.hex) == [tested], "\(names)")
        let run = try f.gate("v1.0.0")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.status(of: "repository.safety") == .failed)
    }

    /// The release tag's loose file a symbolic link whose text is a ref name: git reads it as a
    /// symbolic ref to that name (the evil commit); libgit2 followed it on disk, to the audited tag.
    @Test func aTagThatIsASymbolicLinkIsReadAsGitReadsIt() throws {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        let tested = try f.id("HEAD")
        let evil = try evilTwin(of: tested, in: f)
        let tags = f.git.path + "/.git/refs/tags"
        let audited = try f.git.revParse("refs/tags/v1.0.0")
        try FileManager.default.removeItem(atPath: tags + "/v1.0.0")
        try FileManager.default.createDirectory(atPath: tags + "/refs/tags", withIntermediateDirectories: true)
        try "\(audited)\n".write(toFile: tags + "/refs/tags/x", atomically: true, encoding: .utf8)  // what the link reaches on disk
        try f.git.git("update-ref", "refs/tags/x", evil)  // what git reads: the ref named refs/tags/x
        try FileManager.default.createSymbolicLink(atPath: tags + "/v1.0.0", withDestinationPath: "refs/tags/x")
        #expect(try f.git.revParse("v1.0.0^{commit}") == evil, "git reads the link as a symbolic ref")
        #expect(try Repository(at: f.git.path).tag(named: "v1.0.0")?.commit?.hex == evil)
        let run = try f.gate("v1.0.0")
        #expect(run.status == 1, "\(run.stdout)")
    }

    /// A look-alike ref planted as a symbolic link whose text is a ref name (dangling on disk):
    /// git checks out what it names; it is a ref that answers to the tag's name.
    @Test(arguments: [".git/refs/heads/v1.0.0", ".git/v1.0.0"]) func aLookAlikeRefThatIsASymbolicLinkIsSeen(path: String) throws {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.commit("untested", files: ["README.md": "untested\n"])
        try FileManager.default.createSymbolicLink(atPath: f.git.path + "/" + path, withDestinationPath: "refs/heads/main")
        #expect(try f.git.revParse("v1.0.0^{commit}") == (try f.id("main")) || path.contains("heads"), "git rev-parse takes the one-level ref")
        let run = try f.gate("v1.0.0")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.status(of: "release.tag") == .failed, "\(run.stdout)")
    }

    /// packed-refs whose header says sorted, with a branch out of order: git binary-searches it
    /// and does not see the branch; a reading that sorted it would. Refused (exit 2), not PASSED on a
    /// protected branch git says the commit is not on.
    @Test func aPackedRefsFileThatLiesAboutItsOrderIsRefused() throws {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.git("pack-refs", "--all")
        let path = f.git.url.appendingPathComponent(".git/packed-refs")
        let text = try String(contentsOf: path, encoding: .utf8)
        try (text + "\(try f.id("HEAD")) refs/heads/release/1.0\n").write(to: path, atomically: false, encoding: .utf8)
        #expect(try f.git.run(["rev-parse", "-q", "--verify", "refs/heads/release/1.0"]).status != 0, "git does not see it")
        let policy = try f.policy("""
        version: 1
        source:
          match: exact-commit
          branches: ["release/*"]

        """)
        let run = try f.gate("v1.0.0", policy: policy)
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("packed"), "\(run.stderr)")
    }

    /// A FIFO where a branch's loose file would be, and one among the replace refs: the gate must
    /// not hang (git 2.39 blocks on the second: a build hangs, it ships nothing else). The second,
    /// not named by an object id, replaces nothing, and is reported as a replace ref.
    @Test func fifosAmongTheRefsNeitherHangNorPass() throws {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.git("pack-refs", "--all")
        #expect(mkfifo(f.git.path + "/.git/refs/heads/main", 0o644) == 0)
        let branch = try f.gate("v1.0.0")
        #expect(branch.status != 0 || branch.report != nil, "it ended: \(branch.stdout)")
        try FileManager.default.removeItem(atPath: f.git.path + "/.git/refs/heads/main")
        try FileManager.default.createDirectory(atPath: f.git.path + "/.git/refs/replace", withIntermediateDirectories: true)
        #expect(mkfifo(f.git.path + "/.git/refs/replace/fifo", 0o644) == 0)
        let replace = try f.gate("v1.0.0")
        #expect(replace.status(of: "repository.safety") == .warned, "\(replace.stdout)")
        #expect(replace.check("repository.safety")?.reason.contains("replace") == true, "\(replace.stdout)")
    }
}
