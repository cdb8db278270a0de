import AuditCore
import Foundation
import Testing

/// Inputs the fuzz targets (Fuzz/, scripts/fuzz.sh) found, kept as they were found in
/// Fixtures/fuzz/, with the property each one broke.
@Suite struct FuzzRegressionTests {
    private static func crasher(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/fuzz"),
                               "missing fixture fuzz/\(name)")
        return try Data(contentsOf: url)
    }

    /// FuzzJUnit: `<?x?>`, a processing instruction without data, crashed Foundation's XMLParser
    /// (a segmentation fault in `record test --junit`). Malformed as a whole, it is now an error.
    @Test func aProcessingInstructionWithoutDataIsNoCrash() throws {
        let data = try Self.crasher("junit-processing-instruction-without-data.xml")
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("<?x?>"))
        #expect(throws: FormatError.self) { try JUnitReport.parse(data, file: "crash.xml") }
    }

    /// ... and a well-formed report with such instructions anywhere is read as if they were not there
    /// (and errors keep their line numbers).
    @Test(arguments: ["<?x?>", "<?xml-stylesheet?>", "<?a.b-c?>"])
    func processingInstructionsWithoutDataAreIgnored(instruction: String) throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        \(instruction)
        <testsuite name="s">\(instruction)
          <testcase classname="k" name="passes"/>\(instruction)<testcase name="fails"><failure/></testcase>
        </testsuite>\(instruction)
        """
        let report = try JUnitReport.parse(Data(xml.utf8), file: "pi.xml")
        #expect(report.passed == ["k.passes"] && report.failed == ["fails"])
        #expect(throws: FormatError.invalidJUnit(file: "pi.xml", line: 5, reason: "malformed XML: mismatched closing tag")) {
            try JUnitReport.parse(Data((xml.replacingOccurrences(of: "</testsuite>", with: "</tests>")).utf8), file: "pi.xml")
        }
    }

    /// FuzzJUnit: three NULs and `<` read as UCS-4 by libxml2, which then crashed in its push parser
    /// (a segmentation fault). A NUL anywhere is now an error naming its line, before XML parsing.
    @Test func nulCharactersAreRefusedBeforeParsing() throws {
        let data = try Self.crasher("junit-nul-bytes-then-entity.xml")
        #expect(data.prefix(4) == Data([0, 0, 0, UInt8(ascii: "<")]))
        #expect(throws: FormatError.invalidJUnit(file: "crash.xml", line: 1, reason: "a NUL character; XML text cannot hold one")) {
            try JUnitReport.parse(data, file: "crash.xml")
        }
        let report = Data("<testsuite>\n<testcase name=\"a\"/>\n<testcase name=\"b\0\"/></testsuite>".utf8)
        #expect(throws: FormatError.invalidJUnit(file: "nul.xml", line: 3, reason: "a NUL character; XML text cannot hold one")) {
            try JUnitReport.parse(report, file: "nul.xml")
        }
    }

    /// FuzzPolicy: a trusted key path holding dozens of `[` was accepted, but the policy's canonical
    /// JSON (`policy check --json`) was refused as "nested deeper than 64 levels": brackets in
    /// strings were counted as nesting. Both canonical forms now read back as the same policy.
    @Test func aPolicyWithBracketsInAKeyPathReadsBackFromItsCanonicalForms() throws {
        let source = try Self.crasher("policy-brackets-in-a-key-path.yml")
        let policy = try Policy.parse(source, file: "crash.yml", baseDirectory: "/policies")
        let path = try #require(policy.trustedKeys[.tester].keys.compactMap { key -> String? in
            if case .file(let path) = key { return path }
            return nil
        }.first { $0.contains("[[[[") })
        // With the four levels the canonical JSON puts around it, more than 64 opening brackets.
        #expect(path.filter { $0 == "[" || $0 == "{" }.count + 4 > 64)
        for text in [policy.canonicalJSON(), policy.canonicalYAML()] {
            #expect(try Policy.parse(Data(text.utf8), file: "canonical", baseDirectory: "/elsewhere") == policy)
        }
    }

    /// The limit still holds for real nesting, and for brackets outside double quotes.
    @Test func deepFlowNestingIsStillRefused() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        for text in ["version: 1\nx: \(deep)\n", "version: 1\nx: 'a \(deep)'\n", "{\"version\": 1, \"x\": \(deep)}"] {
            #expect(throws: PolicyError.syntax(file: "deep.yml", line: text.hasPrefix("{") ? 1 : 2, message: "nested deeper than 64 levels")) {
                try Policy.parse(Data(text.utf8), file: "deep.yml", baseDirectory: "/")
            }
        }
    }
}
