import Foundation
import Testing
@testable import AuditCore

/// Reading the JSON and XML fixtures in `Fixtures/`, and small helpers shared by the format tests.
enum Fixtures {
    /// The URL of a fixture file.
    static func url(_ name: String) throws -> URL {
        let base = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
        let url = base.appendingPathComponent("Fixtures").appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(name)")
        return url
    }

    /// The bytes of a fixture file.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    /// The fixture parsed as a statement.
    static func statement(_ name: String) throws -> Statement {
        try Statement.parse(data(name))
    }
}

/// The description of the error `body` throws (failing the test when it throws none).
func errorMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        Issue.record("expected an error, got none")
        return ""
    } catch {
        return "\(error)"
    }
}

/// A statement payload built from JSON text.
func payload(_ json: String) -> Data { Data(json.utf8) }

/// A fresh temporary directory, removed by the caller with `FileManager.default.removeItem`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("release-audit-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
