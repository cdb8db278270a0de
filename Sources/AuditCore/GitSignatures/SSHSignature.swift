import Crypto
import CryptoExtras
import Foundation

/// An SSH public key in the wire format (RFC 4253 section 6.6), as `authorized_keys` and git's
/// allowed-signers files hold it, base64-encoded after its type.
public struct SSHPublicKey: Sendable, Hashable {
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...
    public let type: String
    /// The whole wire-format blob.
    public let blob: Data

    public init(blob: Data) throws(SSHSignatureError) {
        var reader = SSHWireReader(blob)
        type = try reader.string()
        self.blob = blob
    }

    /// `SHA256:<base64, no padding>`, as ssh-keygen prints fingerprints.
    public var fingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Whether `signature` (an SSH signature blob: algorithm name and bytes) is this key's over `data`.
    ///
    /// - Throws: `.unsupported` for a key type release-audit does not verify (security keys,
    ///   other curves); a signature that merely fails is `false`.
    func isValid(signature: Data, for data: Data) throws(SSHSignatureError) -> Bool {
        var sigReader = SSHWireReader(signature)
        let algorithm = try sigReader.string()
        let bytes = try sigReader.bytes()
        var key = SSHWireReader(blob)
        _ = try key.string()
        switch (type, algorithm) {
        case ("ssh-ed25519", "ssh-ed25519"):
            guard let k = try? Curve25519.Signing.PublicKey(rawRepresentation: try key.bytes()) else { return false }
            return k.isValidSignature(bytes, for: data)
        case ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"):
            guard try key.string() == "nistp256",
                  let k = try? P256.Signing.PublicKey(x963Representation: try key.bytes()) else { return false }
            var rs = SSHWireReader(bytes)
            let r = try rs.mpint(), s = try rs.mpint()
            guard r.count <= 32, s.count <= 32,
                  let sig = try? P256.Signing.ECDSASignature(rawRepresentation: Self.pad(r, 32) + Self.pad(s, 32)) else { return false }
            return k.isValidSignature(sig, for: data)
        case ("ssh-rsa", "rsa-sha2-512"), ("ssh-rsa", "rsa-sha2-256"):
            let e = try key.mpint(), n = try key.mpint()
            guard let k = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                throw .unsupported("an RSA key release-audit does not verify (smaller than 2048 bits?)")
            }
            let sig = _RSA.Signing.RSASignature(rawRepresentation: bytes)
            return algorithm == "rsa-sha2-512"
                ? k.isValidSignature(sig, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
                : k.isValidSignature(sig, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        case ("ssh-rsa", _), ("ssh-ed25519", _), ("ecdsa-sha2-nistp256", _):
            return false  // a signature algorithm that does not belong to the key (or SHA-1 RSA)
        default:
            throw .unsupported("key type \(type) is not verified by release-audit (Ed25519, ECDSA P-256 and RSA are)")
        }
    }

    private static func pad(_ bytes: Data, _ count: Int) -> Data {
        Data(repeating: 0, count: count - bytes.count) + bytes
    }
}

/// An SSH signature in git's format: `-----BEGIN SSH SIGNATURE-----`, the SSHSIG blob of
/// OpenSSH's `PROTOCOL.sshsig`.
public struct SSHSignature: Sendable {
    public let publicKey: SSHPublicKey
    public let namespace: String
    public let hashAlgorithm: String
    let reserved: Data
    let signature: Data

