import AuditCore
import Foundation
import TestSupport
import Testing

/// The signed example in `reports/example/` (made by `release-audit demo`): every later version of
/// release-audit must still verify and read it, and it must match the published schema. Reports
/// made today must match the schema too.
@Suite struct VerifyExampleReportTests {
    static let example = packageRoot.appendingPathComponent("reports/example/v1.0.0.json").path
    static let auditorKey = packageRoot.appendingPathComponent("reports/example/auditor.pub").path
    /// The check ids, in the order reports/README.md documents.
    static let checkIDs = ["evidence.signatures", "evidence.repository", "test.result", "source.match", "build.source",
                           "release.tag", "release.rc-to-ga", "worktree.clean", "source.protected-branch",
                           "evidence.freshness", "repository.safety"]

    @Test func theBinaryVerifiesTheExample() throws {
        let home = try TemporaryDirectory()
        let result = try runProcess(try releaseAuditBinary, ["verify", Self.example, "--release", "v1.0.0", "--trusted-key", Self.auditorKey],
                                    environment: toolEnvironment(home: home.url))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("signature: valid (signed by "))
        #expect(result.stdout.contains("verdict: PASSED"))
        #expect(result.stderr.isEmpty)

        let json = try runProcess(try releaseAuditBinary, ["verify", Self.example, "--release", "v1.0.0", "--trusted-key", Self.auditorKey, "--format", "json"],
                                  environment: toolEnvironment(home: home.url))
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["verdict"] as? String == "PASSED")
    }

    @Test func theAPIVerifiesAndReadsTheExample() throws {
        let loaded = try #require(try EvidenceSource.load(path: Self.example).first)
        let key = try PublicKey.load(from: Self.auditorKey)
        let verified = try ReportStatement.verify(loaded, trustedKeys: [key])
        #expect(verified.signerKeyIDs == [key.keyID])
        let report = verified.report
        #expect(report.formatVersion == 1)
        #expect(report.verdict == .passed)
        #expect(report.checks.map(\.id) == Self.checkIDs)
        #expect(report.failedChecks.isEmpty)
        #expect(report.release.tag == "v1.0.0")
        #expect(report.tested?.commit == report.release.commit)
        #expect(report.inputs.count == 2 && report.inputs.allSatisfy(\.verified))
        #expect(report.artifacts.count == 1)
        #expect(verified.subjects.first?.digest["gitCommit"] == report.release.commit)
        #expect(verified.subjects.count == 1 + report.artifacts.count)

        // Only the auditor key verifies it.
        #expect(throws: ReportStatement.Failure.self) {
            _ = try ReportStatement.verify(loaded, trustedKeys: [SigningKey.generate().publicKey])
        }
    }

    @Test func theExampleMatchesTheSchema() throws {
        let schema = try GateReportSchema.load()
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.example))) as? [String: Any])
        #expect(envelope["payloadType"] as? String == "application/vnd.in-toto+json")
        #expect((envelope["signatures"] as? [Any])?.count == 1)
        let statement = try statementJSON(envelope)
        #expect(schema.problems(statement) == [])
    }

    @Test func theExampleFolderHoldsNoPrivateKey() throws {
        let folder = packageRoot.appendingPathComponent("reports/example").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["auditor.pub", "v1.0.0.json"])
        #expect(throws: KeyError.self) { _ = try SigningKey(pem: try String(contentsOfFile: Self.auditorKey, encoding: .utf8)) }
    }

    /// Reports the gate makes now (PASSED, and FAILED with changed paths) match the schema, and the
    /// checker is not vacuous: broken reports do not.
    @Test func reportsMadeTodayMatchTheSchema() throws {
        let schema = try GateReportSchema.load()
        let f = try GateFixture()
        try f.testedRelease("v1.0.0")
        try f.git.commit("Untested", files: ["src/widget.swift": "let speed = 2\n", "src/new.swift": "let new = 1\n"])
        try f.git.tag("v1.1.0")
        try f.recordBuild("v1.1.0", ["--artifact-file", f.path("widget/VERSION")])
        for (release, status) in [("v1.0.0", Int32(0)), ("v1.1.0", Int32(1))] {
            let run = try f.gate(release, policy: "version-bump")
            expectVerdict(run, status)
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.reportPath))) as? [String: Any])
            let statement = try statementJSON(envelope)
            #expect(schema.problems(statement) == [], "\(release)")
        }

        let example = try statementJSON(try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.example))) as? [String: Any]))
        let breakages: [(String, (inout [String: Any]) -> Void)] = [
            ("verdict", { $0["verdict"] = "MAYBE" }),
            ("required auditedAt", { $0.removeValue(forKey: "auditedAt") }),
            ("checks[0].status", { report in
                var checks = report["checks"] as? [[String: Any]] ?? []
                checks[0]["status"] = "OK"
                report["checks"] = checks
            }),
            ("release.commit", { report in
                var release = report["release"] as? [String: Any] ?? [:]
                release["commit"] = "not-a-commit"
                report["release"] = release
            }),
            ("formatVersion", { $0["formatVersion"] = 2 }),
            ("inputs[0].verified", { report in
                var inputs = report["inputs"] as? [[String: Any]] ?? []
                inputs[0]["verified"] = "yes"
                report["inputs"] = inputs
            }),
        ]
        for (name, breakIt) in breakages {
            var statement = example
            var predicate = statement["predicate"] as? [String: Any] ?? [:]
            breakIt(&predicate)
            statement["predicate"] = predicate
            #expect(!schema.problems(statement).isEmpty, "breaking \(name) went unnoticed")
        }
    }

    private func statementJSON(_ envelope: [String: Any]) throws -> [String: Any] {
        let payload = try #require(Data(base64Encoded: envelope["payload"] as? String ?? ""))
        return try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }
}
