import Foundation

/// A DSSE v1.0.2 envelope (FORMATS.md §1): a payload, its type, and signatures over their PAE.
///
/// Parsing does not verify: call `verify(trustedKeys:threshold:)` and use only its
/// `verifiedPayload`, never `payload`, as input to the next layer.
public struct DSSEEnvelope: Hashable, Sendable {
    /// The payload type of in-toto Statements.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"
    /// The largest envelope `init(parsing:)` reads. Real attestations are a few KiB.
    public static let maxEnvelopeSize = 16 * 1024 * 1024
    /// The most signatures `init(parsing:)` accepts: bounds the work of verification.
    public static let maxSignatureCount = 256

    /// One signature: the signature bytes and an optional, unauthenticated key id hint.
    public struct Signature: Hashable, Sendable {
        /// A hint naming the signing key; never used for trust. Unset and empty are the same.
        public var keyID: String?
        /// The signature bytes (decoded from base64).
        public var sig: Data

        public init(keyID: String?, sig: Data) {
            self.keyID = keyID
            self.sig = sig
        }
    }

    /// The raw payload bytes (decoded from base64). Unverified until `verify` says otherwise.
    public var payload: Data
    /// The payload type; authenticated (it is part of the PAE).
    public var payloadType: String
    /// The signatures, in envelope order.
    public var signatures: [Signature]

    public init(payload: Data, payloadType: String, signatures: [Signature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// Signs `payload` with each key; each signature carries its key's securesystemslib key id.
    ///
    /// - Throws: `EnvelopeError.noSignatures` with no keys; `KeyError` if signing fails.
    public static func sign(payload: Data, payloadType: String = inTotoPayloadType, keys: [SigningKey]) throws -> DSSEEnvelope {
        guard !keys.isEmpty else { throw EnvelopeError.noSignatures }
        let pae = PAE.encode(payloadType: payloadType, payload: payload)
        let signatures = try keys.map { Signature(keyID: $0.publicKey.keyID, sig: try $0.signature(for: pae)) }
        return DSSEEnvelope(payload: payload, payloadType: payloadType, signatures: signatures)
    }

    /// Reads one JSON envelope with the strict parser (duplicate keys are an error).
    ///
    /// `payload`, `payloadType`, `signatures` and each `sig` are required; `keyid` is optional;
    /// unknown fields (`cert`, `extension`, ...) are ignored. An empty `signatures` array is read,
    /// and then fails verification.
    /// - Throws: `EnvelopeError`.
    public init(parsing json: Data) throws {
        guard json.count <= Self.maxEnvelopeSize else {
            throw EnvelopeError.tooLarge(size: json.count, limit: Self.maxEnvelopeSize)
        }
        let value: JSONValue
        do {
            value = try StrictJSON.parse(json)
        } catch {
            throw EnvelopeError.notJSON(String(describing: error))
        }
        try self.init(json: value)
    }

    /// Reads one envelope that is already parsed (for example from a Sigstore bundle's `dsseEnvelope`).
    /// - Throws: `EnvelopeError`.
    public init(json value: JSONValue) throws {
        guard value.objectValue != nil else { throw EnvelopeError.wrongType(field: "(envelope)", expected: "an object", found: value.typeName) }
        payload = try Self.base64Field("payload", in: value, name: "payload")
        payloadType = try Self.stringField("payloadType", in: value, name: "payloadType")
        guard let list = value["signatures"] else { throw EnvelopeError.missingField("signatures") }
        guard let elements = list.arrayValue else {
            throw EnvelopeError.wrongType(field: "signatures", expected: "an array", found: list.typeName)
        }
        guard elements.count <= Self.maxSignatureCount else {
            throw EnvelopeError.tooManySignatures(count: elements.count, limit: Self.maxSignatureCount)
        }
        signatures = try elements.enumerated().map { index, element in
            let name = "signatures[\(index)]"
            guard element.objectValue != nil else {
                throw EnvelopeError.wrongType(field: name, expected: "an object", found: element.typeName)
            }
            let sig = try Self.base64Field("sig", in: element, name: "\(name).sig")
            let keyID: String?
            switch element["keyid"] {
            case nil, .null?: keyID = nil
            case .string(let text)?: keyID = text.isEmpty ? nil : text
            case let other?: throw EnvelopeError.wrongType(field: "\(name).keyid", expected: "a string", found: other.typeName)
            }
            return Signature(keyID: keyID, sig: sig)
        }
    }

    private static func stringField(_ key: String, in object: JSONValue, name: String) throws -> String {
        guard let field = object[key] else { throw EnvelopeError.missingField(name) }
        guard let text = field.stringValue else { throw EnvelopeError.wrongType(field: name, expected: "a string", found: field.typeName) }
        return text
    }

    private static func base64Field(_ key: String, in object: JSONValue, name: String) throws -> Data {
        guard let data = DSSEBase64.decode(try stringField(key, in: object, name: name)) else {
            throw EnvelopeError.invalidBase64(field: name)
        }
        return data
    }

    /// The envelope as one line of JSON (no newline): sorted keys, standard padded base64, and
    /// `keyid` always present (`""` when unset), as securesystemslib requires.
    public func jsonData() -> Data {
        JSONValue.object([
            (key: "payload", value: .string(DSSEBase64.encode(payload))),
            (key: "payloadType", value: .string(payloadType)),
            (key: "signatures", value: .array(signatures.map { signature in
                .object([(key: "keyid", value: .string(signature.keyID ?? "")),
                         (key: "sig", value: .string(DSSEBase64.encode(signature.sig)))])
            })),
        ]).jsonData()
    }
}
