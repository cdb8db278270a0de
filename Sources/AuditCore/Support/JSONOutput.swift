import Foundation

/// Deterministic JSON of `Encodable` values: sorted keys, no escaped slashes, so output diffs
/// cleanly and hashes stably. Foundation's encoder only turns the value into a tree; the bytes
/// come from the one writer (`JSONValue.jsonData(_:)`), so every output escapes alike.
public enum JSONOutput {
    /// Encodes a value as pretty-printed JSON with sorted keys (`JSONStyle.output`).
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try tree(value).jsonData(.output), as: UTF8.self)
    }

    /// The value as a JSON tree.
    public static func tree<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try StrictJSON.parse(try encoder.encode(value))
    }
}
