import Crypto
import Foundation

/// A private key that signs: Ed25519 (the default) or ECDSA P-256.
public struct SigningKey: Sendable {
    /// The public half, to publish and to trust when verifying.
    public let publicKey: PublicKey

    private let signer: Signer

    private enum Signer: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    private init(_ signer: Signer) {
        self.signer = signer
        switch signer {
        case .ed25519(let key): publicKey = PublicKey(ed25519: key.publicKey)
        case .p256(let key): publicKey = PublicKey(p256: key.publicKey)
        }
    }

    /// A new random key.
    public static func generate(_ algorithm: KeyAlgorithm = .ed25519) -> SigningKey {
        switch algorithm {
        case .ed25519: return SigningKey(.ed25519(Curve25519.Signing.PrivateKey()))
        case .ecdsaP256: return SigningKey(.p256(P256.Signing.PrivateKey(compactRepresentable: false)))
        }
    }

    /// Reads an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey` and
    /// `keygen` write) or, for P-256, a SEC1 `-----BEGIN EC PRIVATE KEY-----`.
    ///
    /// - Throws: `KeyError`: a public key, an encrypted key, an unsupported type or curve, and
    ///   broken PEM are each reported with what to do.
    public init(pem: String) throws {
        let decoded: DecodedKey
        do {
            decoded = try DecodedKey.decode(pem: pem)
        } catch .certificateInsteadOfPublicKey {
            throw KeyError.publicKeyInsteadOfPrivate
        }
        switch decoded {
        case .ed25519Private(let key): self.init(.ed25519(key))
        case .p256Private(let key): self.init(.p256(key))
        case .ed25519Public, .p256Public: throw KeyError.publicKeyInsteadOfPrivate
        }
    }

    /// Loads a private key from a file path, or from an environment variable given as `env:NAME`.
    ///
    /// A key file that group or others can read or write is refused (`chmod 600` it).
    /// - Throws: `KeyError`; errors about the key's content name the source.
    /// - Parameter environment: where `env:NAME` is looked up; the process environment by default.
    public static func load(from source: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SigningKey {
        let text = try KeySource.pemText(from: source, isPrivate: true, environment: environment)
        do {
            return try SigningKey(pem: text)
        } catch let error as KeyError {
            throw KeyError.inSource(source, error)
        }
    }

    /// The signature algorithm of this key.
    public var algorithm: KeyAlgorithm { publicKey.algorithm }

    /// The private key as unencrypted PKCS#8 PEM, readable by `openssl pkey`.
    public var privateKeyPEM: String {
        switch signer {
        case .ed25519(let key):
            // RFC 8410 PKCS#8 v1: fixed 16-byte prefix, then the 32-byte seed.
            let prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
            return PEMBlock.encode(label: "PRIVATE KEY", der: prefix + key.rawRepresentation)
        case .p256(let key):
            return PEMBlock.encode(label: "PRIVATE KEY", der: key.derRepresentation)
        }
    }

    /// Signs `message`: Ed25519 gives 64 raw bytes, P-256 gives a DER ECDSA-SHA256 signature.
    public func signature(for message: Data) throws -> Data {
        do {
            switch signer {
            case .ed25519(let key): return try key.signature(for: message)
            case .p256(let key): return try key.signature(for: message).derRepresentation
            }
        } catch {
            throw KeyError.signingFailed(String(describing: error))
        }
    }
}

extension SigningKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the key by algorithm and key id; never shows private key material.
    public var description: String { "SigningKey(\(algorithm.rawValue), keyid \(publicKey.keyID))" }
    public var debugDescription: String { description }
    /// Hides the private key from `dump` and debuggers' mirrors.
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey]) }
}
