import Foundation

/// A positive length of time written as a number and one unit: `90m`, `36h`, `7d`, `3600s`.
///
/// Named so as not to clash with `Swift.Duration`. Its text form is the largest unit that
/// divides it exactly, so `3600s` reads back as `1h`.
public struct PolicyDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Why a duration was rejected.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The text as written.
        public var text: String
        public init(text: String) { self.text = text }
        public var description: String {
            "invalid duration \"\(text)\": write a positive whole number and a unit, s, m, h or d (\"90m\", \"36h\", \"7d\")"
        }
    }

    /// The length in seconds (always positive).
    public let seconds: Int

    private static let units: [(suffix: Character, seconds: Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// A duration of this many seconds; nil unless it is positive.
    public init?(seconds: Int) {
        guard seconds > 0 else { return nil }
        self.seconds = seconds
    }

    /// Parses `<digits><unit>` with unit `s`, `m`, `h` or `d`; zero, signs, spaces and overflow throw.
    public init(parsing text: String) throws {
        guard let unit = text.last, let factor = Self.units.first(where: { $0.suffix == unit })?.seconds else {
            throw ParseError(text: text)
        }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits) else {
            throw ParseError(text: text)
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: factor)
        guard !overflow, total > 0 else { throw ParseError(text: text) }
        self.seconds = total
    }

    /// The length as a `TimeInterval`, for date arithmetic.
    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    /// The text form, in the largest unit that divides the length exactly (`7d`, `36h`, `90m`).
    public var description: String {
        let unit = Self.units.first { seconds % $0.seconds == 0 } ?? ("s", 1)
        return "\(seconds / unit.seconds)\(unit.suffix)"
    }

    public static func < (a: PolicyDuration, b: PolicyDuration) -> Bool { a.seconds < b.seconds }
}
