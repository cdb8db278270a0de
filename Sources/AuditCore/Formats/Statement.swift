import Foundation

/// An in-toto Statement: subjects, a predicate type and a predicate (attestation spec v1).
///
/// `parse` reads the verified payload bytes of a DSSE envelope; `jsonData` gives the bytes to sign.
public struct Statement: Hashable, Sendable {
    /// The Statement type of in-toto attestation spec v1.
    public static let typeV1 = "https://in-toto.io/Statement/v1"
    /// The earlier Statement type, used by SLSA Provenance v0.2 generators.
    public static let typeV01 = "https://in-toto.io/Statement/v0.1"
    /// The largest payload `parse` accepts (16 MiB): far beyond any real statement.
    public static let maxPayloadSize = 16 * 1024 * 1024

    /// The `_type` field.
    public var type: String
    /// The `subject` list: what the statement is about, matched by digest.
    public var subjects: [ResourceDescriptor]
    public var predicateType: String
    /// The predicate, always an object (an absent predicate reads as `{}`).
    public var predicate: JSONValue

    public init(type: String = Statement.typeV1, subjects: [ResourceDescriptor], predicateType: String, predicate: JSONValue) {
        self.type = type
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// Parses a statement from payload bytes, strictly (duplicate keys, bad UTF-8 and bad digests are errors).
    ///
    /// Unknown fields are ignored. Every subject must carry a digest.
    public static func parse(_ payload: Data) throws -> Statement {
        guard payload.count <= maxPayloadSize else {
            throw FormatError.tooLarge(what: "statement payload", size: payload.count, limit: maxPayloadSize)
        }
        let json: JSONValue
        do {
            json = try StrictJSON.parse(payload)
        } catch let error as JSONParseError {
            throw FormatError.invalidJSON(error.description)
        }
        let root = JSONField(path: "", value: json)
        try root.requireObject()

        let type = try root["_type"].string()
        guard type == typeV1 || type == typeV01 else {
            throw FormatError.invalidValue(path: "_type", reason: "expected \(typeV1) (or \(typeV01)), found \"\(type.prefix(100))\"")
        }
        let subjectFields = try root["subject"].elements()
        guard !subjectFields.isEmpty else {
            throw FormatError.invalidValue(path: "subject", reason: "expected at least one subject")
        }
        let subjects = try subjectFields.map { field in
            let subject = try ResourceDescriptor.parse(field)
            guard !subject.digest.isEmpty else { throw FormatError.missingField(path: "\(field.path).digest") }
            return subject
        }
        let predicateType = try root["predicateType"].string()
        guard !predicateType.isEmpty else {
            throw FormatError.invalidValue(path: "predicateType", reason: "expected a type URI, found an empty string")
        }
        let predicate = try root["predicate"].requireObject(required: false)
        return Statement(type: type, subjects: subjects, predicateType: predicateType,
                         predicate: predicate.value ?? .object([]))
    }

    /// The statement as a JSON value.
    public var jsonValue: JSONValue {
        .object([
            (key: "_type", value: .string(type)),
            (key: "subject", value: .array(subjects.map(\.jsonValue))),
            (key: "predicateType", value: .string(predicateType)),
            (key: "predicate", value: predicate),
        ])
    }

    /// Compact JSON with sorted keys: the same statement always gives the same bytes.
    public func jsonData() -> Data { jsonValue.jsonData() }

    /// The predicate, for reading fields with their paths.
    var predicateField: JSONField { JSONField(path: "predicate", value: predicate) }

    /// Throws unless the predicate type is one of `expected`.
    func requirePredicateType(_ expected: String...) throws {
        guard expected.contains(predicateType) else {
            let list = expected.joined(separator: " or ")
            throw FormatError.invalidValue(path: "predicateType", reason: "expected \(list), found \"\(predicateType.prefix(100))\"")
        }
    }
}
