import Crypto
import Foundation

/// Lowercase hex of bytes: how digests and raw keys are written everywhere.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The lowercase hex SHA-256 of `data`: how reports name envelopes and policies.
public func sha256Hex(_ data: Data) -> String {
    hexString(SHA256.hash(data: data))
}
