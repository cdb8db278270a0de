import AuditCore
import Foundation
import TestSupport
import Testing

/// Findings of the black-box review of `notes fetch`/`notes sync` and `verify --artifact`, each
/// kept as the attack that once worked.
@Suite struct NotesAndArtifactReviewTests {
    /// A widget repository whose origin is a local bare repository, v1.0.0 tagged, tested
    /// (PASSED) and built with `dist/a.bin`, all in the notes and synced.
    func syncedRelease() throws -> HardeningFixture {
        let fixture = try HardeningFixture(origin: nil)
        try fixture.write("policy.yml", TrustReviewTests.policy)
        let origin = fixture.path("origin.git")
        try fixture.git.git("init", "-q", "--bare", origin)
        try fixture.git.git("remote", "add", "origin", origin)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.write("dist/a.bin", "artifact A\n")
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key", "--notes"])
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--artifact-file", "dist/a.bin",
                             "--key", "keys/release.key", "--notes"])
        try fixture.succeed(["notes", "sync", "--repo", "widget"])
        return fixture
    }

    func gate(_ fixture: HardeningFixture, _ extra: [String] = []) throws -> ProcessOutput {
        try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                         "--out", "reports/\(UUID().uuidString).json"] + extra)
    }

    /// Finding 1: the remote's notes had a newer commit that dropped the FAILED test record; the
    /// fetch fast-forwarded onto it, the clone lost the line it had, and the gate PASSED.
    @Test func aRemoteNotesCommitThatDropsAFailedRecordCannotMakeTheGatePass() throws {
        let fixture = try syncedRelease()
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "failed", "--key", "keys/ci.key", "--notes"])
        try fixture.succeed(["notes", "sync", "--repo", "widget"])
        #expect(try gate(fixture).status == 1)

        // The attacker pushes a notes commit on top of the origin's, without the FAILED line.
        let bare = ["--git-dir", fixture.path("origin.git")]
        let commit = try fixture.git.revParse("HEAD")
        let parent = try fixture.git.git(bare + ["rev-parse", "refs/notes/release-audit"])
        let lines = try fixture.git.git(bare + ["cat-file", "-p", "\(parent):\(commit)"]).split(separator: "\n")
        try #require(lines.count == 3)
        let blob = try fixture.git.git(bare + ["hash-object", "-w", "--stdin"], stdin: lines.dropLast().joined(separator: "\n") + "\n")
        let tree = try fixture.git.git(bare + ["mktree"], stdin: "100644 blob \(blob)\t\(commit)\n")
        let forged = try fixture.git.git(bare + ["commit-tree", tree, "-p", parent, "-m", "tidy"])
        try fixture.git.git(bare + ["update-ref", "refs/notes/release-audit", forged])

        let fetched = try fixture.succeed(["notes", "fetch", "--repo", "widget"])
        #expect(fetched.stderr.contains("kept local lines"), "\(fetched.stderr)")
        #expect(try fixture.git.git("notes", "--ref=release-audit", "show", commit).split(separator: "\n").count == 3)
        #expect(try gate(fixture).status == 1, "the FAILED record was dropped")
        // Syncing restores the line on the origin (a fast-forward of the forged commit).
        try fixture.succeed(["notes", "sync", "--repo", "widget"])
        #expect(try fixture.git.git(bare + ["notes", "--ref=release-audit", "show", commit]).split(separator: "\n").count >= 3)
        #expect(try fixture.git.git(bare + ["merge-base", "--is-ancestor", forged, "refs/notes/release-audit"]).isEmpty)
    }

    /// Finding 2: `--artifact` made `verify --from-notes` pick an older PASSED report naming the
    /// file over the newer FAILED report about the same tag.
    @Test func askingAboutAnArtifactDoesNotLetAnOlderPassedReportOutvoteANewerFailedOne() throws {
        let fixture = try syncedRelease()
        #expect(try gate(fixture, ["--notes"]).status == 0)
        try fixture.write("dist/b.bin", "artifact B\n")
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--artifact-file", "dist/b.bin",
                             "--key", "keys/release.key", "--out", "evidence/build-b.json"])
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "failed", "--key", "keys/ci.key", "--notes"])
        sleep(1)  // the reports' times order them
        #expect(try gate(fixture, ["--notes", "--build-evidence", "evidence/build-b.json"]).status == 1)
        for artifact in ["dist/a.bin", "dist/b.bin"] {
            let result = try fixture.run(["verify", "--from-notes", "--release", "v1.0.0", "--repo", "widget", "--policy", "policy.yml",
                                          "--artifact", artifact])
            #expect(result.status == 1, "\(artifact): \(result.stdout)")
        }
    }

    /// The PASSED report of a gate with `--notes`, re-signed by the trusted auditor key after
    /// `change`, appended as the note's last line.
    func appendReport(_ fixture: HardeningFixture, _ change: (inout AuditReport) -> Void) throws {
        let loaded = try EvidenceSource.load(path: fixture.path("reports/passed.json"))
        var report = try ReportStatement.verify(loaded[0], trustedKeys: [fixture.auditor.publicKey]).report
        change(&report)
        let line = String(decoding: try ReportStatement.sign(report, with: fixture.auditor).jsonData(), as: UTF8.self)
        let commit = try fixture.git.revParse("v1.0.0^{commit}")
        let note = try fixture.git.git("notes", "--ref=release-audit", "show", commit)
        try fixture.write("note.txt", note + "\n" + line + "\n")
        try fixture.git.git("notes", "--ref=release-audit", "add", "-f", "-F", fixture.path("note.txt"), commit)
    }

    func verifyFromNotes(_ fixture: HardeningFixture, _ extra: [String] = []) throws -> ProcessOutput {
        try fixture.run(["verify", "--from-notes", "--release", "v1.0.0", "--repo", "widget", "--policy", "policy.yml"] + extra)
    }

    /// Second review, F1: a FAILED re-gate in the same second as the PASSED gate (auditedAt has
    /// one-second resolution) lost to it, because the first line won the tie.
    @Test func aFailedReportInTheSameSecondAsAPassedOneIsJudged() throws {
        let fixture = try syncedRelease()
        #expect(try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                 "--out", "reports/passed.json", "--notes"]).status == 0)
        try appendReport(fixture) { $0.verdict = .failed }
        for extra in [[], ["--artifact", "dist/a.bin"]] {
            let result = try verifyFromNotes(fixture, extra)
            #expect(result.status == 1, "\(extra): \(result.stdout)")
            #expect(result.stdout.contains("verdict: FAILED"))
        }
    }

    /// Second review, F2: a report dated in the future (an auditor runner's clock a day ahead)
    /// outvoted every later report until the clock caught up.
    @Test func aReportDatedInTheFutureIsNotJudgedTheNewest() throws {
        let fixture = try syncedRelease()
        #expect(try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                 "--out", "reports/passed.json", "--notes"]).status == 0)
        #expect(try verifyFromNotes(fixture).status == 0)
        try appendReport(fixture) { $0.auditedAt = Timestamp.string(Date().addingTimeInterval(86_400)) }
        let result = try verifyFromNotes(fixture, ["--artifact", "dist/a.bin"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stderr.contains("in the future"), "\(result.stderr)")
    }

    /// Finding 3: a FIFO given as the artifact blocked `verify` (and `record build`) forever.
    @Test func aFIFOOrADeviceIsNotAnArtifact() throws {
        let fixture = try syncedRelease()
        #expect(try gate(fixture, ["--notes"]).status == 0)
        #expect(mkfifo(fixture.path("dist/fifo"), 0o644) == 0)
        for artifact in ["dist/fifo", "/dev/null", "/dev/stdin"] {
            let verify = try fixture.run(["verify", "--from-notes", "--release", "v1.0.0", "--repo", "widget", "--policy", "policy.yml",
                                          "--artifact", artifact])
            #expect(verify.status == 2, "\(artifact): \(verify.stderr)")
            #expect(verify.stderr.contains("not a regular file"))
            let record = try fixture.run(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--artifact-file", artifact,
                                          "--key", "keys/release.key", "--out", "evidence/x.json"])
            #expect(record.status == 2, "\(artifact): \(record.stderr)")
        }
    }
}
