import Foundation

/// A fresh directory under the system temporary directory, removed with everything in it when
/// the last reference to it goes away.
public final class TemporaryDirectory {
    /// The directory (symbolic links resolved, as git and libgit2 report paths).
    public let url: URL

    /// The directory's path.
    public var path: String { url.path }

    /// Creates a new, empty directory named `<prefix>-<random>`.
    public init(prefix: String = "release-audit-test") throws {
        let base = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.url = url
    }

    /// The URL of `relativePath` inside the directory.
    public func appending(_ relativePath: String) -> URL {
        url.appendingPathComponent(relativePath)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` with a fresh temporary directory, removed when `body` returns or throws.
public func withTemporaryDirectory<T>(prefix: String = "release-audit-test",
                                      _ body: (URL) throws -> T) throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    return try withExtendedLifetime(directory) { try body(directory.url) }
}

/// Runs async `body` with a fresh temporary directory, removed when `body` returns or throws.
public func withTemporaryDirectory<T>(prefix: String = "release-audit-test",
                                      _ body: (URL) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { withExtendedLifetime(directory) {} }
    return try await body(directory.url)
}
