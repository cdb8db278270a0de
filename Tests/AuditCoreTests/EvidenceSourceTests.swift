import AuditCore
import Foundation
import Testing
import TestSupport

/// Reading evidence files: single envelopes (compact or pretty), JSON Lines bundles, Sigstore
/// bundles, and every way a file can be unusable.
@Suite struct EvidenceSourceTests {
    let key = SigningKey.generate(.ed25519)

    func envelope(_ text: String = #"{"_type":"x"}"#) throws -> DSSEEnvelope {
        try DSSEEnvelope.sign(payload: Data(text.utf8), keys: [key])
    }

    func write(_ data: Data, in dir: TemporaryDirectory, _ name: String) throws -> String {
        let path = dir.appending(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsOneCompactEnvelopeWithTheExactBytesAndDigest() throws {
        let dir = try TemporaryDirectory()
        let data = try envelope().jsonData()
        let loaded = try EvidenceSource.load(path: try write(data, in: dir, "e.json"))
        #expect(loaded.count == 1)
        #expect(loaded[0].bytes == data)
        #expect(loaded[0].sha256 == sha256Hex(data))
        #expect(loaded[0].envelope.verify(trustedKeys: [key.publicKey]).isValid)
    }

    @Test func readsAPrettyPrintedEnvelopeAsOne() throws {
        let dir = try TemporaryDirectory()
        let object = try JSONSerialization.jsonObject(with: try envelope().jsonData())
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        let loaded = try EvidenceSource.load(path: try write(pretty, in: dir, "e.json"))
        #expect(loaded.count == 1)
        #expect(loaded[0].envelope.verify(trustedKeys: [key.publicKey]).isValid)
    }

    @Test func readsJSONLinesBundlesLineByLine() throws {
        let dir = try TemporaryDirectory()
        var data = try envelope("one").jsonData() + Data("\n\n".utf8)
        data += try envelope("two").jsonData() + Data("\r\n".utf8)
        let loaded = try EvidenceSource.load(path: try write(data, in: dir, "b.intoto.jsonl"))
        #expect(loaded.map { String(decoding: $0.envelope.payload, as: UTF8.self) } == ["one", "two"])
        #expect(loaded.map(\.source).map { $0.hasSuffix("#1") || $0.hasSuffix("#3") } == [true, true])
    }

    @Test func unwrapsTheEnvelopeOfASigstoreBundle() throws {
        let dir = try TemporaryDirectory()
        let inner = try StrictJSON.parse(try envelope("bundled").jsonData())
        let bundle = JSONValue.object([
            ("mediaType", .string("application/vnd.dev.sigstore.bundle.v0.3+json")),
            ("verificationMaterial", .object([])),
            ("dsseEnvelope", inner),
        ])
        let loaded = try EvidenceSource.load(path: try write(bundle.jsonData(), in: dir, "bundle.json"))
        #expect(String(decoding: loaded[0].envelope.payload, as: UTF8.self) == "bundled")
        #expect(loaded[0].envelope.verify(trustedKeys: [key.publicKey]).isValid)
    }

    @Test func aBadLineInABundleIsAnErrorNamingTheLine() throws {
        let dir = try TemporaryDirectory()
        let data = try envelope().jsonData() + Data("\n{\"payload\": 1}\n".utf8)
        let path = try write(data, in: dir, "b.jsonl")
        #expect(throws: EvidenceError.self) { try EvidenceSource.load(path: path) }
        do {
            _ = try EvidenceSource.load(path: path)
        } catch {
            #expect(String(describing: error).contains("line 2"))
        }
    }

    @Test(arguments: [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("{\"payload\":", "not a readable DSSE envelope"),
        ("[1,2]", "not a readable DSSE envelope"),
        ("{\"payload\":\"aGk=\",\"payloadType\":\"x\",\"payloadType\":\"y\",\"signatures\":[]}", "duplicate key"),
    ])
    func unusableFilesAreOneLineErrors(contents: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        let path = try write(Data(contents.utf8), in: dir, "e.json")
        do {
            _ = try EvidenceSource.load(path: path)
            Issue.record("expected an error for \(contents.debugDescription)")
        } catch {
            let message = String(describing: error)
            #expect(message.contains(expected), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test func missingFilesAndDirectoriesAreReported() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: EvidenceError.missing(path: dir.appending("nope.json").path)) {
            try EvidenceSource.load(path: dir.appending("nope.json").path)
        }
        #expect(throws: EvidenceError.unreadable(source: dir.path, reason: "it is a directory")) {
            try EvidenceSource.load(path: dir.path)
        }
    }

    @Test func filesOverTheLimitAreRefusedWithoutReadingThemWhole() throws {
        let dir = try TemporaryDirectory()
        let path = try write(Data(count: 2048), in: dir, "big.json")
        #expect(throws: EvidenceError.self) { try EvidenceSource.readBounded(path: path, limit: 1024) }
        #expect(try EvidenceSource.readBounded(path: path, limit: 4096).count == 2048)
    }
}