    /// Parses an armoured SSH signature as `ssh-keygen -Y verify` (OpenSSH's `sshsig_dearmor`)
    /// reads the block git hands it: it starts with exactly `-----BEGIN SSH SIGNATURE-----` and a
    /// line feed (no carriage return, no trailing space), ends at the first line feed followed by
    /// `-----END SSH SIGNATURE-----` (whatever follows on that line), and between the two is
    /// base64 with any whitespace ignored. What ssh-keygen refuses, git calls bad; so does this.
    public init(armored: String) throws(SSHSignatureError) {
        let bytes = Array(armored.utf8)
        let begin = Array("-----BEGIN SSH SIGNATURE-----\n".utf8), end = Array("\n-----END SSH SIGNATURE-----".utf8)
        guard bytes.starts(with: begin) else { throw .malformed("not an armoured SSH signature: no -----BEGIN SSH SIGNATURE----- line") }
        let body = bytes[begin.count...]
        guard let footer = body.indices.first(where: { body[$0...].starts(with: end) }) else {
            throw .malformed("not an armoured SSH signature: no -----END SSH SIGNATURE----- line")
        }
        let base64 = body[..<footer].filter { ![0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains($0) }
        guard let blob = Data(base64Encoded: Data(base64)) else {
            throw .malformed("the SSH signature is not base64")
        }
        var reader = SSHWireReader(blob)
        guard try reader.raw(6) == Data("SSHSIG".utf8) else { throw .malformed("not an SSHSIG blob") }
        guard try reader.uint32() == 1 else { throw .malformed("SSHSIG version is not 1") }
        publicKey = try SSHPublicKey(blob: try reader.bytes())
        namespace = try reader.string()
        reserved = try reader.bytes()
        hashAlgorithm = try reader.string()
        signature = try reader.bytes()
        guard reader.isAtEnd else { throw .malformed("bytes after the SSHSIG signature") }
    }

    /// Whether the signature is its key's over `message` (the data git signed).
    public func isValid(for message: Data) throws(SSHSignatureError) -> Bool {
        let digest: Data
        switch hashAlgorithm {
        case "sha512": digest = Data(SHA512.hash(data: message))
        case "sha256": digest = Data(SHA256.hash(data: message))
        default: throw .malformed("SSHSIG hash algorithm \(hashAlgorithm) is not sha256 or sha512")
        }
        var signed = Data("SSHSIG".utf8)
        // ssh-keygen rebuilds the signed data with an empty reserved field, whatever the blob holds.
        for field in [Data(namespace.utf8), Data(), Data(hashAlgorithm.utf8), digest] {
            signed.append(contentsOf: SSHWireReader.encode(field))
        }
        return try publicKey.isValid(signature: signature, for: signed)
    }
}

/// Why an SSH signature or key cannot be read or checked.
public enum SSHSignatureError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let why), .unsupported(let why): return why
        }
    }
}

/// Reads SSH wire-format fields: uint32 lengths, strings, mpints.
struct SSHWireReader {
    private let data: Data
    private var offset: Int

    init(_ data: Data) {
        self.data = Data(data)
        offset = 0
    }

    var isAtEnd: Bool { offset == data.count }

    mutating func raw(_ count: Int) throws(SSHSignatureError) -> Data {
        guard count >= 0, data.count - offset >= count else { throw .malformed("truncated SSH data") }
        defer { offset += count }
        return data.subdata(in: offset..<(offset + count))
    }

    mutating func uint32() throws(SSHSignatureError) -> UInt32 {
        try raw(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes() throws(SSHSignatureError) -> Data {
        let count = try uint32()
        guard count <= 1 << 20 else { throw .malformed("an SSH field of \(count) bytes") }
        return try raw(Int(count))
    }

    mutating func string() throws(SSHSignatureError) -> String {
        guard let s = String(data: try bytes(), encoding: .utf8) else { throw .malformed("an SSH string is not UTF-8") }
        return s
    }

    /// A non-negative mpint, without its sign byte.
    mutating func mpint() throws(SSHSignatureError) -> Data {
        var value = try bytes()
        guard value.first.map({ $0 & 0x80 == 0 }) ?? true else { throw .malformed("a negative SSH mpint") }
        while value.first == 0 { value.removeFirst() }
        return value
    }

    static func encode(_ field: Data) -> Data {
        let n = UInt32(field.count)
        return Data([UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]) + field
    }
}
