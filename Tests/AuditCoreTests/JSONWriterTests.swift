import Foundation
import Testing
@testable import AuditCore

/// The one JSON writer: each style's bytes, its escaping, and agreement with the parser.
struct JSONWriterTests {
    let hostile = JSONValue.object([
        ("b", .string("quote \" backslash \\ slash / nl \n tab \t bs \u{08} ff \u{0C} nul \u{00} esc \u{1B}")),
        ("a", .string("del \u{7F} c1 \u{85} ls \u{2028} ps \u{2029} bom \u{FEFF} é 😀")),
        ("e", .array([])), ("o", .object([])), ("n", .null), ("t", .bool(true)), ("i", .number("-12")),
    ])

    func text(_ style: JSONStyle) -> String { String(decoding: hostile.jsonData(style), as: UTF8.self) }

    @Test func canonicalIsCompactSortedAndEscapesOnlyControls() {
        let s = text(.canonical)
        #expect(s.hasPrefix(#"{"a":"del \#u{7F} c1 \#u{85} ls \#u{2028}"#))
        #expect(s.contains(#"nl \n tab \t bs \b ff \f nul \u0000 esc \u001b"#))
        #expect(s.contains(#""e":[],"i":-12,"n":null,"o":{},"t":true"#))
        #expect(!s.contains("\n") && !s.contains(#"\/"#))
    }

    @Test func olpcEscapesOnlyQuoteAndBackslash() {
        let s = text(.olpc)
        #expect(s.contains("nl \n tab \t"))
        #expect(s.contains(#"quote \" backslash \\ slash /"#))
    }

    @Test func outputEscapesInvisibleCharacters() {
        let s = text(.output)
        #expect(s.contains(#"del \u007f c1 \u0085 ls \u2028 ps \u2029 bom \ufeff é 😀"#))
        #expect(s.contains("\"e\" : [\n\n  ]"))
        #expect(s.hasPrefix("{\n  \"a\" : "))
    }

    @Test func documentKeepsMemberOrder() {
        let s = text(.document)
        #expect(s.hasPrefix("{\n  \"b\": "))
    }

    @Test(arguments: [JSONStyle.canonical, .output, .document])
    func everyStyleParsesBackToTheSameValue(_ style: JSONStyle) throws {
        let parsed = try StrictJSON.parse(hostile.jsonData(style))
        guard case .object(let a) = parsed, case .object(let b) = hostile else { Issue.record("not an object"); return }
        #expect(Dictionary(a.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
            == Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x }))
        #expect(a.map(\.key) == (style.sortKeys ? b.map(\.key).sorted() : b.map(\.key)))
    }

    @Test func outputMatchesFoundationForPlainValues() throws {
        let plain: [String: Any] = ["z": [1, 2], "a": ["k": "v / w", "e": [String]()], "m": "x"]
        let foundation = try JSONSerialization.data(withJSONObject: plain, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let ours = try StrictJSON.parse(foundation).jsonData(.output)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
    }
}
