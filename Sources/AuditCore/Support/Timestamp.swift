import Foundation

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
