// Bad evidence and bad reports, through the built binary: `verify-evidence FILE`, `gate --test-evidence
// FILE` (and `--build-evidence`), `verify REPORT`; and the files `record` reads to make evidence.
//
// Decisions (exit status per README: 1 = the audit ran and found a problem, 2 = the input is unusable):
//
// | input                                              | verify-evidence | gate                          | why
// |----------------------------------------------------|-----------------|-------------------------------|-----------------------------------------------
// | truncated JSON, not UTF-8, not an object           | 2               | 2, no report                  | not an envelope at all
// | duplicate key in the envelope                      | 2               | 2, no report                  | two parsers must never read different values
// | duplicate key in the signed statement              | 2               | 2, no report                  | same, one layer down (the signature is valid)
// | base64 garbage (payload or sig), missing fields    | 2               | 2, no report                  | not a DSSE envelope
// | over the 16 MiB limit (a 4 GiB sparse file)        | 2               | 2, no report                  | refused after reading limit+1 bytes
// | empty, missing, a directory, a bad bundle line     | 2               | 2, no report                  | unreadable input
// | payloadType not in-toto, signed by a trusted key   | 2               | 2, no report                  | verified, but not a statement we read
// | wrong _type / bad gitCommit / missing predicate    | 2               | 2, no report                  | signed by a trusted key, so really parsed:
// |   fields / no subject (signed by a trusted key)    |                 |                               |   a trusted signer produced garbage
// | build provenance given as --test-evidence          | -               | 2, no report                  | a command-line mistake, said so
// | no signatures                                      | 1 (FAILED line) | 1, evidence.signatures FAILED | "a signature did not verify": a finding; the
// |                                                    |                 |   (report written)            |   gate's FAILED report is audit evidence too
// | payloadType changed after signing                  | 1 (FAILED line) | 1, evidence.signatures FAILED | payloadType is signed (PAE): a bad signature
// | report: truncated, duplicate key, not a report     | verify: 2       |                               | unusable input
// | record's JUnit XML (truncated, DOCTYPE, not JUnit,  | record test: 2  |                               | unusable input, nothing recorded
// |   a directory) and --artifact-file (a directory)   | record build: 2 |                               |
//
// Malformed statements are signed with the trusted tester (or builder) key through the AuditCore API, so
// the parser is reached: verification comes first, and an unsigned statement is never parsed.
import AuditCore
import Foundation
import TestSupport
import Testing

@Suite struct BadInputEvidenceTests {
    /// Every evidence case through `verify-evidence` and `gate --test-evidence`.
    @Test func unusableEvidenceIsAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let good = try fixture.read("evidence/test.json")
        let goodText = String(decoding: good, as: UTF8.self)
        let statement = try fixture.envelope("evidence/test.json").payload
        let statementText = String(decoding: statement, as: UTF8.self)
        let tester = fixture.tester

