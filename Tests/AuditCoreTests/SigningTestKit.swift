import Foundation
import Testing

/// Helpers for the signing tests: fixtures, scratch directories, and running openssl.
enum SigningTestKit {
    /// The bytes of a fixture copied from shared/formats-examples.
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"), "missing fixture \(name)")
        return try Data(contentsOf: url)
    }

    /// A fixture as text.
    static func fixtureText(_ name: String) throws -> String {
        String(decoding: try fixture(name), as: UTF8.self)
    }

    /// Runs `body` with a fresh directory that is removed afterwards.
    static func withScratchDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("signing-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Writes a file with exact permissions (not subject to the umask).
    static func writeFile(_ path: String, _ text: String, mode: Int = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// The permission bits of a file.
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o7777
    }

    /// Hex of bytes.
    static func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }

    struct ProcessResult {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let opensslPath = "/usr/bin/openssl"

    /// Runs `/usr/bin/openssl` with arguments; output is collected through files to avoid pipe deadlocks.
    static func openssl(_ arguments: [String], in directory: String) throws -> ProcessResult {
        try #require(FileManager.default.isExecutableFile(atPath: opensslPath), "the signing interop tests need \(opensslPath)")
        let outURL = URL(fileURLWithPath: directory).appendingPathComponent(".openssl-stdout-\(UUID().uuidString)")
        let errURL = URL(fileURLWithPath: directory).appendingPathComponent(".openssl-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opensslPath)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Runs openssl and requires success.
    @discardableResult
    static func opensslOK(_ arguments: [String], in directory: String) throws -> ProcessResult {
        let result = try openssl(arguments, in: directory)
        #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return result
    }
}
