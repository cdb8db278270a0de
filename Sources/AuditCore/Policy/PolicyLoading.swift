import Crypto
import Foundation

/// A policy as read, with what identifies it in a report: its name and the digest of its exact bytes.
public struct LoadedPolicy: Sendable, Equatable {
    /// The policy, every default filled in.
    public var policy: Policy
    /// The preset name, or the file's name (`release.yml`).
    public var name: String
    /// The exact bytes read.
    public var source: Data
    /// The SHA-256 of `source`, lowercase hex.
    public var sha256: String
    /// The file's absolute path; nil for an embedded preset.
    public var path: String?

    public init(policy: Policy, name: String, source: Data, path: String?) {
        self.policy = policy
        self.name = name
        self.source = source
        self.sha256 = sha256Hex(source)
        self.path = path
    }
}

extension Policy {
    /// The names of the shipped presets, the default (`exact-commit`) first.
    public static var presetNames: [String] { PolicyPresets.names }

    /// The YAML text of a shipped preset, as in `policies/<name>.yml`; nil for an unknown name.
    public static func presetSource(named name: String) -> String? {
        PolicyPresets.text(named: name)
    }

    /// Loads a preset by name (`exact-commit`, `same-tree`, `version-bump`) or a policy file by path.
    ///
    /// A preset name wins over a file of the same name in the current directory; write
    /// `./exact-commit` for the file. Anything that is not a preset name is a path.
    public static func load(nameOrPath: String) throws -> LoadedPolicy {
        if let text = PolicyPresets.text(named: nameOrPath) {
            let source = Data(text.utf8)
            let policy = try parse(source, file: nameOrPath, baseDirectory: FileManager.default.currentDirectoryPath)
            return LoadedPolicy(policy: policy, name: nameOrPath, source: source, path: nil)
        }
        let url = URL(fileURLWithPath: nameOrPath).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard !nameOrPath.isEmpty, FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw PolicyError.notFound(nameOrPath)
        }
        if isDirectory.boolValue {
            throw PolicyError.unreadable(file: nameOrPath, reason: "it is a directory")
        }
        let fd = SafeOpen.readOnly(url.path)
        guard fd >= 0 else {
            throw PolicyError.unreadable(file: nameOrPath, reason: String(cString: strerror(errno)))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        let source: Data
        do {
            // One byte past the limit is enough to refuse an oversized policy (parse says so).
            source = try handle.read(upToCount: PolicyReader.maxBytes + 1) ?? Data()
        } catch {
            throw PolicyError.unreadable(file: nameOrPath, reason: (error as NSError).localizedDescription)
        }
        let policy = try parse(source, file: nameOrPath, baseDirectory: url.deletingLastPathComponent().path)
        return LoadedPolicy(policy: policy, name: url.lastPathComponent, source: source, path: url.path)
    }

    /// Reads a policy from its bytes (YAML or JSON).
    ///
    /// - Parameters:
    ///   - file: how errors name the source (`policies/release.yml`).
    ///   - baseDirectory: the absolute directory relative trusted-key paths are resolved against.
    public static func parse(_ source: Data, file: String, baseDirectory: String) throws -> Policy {
        guard source.count <= PolicyReader.maxBytes else {
            throw PolicyError.unreadable(file: file, reason: "larger than \(PolicyReader.maxBytes / 1024) KiB; a policy is a short file")
        }
        guard var text = String(validating: source, as: UTF8.self) else {
            throw PolicyError.unreadable(file: file, reason: "not UTF-8 text")
        }
        // Yams hands libyaml the text as UTF-8 explicitly, so libyaml would not skip a byte order mark.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return try PolicyReader(file: file, baseDirectory: baseDirectory).read(text)
    }
}
