import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The two files of a key pair as `release-audit keygen` writes them: `PREFIX.key` and `PREFIX.pub`.
public struct KeyPairFiles: Sendable {
    /// `PREFIX.key`: the private key, unencrypted PKCS#8 PEM, mode 0600.
    public let privateKeyPath: String
    /// `PREFIX.pub`: the public key, SPKI PEM, mode 0644.
    public let publicKeyPath: String

    public init(prefix: String) {
        privateKeyPath = prefix + ".key"
        publicKeyPath = prefix + ".pub"
    }

    /// Writes both files atomically. Without `overwrite`, neither is written if either exists.
    /// - Throws: `AtomicFileError` (`.exists` says to pass --force).
    public func write(_ key: SigningKey, overwrite: Bool) throws {
        if !overwrite {
            for path in [privateKeyPath, publicKeyPath] where Self.nameIsTaken(path) {
                throw AtomicFileError.exists(path: path)
            }
        }
        try AtomicFile.write(Data(key.privateKeyPEM.utf8), to: privateKeyPath, overwrite: overwrite, permissions: 0o600)
        do {
            try AtomicFile.write(Data(key.publicKey.pem.utf8), to: publicKeyPath, overwrite: overwrite, permissions: 0o644)
        } catch {
            // The public file appeared since the check: do not leave the new private key without it.
            if !overwrite { unlink(privateKeyPath) }
            throw error
        }
    }

    /// Whether anything, even a dangling symlink, has this name.
    private static func nameIsTaken(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
