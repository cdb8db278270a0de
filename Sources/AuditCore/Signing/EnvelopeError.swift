/// Why a DSSE envelope could not be read or made. Each description is one line.
public enum EnvelopeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The envelope is larger than `DSSEEnvelope.maxEnvelopeSize`.
    case tooLarge(size: Int, limit: Int)
    /// The bytes are not (strict) JSON.
    case notJSON(String)
    /// A required field is absent.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String, found: String)
    /// A `payload` or `sig` is not base64 (standard or URL-safe).
    case invalidBase64(field: String)
    /// There are more signatures than `DSSEEnvelope.maxSignatureCount`.
    case tooManySignatures(count: Int, limit: Int)
    /// `sign` was given no keys: an envelope needs at least one signature.
    case noSignatures

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit):
            return "DSSE envelope is \(size) bytes, more than the limit of \(limit) bytes; this is not an envelope release-audit made"
        case .notJSON(let detail):
            return "DSSE envelope is not valid JSON: \(detail)"
        case .missingField(let field):
            return "DSSE envelope has no \"\(field)\" field (payload, payloadType, signatures and sig are required)"
        case .wrongType(let field, let expected, let found):
            return "DSSE envelope field \"\(field)\" must be \(expected), not \(found)"
        case .invalidBase64(let field):
            return "DSSE envelope field \"\(field)\" is not valid base64"
        case .tooManySignatures(let count, let limit):
            return "DSSE envelope has \(count) signatures, more than the limit of \(limit)"
        case .noSignatures:
            return "no signing key given: a DSSE envelope needs at least one signature"
        }
    }
}
