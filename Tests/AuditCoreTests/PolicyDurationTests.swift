import AuditCore
import Testing

@Suite struct PolicyDurationTests {
    static let valid: [(String, Int, String)] = [
        ("7d", 604_800, "7d"),
        ("36h", 129_600, "36h"),
        ("90m", 5_400, "90m"),
        ("3600s", 3_600, "1h"),
        ("48h", 172_800, "2d"),
        ("1s", 1, "1s"),
        ("61s", 61, "61s"),
        ("007m", 420, "7m"),
    ]

    @Test(arguments: valid)
    func parses(text: String, seconds: Int, canonical: String) throws {
        let duration = try PolicyDuration(parsing: text)
        #expect(duration.seconds == seconds)
        #expect(duration.timeInterval == Double(seconds))
        #expect(duration.description == canonical)
        #expect(try PolicyDuration(parsing: canonical) == duration)
    }

    @Test(arguments: ["", "d", "7", "0d", "-1d", "+1d", "1.5h", "7 d", " 7d", "7D", "7w", "1d12h", "٣d", "99999999999999999999s", "9223372036854775807d"])
    func rejects(text: String) {
        #expect(throws: PolicyDuration.ParseError(text: text)) { try PolicyDuration(parsing: text) }
    }

    @Test func errorSaysWhatToWrite() {
        #expect(PolicyDuration.ParseError(text: "7x").description
            == "invalid duration \"7x\": write a positive whole number and a unit, s, m, h or d (\"90m\", \"36h\", \"7d\")")
    }

    @Test func secondsMustBePositive() throws {
        #expect(PolicyDuration(seconds: 0) == nil)
        #expect(PolicyDuration(seconds: -5) == nil)
        #expect(PolicyDuration(seconds: 86_400)?.description == "1d")
        #expect(try #require(PolicyDuration(seconds: 60)) < #require(PolicyDuration(seconds: 61)))
    }
}
