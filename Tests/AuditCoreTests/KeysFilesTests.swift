import AuditCore
import Foundation
import Testing

/// The key pair files `keygen` writes: PREFIX.key (0600) and PREFIX.pub (0644), never clobbered.
@Suite struct KeysFilesTests {
    typealias Kit = SigningTestKit

    @Test(arguments: KeyAlgorithm.allCases)
    func writesBothFilesWithTheirModes(_ algorithm: KeyAlgorithm) throws {
        try Kit.withScratchDirectory { dir in
            let key = SigningKey.generate(algorithm)
            let files = KeyPairFiles(prefix: dir + "/ci")
            #expect(files.privateKeyPath == dir + "/ci.key")
            #expect(files.publicKeyPath == dir + "/ci.pub")
            try files.write(key, overwrite: false)
            #expect(try Kit.mode(files.privateKeyPath) == 0o600)
            #expect(try Kit.mode(files.publicKeyPath) == 0o644)
            #expect(try SigningKey.load(from: files.privateKeyPath).publicKey == key.publicKey)
            #expect(try PublicKey.load(from: files.publicKeyPath) == key.publicKey)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["ci.key", "ci.pub"])
            // openssl reads the private key file.
            let text = try Kit.opensslOK(["pkey", "-in", "ci.key", "-noout", "-text"], in: dir).stdoutText
            #expect(text.contains(algorithm == .ed25519 ? "ED25519 Private-Key" : "Private-Key: (256 bit)"))
        }
    }

    @Test func checksBothFilesBeforeWritingEither() throws {
        try Kit.withScratchDirectory { dir in
            let files = KeyPairFiles(prefix: dir + "/ci")
            // Only the .pub exists: the .key must not be written either.
            try Kit.writeFile(files.publicKeyPath, "keep me", mode: 0o644)
            #expect(throws: AtomicFileError.exists(path: files.publicKeyPath)) {
                try files.write(SigningKey.generate(), overwrite: false)
            }
            #expect(!FileManager.default.fileExists(atPath: files.privateKeyPath))
            #expect(try String(contentsOfFile: files.publicKeyPath, encoding: .utf8) == "keep me")

            // Only the .key exists: it is kept, nothing is written.
            try FileManager.default.removeItem(atPath: files.publicKeyPath)
            try Kit.writeFile(files.privateKeyPath, "secret", mode: 0o600)
            #expect(throws: AtomicFileError.exists(path: files.privateKeyPath)) {
                try files.write(SigningKey.generate(), overwrite: false)
            }
            #expect(try String(contentsOfFile: files.privateKeyPath, encoding: .utf8) == "secret")
            #expect(!FileManager.default.fileExists(atPath: files.publicKeyPath))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ci.key"])
        }
    }

    @Test func overwriteReplacesBoth() throws {
        try Kit.withScratchDirectory { dir in
            let files = KeyPairFiles(prefix: dir + "/ci")
            try files.write(SigningKey.generate(), overwrite: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: files.privateKeyPath)
            let second = SigningKey.generate(.ecdsaP256)
            try files.write(second, overwrite: true)
            #expect(try SigningKey.load(from: files.privateKeyPath).publicKey == second.publicKey)
            #expect(try PublicKey.load(from: files.publicKeyPath) == second.publicKey)
            #expect(try Kit.mode(files.privateKeyPath) == 0o600)
        }
    }
}
