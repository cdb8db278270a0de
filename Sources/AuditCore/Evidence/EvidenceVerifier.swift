import Foundation

/// An envelope after signature verification, and what its verified payload says.
public struct VerifiedEvidence: Sendable {
    /// What a verified statement turned out to be.
    public enum Content: Sendable {
        case test(TestRecord)
        case build(BuildRecord)
        /// A statement of another predicate type (e.g. an audit report, a VSA).
        case other(predicateType: String)
    }

    public var loaded: LoadedEnvelope
    public var verification: DSSEVerification
    /// Nil when the signature check failed: an unverified payload is never parsed.
    public var content: Content?
    /// Why this evidence cannot be used (signature, trust or threshold); nil when it verified.
    public var problem: String?
    /// What a keyless bundle proved (identity, log entry), when it was verified keylessly.
    public var keyless: KeylessSignature? = nil

    /// The key ids of the distinct trusted keys whose signatures verified.
    public var signerKeyIDs: [String] { verification.acceptedKeys.map(\.keyID) }

    /// Who signed, for people: key id prefixes, or the workflow a keyless certificate names.
    public var signerNames: [String] {
        if let keyless { return ["workflow " + (keyless.identity.subjectAlternativeName ?? "(no SAN)")] }
        return signerKeyIDs.map { String($0.prefix(12)) }
    }
    /// Whether the signature checks passed (threshold of distinct trusted keys met).
    public var isVerified: Bool { problem == nil }

    /// The test record, when this is verified test evidence.
    public var testRecord: TestRecord? {
        if case .test(let r)? = content { return r }
        return nil
    }

    /// The build record, when this is verified build evidence.
    public var buildRecord: BuildRecord? {
        if case .build(let r)? = content { return r }
        return nil
    }
}

/// Verifies envelopes against trusted keys and reads the statements inside them.
public enum EvidenceVerifier {
    /// The payload types release-audit reads (the in-toto ones; consumers rely on predicateType).
    public static func isInTotoPayloadType(_ type: String) -> Bool {
        type == DSSEEnvelope.inTotoPayloadType || (type.hasPrefix("application/vnd.in-toto.") && type.hasSuffix("+json"))
    }

    /// Verifies one envelope for a role: a keyless Sigstore bundle against the role's trusted
    /// identities (when it has any), anything else against the role's keys and threshold.
    public static func verify(_ loaded: LoadedEnvelope, role: Role, trust: TrustStore) throws -> VerifiedEvidence {
        if let bundle = loaded.bundle, !trust.identities(for: role).isEmpty {
            return try verifyKeyless(loaded, bundle: bundle, role: role, trust: trust)
        }
        var result = try verify(loaded, trustedKeys: trust.keys(for: role), threshold: trust.threshold(for: role))
        if let bundleProblem = loaded.bundleProblem, result.problem != nil {
            result.problem = "the Sigstore bundle cannot be read as a keyless bundle: \(bundleProblem)"
        } else if loaded.bundle != nil, let problem = result.problem {
            result.problem = problem + "; it is a keyless Sigstore bundle: list the workflow that signs it in trusted_keys.\(role.rawValue).identities"
        }
        return result
    }

    /// Verifies one envelope, then (only if it verified) parses exactly the verified bytes.
    ///
    /// A signature problem is returned as `problem` (a finding). A verified payload that is not a
    /// well-formed statement throws: the input is unusable, not merely untrusted.
    public static func verify(_ loaded: LoadedEnvelope, trustedKeys: [PublicKey], threshold: Int) throws -> VerifiedEvidence {
        let envelope = loaded.envelope
        let verification = envelope.verify(trustedKeys: trustedKeys, threshold: threshold)
        var result = VerifiedEvidence(loaded: loaded, verification: verification, content: nil, problem: nil)

        guard let payload = verification.verifiedPayload, verification.isValid else {
            result.problem = describeFailure(envelope, verification, trustedKeys: trustedKeys, threshold: threshold)
            return result
        }
        guard isInTotoPayloadType(envelope.payloadType) else {
            throw EvidenceError.unreadable(source: loaded.source,
                                           reason: "payloadType is '\(envelope.payloadType)', expected \(DSSEEnvelope.inTotoPayloadType)")
        }
        result.content = try readStatement(loaded, payload: payload)
        return result
    }

    /// Reads a verified payload's statement: test, build or another predicate type.
    ///
    /// - Throws: `EvidenceError.malformedStatement` when the payload is not a well-formed statement.
    public static func readStatement(_ loaded: LoadedEnvelope, payload: Data) throws -> VerifiedEvidence.Content {
        do {
            let statement = try Statement.parse(payload)
            switch statement.predicateType {
            case TestResultStatement.predicateType:
                return .test(try TestResultStatement.read(statement))
            case ProvenanceStatement.predicateTypeV1, ProvenanceStatement.predicateTypeV02:
                return .build(try ProvenanceStatement.read(statement))
            default:
                return .other(predicateType: statement.predicateType)
            }
        } catch {
            throw EvidenceError.malformedStatement(source: loaded.source, reason: String(describing: error))
        }
    }

    static func describeFailure(_ envelope: DSSEEnvelope, _ v: DSSEVerification, trustedKeys: [PublicKey], threshold: Int) -> String {
        if envelope.signatures.isEmpty { return "the envelope has no signatures" }
        if trustedKeys.isEmpty { return "no trusted keys were given for this role (pass --trusted-key or list keys in the policy)" }
        let hints = envelope.signatures.compactMap { $0.keyID }.filter { !$0.isEmpty }.map { String($0.prefix(16)) }
        if v.acceptedKeys.isEmpty {
            return "no signature verifies with a trusted key" + (hints.isEmpty ? "" : " (signatures name key ids \(hints.joined(separator: ", ")))")
        }
        return "only \(v.acceptedKeys.count) distinct trusted key(s) signed it; the threshold is \(threshold)"
    }
}
