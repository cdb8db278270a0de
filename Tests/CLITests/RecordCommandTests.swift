import AuditCore
import Foundation
import GitFacts
import TestSupport
import Testing

/// `release-audit record test` and `record build` end to end: concurrent notes, errors that write
/// nothing, CI awareness, artifacts.
@Suite struct RecordCommandTests {
    /// Reads back the one envelope in `file` (or in `text`), verified with `key`.
    private func readBack(_ f: GateFixture, file: String, key: String = "ci") throws -> VerifiedEvidence {
        let envelopes = try EvidenceSource.load(path: file)
        try #require(envelopes.count == 1)
        let verified = try EvidenceVerifier.verify(envelopes[0], trustedKeys: [try PublicKey.load(from: f.keys.pub(key))], threshold: 1)
        try #require(verified.isVerified, "\(verified.problem ?? "")")
        return verified
    }

    // MARK: Concurrency

    /// 50 processes append to the note of one commit at once: none is lost, every line verifies.
    @Test func fiftyConcurrentRecordsAllLandInTheNote() throws {
        let f = try GateFixture()
        let commit = try f.id("HEAD")
        let count = 50
        var processes: [(Process, URL)] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try releaseAuditBinary)
            process.arguments = ["record", "test", "--repo", f.repo, "--result", "passed", "--suite", "run-\(index)",
                                 "--key", f.keys.key("ci"), "--notes"]
            process.environment = toolEnvironment(home: f.root)
            let log = f.root.appendingPathComponent("record-\(index).log")
            try Data().write(to: log)
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            processes.append((process, log))
        }
        for (process, _) in processes { try process.run() }
        for (process, log) in processes {
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "\(stderr)")
        }

        let note = try f.git.git("notes", "--ref=release-audit", "show", commit)
        let lines = note.split(separator: "\n")
        #expect(lines.count == count)
        let verified = try f.tool(["verify-evidence", "--notes", commit, "--repo", f.repo, "--trusted-key", f.keys.pub("ci"), "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.count == count)
        #expect(summaries.allSatisfy { $0["verified"] as? Bool == true && $0["commit"] as? String == commit })
        // Every run is there exactly once.
        let suites = Set(try lines.map { line -> String in
            let envelope = try DSSEEnvelope(parsing: Data(line.utf8))
            let statement = try Statement.parse(envelope.payload)
            return try TestResultStatement.read(statement).suites.joined()
        })
        #expect(suites == Set((0..<count).map { "run-\($0)" }))
    }

    // MARK: Errors: one line, exit 2, nothing written

    @Test func unusableInputIsOneLineExitTwoAndWritesNothing() throws {
        let f = try GateFixture()
        try f.file("bad.key", "garbage\n", mode: 0o600)
        try f.file("open.key", try String(contentsOfFile: f.keys.key("ci"), encoding: .utf8), mode: 0o644)
        try f.file("truncated.xml", "<testsuite><testcase name=\"a\">")
        try f.file("text.xml", "this is not XML\n")

        let ci = ["--key", f.keys.key("ci")]
        let cases: [(name: String, arguments: [String], mentions: String)] = [
            ("bad key file", ["--key", f.path("bad.key"), "--result", "passed"], "no PEM key found"),
            ("world-readable key", ["--key", f.path("open.key"), "--result", "passed"], "chmod 600"),
            ("missing key", ["--key", f.path("nope.key"), "--result", "passed"], "nope.key"),
            ("truncated JUnit", ci + ["--junit", f.path("truncated.xml")], "truncated.xml"),
            ("JUnit that is not XML", ci + ["--junit", f.path("text.xml")], "text.xml"),
            ("missing JUnit", ci + ["--junit", f.path("nope.xml")], "nope.xml"),
            ("unknown revision", ci + ["--result", "passed", "--rev", "no-such-branch"], "no-such-branch"),
        ]
        for item in cases {
            let out = f.path("out-\(item.name).json")
            let result = try f.tool(["record", "test", "--repo", f.repo, "--out", out, "--notes"] + item.arguments)
            #expect(result.status == 2, "\(item.name): exit \(result.status)")
            #expect(result.stderr.hasPrefix("release-audit: error: "), "\(item.name): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(item.name): \(result.stderr)")
            #expect(result.stderr.contains(item.mentions), "\(item.name): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out), "\(item.name) wrote \(out)")
        }

        // A dirty work tree, for test and build records alike.
        try f.git.write("src/widget.swift", "let speed = 2 // not committed\n")
        for kind in ["test", "build"] {
            let out = f.path("dirty-\(kind).json")
            let result = try f.tool(["record", kind, "--repo", f.repo, "--out", out, "--notes"] + ci
                                    + (kind == "test" ? ["--result", "passed"] : []))
            #expect(result.status == 2)
            #expect(result.stderr == "release-audit: error: the work tree is dirty (1 path(s): src/widget.swift); commit or stash them, or pass --allow-dirty to record them\n")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // Nothing reached the notes either.
        #expect(try f.git.git("notes", "--ref=release-audit", "list").isEmpty)
    }

    @Test func anExistingOutputFileIsNotReplacedWithoutForce() throws {
        let f = try GateFixture()
        let out = f.path("test.json")
        try f.recordTest("HEAD", ["--out", out])
        let original = try Data(contentsOf: URL(fileURLWithPath: out))
        let again = try f.tool(["record", "test", "--repo", f.repo, "--result", "failed", "--key", f.keys.key("ci"), "--out", out])
        #expect(again.status == 2)
        #expect(again.stderr.hasPrefix("release-audit: error: "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == original)
        try f.recordTest("HEAD", ["--result", "failed", "--out", out, "--force"])
        #expect(try readBack(f, file: out).testRecord?.result == .failed)
    }

    @Test func usageErrorsAreExit64() throws {
        let f = try GateFixture()
        let base = ["record", "test", "--repo", f.repo, "--key", f.keys.key("ci")]
        for extra in [["--result", "passed"], ["--out", f.path("x.json")], ["--result", "maybe", "--notes"],
                      ["--result", "passed", "--junit", "a.xml", "--notes"]] {
            let result = try f.tool(base + extra)
            #expect(result.status == 64, "\(extra): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.path("x.json")))
    }

    // MARK: CI awareness

    /// A pull_request run tests GitHub's merge commit: the record says so, and keeps both commits.
    @Test func aPullRequestRunWarnsAboutTheMergeCommitAndRecordsBothCommits() throws {
        let f = try GateFixture()
        let head = try f.id("HEAD")
        let merge = String(repeating: "ab", count: 20)
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_SHA": merge, "GITHUB_EVENT_NAME": "pull_request",
                   "GITHUB_REF": "refs/pull/7/merge", "GITHUB_REPOSITORY": "example/widget", "GITHUB_RUN_ID": "42"]
        let out = f.path("test.json")
        let result = try f.succeed(["record", "test", "--repo", f.repo, "--result", "passed", "--key", f.keys.key("ci"),
                                    "--out", out], environment: env)
        let warning = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("release-audit: warning: ") })
        #expect(warning.contains("github-actions reports commit \(merge) but the recorded commit is \(head)"))
        #expect(warning.contains("a pull_request run tests a merge commit, not the branch head"))
        #expect(warning.contains("both are recorded"))
        #expect(result.stderr.contains("::warning::github-actions reports commit \(merge)"))

        let record = try #require(try readBack(f, file: out).testRecord)
        #expect(record.commit.hex == head)
        #expect(record.ci?.ciCommit == merge)
        #expect(record.ci?.provider == "github-actions")
        #expect(record.ci?.event == "pull_request")
        #expect(record.ci?.ref == "refs/pull/7/merge")
        #expect(record.ci?.runURL == "https://github.com/example/widget/actions/runs/42")

        // To stdout (`--out -`): stdout is exactly the envelope, the warning stays on stderr.
        let piped = try f.succeed(["record", "test", "--repo", f.repo, "--result", "passed", "--key", f.keys.key("ci"),
                                   "--out", "-"], environment: env)
        #expect(piped.stdout.filter { $0 == "\n" }.count == 1)
        let envelope = try DSSEEnvelope(parsing: Data(piped.stdout.utf8))
        #expect(try TestResultStatement.read(try Statement.parse(envelope.payload)).ci?.ciCommit == merge)
        #expect(piped.stderr.contains("merge commit"))
    }

    @Test func aPushRunOnTheRecordedCommitDoesNotWarn() throws {
        let f = try GateFixture()
        let head = try f.id("HEAD")
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_SHA": head, "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"]
        let result = try f.succeed(["record", "test", "--repo", f.repo, "--result", "passed", "--key", f.keys.key("ci"),
                                    "--out", f.path("test.json")], environment: env)
        #expect(!result.stderr.contains("warning"))
        let record = try #require(try readBack(f, file: f.path("test.json")).testRecord)
        #expect(record.ci?.event == "push")
        #expect(record.ci?.ref == "refs/heads/main")
    }

    /// A token in the remote URL (or in --repository) never reaches the signed record or the notes.
    @Test func credentialsInTheRepositoryURLAreNotRecorded() throws {
        let f = try GateFixture(origin: false)
        try f.git.git("remote", "add", "origin", "https://ci-bot:s3cret-token@github.com/example/widget.git")
        try f.recordTest("HEAD", ["--out", f.path("origin.json")])
        try f.recordTest("HEAD", ["--repository", "https://x-access-token:ghs_s3cret@github.com/example/widget", "--notes",
                                  "--out", f.path("flag.json")])
        for file in ["origin.json", "flag.json"] {
            let record = try #require(try readBack(f, file: f.path(file)).testRecord)
            #expect(record.repository == GateFixture.identity)
            let payload = try #require(try EvidenceSource.load(path: f.path(file)).first?.envelope.payload)
            #expect(!String(decoding: payload, as: UTF8.self).contains("s3cret"))
        }
        #expect(!(try f.git.git("notes", "--ref=release-audit", "show", "HEAD")).contains("s3cret"))
    }

    // MARK: record build

    @Test func buildArtifactsCarryTheirSHA256() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0", message: "1.0.0")
        let artifact = f.path("dist/widget-1.0.0.tar.gz")
        try FileManager.default.createDirectory(atPath: f.path("dist"), withIntermediateDirectories: true)
        // More than one read buffer, so the streaming hash is exercised.
        var bytes = Data(count: 3 * 1024 * 1024 + 17)
        for i in stride(from: 0, to: bytes.count, by: 4096) { bytes[i] = UInt8(i / 4096 % 251) }
        try bytes.write(to: URL(fileURLWithPath: artifact))
        let sha256sum = try runProcess("sha256sum", [artifact]).stdout.prefix(64)
        let named = String(repeating: "0123456789abcdef", count: 4)

        let out = f.path("build.json")
        try f.recordBuild("v1.0.0", ["--version", "1.0.0", "--artifact", "widget.sbom@sha256:\(named.uppercased())",
                                     "--artifact-file", artifact, "--out", out])
        let record = try #require(try readBack(f, file: out, key: "release").buildRecord)
        #expect(record.artifacts == [Artifact(name: "widget.sbom", sha256: named),
                                     Artifact(name: "widget-1.0.0.tar.gz", sha256: String(sha256sum))])
        #expect(record.commit.hex == (try f.id("v1.0.0")))
        #expect(record.tagName == "v1.0.0")
        #expect(record.tagObject?.hex == (try f.git.revParse("refs/tags/v1.0.0")))
        #expect(record.tagAnnotated == true)
        #expect(record.version == "1.0.0")
        #expect(record.ref == "refs/tags/v1.0.0")
    }

    @Test func aMissingArtifactFileIsExitTwoAndABadDigestIsUsage() throws {
        let f = try GateFixture()
        let base = ["record", "build", "--repo", f.repo, "--key", f.keys.key("release"), "--out", f.path("build.json")]
        let missing = try f.tool(base + ["--artifact-file", f.path("nope.tar.gz")])
        #expect(missing.status == 2)
        #expect(missing.stderr == "release-audit: error: artifact file not found or unreadable: \(f.path("nope.tar.gz"))\n")
        let bad = try f.tool(base + ["--artifact", "app@sha256:1234"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("64 hexadecimal characters"))
        #expect(!FileManager.default.fileExists(atPath: f.path("build.json")))
    }
}
