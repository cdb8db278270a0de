import AuditCore
import Foundation
import Testing

/// Interoperability with /usr/bin/openssl, both ways: its keys load here, our keys and signatures
/// work there, and the keys we cannot use get errors that say why.
@Suite struct KeysOpenSSLTests {
    typealias Kit = SigningTestKit

    func keyError(_ body: () throws -> Void) -> KeyError? {
        do {
            try body()
            Issue.record("expected a KeyError")
            return nil
        } catch let error as KeyError {
            #expect(!error.description.contains("\n"))
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func opensslEd25519KeyLoadsAsItIsAndMatchesItsPublicKey() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.opensslOK(["genpkey", "-algorithm", "ed25519", "-out", "k.pem"], in: dir)
            try Kit.opensslOK(["pkey", "-in", "k.pem", "-pubout", "-out", "k.pub"], in: dir)
            chmod(dir + "/k.pem", 0o600)
            let key = try SigningKey.load(from: dir + "/k.pem")
            let pub = try PublicKey.load(from: dir + "/k.pub")
            #expect(key.algorithm == .ed25519)
            #expect(key.publicKey == pub)
            // Same PEM text as openssl writes, byte for byte, and our PKCS#8 is openssl's.
            #expect(pub.pem == (try String(contentsOfFile: dir + "/k.pub", encoding: .utf8)))
            #expect(key.privateKeyPEM == (try String(contentsOfFile: dir + "/k.pem", encoding: .utf8)))
        }
    }