        // Each entry: a label, the file's bytes, and what the one-line message must name.
        var files: [(String, Data, [String])] = []
        func add(_ label: String, _ data: Data, _ mentions: [String]) { files.append((label, data, mentions)) }
        func signed(_ payload: Data, type: String = DSSEEnvelope.inTotoPayloadType, key: SigningKey? = nil) throws -> Data {
            try DSSEEnvelope.sign(payload: payload, payloadType: type, keys: [key ?? tester]).jsonData()
        }
        func editedStatement(_ edit: (inout [String: Any]) -> Void) throws -> Data {
            var object = try #require(try JSONSerialization.jsonObject(with: statement) as? [String: Any])
            edit(&object)
            return try signed(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
        func replacingFirst(_ text: String, _ target: String, with replacement: String) throws -> String {
            let range = try #require(text.range(of: target), "'\(target)' not in the recorded evidence")
            return text.replacingCharacters(in: range, with: replacement)
        }

        // The envelope itself.
        add("truncated-100-bytes", good.prefix(100), ["not valid JSON"])
        add("truncated-half", good.prefix(good.count / 2), ["not valid JSON"])
        add("envelope-duplicate-payload", Data(try replacingFirst(goodText, "{", with: #"{"payload":"e30=","#).utf8), ["duplicate key", "payload"])
        add("envelope-duplicate-payloadType", Data(try replacingFirst(goodText, "{", with: #"{"payloadType":"text/plain","#).utf8),
            ["duplicate key", "payloadType"])
        add("payload-base64-garbage", Data(#"{"payload":"!!not base64@@","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"","sig":"AAAA"}]}"#.utf8),
            ["payload", "base64"])
        let goodEnvelope = try fixture.envelope("evidence/test.json")
        add("sig-base64-garbage", Data(#"{"payload":"\#(goodEnvelope.payload.base64EncodedString())","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"","sig":"%%%"}]}"#.utf8),
            ["sig", "base64"])
        add("envelope-not-utf8", Data(#"{"payload":""#.utf8) + Data([0xFF, 0xFE, 0x22, 0x7D]), ["UTF-8"])
        add("envelope-is-an-array", Data("[1, 2, 3]".utf8), ["object"])
        add("envelope-without-payload", Data(#"{"payloadType":"application/vnd.in-toto+json","signatures":[]}"#.utf8), ["payload"])
        add("signatures-not-an-array", Data(#"{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":{}}"#.utf8),
            ["signatures", "array"])
        add("empty-file", Data(), ["empty"])
        add("whitespace-only", Data("  \n\t\n".utf8), ["empty"])
        add("bundle-with-a-bad-second-line", good + Data("{not json}\n".utf8), ["line 2"])

        // Signed by the trusted tester key: verification passes, the statement parser decides.
        add("statement-duplicate-predicateType", try signed(Data(try replacingFirst(statementText, "{", with: #"{"predicateType":"x","#).utf8)),
            ["duplicate key", "predicateType"])
        add("statement-duplicate-result", try signed(Data(try replacingFirst(statementText, #""result":"PASSED""#, with: #""result":"FAILED","result":"PASSED""#).utf8)),
            ["duplicate key", "result"])
        // 0xFF inside a string value: never valid UTF-8.
        let marked = Data(try replacingFirst(statementText, "PASSED", with: "PASS#ED").utf8)
        add("statement-not-utf8", try signed(Data(marked.map { $0 == UInt8(ascii: "#") ? 0xFF : $0 })), ["UTF-8"])
        add("statement-is-an-array", try signed(Data("[]".utf8)), ["object"])
        add("wrong-payloadType-signed", try signed(statement, type: "text/plain"), ["payloadType", "text/plain"])
        add("wrong-_type", try editedStatement { $0["_type"] = "https://in-toto.io/Statement/v9" }, ["_type", "Statement/v9"])
        add("gitCommit-not-hex", try editedStatement { object in
            var subjects = object["subject"] as? [[String: Any]] ?? []
            subjects[0]["digest"] = ["gitCommit": "not-a-commit-id"]
            object["subject"] = subjects
        }, ["gitCommit", "hexadecimal"])
        add("gitCommit-too-short", try editedStatement { object in
            var subjects = object["subject"] as? [[String: Any]] ?? []
            subjects[0]["digest"] = ["gitCommit": "abc123"]
            object["subject"] = subjects
        }, ["gitCommit"])
        add("gitCommit-sha256-length", try editedStatement { object in
            var subjects = object["subject"] as? [[String: Any]] ?? []
            subjects[0]["digest"] = ["gitCommit": String(repeating: "ab", count: 32)]
            object["subject"] = subjects
        }, ["gitCommit", "SHA-256"])
        add("no-subject", try editedStatement { $0.removeValue(forKey: "subject") }, ["subject"])
        add("predicate-without-result", try editedStatement { object in
            var predicate = object["predicate"] as? [String: Any] ?? [:]
            predicate.removeValue(forKey: "result")
            object["predicate"] = predicate
        }, ["predicate.result"])
        add("predicate-result-unknown", try editedStatement { object in
            var predicate = object["predicate"] as? [String: Any] ?? [:]
            predicate["result"] = "GREEN"
            object["predicate"] = predicate
        }, ["predicate.result"])
        add("predicate-tests-wrong-type", try editedStatement { object in
            var predicate = object["predicate"] as? [String: Any] ?? [:]
            predicate["passedTests"] = "all of them"
            object["predicate"] = predicate
        }, ["passedTests"])

        var count = 0
        for (index, (label, data, mentions)) in files.enumerated() {
            let file = try fixture.write("bad/\(label).json", data)
            try RefusalCase(label: "verify-evidence \(label)", arguments: ["verify-evidence", file, "--trusted-key", "keys/ci.pub"],
                            status: 2, mentions: mentions + [file]).check(in: fixture)
            let out = "out/\(index)"
            try RefusalCase(label: "gate --test-evidence \(label)",
                            arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                        "--test-evidence", file, "--build-evidence", "evidence/build.json",
                                        "--out", "\(out)/report.json", "--vsa", "\(out)/vsa.json"] + HardeningFixture.trustEvidence,
                            status: 2, mentions: mentions + [file], mustNotExist: [out]).check(in: fixture)
            count += 2
        }
        #expect(count == 52)
    }

    /// Build evidence: missing provenance fields (signed by the builder), and the wrong kind per flag.
    @Test func unusableBuildEvidenceIsAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let provenance = try fixture.envelope("evidence/build.json").payload
        var object = try #require(try JSONSerialization.jsonObject(with: provenance) as? [String: Any])
        var predicate = object["predicate"] as? [String: Any] ?? [:]
        predicate.removeValue(forKey: "buildDefinition")
        object["predicate"] = predicate
        try fixture.writeEnvelope(try JSONSerialization.data(withJSONObject: object), keys: [fixture.builder], to: "bad/no-build-definition.json")

        let gate = ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key"] + HardeningFixture.trustEvidence
        let cases = [
            RefusalCase(label: "verify-evidence provenance without buildDefinition",
                        arguments: ["verify-evidence", "bad/no-build-definition.json", "--trusted-key", "keys/release.pub"],
                        status: 2, mentions: ["buildDefinition"]),
            RefusalCase(label: "gate --build-evidence provenance without buildDefinition",
                        arguments: gate + ["--test-evidence", "evidence/test.json", "--build-evidence", "bad/no-build-definition.json",
                                           "--out", "out/a/report.json"],
                        status: 2, mentions: ["buildDefinition"], mustNotExist: ["out/a"]),
            RefusalCase(label: "gate with build provenance as --test-evidence",
                        arguments: gate + ["--test-evidence", "evidence/build.json", "--build-evidence", "evidence/build.json",
                                           "--out", "out/b/report.json"],
                        status: 2, mentions: ["build provenance", "--build-evidence"], mustNotExist: ["out/b"]),
            RefusalCase(label: "gate with test evidence as --build-evidence",
                        arguments: gate + ["--test-evidence", "evidence/test.json", "--build-evidence", "evidence/test.json",
                                           "--out", "out/c/report.json"],
                        status: 2, mentions: ["test evidence", "--test-evidence"], mustNotExist: ["out/c"]),
            RefusalCase(label: "gate with a missing evidence file",
                        arguments: gate + ["--test-evidence", "evidence/nope.json", "--build-evidence", "evidence/build.json",
                                           "--out", "out/d/report.json"],
                        status: 2, mentions: ["not found", "evidence/nope.json"], mustNotExist: ["out/d"]),
            RefusalCase(label: "gate with a directory as evidence",
                        arguments: gate + ["--test-evidence", "evidence", "--build-evidence", "evidence/build.json",
                                           "--out", "out/e/report.json"],
                        status: 2, mentions: ["directory"], mustNotExist: ["out/e"]),
            RefusalCase(label: "verify-evidence with a missing file",
                        arguments: ["verify-evidence", "evidence/nope.json", "--trusted-key", "keys/ci.pub"],
                        status: 2, mentions: ["not found"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
    }

    /// What `record` reads besides the key: JUnit XML and artifact files.
    @Test func unusableRecordInputsAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        try fixture.write("bad/truncated.xml", "<testsuite><testcase name=\"a\"")
        try fixture.write("bad/doctype.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/hostname">]>
            <testsuite><testcase name="&x;"/></testsuite>

            """)
        try fixture.write("bad/not-junit.xml", "<html><body>not a test report</body></html>\n")
        let test = ["record", "test", "--repo", "widget", "--key", "keys/ci.key"]
        let build = ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key"]
        let cases = [
            RefusalCase(label: "junit: truncated XML", arguments: test + ["--junit", "bad/truncated.xml", "--out", "out/1.json"],
                        status: 2, mentions: ["bad/truncated.xml", "malformed XML"], mustNotExist: ["out/1.json"]),
            RefusalCase(label: "junit: an external entity", arguments: test + ["--junit", "bad/doctype.xml", "--out", "out/2.json"],
                        status: 2, mentions: ["bad/doctype.xml", "DOCTYPE"], mustNotExist: ["out/2.json"]),
            RefusalCase(label: "junit: not JUnit", arguments: test + ["--junit", "bad/not-junit.xml", "--out", "out/3.json"],
                        status: 2, mentions: ["bad/not-junit.xml"], mustNotExist: ["out/3.json"]),
            RefusalCase(label: "junit: a directory", arguments: test + ["--junit", "bad", "--out", "out/4.json"],
                        status: 2, mentions: ["bad", "directory"], mustNotExist: ["out/4.json"]),
            RefusalCase(label: "junit: missing", arguments: test + ["--junit", "bad/none.xml", "--out", "out/5.json"],
                        status: 2, mentions: ["bad/none.xml"], mustNotExist: ["out/5.json"]),
            RefusalCase(label: "artifact file: a directory", arguments: build + ["--artifact-file", "bad", "--out", "out/6.json"],
                        status: 2, mentions: ["bad", "directory"], mustNotExist: ["out/6.json"]),
            RefusalCase(label: "artifact file: missing", arguments: build + ["--artifact-file", "dist/none.tar.gz", "--out", "out/7.json"],
                        status: 2, mentions: ["dist/none.tar.gz"], mustNotExist: ["out/7.json"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
    }

    /// A file far over the limit is refused after reading limit+1 bytes: fast, and not a memory blow-up.
    @Test func oversizedEvidenceIsRefusedWithoutReadingItWhole() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        // A 4 GiB sparse file: reading it whole would take seconds and gigabytes.
        let huge = fixture.path("bad/huge.json")
        try FileManager.default.createDirectory(atPath: fixture.path("bad"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: huge, contents: Data("{\"payload\":\"".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 4 << 30)
        try handle.close()

        let started = Date()
        try RefusalCase(label: "verify-evidence 4 GiB", arguments: ["verify-evidence", "bad/huge.json", "--trusted-key", "keys/ci.pub"],
                        status: 2, mentions: ["16 MiB limit"]).check(in: fixture)
        try RefusalCase(label: "gate 4 GiB", arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                                         "--test-evidence", "bad/huge.json", "--build-evidence", "evidence/build.json",
                                                         "--out", "out/report.json"] + HardeningFixture.trustEvidence,
                        status: 2, mentions: ["16 MiB limit"], mustNotExist: ["out"]).check(in: fixture)
        try RefusalCase(label: "verify 4 GiB report", arguments: ["verify", "bad/huge.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["16 MiB limit"]).check(in: fixture)
        #expect(Date().timeIntervalSince(started) < 20, "refusing an oversized file should not read it")

        // Just over the limit is refused too; a file exactly at the limit is read (and is then not JSON).
        let limit = EvidenceSource.maxFileSize
        try fixture.write("bad/over.json", Data(repeating: 0x20, count: limit) + Data("x".utf8))
        try RefusalCase(label: "limit + 1 byte", arguments: ["verify-evidence", "bad/over.json", "--trusted-key", "keys/ci.pub"],
                        status: 2, mentions: ["limit"]).check(in: fixture)
        try fixture.write("bad/at.json", Data(repeating: 0x20, count: limit - 1) + Data("x".utf8))
        try RefusalCase(label: "exactly the limit", arguments: ["verify-evidence", "bad/at.json", "--trusted-key", "keys/ci.pub"],
                        status: 2, mentions: ["not valid JSON"]).check(in: fixture)
    }

    /// No signatures, or a payloadType changed after signing: the signature does not verify (exit 1, a finding).
    @Test func envelopesThatDoNotVerifyAreFindingsWithExitOne() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let good = try fixture.envelope("evidence/test.json")
        try fixture.write("bad/no-signatures.json", DSSEEnvelope(payload: good.payload, payloadType: good.payloadType, signatures: []).jsonData())
        try fixture.write("bad/payloadType-changed.json",
                          DSSEEnvelope(payload: good.payload, payloadType: "application/vnd.in-toto.other+json", signatures: good.signatures).jsonData())

        for (file, why) in [("bad/no-signatures.json", "no signatures"), ("bad/payloadType-changed.json", "no signature verifies")] {
            let check = try fixture.run(["verify-evidence", file, "--trusted-key", "keys/ci.pub"])
            #expect(check.status == 1, "\(file): \(check.stderr)")
            #expect(check.stdout.hasPrefix("FAILED  \(file): "), "\(check.stdout)")
            #expect(check.stdout.contains(why), "\(check.stdout)")
            #expect(check.stderr.isEmpty)

            let gate = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                        "--test-evidence", file, "--build-evidence", "evidence/build.json",
                                        "--out", "reports/\((file as NSString).lastPathComponent)"] + HardeningFixture.trustEvidence)
            #expect(gate.status == 1, "\(gate.stderr)")
            let report = try fixture.report("reports/\((file as NSString).lastPathComponent)")
            #expect(report.verdict == .failed)
            let signatures = try #require(report.checks.first { $0.id == "evidence.signatures" })
            #expect(signatures.status == .failed)
            #expect(signatures.reason.contains(why), "\(signatures.reason)")
            #expect(report.inputs.contains { $0.source == file && !$0.verified })
        }
    }

    /// `verify REPORT`: unusable reports are exit 2; a report of the wrong kind is not a report.
    @Test func unusableReportsAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json"] + HardeningFixture.trustEvidence)
        let report = try fixture.read("reports/v1.0.0.json")
        let payload = String(decoding: try fixture.envelope("reports/v1.0.0.json").payload, as: UTF8.self)
        try fixture.write("bad/truncated-report.json", report.prefix(report.count - 20))
        // The verdict twice: a first-wins and a last-wins parser would disagree.
        let twice = payload.replacingOccurrences(of: #""verdict":"PASSED""#, with: #""verdict":"FAILED","verdict":"PASSED""#)
        #expect(twice != payload)
        try fixture.writeEnvelope(Data(twice.utf8), keys: [fixture.auditor], to: "bad/duplicate-verdict.json")
        // Test evidence signed by the auditor key is a valid envelope but not a report.
        try fixture.writeEnvelope(try fixture.envelope("evidence/test.json").payload, keys: [fixture.auditor], to: "bad/not-a-report.json")
        try fixture.write("bad/two-reports.json", report + report)

        let cases = [
            RefusalCase(label: "truncated report", arguments: ["verify", "bad/truncated-report.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["not valid JSON"]),
            RefusalCase(label: "duplicate verdict", arguments: ["verify", "bad/duplicate-verdict.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["duplicate key", "verdict"]),
            RefusalCase(label: "test evidence as a report", arguments: ["verify", "bad/not-a-report.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["malformed", "predicateType"]),
            RefusalCase(label: "two envelopes", arguments: ["verify", "bad/two-reports.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["2 envelopes"]),
            RefusalCase(label: "missing report", arguments: ["verify", "reports/none.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 2, mentions: ["not found"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
    }
}
