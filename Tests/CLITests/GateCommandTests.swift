import AuditCore
import Foundation
import TestSupport
import Testing

/// `release-audit gate` as a command: exit codes, what is (and is not) written, output formats,
/// the VSA, GitHub Actions mode, and never replacing a report without --force.
@Suite struct GateCommandTests {
    /// A passing release (v1.0.0) and a failing one (v1.1.0: an untested commit), evidence in the notes.
    private func twoReleases() throws -> GateFixture {
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.commit("Untested", files: ["src/widget.swift": "let speed = 2\n"])
        try f.git.tag("v1.1.0", message: "1.1.0")
        try f.recordBuild("v1.1.0")
        return f
    }

    @Test func exitZeroForPassedAndOneForFailedWithTheReportWrittenAndSigned() throws {
        let f = try twoReleases()
        let passed = try f.gate("v1.0.0")
        expectVerdict(passed, 0)
        #expect(passed.stderr.isEmpty)
        #expect(passed.stdout.hasSuffix("verdict: PASSED  (signed report: \(passed.reportPath))\n"))

        let failed = try f.gate("v1.1.0")
        expectVerdict(failed, 1)
        // A failed gate is audit evidence too: signed by the auditor key (readReport verified it).
        #expect(failed.report?.failedChecks.map(\.id) == ["source.match"])
        #expect(failed.stdout.contains("verdict: FAILED"))
        #expect(failed.stderr.isEmpty)
        let line = try String(contentsOfFile: failed.reportPath, encoding: .utf8)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
    }

    @Test func theDefaultReportPathIsReportsSlashTag() throws {
        let f = try GateFixture()
        try f.testedRelease("release/v1.0.0")
        let policy = try f.policy("version: 1\ntag:\n  prefix: release/\n")
        let result = try f.tool(["gate", "--repo", f.repo, "--release", "release/v1.0.0", "--policy", policy,
                                 "--key", f.keys.key("auditor"), "--tester-key", f.keys.pub("ci"), "--builder-key", f.keys.pub("release")])
        #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
        #expect(try f.readReport(f.path("reports/release_v1.0.0.json")).verdict == .passed)
    }

