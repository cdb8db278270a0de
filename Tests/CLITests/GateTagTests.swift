import AuditCore
import Foundation
import TestSupport
import Testing

/// The gate end to end on tags: `release.tag` (exists, names a commit, GA pattern, annotated,
/// not re-created since the build) and `release.rc-to-ga` (the GA against its last RC).
@Suite struct GateTagTests {
    // MARK: release.tag

    @Test func aLightweightTagPassesUnlessThePolicyWantsAnnotated() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate()
        expectVerdict(run, 0)
        expectCheck(run, "release.tag", .passed, mentioning: "v1.0.0 (lightweight)")
        #expect(run.report?.release.tagAnnotated == false)
        #expect(run.report?.release.tagObject == nil)

        let annotated = try f.policy("version: 1\ntag:\n  annotated: true\n")
        let strict = try f.gate("v1.0.0", policy: annotated)
        expectVerdict(strict, 1)
        expectCheck(strict, "release.tag", .failed, mentioning: "v1.0.0 is lightweight; the policy requires an annotated tag")
    }

    /// `--release refs/tags/v1.0.0` (GitHub's GITHUB_REF) is the same release as `--release v1.0.0`.
    @Test func aTagGivenAsAFullRefIsReportedByItsName() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let result = try f.tool(["gate", "--repo", f.repo, "--release", "refs/tags/v1.0.0", "--key", f.keys.key("auditor"),
                                 "--tester-key", f.keys.pub("ci"), "--builder-key", f.keys.pub("release")])
        #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
        let path = f.path("reports/v1.0.0.json")
        let report = try f.readReport(path)
        #expect(report.release.tag == "v1.0.0")
        #expect(report.release.ref == "refs/tags/v1.0.0")
        let subject = try #require(try ReportStatement.verify(try EvidenceSource.load(path: path)[0],
                                                              trustedKeys: [try PublicKey.load(from: f.keys.pub("auditor"))]).subjects.first)
        #expect(subject.name == "git+\(GateFixture.identity)@refs/tags/v1.0.0")
        // And `verify --repo` finds the tag.
        let verified = try f.tool(["verify", path, "--release", "v1.0.0", "--trusted-key", f.keys.pub("auditor"), "--repo", f.repo])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    @Test func aMissingTagCannotBeAudited() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.recordBuild("HEAD", ["--out", f.path("build.json"), "--artifact", "a@sha256:" + String(repeating: "0", count: 64)])
        // With or without artifacts in the build evidence: no commit, nothing to audit, nothing written.
        for extra in [[], ["--build-evidence", f.path("build.json")]] {
            let run = try f.gate("v9.9.9", extra)
            #expect(run.status == 2)
            #expect(run.stderr == "release-audit: error: tag v9.9.9 does not exist in this repository: check the name, or fetch the tags (git fetch --tags)\n")
            #expect(run.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: run.reportPath))
        }
    }

    @Test func aTagOfATreeCannotBeAudited() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.git("tag", "-a", "v1.0.0", "HEAD^{tree}", "-m", "a tree")
        let run = try f.gate()
        #expect(run.status == 2)
        #expect(run.stderr == "release-audit: error: tag v1.0.0 names a tree, not a commit: there is no release commit to audit\n")
        #expect(!FileManager.default.fileExists(atPath: run.reportPath))
    }

    @Test func anRCTagIsNotAGARelease() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.recordBuild("v1.0.0-rc.1")
        let run = try f.gate("v1.0.0-rc.1")
        expectVerdict(run, 1)
        expectCheck(run, "release.tag", .failed, mentioning: "v1.0.0-rc.1 is not a GA tag under the policy's release pattern v{version}")
    }

    /// The tag is deleted and made again on the same commit after the build: a new tag object.
    @Test func aTagRecreatedAfterTheBuildFails() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let original = try f.git.revParse("refs/tags/v1.0.0")
        try f.git.git("tag", "-f", "-a", "v1.0.0", "HEAD", "-m", "1.0.0 again")
        let recreated = try f.git.revParse("refs/tags/v1.0.0")
        #expect(recreated != original)
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "release.tag", .failed,
                    mentioning: "re-created after the build (tag object \(original.prefix(7)) then, \(recreated.prefix(7)) now)")
        // Everything else about the release is in order.
        expectCheck(run, "source.match", .passed)
        expectCheck(run, "build.source", .passed)
        #expect(run.report?.release.tagObject == recreated)
    }


    /// What actions/checkout does to the tag that triggered a run: the annotated tag is re-created
    /// as a lightweight one on the same commit. The gate still FAILS, and names the cause and the
    /// fix; `record build` in such a clone warns before anything is built on it.
    @Test func anAnnotatedTagRecreatedLightweightByTheCheckoutNamesTheCauseAndTheFix() throws {
        let f = try GateFixture()
        try f.testedRelease()
        try f.git.git("tag", "-f", "v1.0.0", "v1.0.0^{commit}")
        let run = try f.gate()
        expectVerdict(run, 1)
        expectCheck(run, "release.tag", .failed, mentioning: "it names the same commit, but v1.0.0 is lightweight in this clone")
        expectCheck(run, "release.tag", .failed, mentioning: "git fetch --force --tags origin")

        let record = try f.recordBuild("v1.0.0")
        #expect(record.stderr.contains("warning: v1.0.0 is lightweight in this clone"))
        #expect(record.stderr.contains("actions/checkout"))
    }
    @Test func buildEvidenceRecordedForAnotherTagFails() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.git.tag("v1.0.0-final", message: "the same commit")
        try f.recordBuild("v1.0.0-final")
        let run = try f.gate()
        expectVerdict(run, 1)
        // In the notes, a build of another tag on the same commit does not count for this release...
        expectCheck(run, "build.source", .failed, mentioning: "builds of other tags only (v1.0.0-final)")
        // ...and given as a file, it is this release's build evidence by the caller's word: refused.
        let file = f.path("final-build.json")
        try f.recordBuild("v1.0.0-final", ["--out", file])
        let named = try f.gate("v1.0.0", ["--build-evidence", file])
        expectVerdict(named, 1)
        expectCheck(named, "release.tag", .failed, mentioning: "recorded for tag v1.0.0-final, not v1.0.0")
    }

    // MARK: release.rc-to-ga

    private static let rcPolicy = "version: 1\nrc:\n  match: same-commit\n"

    @Test func aGAOnItsRCsCommitPasses() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.rcPolicy))
        expectVerdict(run, 0)
        expectCheck(run, "release.rc-to-ga", .passed, mentioning: "v1.0.0 against v1.0.0-rc.1 (same-commit): same commit")
        #expect(run.check("release.rc-to-ga")?.facts?["rc"] == "v1.0.0-rc.1")
    }

    @Test func aGAThatMovedOnFromItsRCFails() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.git.commit("After the RC", files: ["src/widget.swift": "let speed = 2\n"])
        try f.recordTest()
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.rcPolicy))
        expectVerdict(run, 1)
        // The release is exactly what was tested; only the RC rule fails.
        expectCheck(run, "source.match", .passed)
        expectCheck(run, "release.rc-to-ga", .failed, mentioning: "against v1.0.0-rc.1", "1 commit(s) after")
        #expect(run.check("release.rc-to-ga")?.paths?.map(\.path) == ["src/widget.swift"])
    }

    /// RC 9 (`-rc.9`) on an older commit, RC 10 (`-rc10`, the other spelling) on the GA's commit,
    /// and RC 11 tagged on the old commit after the GA: RC 10 is the last RC (numbers, not text).
    @Test func theHighestNumberedRCBeforeTheGAIsChosen() throws {
        let f = try GateFixture()
        let old = try f.id("HEAD")
        try f.git.tag("v1.0.0-rc.9", message: "rc 9")
        try f.git.commit("Fix", files: ["src/widget.swift": "let speed = 2\n"])
        try f.recordTest()
        try f.git.tag("v1.0.0-rc10", message: "rc 10")
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.git.tag("v1.0.0-rc.11", old, message: "rc 11, after the GA")
        try f.git.tag("v1.1.0-rc.12", message: "another version")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.rcPolicy))
        expectVerdict(run, 0)
        expectCheck(run, "release.rc-to-ga", .passed, mentioning: "against v1.0.0-rc10", "same commit")
        let facts = run.check("release.rc-to-ga")?.facts ?? [:]
        #expect(facts["rc"] == "v1.0.0-rc10")
        #expect(facts["why"]?.contains("highest-numbered release candidate of 1.0.0 (rc 10 of 2)") == true)
        #expect(facts["why"]?.contains("tagged after the GA and ignored: v1.0.0-rc.11") == true)
    }

    /// A lightweight GA tag has no time of its own: an annotated RC made after the commit (as RCs
    /// always are) still counts as before it.
    @Test func aLightweightGAOnItsRCsCommitPasses() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.git.tag("v1.0.0")
        try f.recordBuild("v1.0.0")
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.rcPolicy))
        expectVerdict(run, 0)
        expectCheck(run, "release.rc-to-ga", .passed, mentioning: "against v1.0.0-rc.1", "same commit")
    }

    @Test func aGAWithoutAnyRCFailsTheRCRule() throws {
        let f = try GateFixture()
        try f.testedRelease()
        let run = try f.gate("v1.0.0", policy: try f.policy(Self.rcPolicy))
        expectVerdict(run, 1)
        expectCheck(run, "release.rc-to-ga", .failed, mentioning: "no release candidate of 1.0.0 exists")
    }
}
