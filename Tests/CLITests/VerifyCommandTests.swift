import AuditCore
import Foundation
import TestSupport
import Testing

/// `release-audit verify` end to end: signatures, verdicts, tampering, and tags that moved since.
@Suite struct VerifyCommandTests {
    /// A passed report of v1.0.0 and a failed one of v1.1.0 (an untested commit).
    private func reports() throws -> (GateFixture, passed: String, failed: String) {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        let passed = try f.gate("v1.0.0")
        try #require(passed.status == 0)
        try f.git.commit("Untested", files: ["src/widget.swift": "let speed = 2\n"])
        try f.git.tag("v1.1.0", message: "1.1.0")
        try f.recordBuild("v1.1.0")
        let failed = try f.gate("v1.1.0")
        try #require(failed.status == 1)
        return (f, passed.reportPath, failed.reportPath)
    }

    /// `verify` of a report for the release it is about (v1.1.0 for the failed one, else v1.0.0).
    private func verify(_ f: GateFixture, _ report: String, key: String = "auditor", _ extra: [String] = [],
                        release: String? = nil) throws -> ProcessOutput {
        let tag = release ?? (report.hasSuffix("/2.json") ? "v1.1.0" : "v1.0.0")
        return try f.tool(["verify", report, "--release", tag, "--auditor-key", f.keys.pub(key)] + extra)
    }

    @Test func aValidPassedReportIsExitZero() throws {
        let (f, passed, _) = try reports()
        let result = try verify(f, passed)
        #expect(result.status == 0, "\(result.stderr)")
        let auditorID = try PublicKey.load(from: f.keys.pub("auditor")).keyID
        #expect(result.stdout.hasPrefix("signature: valid (signed by \(auditorID.prefix(16)))\n"))
        #expect(result.stdout.contains("verdict: PASSED"))
        #expect(result.stderr.isEmpty)

        let unmoved = try verify(f, passed, ["--repo", f.repo])
        #expect(unmoved.status == 0)
        #expect(unmoved.stdout.contains("PASSED  release.tag-unmoved"))
    }

