// Tampering: a signed record (made by `record test`) and a signed report (made by `gate`), each with an
// Ed25519 and a P-256 key, must stop verifying when any single byte of the decoded payload, of the
// signature, or of the payloadType changes. Every byte position is tried, not a sample (P-256 with every
// mask in `masks`, Ed25519 with the masks in turn: see `Coverage`), through the API the commands use
// (EvidenceVerifier for records, ReportStatement.verify for reports); then a stored record file is flipped
// byte by byte; then a few cases go through the binary.
import AuditCore
import Foundation
import TestSupport
import Testing

@Suite struct TamperTests {
    /// XOR masks: the lowest and highest bit, a middle bit, every bit.
    static let masks: [UInt8] = [0x01, 0x10, 0x80, 0xFF]

    /// Which masks to apply at a byte position. Ed25519 verification costs about 1 ms in a debug build
    /// (P-256 about 0.15 ms), so Ed25519 envelopes get one mask per position, in turn; P-256 every mask.
    enum Coverage {
        case everyMask, maskInTurn

        static func `for`(_ algorithm: KeyAlgorithm) -> Coverage { algorithm == .ed25519 ? .maskInTurn : .everyMask }

        func masks(at position: Int) -> [UInt8] {
            switch self {
            case .everyMask: return TamperTests.masks
            case .maskInTurn: return [TamperTests.masks[position % TamperTests.masks.count]]
            }
        }

        /// How many tamperings `forEachTampering` makes of an envelope.
        func count(_ envelope: DSSEEnvelope) -> Int {
            let positions = [envelope.payload.count, envelope.payloadType.utf8.count] + envelope.signatures.map(\.sig.count)
            return positions.map { length in (0..<length).map { masks(at: $0).count }.reduce(0, +) }.reduce(0, +)
        }
    }

    /// Calls `body` with every single-byte tampering of the envelope's payload, each signature and the
    /// payloadType: every byte position, with the coverage's masks; returns how many there were.
    @discardableResult
    static func forEachTampering(of envelope: DSSEEnvelope, _ coverage: Coverage,
                                 _ body: (String, DSSEEnvelope) throws -> Void) rethrows -> Int {
        var count = 0
        for position in envelope.payload.indices {
            for mask in coverage.masks(at: position) {
                var tampered = envelope
                tampered.payload[position] ^= mask
                try body("payload byte \(position) ^ \(mask)", tampered)
                count += 1
            }
        }
        for (index, signature) in envelope.signatures.enumerated() {
            for position in signature.sig.indices {
                for mask in coverage.masks(at: position) {
                    var tampered = envelope
                    tampered.signatures[index].sig[position] ^= mask
                    try body("signature \(index) byte \(position) ^ \(mask)", tampered)
                    count += 1
                }
            }
        }
        let type = Array(envelope.payloadType.utf8)
        for position in type.indices {
            for mask in coverage.masks(at: position) {
                var bytes = type
                bytes[position] ^= mask
                var tampered = envelope
                // A byte that breaks UTF-8 decodes to U+FFFD: still another payloadType.
                tampered.payloadType = String(decoding: bytes, as: UTF8.self)
                try body("payloadType byte \(position) ^ \(mask)", tampered)
                count += 1
            }
        }
        return count
    }

    /// A record made by `record test` and a report made by `gate`, signed with keys of `algorithm`.
    static func signedRecordAndReport(_ algorithm: KeyAlgorithm) throws -> (HardeningFixture, tester: SigningKey, auditor: SigningKey) {
        let fixture = try HardeningFixture()
        let tester = SigningKey.generate(algorithm), auditor = SigningKey.generate(algorithm)
        try fixture.saveKey(tester, as: "ci-\(algorithm.rawValue)")
        try fixture.saveKey(auditor, as: "auditor-\(algorithm.rawValue)")
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n", "VERSION": "1.0.0\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.recordTest(out: "evidence/test.json", key: "keys/ci-\(algorithm.rawValue).key")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor-\(algorithm.rawValue).key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json", "--builder-key", "keys/release.pub", "--tester-key", "keys/ci-\(algorithm.rawValue).pub"])
        return (fixture, tester, auditor)
    }

