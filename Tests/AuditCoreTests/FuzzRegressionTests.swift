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
}
