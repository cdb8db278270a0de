import AuditCore
import Foundation
import TestSupport
import Testing

/// RFC 3339 timestamps, against GNU `date` and Foundation's own formatting.
@Suite struct TimestampTests {
    @Test func validTimestampsMeanWhatGNUDateSays() throws {
        let valid = ["2026-11-29T11:14:38Z", "2026-11-29T11:14:38+01:00", "2026-11-29T11:14:38-07:30", "2024-02-29T23:59:59Z",
                     "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-01-01T00:30:00+23:59",
                     "2026-12-31T23:59:59-00:00", "1900-03-01T12:00:00Z"]
        for text in valid {
            let expected = try runProcess("/bin/date", ["-u", "-d", text, "+%s"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Timestamp.date(text).map { String(Int($0.timeIntervalSince1970)) } == expected, "\(text)")
        }
        #expect(Timestamp.date("2026-11-29T11:14:38.25Z")?.timeIntervalSince1970 == 1_795_950_878.25)
        #expect(Timestamp.date("2026-11-29T11:14:38.123456789+01:00").map { abs($0.timeIntervalSince1970 - 1_795_947_278.123456789) < 1e-6 } == true)
    }

    @Test func everyDateRoundTripsThroughTheFormatter() {
        var date = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        while date.timeIntervalSince1970 < 4_102_444_800 {  // 2100-01-01
            #expect(Timestamp.date(Timestamp.string(date)) == date, "\(Timestamp.string(date))")
            date += 86_400 * 3 + 3_661
        }
    }

    /// What Foundation's parsers let through (a leading space, a one-digit month, hour 25,
    /// February 30, a 24-hour offset) and everything else that is not RFC 3339 is refused.
    @Test func anythingElseIsRefused() {
        for text in ["", " 2026-11-29T11:14:38Z", "2026-11-29T11:14:38Z ", "2026-1-29T11:14:38Z", "2026-11-29T25:14:38Z",
                     "2026-02-30T11:14:38Z", "2025-02-29T11:14:38Z", "1900-02-29T00:00:00Z", "2026-11-31T00:00:00Z",
                     "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-29T11:60:00Z",
                     "2026-11-29T11:14:60Z", "2026-11-29T11:14:38+24:00", "2026-11-29T11:14:38+01:60", "2026-11-29T11:14:38+0100",
                     "2026-11-29T11:14:38", "2026-11-29T11:14Z", "2026-11-29 11:14:38Z", "2026-11-29t11:14:38z", "20261129T111438Z",
                     "+2026-11-29T11:14:38Z", "2026-11-29T11:14:38.Z", "2026-11-29T11:14:38,5Z", "2026-11-29T11:14:38ZZ",
                     "٢٠٢٦-11-29T11:14:38Z", "2026-11-29T11:14:38Z\n"] {
            #expect(Timestamp.date(text) == nil, "\(text.debugDescription)")
        }
    }
}