    @Test func aFailedReportIsExitOne() throws {
        let (f, _, failed) = try reports()
        let result = try verify(f, failed)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("signature: valid"))
        #expect(result.stdout.contains("verdict: FAILED"))
        #expect(result.stdout.contains("FAILED  source.match"))
    }

    @Test func aReportCheckedWithTheWrongKeyIsExitOne() throws {
        let (f, passed, _) = try reports()
        for key in ["stranger", "ci"] {
            let result = try verify(f, passed, key: key)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("release-audit: error: \(passed): the report's signature does not verify: no signature verifies with a trusted key"))
        }
    }

    @Test func aTamperedReportIsExitOne() throws {
        let (f, _, failed) = try reports()
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: failed))) as? [String: Any])
        let payload = try #require(Data(base64Encoded: envelope["payload"] as? String ?? ""))
        let text = String(decoding: payload, as: UTF8.self)
        let forged = text.replacingOccurrences(of: #""verdict":"FAILED""#, with: #""verdict":"PASSED""#)
        try #require(forged != text)

        var tampered = envelope
        tampered["payload"] = Data(forged.utf8).base64EncodedString()
        let tamperedPath = f.path("tampered.json")
        try JSONSerialization.data(withJSONObject: tampered).write(to: URL(fileURLWithPath: tamperedPath))
        let result = try verify(f, tamperedPath)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("the report's signature does not verify"))

        // A flipped bit in the signature.
        var signatures = try #require(envelope["signatures"] as? [[String: Any]])
        var sig = try #require(Data(base64Encoded: signatures[0]["sig"] as? String ?? ""))
        sig[0] ^= 1
        signatures[0]["sig"] = sig.base64EncodedString()
        var badSignature = envelope
        badSignature["signatures"] = signatures
        try JSONSerialization.data(withJSONObject: badSignature).write(to: URL(fileURLWithPath: tamperedPath))
        let flipped = try verify(f, tamperedPath)
        #expect(flipped.status == 1)
        #expect(flipped.stderr.contains("the report's signature does not verify"))
    }

    @Test func aTagMovedDeletedOrRecreatedSinceTheAuditIsExitOne() throws {
        let (f, passed, _) = try reports()
        let audited = try f.id("v1.0.0")
        let untested = try f.id("v1.1.0")

        try f.git.git("tag", "-f", "-a", "v1.0.0", untested, "-m", "moved")
        let moved = try verify(f, passed, ["--repo", f.repo])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("FAILED  release.tag-unmoved"))
        #expect(moved.stdout.contains("tag v1.0.0 moved: it named \(audited) when audited, now \(untested)"))
        #expect(moved.stdout.contains("verdict: FAILED"))
        // Without --repo the report itself is still valid and PASSED.
        #expect(try verify(f, passed).status == 0)

        try f.git.git("tag", "-d", "v1.0.0")
        let deleted = try verify(f, passed, ["--repo", f.repo])
        #expect(deleted.status == 1)
        #expect(deleted.stdout.contains("tag v1.0.0 no longer exists (deleted since the audit)"))

        try f.git.git("tag", "-a", "v1.0.0", audited, "-m", "made again on the same commit")
        let recreated = try verify(f, passed, ["--repo", f.repo, "--format", "json"])
        #expect(recreated.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(recreated.stdout.utf8)) as? [String: Any])
        #expect(json["verdict"] as? String == "FAILED")
        let check = (json["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "release.tag-unmoved" }
        #expect(check?["status"] as? String == "FAILED")
        #expect((check?["reason"] as? String)?.hasPrefix("tag v1.0.0 was re-created: tag object ") == true)
        // The report file itself is never changed by verify.
        #expect(try f.readReport(passed).checks.count == 11)
    }

    /// Under GitHub Actions the failed checks are annotated on stderr; stdout stays the JSON.
    @Test func underGitHubActionsFailuresAreAnnotatedAndJSONStaysClean() throws {
        let (f, passed, _) = try reports()
        try f.git.git("tag", "-d", "v1.0.0")
        let result = try f.tool(["verify", passed, "--release", "v1.0.0", "--trusted-key", f.keys.pub("auditor"), "--repo", f.repo, "--format", "json"],
                                environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["verdict"] as? String == "FAILED")
        #expect(result.stderr.contains("::error title=release-audit release.tag-unmoved::tag v1.0.0 no longer exists"))
    }

    @Test func somethingThatIsNotAReportIsExitTwo() throws {
        let (f, passed, _) = try reports()
        try f.file("garbage.json", "garbage\n")
        try f.file("empty.json", "")
        // Evidence, signed by the auditor key: a valid envelope, but not a report.
        try f.recordTest("HEAD", key: "auditor", ["--out", f.path("evidence.json")])
        // Two reports in one file.
        let two = try String(contentsOfFile: passed, encoding: .utf8) + String(contentsOfFile: passed, encoding: .utf8)
        try f.file("two.json", two)

        for (name, mentions) in [("garbage.json", "not a readable DSSE envelope"), ("empty.json", "empty"),
                                 ("evidence.json", "the report is malformed: predicateType"), ("two.json", "holds 2 envelopes"),
                                 ("missing.json", "not found")] {
            let result = try verify(f, f.path(name))
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("release-audit: error: "))
            #expect(result.stderr.contains(mentions), "\(name): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        }
        // Not a repository for --repo.
        try FileManager.default.createDirectory(atPath: f.path("plain"), withIntermediateDirectories: true)
        let notRepo = try verify(f, passed, ["--repo", f.path("plain")])
        #expect(notRepo.status == 2)
        #expect(notRepo.stdout.isEmpty)
    }

    @Test func verifyWithoutATrustedKeyIsAUsageError() throws {
        let (f, passed, _) = try reports()
        let result = try f.tool(["verify", passed, "--release", "v1.0.0"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--auditor-key"))
        // And naming the release is not optional: a report vouches for the release it names, not its file's.
        let noRelease = try f.tool(["verify", passed, "--auditor-key", f.keys.pub("auditor")])
        #expect(noRelease.status == 64)
        #expect(noRelease.stderr.contains("--release"))
    }
}
