import Crypto
import Foundation

/// SHA-256 over data fed in pieces, so large files hash in bounded memory.
public struct StreamingSHA256 {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ data: Data) { hasher.update(data: data) }
    /// The digest as lowercase hex.
    public mutating func finalizeHex() -> String {
        hexString(hasher.finalize())
    }
}