    @Test func aRevisionInsteadOfATagSkipsTheTagChecks() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.recordBuild("HEAD")
        let run = try f.gate(nil, ["--release-rev", "main"])
        expectVerdict(run, 0)
        expectCheck(run, "release.tag", .skipped, mentioning: "--release-rev")
        #expect(run.report?.release.tag == nil)
        #expect(run.report?.release.commit == (try f.id("main")))
    }

    // MARK: Exit 2: nothing written

    @Test func unusableInputIsExitTwoWithOneLineAndNothingWritten() throws {
        let f = try twoReleases()
        try f.file("garbage.json", "not json\n")
        try f.file("bad-policy.yml", "version: 1\nsource:\n  match: exact-commit\n  colour: red\n")
        try f.file("bad.key", "not a key\n", mode: 0o600)
        try f.file("open.key", try String(contentsOfFile: f.keys.key("auditor"), encoding: .utf8), mode: 0o644)
        try FileManager.default.createDirectory(atPath: f.path("plain"), withIntermediateDirectories: true)

        let base = ["gate", "--release", "v1.0.0", "--tester-key", f.keys.pub("ci"), "--builder-key", f.keys.pub("release")]
        let cases: [(String, [String])] = [
            ("unreadable evidence", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--test-evidence", f.path("garbage.json")]),
            ("missing evidence file", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--build-evidence", f.path("nope.json")]),
            ("bad policy", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--policy", f.path("bad-policy.yml")]),
            ("missing policy", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--policy", f.path("nope.yml")]),
            ("bad key", ["--repo", f.repo, "--key", f.path("bad.key")]),
            ("world-readable key", ["--repo", f.repo, "--key", f.path("open.key")]),
            ("public key to sign", ["--repo", f.repo, "--key", f.keys.pub("auditor")]),
            ("bad trusted key", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--tester-key", f.path("garbage.json")]),
            ("not a repository", ["--repo", f.path("plain"), "--key", f.keys.key("auditor")]),
            ("unknown revision", ["--repo", f.repo, "--key", f.keys.key("auditor"), "--release-rev", "no-such-branch"]),
        ]
        for (name, extra) in cases {
            var arguments = base + extra + ["--out", f.path("out/\(name).json"), "--vsa", f.path("out/\(name).vsa.json")]
            if extra.contains("--release-rev") { arguments.removeSubrange(1...2) }
            let result = try f.tool(arguments)
            #expect(result.status == 2, "\(name): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("release-audit: error: "), "\(name): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(name): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(name): \(result.stdout)")
        }
        // Not a report, not a VSA, not even the directory for them.
        #expect(!FileManager.default.fileExists(atPath: f.path("out")))
    }

    @Test func usageErrorsAreExit64() throws {
        let f = try GateFixture()
        let key = ["--key", f.keys.key("auditor")]
        for arguments in [["gate", "--release", "v1.0.0"], ["gate"] + key, ["gate", "--release", "v1", "--release-rev", "HEAD"] + key,
                          ["gate", "--release", "v1", "--format", "yaml"] + key, ["gate", "--release", "v1", "--out", ""] + key,
                          ["gate", "--release", "v1", "--out", f.path("r.json"), "--vsa", f.path("./r.json")] + key,
                          ["gate", "--release", "v1/x", "--vsa", "reports/v1_x.json"] + key] {
            let result = try f.tool(arguments + ["--repo", f.repo])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: f.path("r.json")))
    }

    @Test func anExistingReportIsNotReplacedWithoutForce() throws {
        let f = try twoReleases()
        let out = f.path("reports/release.json")
        let first = try f.gate("v1.0.0", ["--out", out])
        expectVerdict(first, 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: out))

        let again = try f.gate("v1.1.0", ["--out", out])
        #expect(again.status == 2)
        #expect(again.stderr == "release-audit: error: the report \(out) already exists: pass --force to replace it, or --out another file\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == original)

        let forced = try f.gate("v1.1.0", ["--out", out, "--force"])
        expectVerdict(forced, 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) != original)

        // The same for an existing VSA file.
        try f.file("vsa.json", "keep me\n")
        let vsa = try f.gate("v1.0.0", ["--vsa", f.path("vsa.json")])
        #expect(vsa.status == 2)
        #expect(vsa.stderr.contains("already exists"))
        #expect(vsa.report == nil)
        #expect(try String(contentsOfFile: f.path("vsa.json"), encoding: .utf8) == "keep me\n")
    }

    // MARK: Output formats

    @Test func jsonOutputHasTheVerdictAndEveryCheck() throws {
        let f = try twoReleases()
        for (release, verdict) in [("v1.0.0", "PASSED"), ("v1.1.0", "FAILED")] {
            let run = try f.gate(release, ["--format", "json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["verdict"] as? String == verdict)
            #expect(json["reportPath"] as? String == run.reportPath)
            let checks = try #require(json["checks"] as? [[String: Any]])
            #expect(checks.compactMap { $0["id"] as? String } == run.report?.checks.map(\.id))
            #expect(checks.compactMap { $0["status"] as? String } == run.report?.checks.map(\.status.rawValue))
            #expect(checks.count == 11)
            #expect((json["release"] as? [String: Any])?["tag"] as? String == release)
        }
    }

    @Test func markdownOutputHasATableOfChecks() throws {
        let f = try twoReleases()
        let passed = try f.gate("v1.0.0", ["--format", "markdown"])
        #expect(passed.stdout.hasPrefix("### ✅ release-audit: `v1.0.0` PASSED\n"))
        #expect(passed.stdout.contains("| Check | Status | Reason |"))
        #expect(passed.stdout.contains("| `source.match` | ✅ PASSED |"))
        let failed = try f.gate("v1.1.0", ["--format", "markdown"])
        #expect(failed.status == 1)
        #expect(failed.stdout.hasPrefix("### ❌ release-audit: `v1.1.0` FAILED\n"))
        #expect(failed.stdout.contains("| `source.match` | ❌ FAILED |"))
        #expect(failed.stdout.contains("Paths not allowed by the policy:\n\n- `src/widget.swift` (modified)"))
    }

    @Test func theVSAIsSignedAndCarriesTheVerdict() throws {
        let f = try twoReleases()
        let auditor = try PublicKey.load(from: f.keys.pub("auditor"))
        for (release, verdict) in [("v1.0.0", "PASSED"), ("v1.1.0", "FAILED")] {
            let vsaPath = f.path("\(release).vsa.json")
            let run = try f.gate(release, ["--vsa", vsaPath])
            let report = try #require(run.report)
            let loaded = try #require(try EvidenceSource.load(path: vsaPath).first)
            let verification = loaded.envelope.verify(trustedKeys: [auditor])
            #expect(verification.isValid)
            let payload = try #require(verification.verifiedPayload)
            let statement = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(statement["predicateType"] as? String == "https://slsa.dev/verification_summary/v1")
            let predicate = try #require(statement["predicate"] as? [String: Any])
            #expect(predicate["verificationResult"] as? String == verdict)
            #expect((predicate["policy"] as? [String: Any])?["digest"] as? [String: String] == ["sha256": report.policy.sha256])
            let inputs = (predicate["inputAttestations"] as? [[String: Any]] ?? []).compactMap { ($0["digest"] as? [String: String])?["sha256"] }
            #expect(inputs == report.inputs.map(\.sha256))
            let subject = (statement["subject"] as? [[String: Any]])?.first
            #expect((subject?["digest"] as? [String: String])?["gitCommit"] == report.release.commit)
            #expect(subject?["name"] as? String == "git+\(GateFixture.identity)@refs/tags/\(release)")
        }
    }

    // MARK: GitHub Actions

    @Test func underGitHubActionsFailedChecksAreAnnotatedAndTheSummaryIsAppended() throws {
        let f = try twoReleases()
        let summary = try f.file("summary.md", "previous step\n")
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary]

        let failed = try f.gate("v1.1.0", ["--format", "json"], environment: env)
        #expect(failed.status == 1)
        let errors = failed.stderr.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("::error title=release-audit source.match::the release commit ") == true)
        // Annotations never corrupt stdout: it is exactly the JSON.
        let json = try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any]
        #expect(json?["verdict"] as? String == "FAILED")

        let passed = try f.gate("v1.0.0", environment: env)
        #expect(passed.status == 0)
        #expect(!passed.stderr.contains("::error"))

        let text = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(text.hasPrefix("previous step\n### ❌ release-audit: `v1.1.0` FAILED\n"))
        #expect(text.contains("### ✅ release-audit: `v1.0.0` PASSED\n"))
        #expect(text.components(separatedBy: "| Check | Status | Reason |").count == 3)
    }

    @Test func outsideGitHubActionsThereAreNoAnnotations() throws {
        let f = try twoReleases()
        let summary = try f.file("summary.md", "")
        let run = try f.gate("v1.1.0", environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(run.status == 1)
        #expect(!run.stdout.contains("::error") && !run.stderr.contains("::error"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: summary)).isEmpty)
    }
}
