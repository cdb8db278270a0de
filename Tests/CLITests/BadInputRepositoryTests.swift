// Unusable and unusual repositories, through the built binary: inspect, record test, record build,
// gate, verify-evidence --notes, verify --repo.
//
// The list mixes repositories that cannot be audited (exit 2) with states the auditor must
// handle or report as findings. Decisions:
//
// | repository                         | inspect        | record test/build  | gate                                | why
// |------------------------------------|----------------|--------------------|-------------------------------------|----------------------------------------------
// | not a repository                   | 2              | 2                  | 2                                   | no input to audit (also verify --repo, verify-evidence --notes)
// | empty, no commits                  | 2              | 2                  | 2 (no such tag / no commits)        | nothing to record or audit
// | SHA-256 object format              | 2              | 2                  | 2                                   | libgit2 1.5 cannot read it; said so, not "corrupt"
// | a corrupt (unreadable) object      | 2              | 2                  | 2                                   | libgit2's own message, one line
// | an object whose content mismatches | 2              | 2                  | 2                                   | "the repository is corrupt (run git fsck)"
// |   its id (hash mismatch)           |                |                    |                                     |
// | a tag pointing at a blob           | 2              | record build 2     | 2: "tag v2.0.0 names a blob"        | no commit to record or audit
// | a tag that does not exist          | -              | record build 2     | 2: "does not exist ... fetch tags"  | no commit to audit
// | shallow clone                      | 0, "shallow"   | 0 (CI checkouts    | 1: repository.safety FAILED         | a finding, not unusable input: the report says
// |                                    |                |   are shallow)     |   (report written)                  |   ancestry cannot be proven (ThreatScenarioTests)
// | bare repository                    | 0, "bare"      | 0 (HEAD, no dirty  | 0 when the evidence is right        | a supported layout (release jobs on mirrors)
// |                                    |                |   paths)           |                                     |
// | detached HEAD                      | 0, detached    | 0, records the     | 0 when the evidence is right        | how CI checks out a commit: must just work
// |                                    |                |   detached commit  |                                     |
import AuditCore
import Foundation
import TestSupport
import Testing

@Suite struct BadInputRepositoryTests {
    /// The commands that read a repository, pointed at `repo`, each writing (if anything) under `out/<n>`.
    func commands(repo: String, release: String = "v1.0.0", n: Int) -> [(String, [String], [String])] {
        [
            ("inspect", ["inspect", "--repo", repo], []),
            ("record test", ["record", "test", "--repo", repo, "--result", "passed", "--key", "keys/ci.key",
                             "--out", "out/\(n)-test.json"], ["out/\(n)-test.json"]),
            ("record build", ["record", "build", "--repo", repo, "--rev", release, "--key", "keys/release.key",
                              "--out", "out/\(n)-build.json"], ["out/\(n)-build.json"]),
            ("gate", ["gate", "--repo", repo, "--release", release, "--key", "keys/auditor.key", "--out", "out/\(n)/report.json",
                      "--vsa", "out/\(n)/vsa.json"] + HardeningFixture.trustEvidence, ["out/\(n)"]),
        ]
    }

    @Test func unusableRepositoriesAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json"] + HardeningFixture.trustEvidence)
        let parent = fixture.root

        try FileManager.default.createDirectory(at: parent.appendingPathComponent("plain-dir"), withIntermediateDirectories: true)
        _ = try GitRepo.create(in: parent, name: "empty")
        let sha256 = try GitRepo.create(in: parent, name: "sha256", initArguments: ["--object-format=sha256"])
        try sha256.commit("first", files: ["a": "a\n"])
        try sha256.tag("v1.0.0", message: "1.0.0")

        // An unreadable object: the release commit's loose object overwritten with garbage.
        let corrupt = try GitRepo.create(in: parent, name: "corrupt")
        let corruptCommit = try corrupt.commit("first", files: ["a": "a\n"])
        try corrupt.tag("v1.0.0", message: "1.0.0")
        try overwriteLooseObject(corrupt, corruptCommit, with: Data("not zlib at all".utf8))

        // A hash mismatch: the tagged commit's object file holds another commit.
        let mismatch = try GitRepo.create(in: parent, name: "mismatch")
        let tagged = try mismatch.commit("first", files: ["a": "a\n"])
        let other = try mismatch.commit("second", files: ["a": "b\n"])
        try mismatch.tag("v1.0.0", tagged, message: "1.0.0")
        try overwriteLooseObject(mismatch, tagged, with: try Data(contentsOf: looseObject(mismatch, other)))

