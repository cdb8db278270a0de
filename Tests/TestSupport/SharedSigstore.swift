import Foundation

/// The real Sigstore test data in `../shared/sigstore` (see its README), read in place and never
/// copied into the repository.
public enum SharedSigstore {
    /// The folder beside the package.
    public static let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/sigstore")

    /// Whether the folder is there; says so, once, when it is not (the tests that need it are skipped).
    public static let available: Bool = {
        let present = FileManager.default.fileExists(atPath: folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path)
        if !present { print("note: \(folder.path) is absent: the tests on real Sigstore bundles are skipped") }
        return present
    }()

    /// The path of one of its files.
    public static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}
