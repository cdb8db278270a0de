import AuditCore
import Foundation
import TestSupport
import Testing

/// Evidence and reports shared through a remote: `notes sync` from parallel jobs, `gate --notes`,
/// and `notes fetch` + `verify --from-notes` / `audit` in a fresh clone. The remote is a local bare
/// repository; fetch and push are git's own.
@Suite struct NotesSyncTests {
    /// A shared bare `origin.git` with one commit on main, and fresh clones of it.
    final class Remote: @unchecked Sendable {  // only lets, set in init
        let directory: TemporaryDirectory
        let keys: FixtureKeys
        let origin: String

        init() throws {
            directory = try TemporaryDirectory(prefix: "release-audit-notes")
            keys = try FixtureKeys.shared
            let seed = try GitRepo.create(in: directory.url, name: "seed")
            try seed.commit("Add the widget", files: ["README.md": "# widget\n"])
            origin = directory.appending("origin.git").path
            try seed.git("clone", "-q", "--bare", seed.path, origin)
        }

        /// A fresh clone of the origin, as a CI job makes one.
        func clone(_ name: String) throws -> GitRepo {
            let target = directory.appending(name)
            _ = try GitRepo(existing: directory.url).git("clone", "-q", origin, target.path)
            return GitRepo(existing: target)
        }

        @discardableResult
        func tool(_ arguments: [String], in clone: GitRepo) throws -> ProcessOutput {
            try runProcess(try releaseAuditBinary, arguments, environment: toolEnvironment(home: directory.url),
                           currentDirectory: clone.url)
        }

        @discardableResult
        func succeed(_ arguments: [String], in clone: GitRepo, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessOutput {
            let result = try tool(arguments, in: clone)
            try #require(result.status == 0, "release-audit \(arguments.joined(separator: " ")): \(result.stderr)",
                         sourceLocation: sourceLocation)
            return result
        }

        /// The lines of the origin's note on `revision`.
        func originNoteLines(_ revision: String) throws -> [String] {
            let git = GitRepo(existing: URL(fileURLWithPath: origin))
            return try git.git("notes", "--ref=release-audit", "show", revision).split(separator: "\n").map(String.init)
        }
    }

    /// Three jobs record test evidence for the same commit at once, twice each, and sync: the remote
    /// ends with all six records and every job succeeded (a rejected push is merged and retried).
    @Test func parallelJobsRecordingForOneCommitLoseNothing() throws {
        let remote = try Remote()
        let jobs = try (1...3).map { try remote.clone("job\($0)").url }
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            do {
                for round in 1...2 {
                    let suite = "job\(index + 1)-run\(round)"
                    try remote.succeed(["record", "test", "--result", "passed", "--suite", suite,
                                        "--key", remote.keys.key("ci"), "--notes"], in: GitRepo(existing: jobs[index]))
                    try remote.succeed(["notes", "sync"], in: GitRepo(existing: jobs[index]))
                }
            } catch {
                failures.mutate { $0.append(String(describing: error)) }
            }
        }
        #expect(failures.value.isEmpty, "\(failures.value)")
        let lines = try remote.originNoteLines("main")
        #expect(lines.count == 6)
        for job in 1...3 {
            for round in 1...2 {
                let suite = "job\(job)-run\(round)"
                #expect(lines.contains { line in
                    (try? DSSEEnvelope(parsing: Data(line.utf8)).payload).map { String(decoding: $0, as: UTF8.self).contains(suite) } == true
                }, "no record of \(suite)")
            }
        }
        // A job with nothing new syncs without error and leaves the remote as it is.
        let before = try GitRepo(existing: URL(fileURLWithPath: remote.origin)).revParse("refs/notes/release-audit")
        let late = try remote.clone("late")
        let result = try remote.succeed(["notes", "sync"], in: late)
        #expect(result.stderr.contains("in sync"))
        #expect(try GitRepo(existing: URL(fileURLWithPath: remote.origin)).revParse("refs/notes/release-audit") == before)
    }

    /// The gate stores its signed report in the notes; a fresh clone fetches them, and `verify
    /// --from-notes` and `audit` find the report there.
    @Test func aReportStoredInTheNotesIsFoundByVerifyAndAuditInAFreshClone() throws {
        let remote = try Remote()
        let keys = remote.keys
        let ci = try remote.clone("ci")
        try remote.succeed(["record", "test", "--result", "passed", "--key", keys.key("ci"), "--notes"], in: ci)
        try remote.succeed(["notes", "sync"], in: ci)
        try ci.tag("v1.0.0", message: "release v1.0.0")
        try ci.git("push", "-q", "origin", "v1.0.0")

        let release = try remote.clone("release")
        try remote.succeed(["notes", "fetch"], in: release)
        try remote.succeed(["record", "build", "--rev", "v1.0.0", "--version", "1.0.0", "--key", keys.key("release"), "--notes"], in: release)
        let gate = try remote.tool(["gate", "--release", "v1.0.0", "--tester-key", keys.pub("ci"), "--builder-key", keys.pub("release"),
                                    "--key", keys.key("auditor"), "--notes", "--out", remote.directory.appending("report.json").path], in: release)
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stderr.contains("appended the report to the note"))
        try remote.succeed(["notes", "sync"], in: release)

        let auditor = try remote.clone("auditor")
        let verifyArguments = ["verify", "--from-notes", "--release", "v1.0.0", "--repo", ".", "--auditor-key", keys.pub("auditor")]
        // Before the notes are fetched there is no report: FAILED, saying what to do.
        let early = try remote.tool(verifyArguments, in: auditor)
        #expect(early.status == 1)
        #expect(early.stderr.contains("release-audit notes fetch"))

        try remote.succeed(["notes", "fetch"], in: auditor)
        let verified = try remote.tool(verifyArguments, in: auditor)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("notes:"))
        // Only a trusted auditor key counts.
        let stranger = try remote.tool(["verify", "--from-notes", "--release", "v1.0.0", "--repo", ".", "--auditor-key", keys.pub("stranger")], in: auditor)
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("not signed by a trusted auditor key"))

        let audit = try remote.tool(["audit", "--auditor-key", keys.pub("auditor"),
                                     "--tester-key", keys.pub("ci"), "--builder-key", keys.pub("release")], in: auditor)
        #expect(!audit.stdout.contains("missing-report:"), "\(audit.stdout)")
        #expect(audit.stdout.contains(" PASSED "), "\(audit.stdout)")
    }

    @Test func verifyFromNotesNeedsARepositoryAndNoFile() throws {
        let remote = try Remote()
        let clone = try remote.clone("c")
        let keys = remote.keys
        #expect(try remote.tool(["verify", "--from-notes", "--release", "v1", "--auditor-key", keys.pub("auditor")], in: clone).status == 64)
        #expect(try remote.tool(["verify", "r.json", "--from-notes", "--release", "v1", "--repo", ".", "--auditor-key", keys.pub("auditor")], in: clone).status == 64)
        let missingTag = try remote.tool(["verify", "--from-notes", "--release", "v9", "--repo", ".", "--auditor-key", keys.pub("auditor")], in: clone)
        #expect(missingTag.status == 2)
        #expect(missingTag.stderr.contains("no tag v9"))
        let noRemote = try remote.tool(["notes", "sync", "--remote", "nowhere"], in: clone)
        #expect(noRemote.status == 2)
        #expect(noRemote.stderr.contains("git ls-remote nowhere"))
    }
}

/// A value shared by concurrent test jobs.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
