import Foundation

/// Deterministic JSON of `Encodable` values: sorted keys, no escaped slashes, so output diffs
/// cleanly and hashes stably. Foundation's encoder only turns the value into a tree; the bytes
/// come from the one writer (`JSONValue.jsonData(_:)`), so every output escapes alike.
public enum JSONOutput {
    /// Encodes a value as pretty-printed JSON with sorted keys (`JSONStyle.output`).
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try tree(value).jsonData(.output), as: UTF8.self)
    }

    /// Encodes a value as canonical JSON bytes (`JSONStyle.canonical`).
    public static func data<T: Encodable>(_ value: T) throws -> Data {
        try tree(value).jsonData(.canonical)
    }

    /// The value as a JSON tree.
    public static func tree<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try StrictJSON.parse(try encoder.encode(value))
    }
}

/// RFC 3339 timestamps in UTC with a `Z`, as in-toto and SLSA require.
public enum Timestamp {
    /// Formats a date as `2026-11-29T11:14:38Z`.
    public static func string(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    /// Parses an RFC 3339 timestamp (with or without fractional seconds; `Z` or an offset).
    public static func date(_ string: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = withFraction.date(from: string) { return d }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: string)
    }
}
