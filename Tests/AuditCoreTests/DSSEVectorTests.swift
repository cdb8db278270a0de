import AuditCore
import Foundation
import Testing

/// The DSSE spec's own test vector and the Ed25519 known-answer vectors (FORMATS.md §1.7).
@Suite struct DSSEVectorTests {
    static let rfc8032PublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let rfc8032KeyID = "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916"
    static let kat1Signature = "4DHX3Zn4qpBKvEj7maE8O9u9bjXEnPLLnyXVUJ2PXJR8DSLcL3QDpFvfJOj3pB/SPHsl6Jg4boxsMb6KvuYABw=="
    static let kat2Signature = "4I/qxMYeFkvjEslzKXEGzQquTOAwsIlIv+c3io1IoknExbqZoMzocgq3iRAl0xGZzp5OddFBRUd8aUwJpfT9Aw=="
    static let kat2Body = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"gitCommit":"d20ace7968ba43c0219f62d71334c1095bab1602"}}],"predicateType":"https://in-toto.io/attestation/test-result/v0.1","predicate":{"result":"PASSED","configuration":[]}}"#

    @Test func specVectorPAEBytes() {
        let pae = PAE.encode(payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        #expect(SigningTestKit.hex(pae) == "44535345763120323920687474703a2f2f6578616d706c652e636f6d2f48656c6c6f576f726c642031312068656c6c6f20776f726c64")
    }

    @Test func paeCountsBytesNotCharacters() {
        let pae = PAE.encode(payloadType: "tÿpe", payload: Data([0xE2, 0x82, 0xAC]))
        #expect(pae == Data("DSSEv1 5 tÿpe 3 ".utf8) + Data([0xE2, 0x82, 0xAC]))
        #expect(PAE.encode(payloadType: "", payload: Data()) == Data("DSSEv1 0  0 ".utf8))
    }

    @Test func specVectorVerifiesWithRawRSSignature() throws {
        let envelope = try DSSEEnvelope(parsing: try SigningTestKit.fixture("dsse_spec_vector.envelope.json"))
        let key = try PublicKey(pem: try SigningTestKit.fixtureText("dsse_spec_vector.p256.pub.pem"))
        #expect(key.algorithm == .ecdsaP256)
        #expect(envelope.payloadType == "http://example.com/HelloWorld")
        #expect(envelope.signatures.count == 1)
        #expect(envelope.signatures[0].keyID == nil)
        #expect(envelope.signatures[0].sig.count == 64)  // raw r‖s, not DER
        let result = envelope.verify(trustedKeys: [key])
        #expect(result.isValid)
        #expect(result.verifiedPayload == Data("hello world".utf8))
        #expect(result.acceptedKeys == [key])
    }

    @Test func specVectorKeyIDAndPEMMatchSecuresystemslib() throws {
        let text = try SigningTestKit.fixtureText("dsse_spec_vector.p256.pub.pem")
        let key = try PublicKey(pem: text)
        // Computed by securesystemslib 1.6.0: SSlibKey.from_crypto(load_pem_public_key(pem)).keyid
        #expect(key.keyID == "2f9c4662c9410d724be73522fa0dd06be3e17ce4c9b055b2f196737557650ec2")
        #expect(key.pem == text)
        // The same key in differently wrapped PEM has the same canonical PEM and key id.
        let rewrapped = text.replacingOccurrences(of: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr\n", with: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\r\nZ805D3eqNZywjCI19lInBJOp7YMr")
        let again = try PublicKey(pem: rewrapped)
        #expect(again == key)
        #expect(again.keyID == key.keyID)
    }

    @Test func rfc8032KeyHasTheSecuresystemslibKeyID() throws {
        let publicKey = try PublicKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.pub.pem"))
        let signingKey = try SigningKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.key.pem"))
        #expect(publicKey.algorithm == .ed25519)
        #expect(publicKey.keyID == Self.rfc8032KeyID)
        #expect(signingKey.publicKey == publicKey)
        #expect(publicKey.pem == "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n")
        #expect(signingKey.privateKeyPEM == (try SigningTestKit.fixtureText("rfc8032_test1.key.pem")))
    }

    @Test(arguments: [
        ("http://example.com/HelloWorld", "hello world", kat1Signature),
        (DSSEEnvelope.inTotoPayloadType, kat2Body, kat2Signature),
    ])
    func ed25519KnownAnswers(payloadType: String, body: String, expected: String) throws {
        let publicKey = try PublicKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.pub.pem"))
        let signingKey = try SigningKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.key.pem"))
        let pae = PAE.encode(payloadType: payloadType, payload: Data(body.utf8))
        let katSignature = try #require(Data(base64Encoded: expected))

        // The published signature (made by securesystemslib and openssl) verifies with the RFC 8032 key...
        #expect(publicKey.isValidSignature(katSignature, for: pae))
        // ...and ours verifies too. CryptoKit randomises Ed25519, so compare by verifying;
        // BoringSSL (swift-crypto on Linux) is deterministic and must reproduce the vector.
        let ours = try signingKey.signature(for: pae)
        #expect(ours.count == 64)
        #expect(publicKey.isValidSignature(ours, for: pae))
        #if os(Linux)
        #expect(ours == katSignature)
        #endif

        let envelope = try DSSEEnvelope.sign(payload: Data(body.utf8), payloadType: payloadType, keys: [signingKey])
        #expect(envelope.signatures.map(\.keyID) == [Self.rfc8032KeyID])
        #expect(envelope.verify(trustedKeys: [publicKey]).isValid)
    }

    @Test func kat2EnvelopeFileVerifiesToTheExactStatementBytes() throws {
        let envelope = try DSSEEnvelope(parsing: try SigningTestKit.fixture("kat_rfc8032_statement.dsse.json"))
        let key = try PublicKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.pub.pem"))
        #expect(envelope.payloadType == DSSEEnvelope.inTotoPayloadType)
        #expect(envelope.signatures.map(\.keyID) == [Self.rfc8032KeyID])
        #expect(PAE.encode(payloadType: envelope.payloadType, payload: envelope.payload).starts(with: Data("DSSEv1 28 application/vnd.in-toto+json 240 {".utf8)))
        let result = envelope.verify(trustedKeys: [key])
        #expect(result.isValid)
        #expect(result.verifiedPayload == Data(Self.kat2Body.utf8))
        #expect(result.verifiedPayload?.count == 240)
    }

    @Test func kat2EnvelopeSignedHereMatchesTheFixture() throws {
        let key = try SigningKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.key.pem"))
        let ours = try DSSEEnvelope.sign(payload: Data(Self.kat2Body.utf8), keys: [key])
        let fixture = try DSSEEnvelope(parsing: try SigningTestKit.fixture("kat_rfc8032_statement.dsse.json"))
        #expect(ours.payload == fixture.payload)
        #expect(ours.payloadType == fixture.payloadType)
        #expect(ours.signatures.map(\.keyID) == fixture.signatures.map(\.keyID))
        #if os(Linux)
        #expect(ours == fixture)
        #endif
    }
}
