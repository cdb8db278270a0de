import AuditCore
import Foundation
import Testing

/// Verification: tampering, thresholds over distinct keys, and keyid as a mere hint (FORMATS.md §1.3, §1.5).
@Suite struct DSSEVerificationTests {
    static let statement = Data(#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#.utf8)

    /// Flips every single byte position of the payload, the signature and the payload type, one at
    /// a time, and requires each change to fail verification.
    @Test(arguments: KeyAlgorithm.allCases)
    func everySingleByteChangeFailsVerification(_ algorithm: KeyAlgorithm) throws {
        let key = SigningKey.generate(algorithm)
        let envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [key])
        let trusted = [key.publicKey]
        #expect(envelope.verify(trustedKeys: trusted).isValid)

        var checked = 0
        for mask: UInt8 in [0x01, 0x80, 0xFF] {
            for index in envelope.payload.indices {
                var tampered = envelope
                tampered.payload[index] ^= mask
                #expect(!tampered.verify(trustedKeys: trusted).isValid, "payload byte \(index) ^ \(mask)")
                checked += 1
            }
            for index in envelope.signatures[0].sig.indices {
                var tampered = envelope
                tampered.signatures[0].sig[index] ^= mask
                #expect(!tampered.verify(trustedKeys: trusted).isValid, "signature byte \(index) ^ \(mask)")
                checked += 1
            }
        }
        // The payload type is a String: flip the low bit, which keeps it ASCII and changes it.
        var typeBytes = Array(envelope.payloadType.utf8)
        for index in typeBytes.indices {
            typeBytes[index] ^= 0x01
            var tampered = envelope
            tampered.payloadType = String(decoding: typeBytes, as: UTF8.self)
            #expect(!tampered.verify(trustedKeys: trusted).isValid, "payloadType byte \(index)")
            typeBytes[index] ^= 0x01
            checked += 1
        }
        #expect(checked == 3 * (envelope.payload.count + envelope.signatures[0].sig.count) + envelope.payloadType.utf8.count)

        // Appending or removing a byte fails too.
        var longer = envelope
        longer.payload.append(0x20)
        #expect(!longer.verify(trustedKeys: trusted).isValid)
        var shorter = envelope
        shorter.signatures[0].sig.removeLast()
        #expect(!shorter.verify(trustedKeys: trusted).isValid)
    }

