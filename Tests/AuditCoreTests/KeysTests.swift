import AuditCore
import Foundation
import Testing

/// Loading keys: PEM formats, key ids, clear errors for every unusable key, sources and permissions.
@Suite struct KeysTests {
    static let rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    static func pem(_ label: String, _ der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n\(Data(der).base64EncodedString(options: .lineLength64Characters))\n-----END \(label)-----\n"
    }

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

    @Test(arguments: KeyAlgorithm.allCases)
    func generatedKeysRoundTripThroughPEM(_ algorithm: KeyAlgorithm) throws {
        let key = SigningKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        #expect(key.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(key.privateKeyPEM.hasSuffix("\n-----END PRIVATE KEY-----\n"))
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(key.publicKey.pem.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        #expect(key.publicKey.pem.split(separator: "\n").allSatisfy { $0.count <= 64 })
        let reloaded = try SigningKey(pem: key.privateKeyPEM)
        #expect(reloaded.publicKey == key.publicKey)
        #expect(reloaded.privateKeyPEM == key.privateKeyPEM)
        let publicKey = try PublicKey(pem: key.publicKey.pem)
        #expect(publicKey == key.publicKey)
        #expect(publicKey.keyID == key.publicKey.keyID)
        #expect(publicKey.keyID.count == 64)
        #expect(publicKey.keyID.allSatisfy { "0123456789abcdef".contains($0) })
        // Different keys, different ids.
        #expect(SigningKey.generate(algorithm).publicKey.keyID != key.publicKey.keyID)
        let message = Data("m".utf8)
        #expect(publicKey.isValidSignature(try reloaded.signature(for: message), for: message))
    }

    @Test func ed25519PKCS8WithEmbeddedPublicKeyIsChecked() throws {
        // RFC 5958 OneAsymmetricKey v1 carries the public key too ([1] IMPLICIT BIT STRING).
        let prefix = Self.bytes(hex: "3051020101300506032b657004220420")
        let good = prefix + Self.bytes(hex: Self.rfc8032Seed) + [0x81, 0x21, 0x00] + Self.bytes(hex: Self.rfc8032Public)
        let key = try SigningKey(pem: Self.pem("PRIVATE KEY", good))
        #expect(key.publicKey.keyID == DSSEVectorTests.rfc8032KeyID)
        var bad = good
        bad[bad.count - 1] ^= 1
        #expect(keyError { _ = try SigningKey(pem: Self.pem("PRIVATE KEY", bad)) } == .mismatchedPublicKey)
    }

    @Test func textAroundThePEMBlockAndCRLFAreAccepted() throws {
        let text = try SigningTestKit.fixtureText("rfc8032_test1.key.pem")
        let wrapped = "Comment: made by a test\r\n" + text.replacingOccurrences(of: "\n", with: "\r\n") + "trailing words\n"
        #expect(try SigningKey(pem: wrapped).publicKey.keyID == DSSEVectorTests.rfc8032KeyID)
    }

    @Test func publicKeyWhereAPrivateKeyIsExpected() throws {
        let pub = try SigningTestKit.fixtureText("rfc8032_test1.pub.pem")
        let error = keyError { _ = try SigningKey(pem: pub) }
        #expect(error == .publicKeyInsteadOfPrivate)
        #expect(error?.description.contains("public key") == true)
        #expect(error?.description.contains("private key") == true)
        let p256 = try SigningTestKit.fixtureText("dsse_spec_vector.p256.pub.pem")
        #expect(keyError { _ = try SigningKey(pem: p256) } == .publicKeyInsteadOfPrivate)
    }

    @Test func privateKeyWhereAPublicKeyIsExpected() throws {
        let key = try SigningTestKit.fixtureText("rfc8032_test1.key.pem")
        let error = keyError { _ = try PublicKey(pem: key) }
        #expect(error == .privateKeyInsteadOfPublic)
        #expect(error?.description.contains("openssl pkey -in KEY -pubout") == true)
        #expect(keyError { _ = try PublicKey(pem: SigningKey.generate(.ecdsaP256).privateKeyPEM) } == .privateKeyInsteadOfPublic)
    }

    @Test func garbageIsAClearError() {
        #expect(keyError { _ = try SigningKey(pem: "") } == .notPEM)
        #expect(keyError { _ = try PublicKey(pem: "hello world") } == .notPEM)
        #expect(keyError { _ = try PublicKey(pem: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA user@host") } == .notPEM)
        guard case .malformedPEM? = keyError({ _ = try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n") }) else {
            Issue.record("missing END line")
            return
        }
        guard case .malformedPEM? = keyError({ _ = try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n") }) else {
            Issue.record("bad base64")
            return
        }
        guard case .malformedKey? = keyError({ _ = try SigningKey(pem: Self.pem("PRIVATE KEY", [0x30, 0x03, 0x02, 0x01, 0x00])) }) else {
            Issue.record("truncated PKCS#8")
            return
        }
        guard case .malformedKey? = keyError({ _ = try PublicKey(pem: Self.pem("PUBLIC KEY", Array("not DER at all".utf8))) }) else {
            Issue.record("not DER")
            return
        }
        let two = SigningKey.generate().privateKeyPEM + SigningKey.generate().privateKeyPEM
        #expect(keyError { _ = try SigningKey(pem: two) } == .multipleKeys(2))
    }

    @Test func otherPEMLabelsAreNamed() {
        #expect(keyError { _ = try PublicKey(pem: Self.pem("CERTIFICATE", [0x30, 0x00])) } == .certificateInsteadOfPublicKey)
        #expect(keyError { _ = try SigningKey(pem: Self.pem("CERTIFICATE", [0x30, 0x00])) } == .publicKeyInsteadOfPrivate)
        #expect(keyError { _ = try SigningKey(pem: Self.pem("RSA PRIVATE KEY", [0x30, 0x00])) } == .unsupportedKeyType("RSA"))
        #expect(keyError { _ = try SigningKey(pem: Self.pem("ENCRYPTED PRIVATE KEY", [0x30, 0x00])) } == .encrypted)
        #expect(keyError { _ = try SigningKey(pem: Self.pem("ENCRYPTED SIGSTORE PRIVATE KEY", Array("{}".utf8))) } == .cosignEncrypted)
        guard case .unsupportedKeyType(let name)? = keyError({ _ = try SigningKey(pem: Self.pem("OPENSSH PRIVATE KEY", [0x30, 0x00])) }) else {
            Issue.record("OpenSSH key")
            return
        }
        #expect(name.contains("OpenSSH"))
    }

    /// Truncating the DER at every length and flipping every byte never crashes: each result is a
    /// key or a `KeyError`.
    @Test(arguments: ["rfc8032_test1.key.pem", "rfc8032_test1.pub.pem", "dsse_spec_vector.p256.pub.pem"])
    func damagedDERNeverCrashes(_ fixture: String) throws {
        let text = try SigningTestKit.fixtureText(fixture)
        let label = fixture.hasSuffix(".key.pem") ? "PRIVATE KEY" : "PUBLIC KEY"
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = [UInt8](try #require(Data(base64Encoded: body)))
        var variants: [[UInt8]] = (0..<der.count).map { Array(der.prefix($0)) }
        for index in der.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var copy = der
                copy[index] ^= mask
                variants.append(copy)
            }
        }
        variants.append(der + [0x00])
        for variant in variants {
            do {
                if label == "PRIVATE KEY" { _ = try SigningKey(pem: Self.pem(label, variant)) } else { _ = try PublicKey(pem: Self.pem(label, variant)) }
            } catch is KeyError {
                // expected for most variants
            } catch {
                Issue.record("not a KeyError: \(error)")
            }
        }
        #expect(throws: KeyError.self) { try PublicKey(pem: Self.pem(label, der + [0x00])) }
    }

    @Test func keyErrorsInSourcesNameTheSource() throws {
        try SigningTestKit.withScratchDirectory { directory in
            let path = directory + "/ci.key"
            try SigningTestKit.writeFile(path, try SigningTestKit.fixtureText("rfc8032_test1.pub.pem"))
            let error = keyError { _ = try SigningKey.load(from: path) }
            #expect(error == .inSource(path, .publicKeyInsteadOfPrivate))
            #expect(error?.description.hasPrefix("\(path): this is a public key") == true)

            let publicPath = directory + "/trusted.pub"
            try SigningTestKit.writeFile(publicPath, SigningKey.generate().privateKeyPEM)
            let publicError = keyError { _ = try PublicKey.load(from: publicPath) }
            #expect(publicError?.description.contains("openssl pkey -in \(publicPath) -pubout -out \(publicPath).pub") == true)
        }
    }

    @Test func loadsFromFiles() throws {
        try SigningTestKit.withScratchDirectory { directory in
            let key = SigningKey.generate()
            let keyPath = directory + "/k.key"
            let pubPath = directory + "/k.pub"
            try SigningTestKit.writeFile(keyPath, key.privateKeyPEM, mode: 0o600)
            try SigningTestKit.writeFile(pubPath, key.publicKey.pem, mode: 0o644)
            #expect(try SigningKey.load(from: keyPath).publicKey == key.publicKey)
            #expect(try PublicKey.load(from: pubPath) == key.publicKey)
            try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: keyPath)
            #expect(try SigningKey.load(from: keyPath).publicKey == key.publicKey)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o666, 0o755])
    func privateKeyFileAccessibleToOthersIsRefused(_ mode: Int) throws {
        try SigningTestKit.withScratchDirectory { directory in
            let path = directory + "/ci.key"
            try SigningTestKit.writeFile(path, SigningKey.generate().privateKeyPEM, mode: mode)
            let error = keyError { _ = try SigningKey.load(from: path) }
            #expect(error == .insecurePermissions(path: path, mode: mode))
            #expect(error?.description.contains("chmod 600 \(path)") == true)
            // A public key file may be world-readable.
            let pubPath = directory + "/ci.pub"
            try SigningTestKit.writeFile(pubPath, SigningKey.generate().publicKey.pem, mode: mode)
            _ = try PublicKey.load(from: pubPath)
        }
    }

    @Test func unreadableSourcesAreClearErrors() throws {
        try SigningTestKit.withScratchDirectory { directory in
            guard case .cannotRead(let path, let reason)? = keyError({ _ = try SigningKey.load(from: directory + "/missing.key") }) else {
                Issue.record("missing file")
                return
            }
            #expect(path == directory + "/missing.key")
            #expect(reason.contains("No such file"))
            guard case .cannotRead(_, let dirReason)? = keyError({ _ = try PublicKey.load(from: directory) }) else {
                Issue.record("directory")
                return
            }
            #expect(dirReason.contains("directory"))
            let big = directory + "/big.pub"
            try SigningTestKit.writeFile(big, String(repeating: "A", count: 100_000))
            guard case .tooLarge? = keyError({ _ = try PublicKey.load(from: big) }) else {
                Issue.record("too large")
                return
            }
            let binary = directory + "/key.der"
            try Data([0x30, 0x2A, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: binary))
            guard case .cannotRead? = keyError({ _ = try PublicKey.load(from: binary) }) else {
                Issue.record("binary")
                return
            }
        }
    }

    @Test func loadsFromEnvironmentVariables() throws {
        let key = SigningKey.generate(.ecdsaP256)
        let environment = ["CI_KEY": key.privateKeyPEM, "CI_PUB": key.publicKey.pem, "EMPTY": " \n", "BAD": "nope"]
        #expect(try SigningKey.load(from: "env:CI_KEY", environment: environment).publicKey == key.publicKey)
        #expect(try PublicKey.load(from: "env:CI_PUB", environment: environment) == key.publicKey)
        let missing = keyError { _ = try SigningKey.load(from: "env:NOPE", environment: environment) }
        #expect(missing == .environmentVariableMissing("NOPE"))
        #expect(missing?.description.contains("NOPE is not set") == true)
        #expect(keyError { _ = try SigningKey.load(from: "env:EMPTY", environment: environment) } == .environmentVariableEmpty("EMPTY"))
        #expect(keyError { _ = try PublicKey.load(from: "env:", environment: environment) }?.description == "env: needs the name of an environment variable, as in env:SIGNING_KEY")
        let bad = keyError { _ = try PublicKey.load(from: "env:BAD", environment: environment) }
        #expect(bad == .inSource("env:BAD", .notPEM))
        #expect(bad?.description.hasPrefix("env:BAD: no PEM key found") == true)
        // The process environment is the default.
        #expect(keyError { _ = try SigningKey.load(from: "env:RELEASE_AUDIT_SIGNING_TEST_SURELY_UNSET") } == .environmentVariableMissing("RELEASE_AUDIT_SIGNING_TEST_SURELY_UNSET"))
    }
}

extension KeysTests {
    @Test func descriptionsNeverShowPrivateKeyMaterial() throws {
        let key = try SigningKey(pem: try SigningTestKit.fixtureText("rfc8032_test1.key.pem"))
        var dumped = ""
        dump(key, to: &dumped)
        for text in [String(describing: key), String(reflecting: key), "\(key)", dumped] {
            #expect(!text.contains(Self.rfc8032Seed))
            #expect(!text.contains("157, 97, 177"))  // the seed's first bytes in decimal
            #expect(text.contains(DSSEVectorTests.rfc8032KeyID))
        }
        #expect(key.publicKey.description == "ed25519 key \(DSSEVectorTests.rfc8032KeyID)")
    }
}
