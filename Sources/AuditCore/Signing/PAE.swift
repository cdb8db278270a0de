import Foundation

/// DSSE v1 Pre-Authentication Encoding: the exact bytes that are signed (FORMATS.md §1.2).
public enum PAE {
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes as ASCII decimal.
    ///
    /// The payload is used as raw bytes: never its base64 text, never re-serialized.
    public static func encode(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var bytes = Data("DSSEv1 \(type.count) ".utf8)
        bytes.append(type)
        bytes.append(contentsOf: " \(payload.count) ".utf8)
        bytes.append(payload)
        return bytes
    }
}