        let repositories: [(label: String, repo: String, mentions: [String], gateMentions: [String]?)] = [
            ("not a repository", "plain-dir", ["not a git repository", "plain-dir"], nil),
            ("missing directory", "no-such-dir", ["no-such-dir"], nil),
            ("empty repository", "empty", ["no commits"], ["tag v1.0.0 does not exist"]),
            ("SHA-256 object format", "sha256", ["object format", "SHA-1"], nil),
            ("corrupt object", "corrupt", ["corrupt", "git fsck"], nil),
            ("hash mismatch", "mismatch", ["corrupt", "git fsck"], nil),
        ]
        var count = 0
        for (index, entry) in repositories.enumerated() {
            for (command, arguments, outputs) in commands(repo: entry.repo, n: index) {
                // record build names the tag, which an empty repository does not have.
                var mentions = command == "gate" ? entry.gateMentions ?? entry.mentions : entry.mentions
                if entry.label == "empty repository" && command == "record build" { mentions = ["v1.0.0", "not found"] }
                // record test and inspect read HEAD; the hash mismatch is behind the tag only.
                if entry.label == "hash mismatch" && (command == "record test" || command == "inspect") { continue }
                try RefusalCase(label: "\(command): \(entry.label)", arguments: arguments, status: 2, mentions: mentions,
                                mustNotExist: outputs).check(in: fixture)
                count += 1
            }
        }
        // The hash mismatch through the tag, for inspect too.
        try RefusalCase(label: "inspect v1.0.0: hash mismatch", arguments: ["inspect", "v1.0.0", "--repo", "mismatch"], status: 2,
                        mentions: ["does not match its id", "git fsck"]).check(in: fixture)
        count += 1
        // The other commands that take a repository.
        for entry in repositories where entry.label != "hash mismatch" && entry.label != "empty repository" {
            try RefusalCase(label: "verify --repo: \(entry.label)",
                            arguments: ["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub", "--repo", entry.repo],
                            status: 2, mentions: entry.mentions).check(in: fixture)
            try RefusalCase(label: "verify-evidence --notes: \(entry.label)",
                            arguments: ["verify-evidence", "--notes", "HEAD", "--repo", entry.repo, "--trusted-key", "keys/ci.pub"],
                            status: 2, mentions: entry.mentions).check(in: fixture)
            count += 2
        }
        #expect(count == 31)
    }

    @Test func tagsThatNameNoCommitAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let blob = try fixture.git.hashObject(type: "blob", "not a commit\n")
        try fixture.git.git("tag", "-a", "v2.0.0", blob, "-m", "a tag on a blob")
        let tree = try fixture.git.revParse("HEAD^{tree}")
        try fixture.git.git("tag", "v3.0.0", tree)

        let gate = ["gate", "--repo", "widget", "--key", "keys/auditor.key", "--test-evidence", "evidence/test.json",
                    "--build-evidence", "evidence/build.json"] + HardeningFixture.trustEvidence
        let cases = [
            RefusalCase(label: "gate: annotated tag on a blob", arguments: gate + ["--release", "v2.0.0", "--out", "out/a/r.json"],
                        status: 2, mentions: ["tag v2.0.0 names a blob, not a commit"], mustNotExist: ["out/a"]),
            RefusalCase(label: "gate: lightweight tag on a tree", arguments: gate + ["--release", "v3.0.0", "--out", "out/b/r.json"],
                        status: 2, mentions: ["tag v3.0.0 names a tree, not a commit"], mustNotExist: ["out/b"]),
            RefusalCase(label: "gate: no such tag", arguments: gate + ["--release", "v9.9.9", "--out", "out/c/r.json"],
                        status: 2, mentions: ["tag v9.9.9 does not exist", "git fetch --tags"], mustNotExist: ["out/c"]),
            RefusalCase(label: "gate: no such revision", arguments: gate + ["--release-rev", "nope", "--out", "out/d/r.json"],
                        status: 2, mentions: ["'nope' not found"], mustNotExist: ["out/d"]),
            RefusalCase(label: "record build: tag on a blob",
                        arguments: ["record", "build", "--repo", "widget", "--rev", "v2.0.0", "--key", "keys/release.key", "--out", "out/e.json"],
                        status: 2, mentions: ["v2.0.0", "blob, not a commit"], mustNotExist: ["out/e.json"]),
            RefusalCase(label: "record test: tag on a tree",
                        arguments: ["record", "test", "--repo", "widget", "--rev", "v3.0.0", "--result", "passed", "--key", "keys/ci.key",
                                    "--out", "out/f.json"],
                        status: 2, mentions: ["v3.0.0", "tree, not a commit"], mustNotExist: ["out/f.json"]),
            RefusalCase(label: "inspect: tag on a blob", arguments: ["inspect", "v2.0.0", "--repo", "widget"],
                        status: 2, mentions: ["blob, not a commit"]),
            RefusalCase(label: "verify-evidence --notes on a blob tag",
                        arguments: ["verify-evidence", "--notes", "v2.0.0", "--repo", "widget", "--trusted-key", "keys/ci.pub"],
                        status: 2, mentions: ["blob, not a commit"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
    }

    /// Shallow, bare and detached-HEAD repositories are not errors: they are recorded and audited.
    @Test func shallowBareAndDetachedRepositoriesAreAuditedNotRefused() throws {
        let fixture = try HardeningFixture()
        let tested = try fixture.releasedRepository()
        try fixture.git.commit("Later work", files: ["src/later.txt": "later\n"])

        // Detached HEAD at the release commit: records exactly that commit.
        try fixture.git.git("checkout", "-q", "--detach", "v1.0.0")
        let inspect = try fixture.succeed(["inspect", "--repo", "widget", "--json"])
        let facts = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(facts["detachedHead"] as? Bool == true)
        try fixture.recordTest(out: "evidence/detached-test.json")
        #expect(try fixture.envelope("evidence/detached-test.json").payload.contains(Data(tested.utf8)))
        try fixture.recordBuild("v1.0.0", out: "evidence/detached-build.json")
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/detached-test.json", "--build-evidence", "evidence/detached-build.json",
                             "--out", "reports/detached.json"] + HardeningFixture.trustEvidence)
        #expect(try fixture.report("reports/detached.json").verdict == .passed)

        // A bare clone: no work tree, so a record made there vouches for none (no clean-tree claim);
        // the gate runs on it, and passes once the policy does not ask for a clean build tree.
        try fixture.git.git("checkout", "-q", "main")
        try fixture.git.git("clone", "-q", "--bare", fixture.git.path, fixture.path("bare.git"))
        let bareFacts = try fixture.succeed(["inspect", "--repo", "bare.git", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(bareFacts.stdout.utf8)) as? [String: Any])?["bare"] as? Bool == true)
        try fixture.write("bare-policy.yml", "version: 1\nbuild:\n  clean_worktree: false\n")
        try fixture.recordBuild("v1.0.0", out: "evidence/bare-build.json", repo: "bare.git",
                                extra: ["--repository", HardeningFixture.origin])
        try fixture.succeed(["gate", "--repo", "bare.git", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--repository", HardeningFixture.origin,
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/bare-build.json",
                             "--out", "reports/bare.json", "--policy", "bare-policy.yml"] + HardeningFixture.trustEvidence)
        #expect(try fixture.report("reports/bare.json").verdict == .passed)
        let claimed = try fixture.run(["gate", "--repo", "bare.git", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                       "--repository", HardeningFixture.origin,
                                       "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/bare-build.json",
                                       "--out", "reports/bare-strict.json"] + HardeningFixture.trustEvidence)
        #expect(claimed.status == 1)
        #expect(try fixture.report("reports/bare-strict.json").checks.first { $0.id == "worktree.clean" }?.status == .failed)

        // A shallow clone: recording works (CI checkouts are shallow); the gate reports it (exit 1).
        try fixture.git.git("clone", "-q", "--depth", "1", "--branch", "v1.0.0", "file://\(fixture.git.path)", fixture.path("shallow"))
        let shallowFacts = try fixture.succeed(["inspect", "--repo", "shallow", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(shallowFacts.stdout.utf8)) as? [String: Any])?["shallow"] as? Bool == true)
        try fixture.recordTest(out: "evidence/shallow-test.json", repo: "shallow", extra: ["--repository", HardeningFixture.origin])
        try fixture.recordBuild("v1.0.0", out: "evidence/shallow-build.json", repo: "shallow", extra: ["--repository", HardeningFixture.origin])
        let gate = try fixture.run(["gate", "--repo", "shallow", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                    "--repository", HardeningFixture.origin,
                                    "--test-evidence", "evidence/shallow-test.json", "--build-evidence", "evidence/shallow-build.json",
                                    "--out", "reports/shallow.json"] + HardeningFixture.trustEvidence)
        #expect(gate.status == 1, "\(gate.stderr)")
        #expect(gate.stderr.isEmpty)
        let report = try fixture.report("reports/shallow.json")
        #expect(report.checks.filter { $0.status == .failed }.map(\.id) == ["repository.safety"])
    }

    // MARK: Helpers

    func looseObject(_ repo: GitRepo, _ id: String) -> URL {
        repo.url.appendingPathComponent(".git/objects/\(id.prefix(2))/\(id.dropFirst(2))")
    }

    func overwriteLooseObject(_ repo: GitRepo, _ id: String, with data: Data) throws {
        let file = looseObject(repo, id)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        try data.write(to: file)
    }
}
