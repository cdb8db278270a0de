import Foundation

/// Deterministic JSON: sorted keys, no escaped slashes, so output diffs cleanly and hashes stably.
public enum JSONOutput {
    /// Encodes a value as pretty-printed JSON with sorted keys.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try data(value, pretty: pretty), as: UTF8.self)
    }

    /// Encodes a value as JSON bytes with sorted keys.
    public static func data<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
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
