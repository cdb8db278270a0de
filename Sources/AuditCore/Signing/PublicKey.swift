import Crypto
import Foundation

/// A public key that verifies signatures: Ed25519 or ECDSA P-256.
///
/// Two keys are equal when they are the same key (same algorithm and SPKI), however their PEM was
/// formatted when read.
public struct PublicKey: Hashable, Sendable {
    /// The signature algorithm of this key.
    public let algorithm: KeyAlgorithm
    /// The securesystemslib key id (FORMATS.md §1.3): lowercase hex SHA-256.
    public let keyID: String
    /// The SPKI PEM (`-----BEGIN PUBLIC KEY-----`), re-encoded with 64-character lines and a final newline.
    public let pem: String

    private let verifier: Verifier

    private enum Verifier: Sendable {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    /// Reads an Ed25519 or P-256 SubjectPublicKeyInfo PEM (as written by openssl, cosign or `keygen`).
    ///
    /// - Throws: `KeyError`, with a message that says what to do (a private key, a certificate,
    ///   an RSA or P-384 key, and broken PEM are each reported as such).
    public init(pem: String) throws {
        switch try DecodedKey.decode(pem: pem) {
        case .ed25519Public(let key): self.init(ed25519: key)
        case .p256Public(let key): self.init(p256: key)
        case .ed25519Private, .p256Private: throw KeyError.privateKeyInsteadOfPublic
        }
    }

    init(ed25519 key: Curve25519.Signing.PublicKey) {
        // RFC 8410 SPKI: fixed 12-byte prefix, then the raw key.
        let prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        algorithm = .ed25519
        keyID = KeyID.ed25519(rawPublicKey: key.rawRepresentation)
        pem = PEMBlock.encode(label: "PUBLIC KEY", der: prefix + key.rawRepresentation)
        verifier = .ed25519(key)
    }

    init(p256 key: P256.Signing.PublicKey) {
        algorithm = .ecdsaP256
        pem = PEMBlock.encode(label: "PUBLIC KEY", der: key.derRepresentation)
        keyID = KeyID.ecdsaP256(spkiPEM: pem)
        verifier = .p256(key)
    }

    /// Loads a public key from a file path, or from an environment variable given as `env:NAME`.
    ///
    /// - Throws: `KeyError`; errors about the key's content name the source.
    /// - Parameter environment: where `env:NAME` is looked up; the process environment by default.
    public static func load(from source: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PublicKey {
        let text = try KeySource.pemText(from: source, isPrivate: false, environment: environment)
        do {
            return try PublicKey(pem: text)
        } catch let error as KeyError {
            throw KeyError.inSource(source, error)
        }
    }

    /// Whether `signature` is this key's valid signature of `message`.
    ///
    /// Ed25519 signatures are 64 raw bytes. P-256 signatures (ECDSA with SHA-256 over `message`)
    /// may be DER (as securesystemslib, Sigstore and `keygen` keys produce) or raw `r‖s` (as the
    /// DSSE spec's test vector uses). A malformed signature is simply not valid.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        switch verifier {
        case .ed25519(let key):
            return signature.count == 64 && key.isValidSignature(signature, for: message)
        case .p256(let key):
            if let der = try? P256.Signing.ECDSASignature(derRepresentation: signature), key.isValidSignature(der, for: message) {
                return true
            }
            if signature.count == 64, let raw = try? P256.Signing.ECDSASignature(rawRepresentation: signature) {
                return key.isValidSignature(raw, for: message)
            }
            return false
        }
    }

    public static func == (a: PublicKey, b: PublicKey) -> Bool {
        a.algorithm == b.algorithm && a.pem == b.pem
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(pem)
    }
}

extension PublicKey: CustomStringConvertible {
    /// The algorithm and key id, e.g. `ed25519 key 74c181c7...`.
    public var description: String { "\(algorithm.rawValue) key \(keyID)" }
}
