import Foundation

/// A JSON value read at a named path, with typed accessors that throw `FormatError`s naming that path.
///
/// `null` reads as absent: in-toto and SLSA say unset and null mean the same.
struct JSONField {
    /// Where the value sits, e.g. `predicate.buildDefinition.resolvedDependencies[0].uri`.
    let path: String
    /// The value, nil when absent or null.
    let value: JSONValue?

    init(path: String, value: JSONValue?) {
        self.path = path
        self.value = (value?.isNull ?? true) ? nil : value
    }

    var isPresent: Bool { value != nil }

    /// The member `key` of this object (absent when this is absent or not an object).
    subscript(key: String) -> JSONField {
        JSONField(path: path.isEmpty ? key : "\(path).\(key)", value: value?[key])
    }

    private func mismatch(_ expected: String) -> FormatError {
        .wrongType(path: path, expected: expected, found: value?.typeName ?? "nothing")
    }

    // MARK: Strings

    func string() throws -> String {
        guard let value else { throw FormatError.missingField(path: path) }
        guard let s = value.stringValue else { throw mismatch("a string") }
        return s
    }

    /// The string, nil when absent or empty.
    func optionalString() throws -> String? {
        guard isPresent else { return nil }
        let s = try string()
        return s.isEmpty ? nil : s
    }

    /// A list of strings; absent reads as empty.
    func stringArray() throws -> [String] {
        try optionalElements().map { try $0.string() }
    }

    // MARK: Other scalars

    func optionalBool() throws -> Bool? {
        guard let value else { return nil }
        guard let b = value.boolValue else { throw mismatch("a boolean") }
        return b
    }

    func int() throws -> Int {
        guard let value else { throw FormatError.missingField(path: path) }
        guard case .number = value else { throw mismatch("an integer") }
        guard let n = value.intValue else {
            throw FormatError.invalidValue(path: path, reason: "expected an integer, found \(value.jsonText)")
        }
        return n
    }

    /// An RFC 3339 timestamp, nil when absent.
    func optionalTimestamp() throws -> Date? {
        guard let text = try optionalString() else { return nil }
        guard let date = Timestamp.date(text) else {
            throw FormatError.invalidValue(path: path, reason: "expected an RFC 3339 timestamp, found \"\(text)\"")
        }
        return date
    }

    // MARK: Containers

    /// Throws unless the value is an object (or, when `required` is false, absent).
    @discardableResult
    func requireObject(required: Bool = true) throws -> JSONField {
        guard let value else {
            if required { throw FormatError.missingField(path: path) }
            return self
        }
        guard value.objectValue != nil else { throw mismatch("an object") }
        return self
    }

    /// The members of an object, with their paths; absent reads as no members.
    func members() throws -> [(key: String, field: JSONField)] {
        guard let value else { return [] }
        guard let members = value.objectValue else { throw mismatch("an object") }
        return members.map { ($0.key, self[$0.key]) }
    }

    /// The elements of an array, with their paths; absent reads as empty.
    func optionalElements() throws -> [JSONField] {
        guard let value else { return [] }
        guard let elements = value.arrayValue else { throw mismatch("an array") }
        return elements.enumerated().map { JSONField(path: "\(path)[\($0.offset)]", value: $0.element) }
    }

    /// The elements of an array that must be present.
    func elements() throws -> [JSONField] {
        guard isPresent else { throw FormatError.missingField(path: path) }
        return try optionalElements()
    }
}

extension JSONValue {
    /// A short JSON rendering for messages.
    var jsonText: String {
        let text = String(decoding: jsonData(), as: UTF8.self)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
