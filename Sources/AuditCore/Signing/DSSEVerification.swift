import Foundation

/// The result of verifying a DSSE envelope against trusted keys and a threshold.
public struct DSSEVerification: Sendable {
    /// The distinct trusted keys (by key id) that made a valid signature, in signature order.
    public let acceptedKeys: [PublicKey]
    /// How many distinct trusted keys had to sign.
    public let threshold: Int
    /// How many signatures the envelope carries.
    public let signatureCount: Int
    /// The exact payload bytes that were verified; nil unless the envelope is valid.
    public let verifiedPayload: Data?

    /// Whether at least `threshold` (>= 1) distinct trusted keys signed.
    public var isValid: Bool { threshold >= 1 && acceptedKeys.count >= threshold }

    init(acceptedKeys: [PublicKey], threshold: Int, signatureCount: Int, payload: Data) {
        self.acceptedKeys = acceptedKeys
        self.threshold = threshold
        self.signatureCount = signatureCount
        self.verifiedPayload = threshold >= 1 && acceptedKeys.count >= threshold ? payload : nil
    }

    /// Why verification failed, in one line; nil when valid.
    public var failureReason: String? {
        if isValid { return nil }
        if threshold < 1 { return "the signature threshold must be at least 1, not \(threshold)" }
        if signatureCount == 0 { return "the envelope has no signatures" }
        if acceptedKeys.isEmpty {
            return "none of the envelope's \(signatureCount) signature(s) is valid for a trusted key"
        }
        return "only \(acceptedKeys.count) distinct trusted key(s) signed, \(threshold) required"
    }
}

extension DSSEEnvelope {
    /// Verifies the signatures over the PAE of the raw payload (DSSE v1.0.2 protocol).
    ///
    /// Each signature is tried against every trusted key; a `keyid` only decides which key is tried
    /// first, so a wrong or missing hint neither grants nor loses trust. A key counts once however
    /// many of its signatures the envelope holds. Nothing here parses the payload.
    public func verify(trustedKeys: [PublicKey], threshold: Int = 1) -> DSSEVerification {
        var seen = Set<String>()
        let keys = trustedKeys.filter { seen.insert($0.keyID).inserted }
        let pae = PAE.encode(payloadType: payloadType, payload: payload)
        var accepted: [PublicKey] = []
        var acceptedIDs = Set<String>()
        for signature in signatures {
            let hinted = keys.filter { $0.keyID == signature.keyID }
            let others = keys.filter { $0.keyID != signature.keyID }
            for key in hinted + others where !acceptedIDs.contains(key.keyID) {
                if key.isValidSignature(signature.sig, for: pae) {
                    accepted.append(key)
                    acceptedIDs.insert(key.keyID)
                    break
                }
            }
        }
        return DSSEVerification(acceptedKeys: accepted, threshold: threshold, signatureCount: signatures.count, payload: payload)
    }
}
