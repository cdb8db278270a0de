import Foundation
import AuditCore
import TestSupport
import Testing

/// `verify --artifact`: a consumer holding a downloaded file asks whether it was gated and
/// PASSED. Exit 0 only for a trusted, PASSED report about the release whose build evidence named
/// that file's SHA-256, with the tag unmoved.
@Suite struct VerifyArtifactTests {
    /// A release v1.0.0 whose build recorded `dist/app.tar.gz`, gated PASSED with its report in
    /// the notes (and in reports/v1.0.0.json).
    func gatedRelease() throws -> HardeningFixture {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", TrustReviewTests.policy)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.write("dist/app.tar.gz", "the release\n")
        try fixture.recordTest(out: "evidence/test.json")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json", extra: ["--artifact-file", "dist/app.tar.gz"])
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json", "--notes"])
        return fixture
    }

    func verify(_ fixture: HardeningFixture, _ extra: [String], report: [String] = ["--from-notes"]) throws -> ProcessOutput {
        try fixture.run(["verify"] + report + ["--release", "v1.0.0", "--repo", "widget", "--policy", "policy.yml", "--format", "json"] + extra)
    }

    func artifactCheck(_ result: ProcessOutput) throws -> [String: Any]? {
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (json?["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "report.artifact" }
    }

    @Test func theGatedFilePassesUnderAnyName() throws {
        let fixture = try gatedRelease()
        try FileManager.default.copyItem(atPath: fixture.path("dist/app.tar.gz"), toPath: fixture.path("Downloads-app-1.0.0.tgz"))
        for report in [["--from-notes"], ["reports/v1.0.0.json"]] {
            let result = try verify(fixture, ["--artifact", "Downloads-app-1.0.0.tgz"], report: report)
            #expect(result.status == 0, "\(report): \(result.stderr)\n\(result.stdout)")
            #expect(try artifactCheck(result)?["status"] as? String == "PASSED")
        }
        let digest = sha256Hex(try fixture.read("dist/app.tar.gz"))
        #expect(try verify(fixture, ["--artifact-digest", "anything@sha256:\(digest.uppercased())"]).status == 0)
    }

    @Test func aFileTheGateNeverSawFails() throws {
        let fixture = try gatedRelease()
        try fixture.write("Downloads/app.tar.gz", "the release, with a backdoor\n")
        for extra in [["--artifact", "Downloads/app.tar.gz"],
                      ["--artifact", "dist/app.tar.gz", "--artifact", "Downloads/app.tar.gz"],
                      ["--artifact-digest", "app@sha256:" + String(repeating: "ab", count: 32)]] {
            let result = try verify(fixture, extra)
            #expect(result.status == 1, "\(extra): \(result.stdout)")
            let check = try artifactCheck(result)
            #expect(check?["status"] as? String == "FAILED")
            #expect((check?["reason"] as? String)?.contains("does not vouch for") == true)
        }
    }

    @Test func theGatedFileOfAMovedTagFails() throws {
        let fixture = try gatedRelease()
        try fixture.git.commit("Later", files: ["README.md": "# widget 2\n"])
        try fixture.git.git("tag", "-f", "-a", "v1.0.0", "-m", "moved")
        let result = try verify(fixture, ["--artifact", "dist/app.tar.gz"], report: ["reports/v1.0.0.json"])
        #expect(result.status == 1)
        #expect(try artifactCheck(result)?["status"] as? String == "PASSED")
        #expect(result.stdout.contains("release.tag-unmoved"))
    }

    @Test func aFailedReportNamingTheFileFails() throws {
        // The gate FAILED (the build came from an untested commit), yet its report names the file.
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", TrustReviewTests.policy)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.recordTest(out: "evidence/test.json")
        try fixture.git.commit("Untested", files: ["README.md": "# widget, changed\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.write("dist/app.tar.gz", "the release\n")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json", extra: ["--artifact-file", "dist/app.tar.gz"])
        let gate = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                    "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json", "--notes"])
        #expect(gate.status == 1)
        let result = try verify(fixture, ["--artifact", "dist/app.tar.gz"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(try artifactCheck(result)?["status"] as? String == "PASSED")
    }

    @Test func artifactsNeedARepositoryAndAReadableFile() throws {
        let fixture = try gatedRelease()
        let noRepo = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "policy.yml", "--artifact", "dist/app.tar.gz"])
        #expect(noRepo.status == 64)
        #expect(noRepo.stderr.contains("pass --repo"))
        #expect(try verify(fixture, ["--artifact", "missing.tgz"]).status == 2)
        #expect(try verify(fixture, ["--artifact", "dist"]).status == 2)
        #expect(try verify(fixture, ["--artifact-digest", "app@sha256:abc"]).status == 2)
    }
}
