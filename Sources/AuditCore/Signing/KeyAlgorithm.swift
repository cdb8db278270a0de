/// The signature algorithms release-audit signs and verifies with.
public enum KeyAlgorithm: String, Sendable, Codable, CaseIterable {
    /// Ed25519 (RFC 8032): 64-byte raw signatures. The default.
    case ed25519
    /// ECDSA over NIST P-256 with SHA-256: DER signatures (raw `r‖s` also accepted when verifying).
    case ecdsaP256 = "ecdsa-p256"
}
