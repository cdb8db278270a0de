import ArgumentParser
import AuditCore
import Foundation
@testable import ReleaseAuditCLI
import Testing

/// `release-audit keygen`: parsing, validation, files and modes, no clobbering.
@Suite struct KeygenCommandTests {
    func withScratchDirectory(_ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keygen-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    @Test func isRegisteredAndWritesAKeyPair() throws {
        try withScratchDirectory { dir in
            var command = try ReleaseAuditCommand.parseAsRoot(["keygen", "--out", dir + "/ci"])
            try command.run()
            #expect(try mode(dir + "/ci.key") == 0o600)
            #expect(try mode(dir + "/ci.pub") == 0o644)
            let key = try SigningKey.load(from: dir + "/ci.key")
            #expect(key.algorithm == .ed25519)
            #expect(try PublicKey.load(from: dir + "/ci.pub") == key.publicKey)
        }
    }

    /// `--out ~/keys/ci` on a fresh machine: the folder is made, private to its owner.
    @Test func makesAMissingKeyFolderPrivate() throws {
        try withScratchDirectory { dir in
            let command = try KeygenCommand.parse(["--out", dir + "/keys/ci"])
            try command.run()
            #expect(try mode(dir + "/keys") == 0o700)
            #expect(try mode(dir + "/keys/ci.key") == 0o600)
        }
    }

    @Test func makesP256Keys() throws {
        try withScratchDirectory { dir in
            let command = try KeygenCommand.parse(["--out", dir + "/rel", "--algorithm", "ecdsa-p256"])
            try command.run()
            #expect(try SigningKey.load(from: dir + "/rel.key").algorithm == .ecdsaP256)
        }
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        try withScratchDirectory { dir in
            let first = try KeygenCommand.parse(["--out", dir + "/ci"])
            try first.run()
            let original = try String(contentsOfFile: dir + "/ci.key", encoding: .utf8)
            let again = try KeygenCommand.parse(["--out", dir + "/ci"])
            #expect(throws: ExitCode(ExitStatus.cannotAudit)) { try again.run() }
            #expect(try String(contentsOfFile: dir + "/ci.key", encoding: .utf8) == original)

            let forced = try KeygenCommand.parse(["--out", dir + "/ci", "--force"])
            try forced.run()
            #expect(try String(contentsOfFile: dir + "/ci.key", encoding: .utf8) != original)
            #expect(try mode(dir + "/ci.key") == 0o600)
        }
    }

    @Test(arguments: [
        ["--out", "x", "--algorithm", "rsa"],
        ["--out", ""],
        ["--out", "keys/"],
        ["--out", "ci.key"],
        ["--out", "ci.pub"],
        [],
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String]) {
        do {
            _ = try KeygenCommand.parse(arguments)
            Issue.record("expected a usage error for \(arguments)")
        } catch {
            #expect(KeygenCommand.exitCode(for: error) == ExitCode(ExitStatus.usage), "\(arguments)")
        }
    }

    @Test func helpHasExamples() {
        let help = KeygenCommand.helpMessage()
        #expect(help.contains("release-audit keygen --out ci"))
        #expect(help.contains("--algorithm ecdsa-p256"))
        #expect(help.contains("--force"))
        #expect(help.contains("0600"))
    }
}
