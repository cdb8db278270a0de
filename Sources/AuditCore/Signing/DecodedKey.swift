import Crypto
import Foundation

/// Key material read from PEM text, before it becomes a `PublicKey` or a `SigningKey`.
///
/// Reads SPKI public keys, PKCS#8 private keys and SEC1 `EC PRIVATE KEY`s with a small DER reader
/// so that every unusable key (wrong type, wrong curve, encrypted, public for private) gets its own
/// clear error instead of a generic ASN.1 failure.
enum DecodedKey {
    case ed25519Public(Curve25519.Signing.PublicKey)
    case p256Public(P256.Signing.PublicKey)
    case ed25519Private(Curve25519.Signing.PrivateKey)
    case p256Private(P256.Signing.PrivateKey)

    /// Decodes the one key in PEM text.
    static func decode(pem text: String) throws(KeyError) -> DecodedKey {
        // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key: skip it.
        let blocks = try PEMBlock.parseAll(text).filter { $0.label != "EC PARAMETERS" }
        guard let block = blocks.first else { throw .notPEM }
        guard blocks.count == 1 else { throw .multipleKeys(blocks.count) }
        do {
            return try decode(block)
        } catch let error as DERError {
            throw .malformedKey("\(block.label): \(error.message)")
        } catch let error as KeyError {
            throw error
        } catch {
            throw .malformedKey("\(block.label): \(error)")
        }
    }

    private static func decode(_ block: PEMBlock) throws -> DecodedKey {
        let legacyEncrypted = block.headers.contains { $0.replacingOccurrences(of: " ", with: "") == "Proc-Type:4,ENCRYPTED" }
        switch block.label {
        case "PUBLIC KEY":
            return try subjectPublicKeyInfo(block.der)
        case "PRIVATE KEY":
            return try pkcs8(block.der)
        case "EC PRIVATE KEY":
            if legacyEncrypted { throw KeyError.encrypted }
            return try sec1(block.der[...], curveFromPKCS8: nil)
        case "ENCRYPTED PRIVATE KEY":
            throw KeyError.encrypted
        case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY":
            throw KeyError.cosignEncrypted
        case "CERTIFICATE", "TRUSTED CERTIFICATE":
            throw KeyError.certificateInsteadOfPublicKey
        case "RSA PRIVATE KEY", "RSA PUBLIC KEY":
            throw KeyError.unsupportedKeyType("RSA")
        case "DSA PRIVATE KEY":
            throw KeyError.unsupportedKeyType("DSA")
        case "OPENSSH PRIVATE KEY":
            throw KeyError.unsupportedKeyType("in OpenSSH format (convert or make a PKCS#8 PEM key: -----BEGIN PRIVATE KEY-----)")
        default:
            throw KeyError.unsupportedKeyType("\"\(block.label)\" (expected -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)")
        }
    }

    /// SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }
    private static func subjectPublicKeyInfo(_ der: [UInt8]) throws -> DecodedKey {
        var outer = DERReader(der)
        var spki = try outer.next(DERElement.sequence, "a SubjectPublicKeyInfo SEQUENCE").children
        guard outer.isAtEnd else { throw DERError("unexpected data after the key") }
        let (algorithm, parameters) = try algorithmIdentifier(&spki)
        let key = try spki.next(DERElement.bitString, "the public key BIT STRING").bitStringBytes()
        guard spki.isAtEnd else { throw DERError("unexpected data in SubjectPublicKeyInfo") }
        switch Array(algorithm) {
        case KeyOID.ed25519:
            guard key.count == 32 else { throw DERError("an Ed25519 public key has 32 bytes, not \(key.count)") }
            return .ed25519Public(try Curve25519.Signing.PublicKey(rawRepresentation: key))
        case KeyOID.ecPublicKey:
            try requireP256(parameters)
            if key.count == 33 { return .p256Public(try P256.Signing.PublicKey(compressedRepresentation: key)) }
            return .p256Public(try P256.Signing.PublicKey(x963Representation: key))
        default:
            throw KeyError.unsupportedKeyType(KeyOID.name(algorithm))
        }
    }

