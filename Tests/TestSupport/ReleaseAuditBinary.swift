import Foundation

/// The built `release-audit` executable, for tests that run the tool end to end.
///
/// Looked for, in order: `$RELEASE_AUDIT_BINARY`; next to the running test bundle (the same build);
/// `.build/debug/release-audit` under the package root. `swift test` does not always build the
/// executable product, so run `swift build` first.
///
/// - Throws: `MissingExecutable` naming the places looked at when none holds the executable.
public var releaseAuditBinary: String {
    get throws {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["RELEASE_AUDIT_BINARY"], !explicit.isEmpty {
            candidates.append(explicit)
        }
        if let testBinary = Bundle.main.executableURL {
            candidates.append(testBinary.deletingLastPathComponent().appendingPathComponent("release-audit").path)
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/release-audit").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw MissingExecutable(
            description: "the release-audit executable was not found (looked at \(candidates.joined(separator: ", "))); run `swift build` before `swift test`")
    }
}

/// The package root: three levels above this file (`Tests/TestSupport/ReleaseAuditBinary.swift`).
public let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