    @Test(arguments: [KeyAlgorithm.ed25519, .ecdsaP256])
    func everyByteOfASignedRecordIsCovered(_ algorithm: KeyAlgorithm) throws {
        let (fixture, tester, _) = try Self.signedRecordAndReport(algorithm)
        let loaded = try #require(try EvidenceSource.load(path: fixture.path("evidence/test.json")).first)
        let original = try EvidenceVerifier.verify(loaded, trustedKeys: [tester.publicKey], threshold: 1)
        #expect(original.isVerified && original.testRecord != nil, "the untouched record must verify: \(original.problem ?? "")")

        var accepted: [String] = []
        let coverage = Coverage.for(algorithm)
        let count = try Self.forEachTampering(of: loaded.envelope, coverage) { what, tampered in
            var copy = loaded
            copy.envelope = tampered
            // Verification comes first: a tampered payload is never parsed, so this never throws.
            let result = try EvidenceVerifier.verify(copy, trustedKeys: [tester.publicKey], threshold: 1)
            if result.isVerified || result.content != nil || result.verification.verifiedPayload != nil { accepted.append(what) }
        }
        #expect(accepted.isEmpty, "tampered records that verified: \(accepted.prefix(10))")
        #expect(count == coverage.count(loaded.envelope))
        #expect(loaded.envelope.payload.count > 500, "a real record has hundreds of payload bytes")
    }

    @Test(arguments: [KeyAlgorithm.ed25519, .ecdsaP256])
    func everyByteOfASignedReportIsCovered(_ algorithm: KeyAlgorithm) throws {
        let (fixture, _, auditor) = try Self.signedRecordAndReport(algorithm)
        let loaded = try #require(try EvidenceSource.load(path: fixture.path("reports/v1.0.0.json")).first)
        let original = try ReportStatement.verify(loaded, trustedKeys: [auditor.publicKey])
        #expect(original.report.verdict == .passed)

        var accepted: [String] = []
        var otherErrors: [String] = []
        let coverage = Coverage.for(algorithm)
        let count = Self.forEachTampering(of: loaded.envelope, coverage) { what, tampered in
            var copy = loaded
            copy.envelope = tampered
            do {
                _ = try ReportStatement.verify(copy, trustedKeys: [auditor.publicKey])
                accepted.append(what)
            } catch ReportStatement.Failure.signature {
                // expected: the signature no longer matches
            } catch {
                otherErrors.append("\(what): \(error)")
            }
        }
        #expect(accepted.isEmpty, "tampered reports that verified: \(accepted.prefix(10))")
        #expect(otherErrors.isEmpty, "a tampered report must fail on its signature, before parsing: \(otherErrors.prefix(5))")
        #expect(count == coverage.count(loaded.envelope))
        #expect(loaded.envelope.payload.count > 2_000, "a real report has thousands of payload bytes")
    }

    /// Flipping the bytes of a stored record file: each flip is refused, or (base64 and JSON have
    /// spellings that decode alike) reads back as exactly the same signed content; never other content.
    @Test func everyByteOfAStoredRecordIsCovered() throws {
        let (fixture, tester, _) = try Self.signedRecordAndReport(.ecdsaP256)
        let bytes = try fixture.read("evidence/test.json")
        let original = try fixture.envelope("evidence/test.json")
        var differentButAccepted: [String] = []
        for position in bytes.indices {
            // One mask per position (parsing dominates the cost here).
            for mask in Coverage.maskInTurn.masks(at: position) {
                var tampered = bytes
                tampered[position] ^= mask
                guard let envelope = try? DSSEEnvelope(parsing: tampered),
                      envelope.verify(trustedKeys: [tester.publicKey]).isValid else { continue }
                if envelope.payload != original.payload || envelope.payloadType != original.payloadType {
                    differentButAccepted.append("byte \(position) ^ \(mask)")
                }
            }
        }
        #expect(differentButAccepted.isEmpty, "\(differentButAccepted.prefix(10))")
        #expect(bytes.count > 800)
    }