    /// PrivateKeyInfo / OneAsymmetricKey (RFC 5958) ::=
    /// SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, [0] attributes OPTIONAL, [1] publicKey OPTIONAL }
    private static func pkcs8(_ der: [UInt8]) throws -> DecodedKey {
        var outer = DERReader(der)
        var info = try outer.next(DERElement.sequence, "a PKCS#8 SEQUENCE").children
        guard outer.isAtEnd else { throw DERError("unexpected data after the key") }
        let version = try info.next(DERElement.integer, "the PKCS#8 version")
        guard version.value.elementsEqual([0]) || version.value.elementsEqual([1]) else {
            throw DERError("unknown PKCS#8 version")
        }
        let (algorithm, parameters) = try algorithmIdentifier(&info)
        let privateKey = try info.next(DERElement.octetString, "the private key OCTET STRING").value
        _ = try info.optional(0xA0)  // attributes: not used
        let embeddedPublicKey = try info.optional(0x81)
        guard info.isAtEnd else { throw DERError("unexpected data in the PKCS#8 structure") }
        switch Array(algorithm) {
        case KeyOID.ed25519:
            // RFC 8410: the private key is an OCTET STRING holding the 32-byte seed.
            var inner = DERReader(privateKey)
            let seed = try inner.next(DERElement.octetString, "the Ed25519 seed OCTET STRING").value
            guard inner.isAtEnd, seed.count == 32 else { throw DERError("an Ed25519 private key has a 32-byte seed") }
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            if let embedded = embeddedPublicKey {
                guard embedded.value.first == 0, embedded.value.dropFirst().elementsEqual(key.publicKey.rawRepresentation) else {
                    throw KeyError.mismatchedPublicKey
                }
            }
            return .ed25519Private(key)
        case KeyOID.ecPublicKey:
            try requireP256(parameters)
            return try sec1(privateKey, curveFromPKCS8: KeyOID.prime256v1)
        default:
            throw KeyError.unsupportedKeyType(KeyOID.name(algorithm))
        }
    }

    /// ECPrivateKey (SEC 1, RFC 5915) ::=
    /// SEQUENCE { version 1, OCTET STRING key, [0] curve OID OPTIONAL, [1] BIT STRING public key OPTIONAL }
    private static func sec1(_ der: ArraySlice<UInt8>, curveFromPKCS8: [UInt8]?) throws -> DecodedKey {
        var outer = DERReader(der)
        var sec1 = try outer.next(DERElement.sequence, "an ECPrivateKey SEQUENCE").children
        guard outer.isAtEnd else { throw DERError("unexpected data after the key") }
        let version = try sec1.next(DERElement.integer, "the ECPrivateKey version")
        guard version.value.elementsEqual([1]) else { throw DERError("unknown ECPrivateKey version") }
        let scalar = try sec1.next(DERElement.octetString, "the private key OCTET STRING").value
        if let parameters = try sec1.optional(0xA0) {
            var inner = parameters.children
            try requireP256(try inner.next())
        } else if curveFromPKCS8 == nil {
            throw DERError("the EC private key does not name its curve")
        }
        let embeddedPublicKey = try sec1.optional(0xA1)
        guard sec1.isAtEnd else { throw DERError("unexpected data in the ECPrivateKey structure") }
        guard scalar.count <= 32 else { throw DERError("a P-256 private key has at most 32 bytes") }
        let key = try P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 32 - scalar.count) + scalar)
        if let embedded = embeddedPublicKey {
            var inner = embedded.children
            let point = try inner.next(DERElement.bitString, "the public key BIT STRING").bitStringBytes()
            guard point.elementsEqual(key.publicKey.x963Representation) || point.elementsEqual(key.publicKey.compressedRepresentation) else {
                throw KeyError.mismatchedPublicKey
            }
        }
        return .p256Private(key)
    }

    /// AlgorithmIdentifier ::= SEQUENCE { OID, parameters OPTIONAL }
    private static func algorithmIdentifier(_ reader: inout DERReader) throws -> (ArraySlice<UInt8>, DERElement?) {
        var identifier = try reader.next(DERElement.sequence, "an AlgorithmIdentifier SEQUENCE").children
        let oid = try identifier.next(DERElement.objectIdentifier, "an algorithm OID").value
        let parameters = identifier.isAtEnd ? nil : try identifier.next()
        guard identifier.isAtEnd else { throw DERError("unexpected data in AlgorithmIdentifier") }
        return (oid, parameters)
    }

    /// Accepts EC parameters that name P-256; names any other curve in the error.
    private static func requireP256(_ parameters: DERElement?) throws {
        guard let parameters, parameters.tag == DERElement.objectIdentifier else {
            throw KeyError.unsupportedKeyType("ECDSA with explicit or missing curve parameters (use a named curve, P-256)")
        }
        guard parameters.value.elementsEqual(KeyOID.prime256v1) else {
            throw KeyError.unsupportedKeyType(KeyOID.name(parameters.value))
        }
    }
}
