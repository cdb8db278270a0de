import AuditCore
import Foundation
import TestSupport
import Testing

/// `release-audit verify-evidence` end to end: text and JSON, files, bundles and notes, exit codes.
@Suite struct VerifyEvidenceCommandTests {
    /// A test record (ci), a build record (release) and a test record by an untrusted key, as files.
    private func evidence() throws -> GateFixture {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("test.json")])
        try f.recordBuild("HEAD", ["--out", f.path("build.json")])
        try f.recordTest("HEAD", key: "stranger", ["--out", f.path("stranger.json")])
        return f
    }

    @Test func verifiedEvidenceIsExitZeroWithOneLineEach() throws {
        let f = try evidence()
        let head = try f.id("HEAD")
        let result = try f.tool(["verify-evidence", f.path("test.json"), f.path("build.json"),
                                 "--trusted-key", f.keys.pub("ci"), f.keys.pub("release")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let ci = try PublicKey.load(from: f.keys.pub("ci")).keyID
        #expect(lines.first == "OK      \(f.path("test.json")): test  commit \(head)  result PASSED  signed by \(ci.prefix(16))")
        #expect(lines.last?.hasPrefix("OK      \(f.path("build.json")): build  commit \(head)  signed by ") == true)
    }

    @Test func anEnvelopeThatFailsIsExitOneInTextAndJSON() throws {
        let f = try evidence()
        let arguments = ["verify-evidence", f.path("test.json"), f.path("stranger.json"), "--trusted-key", f.keys.pub("ci")]
        let text = try f.tool(arguments)
        #expect(text.status == 1)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("OK      ") == true)
        #expect(lines.last?.hasPrefix("FAILED  \(f.path("stranger.json")): no signature verifies with a trusted key") == true)

        let json = try f.tool(arguments + ["--json"])
        #expect(json.status == 1)
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.map { $0["verified"] as? Bool } == [true, false])
        #expect(summaries.map { $0["type"] as? String } == ["test", "unverified"])
        #expect(summaries[0]["result"] as? String == "PASSED")
        #expect(summaries[1]["problem"] as? String != nil)
        #expect(summaries[0]["sha256"] as? String == sha256Hex(try Data(contentsOf: URL(fileURLWithPath: f.path("test.json")))))
    }

    /// A JSON Lines bundle, and a threshold no single signature meets.
    @Test func aBundleIsReadLineByLineAndTheThresholdApplies() throws {
        let f = try evidence()
        let bundle = try String(contentsOfFile: f.path("test.json"), encoding: .utf8)
            + String(contentsOfFile: f.path("build.json"), encoding: .utf8)
        try f.file("all.intoto.jsonl", bundle)
        let keys = ["--trusted-key", f.keys.pub("ci"), f.keys.pub("release")]
        let result = try f.tool(["verify-evidence", f.path("all.intoto.jsonl"), "--json"] + keys)
        #expect(result.status == 0)
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.compactMap { $0["source"] as? String } == ["\(f.path("all.intoto.jsonl"))#1", "\(f.path("all.intoto.jsonl"))#2"])

        let threshold = try f.tool(["verify-evidence", f.path("test.json"), "--threshold", "2"] + keys)
        #expect(threshold.status == 1)
        #expect(threshold.stdout.contains("the threshold is 2"))
    }

    @Test func notesAreReadFromTheCommit() throws {
        let f = try GateFixture()
        try f.recordTest()
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0")
        let result = try f.tool(["verify-evidence", "--notes", "v1.0.0", "--repo", f.repo,
                                 "--trusted-key", f.keys.pub("ci"), f.keys.pub("release")])
        #expect(result.status == 0)
        let commit = try f.id("HEAD")
        #expect(result.stdout.split(separator: "\n").map { $0.prefix(8 + 6 + 40 + 2) } == [
            "OK      notes:\(commit)#1", "OK      notes:\(commit)#2",
        ])

        try f.git.commit("No evidence here")
        let empty = try f.tool(["verify-evidence", "--notes", "HEAD", "--repo", f.repo, "--trusted-key", f.keys.pub("ci")])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no evidence in the note on"))
    }

    @Test func unreadableEvidenceIsExitTwo() throws {
        let f = try evidence()
        try f.file("bad.json", "{\"payload\": 1}\n")
        for file in [f.path("bad.json"), f.path("missing.json")] {
            let result = try f.tool(["verify-evidence", f.path("test.json"), file, "--trusted-key", f.keys.pub("ci")])
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("release-audit: error: "))
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        }
        let usage = try f.tool(["verify-evidence", f.path("test.json")])
        #expect(usage.status == 64)
    }
}