    /// One P-256 key written two ways (uncompressed and compressed point) is one key: the same key
    /// id, so it cannot pass for two distinct keys (a second role, or a second vote toward a threshold).
    @Test func oneP256KeyInTwoEncodingsHasOneKeyID() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "k.pem"], in: dir)
            try Kit.opensslOK(["ec", "-in", "k.pem", "-pubout", "-out", "plain.pub"], in: dir)
            try Kit.opensslOK(["ec", "-in", "k.pem", "-pubout", "-conv_form", "compressed", "-out", "compressed.pub"], in: dir)
            let plainText = try String(contentsOfFile: dir + "/plain.pub", encoding: .utf8)
            let compressedText = try String(contentsOfFile: dir + "/compressed.pub", encoding: .utf8)
            #expect(plainText != compressedText)
            let plain = try PublicKey.load(from: dir + "/plain.pub")
            do {
                let compressed = try PublicKey.load(from: dir + "/compressed.pub")
                #expect(compressed.keyID == plain.keyID)
                #expect(compressed == plain)
            } catch is KeyError {
                // Refusing the compressed form is as safe as knowing it is the same key.
            }
        }
    }

    @Test func ed25519SignaturesVerifyBothWays() throws {
        try Kit.withScratchDirectory { dir in
            let key = SigningKey.generate()
            let pae = PAE.encode(payloadType: DSSEEnvelope.inTotoPayloadType, payload: DSSEVerificationTests.statement)
            try Kit.writeFile(dir + "/ours.key", key.privateKeyPEM)
            try Kit.writeFile(dir + "/ours.pub", key.publicKey.pem)
            try pae.write(to: URL(fileURLWithPath: dir + "/pae.bin"))

            // openssl derives the same public key from our private key file.
            let derived = try Kit.opensslOK(["pkey", "-in", "ours.key", "-pubout"], in: dir)
            #expect(derived.stdoutText == key.publicKey.pem)

            // Our signature, verified by openssl.
            try key.signature(for: pae).write(to: URL(fileURLWithPath: dir + "/ours.sig"))
            let verified = try Kit.openssl(["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "ours.pub", "-sigfile", "ours.sig", "-in", "pae.bin"], in: dir)
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdoutText.contains("Signature Verified Successfully"))

            // openssl rejects a signature over other bytes (the check above can fail).
            try Data("DSSEv1 0  0 ".utf8).write(to: URL(fileURLWithPath: dir + "/other.bin"))
            let rejected = try Kit.openssl(["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "ours.pub", "-sigfile", "ours.sig", "-in", "other.bin"], in: dir)
            #expect(rejected.status != 0)

            // openssl's signature with our key, verified here.
            try Kit.opensslOK(["pkeyutl", "-sign", "-rawin", "-inkey", "ours.key", "-in", "pae.bin", "-out", "openssl.sig"], in: dir)
            let signature = try Data(contentsOf: URL(fileURLWithPath: dir + "/openssl.sig"))
            #expect(key.publicKey.isValidSignature(signature, for: pae))
            #expect(!key.publicKey.isValidSignature(signature, for: pae + Data([0])))
        }
    }

    @Test func opensslReproducesTheKATWithTheRFC8032Key() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.writeFile(dir + "/rfc.key", try Kit.fixtureText("rfc8032_test1.key.pem"))
            try PAE.encode(payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8)).write(to: URL(fileURLWithPath: dir + "/pae.bin"))
            try Kit.opensslOK(["pkeyutl", "-sign", "-rawin", "-inkey", "rfc.key", "-in", "pae.bin", "-out", "kat1.sig"], in: dir)
            let signature = try Data(contentsOf: URL(fileURLWithPath: dir + "/kat1.sig"))
            #expect(signature.base64EncodedString() == DSSEVectorTests.kat1Signature)
        }
    }

    @Test func p256KeysAndSignaturesWorkBothWays() throws {
        try Kit.withScratchDirectory { dir in
            // openssl's keys: PKCS#8, SEC1 alone, SEC1 after an EC PARAMETERS block.
            try Kit.opensslOK(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "pkcs8.pem"], in: dir)
            try Kit.opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem"], in: dir)
            try Kit.opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-out", "params-sec1.pem"], in: dir)
            for name in ["pkcs8", "sec1", "params-sec1"] {
                let key = try SigningKey(pem: try String(contentsOfFile: "\(dir)/\(name).pem", encoding: .utf8))
                #expect(key.algorithm == .ecdsaP256)
                let pub = try Kit.opensslOK(["pkey", "-in", "\(name).pem", "-pubout"], in: dir)
                #expect(pub.stdoutText == key.publicKey.pem, "\(name)")
                #expect(try PublicKey(pem: pub.stdoutText) == key.publicKey)
            }

            // Our key and DER signature, verified by openssl; openssl's signature verified here.
            let key = SigningKey.generate(.ecdsaP256)
            try Kit.writeFile(dir + "/ours.key", key.privateKeyPEM)
            try Kit.writeFile(dir + "/ours.pub", key.publicKey.pem)
            let derived = try Kit.opensslOK(["pkey", "-in", "ours.key", "-pubout"], in: dir)
            #expect(derived.stdoutText == key.publicKey.pem)
            let pae = PAE.encode(payloadType: DSSEEnvelope.inTotoPayloadType, payload: DSSEVerificationTests.statement)
            try pae.write(to: URL(fileURLWithPath: dir + "/pae.bin"))
            try key.signature(for: pae).write(to: URL(fileURLWithPath: dir + "/ours.sig"))
            let verified = try Kit.openssl(["dgst", "-sha256", "-verify", "ours.pub", "-signature", "ours.sig", "pae.bin"], in: dir)
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdoutText.contains("Verified OK"))
            try Kit.opensslOK(["dgst", "-sha256", "-sign", "ours.key", "-out", "openssl.sig", "pae.bin"], in: dir)
            let signature = try Data(contentsOf: URL(fileURLWithPath: dir + "/openssl.sig"))
            #expect(key.publicKey.isValidSignature(signature, for: pae))
            #expect(!key.publicKey.isValidSignature(signature, for: Data("x".utf8)))
        }
    }

    @Test func wrongCurveIsUnsupported() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.opensslOK(["ecparam", "-name", "secp384r1", "-genkey", "-out", "p384.pem"], in: dir)
            try Kit.opensslOK(["pkey", "-in", "p384.pem", "-pubout", "-out", "p384.pub"], in: dir)
            try Kit.opensslOK(["pkey", "-in", "p384.pem", "-out", "p384-pkcs8.pem"], in: dir)
            for file in ["p384.pem", "p384-pkcs8.pem"] {
                let error = keyError { _ = try SigningKey(pem: try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)) }
                #expect(error == .unsupportedKeyType("ECDSA secp384r1 (P-384)"), "\(file)")
                #expect(error?.description.hasPrefix("unsupported key type ECDSA secp384r1") == true)
            }
            let error = keyError { _ = try PublicKey(pem: try String(contentsOfFile: dir + "/p384.pub", encoding: .utf8)) }
            #expect(error == .unsupportedKeyType("ECDSA secp384r1 (P-384)"))
        }
    }

    @Test func rsaAndOtherTypesAreUnsupported() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.opensslOK(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem"], in: dir)
            try Kit.opensslOK(["pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa.pub"], in: dir)
            try Kit.opensslOK(["genpkey", "-algorithm", "ed448", "-out", "ed448.pem"], in: dir)
            let rsa = keyError { _ = try SigningKey(pem: try String(contentsOfFile: dir + "/rsa.pem", encoding: .utf8)) }
            #expect(rsa == .unsupportedKeyType("RSA"))
            #expect(rsa?.description.hasPrefix("unsupported key type RSA") == true)
            #expect(keyError { _ = try PublicKey(pem: try String(contentsOfFile: dir + "/rsa.pub", encoding: .utf8)) } == .unsupportedKeyType("RSA"))
            #expect(keyError { _ = try SigningKey(pem: try String(contentsOfFile: dir + "/ed448.pem", encoding: .utf8)) } == .unsupportedKeyType("Ed448"))
        }
    }

    @Test func encryptedKeysSayHowToDecrypt() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.opensslOK(["genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:x", "-out", "enc.pem"], in: dir)
            try Kit.opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem"], in: dir)
            try Kit.opensslOK(["ec", "-in", "sec1.pem", "-aes256", "-passout", "pass:x", "-out", "sec1-enc.pem"], in: dir)
            for file in ["enc.pem", "sec1-enc.pem"] {
                let path = "\(dir)/\(file)"
                chmod(path, 0o600)
                let error = keyError { _ = try SigningKey.load(from: path) }
                #expect(error == .inSource(path, .encrypted), "\(file)")
                #expect(error?.description.contains("encrypted") == true)
                #expect(error?.description.contains("openssl pkey -in \(path) -out \(path).plain") == true)
            }
            // The decryption the message suggests gives a key that loads.
            try Kit.opensslOK(["pkey", "-in", "enc.pem", "-passin", "pass:x", "-out", "enc.pem.plain"], in: dir)
            chmod(dir + "/enc.pem.plain", 0o600)
            #expect(try SigningKey.load(from: dir + "/enc.pem.plain").algorithm == .ed25519)
        }
    }
}
