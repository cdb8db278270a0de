import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads key PEM text from a file path or from `env:NAME`.
enum KeySource {
    /// Larger than any PEM key (an RSA-16384 key is about 13 KiB): stops `/dev/zero` and typos early.
    static let maxKeySize = 64 * 1024

    /// The PEM text of `source`. For a private key, a regular file that group or others may
    /// access is refused.
    static func pemText(from source: String, isPrivate: Bool, environment: [String: String]) throws(KeyError) -> String {
        if source.hasPrefix("env:") {
            let name = String(source.dropFirst(4))
            guard !name.isEmpty else { throw .environmentVariableMissing("") }
            guard let value = environment[name] else { throw .environmentVariableMissing(name) }
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .environmentVariableEmpty(name) }
            guard value.utf8.count <= maxKeySize else { throw .tooLarge(source: source, limit: maxKeySize) }
            return value
        }
        return try readFile(source, isPrivate: isPrivate)
    }

    private static func readFile(_ path: String, isPrivate: Bool) throws(KeyError) -> String {
        // Check the permissions of the file we actually read (fstat), not of a path that may change.
        let fd = SafeOpen.readOnly(path)
        guard fd >= 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR else { throw .cannotRead(path: path, reason: "it is a directory") }
        // Pipes (`--key <(...)`) carry no meaningful mode; only regular files are checked.
        if isPrivate, type == S_IFREG, info.st_mode & 0o077 != 0 {
            // A public key file is readable by design: name the real mistake (the .pub for the .key), not its mode.
            if let text = try? readText(fd, path: path), holdsOnlyPublicKeys(text) {
                throw .inSource(path, .publicKeyInsteadOfPrivate)
            }
            throw .insecurePermissions(path: path, mode: Int(info.st_mode & 0o7777))
        }
        return try readText(fd, path: path)
    }

    /// Whether PEM text holds public keys or certificates and nothing else.
    private static func holdsOnlyPublicKeys(_ text: String) -> Bool {
        guard let blocks = try? PEMBlock.parseAll(text), !blocks.isEmpty else { return false }
        return blocks.allSatisfy { ["PUBLIC KEY", "CERTIFICATE", "TRUSTED CERTIFICATE"].contains($0.label) }
    }

    /// Reads the rest of an open file as UTF-8 text, at most `maxKeySize` bytes.
    private static func readText(_ fd: Int32, path: String) throws(KeyError) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maxKeySize else { throw .tooLarge(source: path, limit: maxKeySize) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .cannotRead(path: path, reason: "not text; a PEM key is expected (convert DER with `openssl pkey -inform DER`)")
        }
        return text
    }
}