    /// The key id is an unauthenticated hint: changing it neither grants nor loses trust.
    @Test func theKeyIDHintDoesNotMatter() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let envelope = try fixture.envelope("evidence/test.json")
        for hint in [nil, "", fixture.auditor.publicKey.keyID, String(repeating: "0", count: 64), "not a key id"] {
            var hinted = envelope
            hinted.signatures[0].keyID = hint
            #expect(hinted.verify(trustedKeys: [fixture.tester.publicKey]).isValid, "hint \(hint ?? "nil")")
            #expect(!hinted.verify(trustedKeys: [fixture.auditor.publicKey, fixture.builder.publicKey]).isValid, "hint \(hint ?? "nil")")
        }
    }

    /// A few tamperings through the binary: `verify` and `verify-evidence` exit 1 and say why; the gate FAILS.
    @Test func tamperedFilesFailThroughTheBinary() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json"] + HardeningFixture.trustEvidence)
        let report = try fixture.envelope("reports/v1.0.0.json")
        let record = try fixture.envelope("evidence/test.json")

        // The report's verdict, rewritten: the classic forgery.
        var forged = report
        let text = String(decoding: report.payload, as: UTF8.self)
        try fixture.write("tampered/passed-report.json", report.jsonData())
        forged.payload = Data(text.replacingOccurrences(of: #""verdict":"PASSED""#, with: #""verdict":"PASSES""#).utf8)
        #expect(forged.payload != report.payload)
        try fixture.write("tampered/verdict.json", forged.jsonData())
        var lastSignatureByte = report
        lastSignatureByte.signatures[0].sig[lastSignatureByte.signatures[0].sig.count - 1] ^= 0x01
        try fixture.write("tampered/report-signature.json", lastSignatureByte.jsonData())
        var firstPayloadByte = record
        firstPayloadByte.payload[0] ^= 0x20
        try fixture.write("tampered/record-payload.json", firstPayloadByte.jsonData())
        var recordSignature = record
        recordSignature.signatures[0].sig[0] ^= 0x80
        try fixture.write("tampered/record-signature.json", recordSignature.jsonData())
        var recordType = record
        recordType.payloadType = "application/vnd.in-toto+jsoN"
        try fixture.write("tampered/record-type.json", recordType.jsonData())

        let good = try fixture.run(["verify", "tampered/passed-report.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"])
        #expect(good.status == 0, "the untouched report must verify: \(good.stderr)")
        for file in ["tampered/verdict.json", "tampered/report-signature.json"] {
            let result = try fixture.run(["verify", file, "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"])
            #expect(result.status == 1, "\(file): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "release-audit: error: \(file): the report's signature does not verify: no signature verifies with a trusted key (signatures name key ids \(fixture.auditor.publicKey.keyID.prefix(16)))\n")
        }
        for file in ["tampered/record-payload.json", "tampered/record-signature.json", "tampered/record-type.json"] {
            let result = try fixture.run(["verify-evidence", file, "--trusted-key", "keys/ci.pub"])
            #expect(result.status == 1, "\(file): \(result.stderr)")
            #expect(result.stdout.hasPrefix("FAILED  \(file): no signature verifies with a trusted key"), "\(result.stdout)")

            let gate = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                        "--test-evidence", file, "--build-evidence", "evidence/build.json",
                                        "--out", "reports/\((file as NSString).lastPathComponent)"] + HardeningFixture.trustEvidence)
            #expect(gate.status == 1, "\(gate.stderr)")
            let audit = try fixture.report("reports/\((file as NSString).lastPathComponent)")
            #expect(audit.verdict == .failed)
            #expect(audit.checks.first { $0.id == "evidence.signatures" }?.status == .failed)
        }
    }
}
