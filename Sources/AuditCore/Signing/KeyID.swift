import Crypto
import Foundation

/// securesystemslib key ids (FORMATS.md §1.3), so Python and in-toto tools find our keys.
///
/// A key id is the lowercase hex SHA-256 of the OLPC canonical JSON of
/// `{"keytype": ..., "keyval": {"public": ...}, "scheme": ...}`.
enum KeyID {
    /// Ed25519: `public` is the 32-byte raw key in lowercase hex.
    static func ed25519(rawPublicKey: some Sequence<UInt8>) -> String {
        securesystemslib(keytype: "ed25519", scheme: "ed25519", publicValue: hexString(rawPublicKey))
    }

    /// ECDSA P-256: `public` is the SPKI PEM exactly as pyca/cryptography writes it.
    static func ecdsaP256(spkiPEM: String) -> String {
        securesystemslib(keytype: "ecdsa", scheme: "ecdsa-sha2-nistp256", publicValue: spkiPEM)
    }

    private static func securesystemslib(keytype: String, scheme: String, publicValue: String) -> String {
        let key = JSONValue.object([
            (key: "keytype", value: .string(keytype)),
            (key: "keyval", value: .object([(key: "public", value: .string(publicValue))])),
            (key: "scheme", value: .string(scheme)),
        ])
        return sha256Hex(key.jsonData(.olpc))
    }

}