    @Test func tamperedEnvelopeTextFailsAfterReparsing() throws {
        let key = SigningKey.generate()
        let envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [key])
        let text = String(decoding: envelope.jsonData(), as: UTF8.self)
        let changed = text.replacingOccurrences(of: DSSEEnvelope.inTotoPayloadType, with: "application/vnd.in-toto+jsoN")
        let parsed = try DSSEEnvelope(parsing: Data(changed.utf8))
        #expect(!parsed.verify(trustedKeys: [key.publicKey]).isValid)
        #expect(try DSSEEnvelope(parsing: Data(text.utf8)).verify(trustedKeys: [key.publicKey]).isValid)
    }

    @Test func wrongKeyFails() throws {
        let envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [SigningKey.generate()])
        let result = envelope.verify(trustedKeys: [SigningKey.generate().publicKey, SigningKey.generate(.ecdsaP256).publicKey])
        #expect(!result.isValid)
        #expect(result.acceptedKeys.isEmpty)
        #expect(result.verifiedPayload == nil)
        #expect(result.failureReason == "none of the envelope's 1 signature(s) is valid for a trusted key")
        #expect(!envelope.verify(trustedKeys: []).isValid)
    }

    @Test func thresholdCountsDistinctKeysOnly() throws {
        let a = SigningKey.generate()
        let b = SigningKey.generate(.ecdsaP256)

        // The same key signing twice counts once.
        let twice = try DSSEEnvelope.sign(payload: Self.statement, keys: [a, a])
        #expect(twice.signatures.count == 2)
        let sameKeyTwice = twice.verify(trustedKeys: [a.publicKey], threshold: 2)
        #expect(!sameKeyTwice.isValid)
        #expect(sameKeyTwice.acceptedKeys == [a.publicKey])
        #expect(sameKeyTwice.verifiedPayload == nil)
        #expect(sameKeyTwice.failureReason == "only 1 distinct trusted key(s) signed, 2 required")

        // Listing the same trusted key twice does not make it two keys either.
        let once = try DSSEEnvelope.sign(payload: Self.statement, keys: [a])
        #expect(!once.verify(trustedKeys: [a.publicKey, a.publicKey], threshold: 2).isValid)
        #expect(!twice.verify(trustedKeys: [a.publicKey, a.publicKey], threshold: 2).isValid)

        // Two distinct trusted keys meet threshold 2, in either order.
        let both = try DSSEEnvelope.sign(payload: Self.statement, keys: [b, a])
        let result = both.verify(trustedKeys: [a.publicKey, b.publicKey], threshold: 2)
        #expect(result.isValid)
        #expect(Set(result.acceptedKeys) == [a.publicKey, b.publicKey])
        #expect(result.verifiedPayload == Self.statement)
        #expect(!both.verify(trustedKeys: [a.publicKey, b.publicKey], threshold: 3).isValid)

        // A signature by an untrusted key adds nothing.
        #expect(!both.verify(trustedKeys: [a.publicKey], threshold: 2).isValid)
        #expect(both.verify(trustedKeys: [a.publicKey], threshold: 1).isValid)
    }

    @Test func thresholdBelowOneIsNeverValid() throws {
        let key = SigningKey.generate()
        let envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [key])
        for threshold in [0, -1, Int.min] {
            let result = envelope.verify(trustedKeys: [key.publicKey], threshold: threshold)
            #expect(!result.isValid)
            #expect(result.verifiedPayload == nil)
        }
    }

    @Test func keyIDNamingATrustedKeyDoesNotTrustAnotherKeysSignature() throws {
        let trusted = SigningKey.generate()
        let attacker = SigningKey.generate()
        var envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [attacker])
        envelope.signatures[0].keyID = trusted.publicKey.keyID
        let result = envelope.verify(trustedKeys: [trusted.publicKey])
        #expect(!result.isValid)
        #expect(result.acceptedKeys.isEmpty)
    }

    @Test func keyIDIsOnlyAHint() throws {
        let a = SigningKey.generate()
        let b = SigningKey.generate(.ecdsaP256)
        var envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [b])

        // A keyid that names trusted key A on a signature made by trusted key B: B is accepted.
        envelope.signatures[0].keyID = a.publicKey.keyID
        #expect(envelope.verify(trustedKeys: [a.publicKey, b.publicKey]).acceptedKeys == [b.publicKey])
        // A keyid that matches no trusted key, and no keyid at all: every key is still tried.
        envelope.signatures[0].keyID = "66301bbf"
        #expect(envelope.verify(trustedKeys: [a.publicKey, b.publicKey]).acceptedKeys == [b.publicKey])
        envelope.signatures[0].keyID = nil
        #expect(envelope.verify(trustedKeys: [a.publicKey, b.publicKey]).acceptedKeys == [b.publicKey])
    }

    @Test func validSignatureAmongInvalidOnesIsFound() throws {
        let key = SigningKey.generate()
        var envelope = try DSSEEnvelope.sign(payload: Self.statement, keys: [SigningKey.generate(), key])
        envelope.signatures.insert(.init(keyID: key.publicKey.keyID, sig: Data(repeating: 0, count: 64)), at: 0)
        envelope.signatures.append(.init(keyID: nil, sig: Data()))
        let result = envelope.verify(trustedKeys: [key.publicKey])
        #expect(result.isValid)
        #expect(result.acceptedKeys == [key.publicKey])
        #expect(result.signatureCount == 4)
    }

    @Test func verifiedPayloadIsTheSignedBytesExactly() throws {
        // Bytes that are not even UTF-8: DSSE signs raw bytes, nothing is canonicalised.
        let payload = Data([0x00, 0xFF, 0x7B, 0x0A, 0x80])
        let key = SigningKey.generate()
        let envelope = try DSSEEnvelope.sign(payload: payload, payloadType: "application/octet-stream", keys: [key])
        let reparsed = try DSSEEnvelope(parsing: envelope.jsonData())
        #expect(reparsed.verify(trustedKeys: [key.publicKey]).verifiedPayload == payload)
    }

    @Test func p256AcceptsDERAndRawSignatures() throws {
        let key = SigningKey.generate(.ecdsaP256)
        let message = Data("message".utf8)
        let der = try key.signature(for: message)
        #expect(der.first == 0x30)  // DER SEQUENCE
        #expect(key.publicKey.isValidSignature(der, for: message))
        #expect(!key.publicKey.isValidSignature(der, for: Data("massage".utf8)))
        #expect(!key.publicKey.isValidSignature(Data(), for: message))
        #expect(!key.publicKey.isValidSignature(Data(repeating: 0, count: 64), for: message))
        #expect(!SigningKey.generate(.ecdsaP256).publicKey.isValidSignature(der, for: message))
    }

    @Test func ed25519RejectsWrongLengthSignatures() throws {
        let key = SigningKey.generate()
        let message = Data("message".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature + Data([0]), for: message))
        #expect(!key.publicKey.isValidSignature(signature.prefix(63), for: message))
        #expect(!key.publicKey.isValidSignature(Data(), for: message))
    }
}
