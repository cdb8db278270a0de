import AuditCore
import Foundation
import GitFacts
import TestSupport
import Testing

/// Inputs an adversarial review built to make the tool record or accept what is not so, run end to
/// end through the built binary.
@Suite struct AdversarialInputTests {
    /// A submodule hidden by `ignore = all` in `.gitmodules`, checked out at another commit than its
    /// gitlink: the build is not of the commit, so `record build` and `record test` refuse the tree.
    @Test func recordRefusesASubmoduleHiddenByIgnoreAll() throws {
        let f = try GateFixture()
        let library = try GitRepo.create(in: f.root, name: "library")
        try library.commit("lib 1", files: ["lib.swift": "let version = 1\n"])
        try library.commit("lib 2", files: ["lib.swift": "let version = 2\n"])
        try f.git.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + library.path, "vendor/lib")
        try f.git.git("config", "-f", ".gitmodules", "submodule.vendor/lib.ignore", "all")
        try f.git.commit("Vendor the library, hidden from status")
        try GitRepo(existing: f.git.url.appendingPathComponent("vendor/lib")).git("checkout", "-q", "HEAD~1")
        #expect(try f.git.git("status", "--porcelain").isEmpty, "git status looks away")

        for kind in ["build", "test"] {
            let out = f.path("hidden-\(kind).json")
            let key = f.keys.key(kind == "build" ? "release" : "ci")
            let result = try f.tool(["record", kind, "--repo", f.repo, "--key", key, "--out", out, "--notes"]
                                    + (kind == "test" ? ["--result", "passed"] : []))
            #expect(result.status == 2, "\(kind): \(result.stderr)")
            #expect(result.stderr == "release-audit: error: the work tree is dirty (1 path(s): vendor/lib); commit or stash them, or pass --allow-dirty to record them\n")
            #expect(result.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out), "\(kind) wrote \(out)")
        }
        #expect(try f.git.git("notes", "--ref=release-audit", "list").isEmpty)
    }

    /// A 400-byte alias bomb (an alias of nine aliases of ... used as a mapping key) took minutes in
    /// Yams; `policy check` refuses it at once, in one line naming the first anchor.
    @Test func policyCheckRefusesAnAliasBombAtOnce() throws {
        let f = try GateFixture()
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        text += "? *a8\n: v\n"
        #expect(text.utf8.count < 500)
        let file = f.path("bomb.yml")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))

        let start = ContinuousClock.now
        let result = try runProcess(try releaseAuditBinary, ["policy", "check", file], environment: toolEnvironment(home: f.root),
                                    currentDirectory: f.root, timeout: 5)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr == "release-audit: error: \(file):2: anchors and aliases (&name, *name) are not allowed in a policy: write the value out\n")
        #expect(result.stdout.isEmpty)
    }

    /// A JUnit report whose suite counts failures (or errors) that no test case carries records
    /// FAILED, not PASSED.
    @Test(arguments: [
        "<testsuite name=\"s\" tests=\"3\" failures=\"2\"><testcase name=\"a\"/></testsuite>",
        "<testsuites errors=\"1\"><testsuite name=\"s\" tests=\"1\"><testcase name=\"a\"/></testsuite></testsuites>",
        "<testsuites><testsuite name=\"s\" errors=\"1\" skipped=\"5\"><testcase name=\"a\"/></testsuite></testsuites>",
    ])
    func recordTestTakesTheSuiteCountsOfAJUnitReport(xml: String) throws {
        let f = try GateFixture()
        let report = f.path("report.xml")
        try Data(xml.utf8).write(to: URL(fileURLWithPath: report))
        let out = f.path("test.json")
        try f.succeed(["record", "test", "--repo", f.repo, "--key", f.keys.key("ci"), "--junit", report, "--out", out])

        let envelopes = try EvidenceSource.load(path: out)
        try #require(envelopes.count == 1)
        let verified = try EvidenceVerifier.verify(envelopes[0], trustedKeys: [try PublicKey.load(from: f.keys.pub("ci"))], threshold: 1)
        try #require(verified.isVerified, "\(verified.problem ?? "")")
        #expect(verified.testRecord?.result == .failed)
    }
}
