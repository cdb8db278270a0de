import Foundation
import GitFacts

/// An in-toto ResourceDescriptor: a named, addressed and/or digested artifact (attestation spec v1 §ResourceDescriptor).
///
/// `content` is not kept: release-audit never needs inline bytes, and unknown or unused fields are ignored.
public struct ResourceDescriptor: Hashable, Sendable {
    public var name: String?
    public var uri: String?
    /// Algorithm → hex value. Git object ids, `sha1` and `sha256` are validated and lowercased when parsed.
    public var digest: [String: String]
    public var downloadLocation: String?
    public var mediaType: String?
    /// Free-form annotations (a JSON object), when present.
    public var annotations: JSONValue?

    public init(name: String? = nil, uri: String? = nil, digest: [String: String] = [:],
                downloadLocation: String? = nil, mediaType: String? = nil, annotations: JSONValue? = nil) {
        self.name = name
        self.uri = uri
        self.digest = digest
        self.downloadLocation = downloadLocation
        self.mediaType = mediaType
        self.annotations = annotations
    }

    /// The descriptor as a JSON object, leaving out unset fields.
    public var jsonValue: JSONValue {
        .object(dropping: [
            "name": .optional(name),
            "uri": .optional(uri),
            "digest": digest.isEmpty ? nil : .stringMap(digest),
            "downloadLocation": .optional(downloadLocation),
            "mediaType": .optional(mediaType),
            "annotations": annotations,
        ])
    }

    /// Reads a descriptor, validating its digest set.
    static func parse(_ field: JSONField) throws -> ResourceDescriptor {
        try field.requireObject()
        let annotations = field["annotations"]
        try annotations.requireObject(required: false)
        return ResourceDescriptor(
            name: try field["name"].optionalString(),
            uri: try field["uri"].optionalString(),
            digest: try DigestSet.parse(field["digest"]),
            downloadLocation: try field["downloadLocation"].optionalString(),
            mediaType: try field["mediaType"].optionalString(),
            annotations: annotations.value)
    }
}

/// Checks on in-toto DigestSets: the algorithms release-audit relies on must hold well-formed hex.
enum DigestSet {
    /// The git object digest names of the in-toto spec.
    static let gitObjectAlgorithms: Set<String> = ["gitCommit", "gitTree", "gitTag", "gitBlob"]

    /// Reads a DigestSet; `gitCommit`/`gitTree`/`gitTag`/`gitBlob`/`sha1` must be 40 hex, `sha256` 64 hex.
    ///
    /// Those values are lowercased; other algorithms are kept as they are (consumers ignore them).
    static func parse(_ field: JSONField) throws -> [String: String] {
        var digest: [String: String] = [:]
        for (algorithm, valueField) in try field.members() {
            let value = try valueField.string()
            digest[algorithm] = try validated(algorithm: algorithm, value: value, path: valueField.path)
        }
        return digest
    }

    static func validated(algorithm: String, value: String, path: String) throws -> String {
        let expectedLength: Int
        switch algorithm {
        case _ where gitObjectAlgorithms.contains(algorithm):
            if value.utf8.count == 64 && isHex(value) {
                throw FormatError.invalidValue(path: path, reason: "SHA-256 git object ids are not supported (release-audit reads SHA-1 repositories only)")
            }
            expectedLength = 40
        case "sha1": expectedLength = 40
        case "sha256": expectedLength = 64
        default: return value
        }
        guard value.utf8.count == expectedLength, isHex(value) else {
            throw FormatError.invalidValue(path: path, reason: "expected \(expectedLength) hexadecimal characters, found \"\(value.prefix(80))\"")
        }
        return value.lowercased()
    }

    /// A git object id from a digest value (validated again: a statement may have been built in code).
    static func objectID(_ hex: String, path: String) throws -> ObjectID {
        let valid = try validated(algorithm: "gitCommit", value: hex, path: path)
        return try ObjectID(hex: valid)
    }

    static func isHex(_ s: String) -> Bool {
        s.utf8.allSatisfy { (48...57).contains($0) || (65...70).contains($0) || (97...102).contains($0) }
    }
}
