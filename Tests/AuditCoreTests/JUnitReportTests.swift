import Foundation
import Testing
@testable import AuditCore

@Suite("JUnit XML reports")
struct JUnitReportTests {
    @Test func readsPytest() throws {
        let report = try JUnitReport.parse(contentsOf: Fixtures.url("junit-pytest.xml").path)
        #expect(report.passed == ["tests.test_math.test_add", "tests.test_math.test_divide[4-2-2]", "tests.test_unicode.test_naïve_name"])
        #expect(report.failed == ["tests.test_math.test_divide_by_zero", "tests.test_io.test_read_config"])
        #expect(report.skipped == ["tests.test_io.test_download"])
        #expect(report.errorCount == 1)
        #expect(report.testCount == 6)
        #expect(report.outcome == .failed)
    }

    @Test func readsMavenSurefireWithABareTestsuiteRoot() throws {
        let report = try JUnitReport.parse(contentsOf: Fixtures.url("junit-surefire.xml").path)
        #expect(report.passed == ["com.example.calc.CalculatorTest.addsTwoNumbers", "com.example.calc.CalculatorTest.dividesWholeNumbers",
                                  "com.example.calc.CalculatorTest.fetchesRatesFromTheNetwork"])
        #expect(report.failed.isEmpty)
        #expect(report.skipped == ["com.example.calc.CalculatorTest.roundsToBankersPrecision"])
        #expect(report.outcome == .passed)
    }

    @Test func readsGoJUnitReport() throws {
        let report = try JUnitReport.parse(contentsOf: Fixtures.url("junit-go.xml").path)
        #expect(report.passed == ["github.com/example/tool/internal/parse.TestParse", "github.com/example/tool/internal/parse.TestParse/empty_input",
                                  "github.com/example/tool/internal/parse.TestParse/nested", "github.com/example/tool/cmd.TestMain"])
        #expect(report.failed == ["github.com/example/tool/internal/parse.TestParseError"])
        #expect(report.errorCount == 0)
        #expect(report.outcome == .failed)
    }

    @Test func readsNestedSuitesAndNamesWithoutAClass() throws {
        let xml = """
            <testsuites><testsuite name="outer"><testsuite name="inner">
              <testcase name="plain"/><testcase classname="" name="emptyClass"/>
              <testcase classname="a.B" name="err"><error type="Boom"/></testcase>
            </testsuite><testcase classname="a.B" name="top"/></testsuite></testsuites>
            """
        let report = try JUnitReport.parse(Data(xml.utf8), file: "nested.xml")
        #expect(report.passed == ["plain", "emptyClass", "a.B.top"])
        #expect(report.failed == ["a.B.err"])
        #expect(report.errorCount == 1)
    }

    @Test func mergesReportsInOrder() throws {
        let pytest = try JUnitReport.parse(contentsOf: Fixtures.url("junit-pytest.xml").path)
        let surefire = try JUnitReport.parse(contentsOf: Fixtures.url("junit-surefire.xml").path)
        let merged = JUnitReport.merge([surefire, pytest])
        #expect(merged.passed == surefire.passed + pytest.passed)
        #expect(merged.failed == pytest.failed)
        #expect(merged.skipped == surefire.skipped + pytest.skipped)
        #expect(merged.errorCount == 1)
        #expect(merged.outcome == .failed)
        #expect(JUnitReport.merge([surefire, surefire]).outcome == .passed)
    }

    @Test func nothingRunIsNotAPass() {
        #expect(JUnitReport.merge([]).outcome == .failed)
    }

    @Test(arguments: [
        ("<testsuites><testsuite name=\"empty\" tests=\"0\"/></testsuites>", "no test cases in empty.xml: check that the test run wrote its report there"),
        ("<testsuites>\n<testsuite>\n<testcase name=\"a\">\n</testsuite>\n</testsuites>", "bad.xml:4: malformed XML: mismatched closing tag"),
        // A run killed while writing its report: the open failing test case must not let the rest pass.
        ("<testsuites><testsuite><testcase name=\"a\"/>\n<testcase name=\"b\"><failure>boom",
         "bad.xml:2: malformed XML: the file ends too early or has content after the root element"),
        ("<testsuite><testcase name=\"a\"/></testsuite>\n<testsuite/>",
         "bad.xml:2: malformed XML: the file ends too early or has content after the root element"),
        ("<testsuite><testcase name=\"a\" name=\"b\"/></testsuite>", "bad.xml:1: malformed XML: duplicate attribute"),
        ("<testsuite><testcase name=\"&amp;\"/><testcase name=\"&foo;\"/></testsuite>", "bad.xml:1: malformed XML: undeclared entity"),
        ("<testsuite>", "bad.xml:1: malformed XML: the file ends too early or has content after the root element"),
        ("<testsuites/>", "no test cases in bad.xml: check that the test run wrote its report there"),
        ("<?xml version=\"1.0\"?>\n<html><body/></html>", "bad.xml:2: expected a <testsuites> or <testsuite> root element, found <html>"),
        ("<testsuite>\n  <testcase classname=\"a\"/>\n</testsuite>", "bad.xml:2: <testcase> without a name attribute"),
        ("<testsuite><testcase name=\"a\"><testcase name=\"b\"/></testcase></testsuite>", "bad.xml:1: <testcase> inside another <testcase>"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite/>", "bad.xml:1: declares encoding \"ISO-8859-1\"; JUnit reports must be UTF-8"),
        ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n<testsuite><testcase name=\"&lol2;\"/></testsuite>",
         "bad.xml:2: a DOCTYPE is not allowed in a JUnit report"),
        // A DOCTYPE after a comment or processing instruction that holds "<testsuite" is still in the prolog.
        ("<?xml version=\"1.0\"?>\n<!-- <testsuite> -->\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<testsuite><testcase name=\"&lol;\"/></testsuite>",
         "bad.xml:3: a DOCTYPE is not allowed in a JUnit report"),
        ("<?pi <testsuite ?>\n<!DOCTYPE x SYSTEM \"file:///etc/passwd\">\n<testsuite><testcase name=\"a\"/></testsuite>",
         "bad.xml:2: a DOCTYPE is not allowed in a JUnit report"),
        ("<!--a--><!--<testsuite--><!doctype x><testsuite><testcase name=\"a\"/></testsuite>",
         "bad.xml:1: a DOCTYPE is not allowed in a JUnit report"),
        ("\u{FEFF}<?xml version=\"1.0\"?>\r\n\t <!ENTITY x \"y\"><testsuite><testcase name=\"a\"/></testsuite>",
         "bad.xml:2: a markup declaration (<!...) is not allowed in a JUnit report"),
        // Suite counts must be whole numbers.
        ("<testsuite failures=\"x\"><testcase name=\"a\"/></testsuite>",
         "bad.xml:1: <testsuite failures=\"x\">: not a whole number"),
        ("<testsuites><testsuite errors=\"-1\"><testcase name=\"a\"/></testsuite></testsuites>",
         "bad.xml:1: <testsuite errors=\"-1\">: not a whole number"),
        ("", "bad.xml: the file is empty"),
        (" \n", "bad.xml: the file is empty"),
    ])
    func rejectsBadReports(xml: String, message: String) {
        let file = message.contains("empty.xml") ? "empty.xml" : "bad.xml"
        #expect(errorMessage { _ = try JUnitReport.parse(Data(xml.utf8), file: file) } == message)
    }

    @Test func rejectsNonUTF8Bytes() {
        var data = Data("<testsuite>\n<testcase name=\"caf".utf8)
        data.append(0xE9)  // é in Latin-1
        data.append(contentsOf: Array("\"/>\n</testsuite>".utf8))
        #expect(errorMessage { _ = try JUnitReport.parse(data, file: "latin1.xml") }
                == "latin1.xml:2: not UTF-8 text; JUnit reports must be UTF-8")
    }

    @Test func rejectsUTF16() throws {
        let data = try #require("<testsuite><testcase name=\"a\"/></testsuite>".data(using: .utf16))
        #expect(errorMessage { _ = try JUnitReport.parse(data, file: "utf16.xml") }
                == "utf16.xml:1: not UTF-8 text; JUnit reports must be UTF-8")
    }

    @Test func rejectsAMissingFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("absent.xml").path
        #expect(errorMessage { _ = try JUnitReport.parse(contentsOf: path) } == "\(path): cannot open the file; check the path")
    }

    @Test func rejectsADirectory() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(errorMessage { _ = try JUnitReport.parse(contentsOf: directory.path) }
                == "\(directory.path): cannot read a directory; name the XML report file")
    }

    @Test func rejectsAFileOverTheSizeLimit() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.xml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("<testsuite>".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(JUnitReport.maxFileSize + 1))  // sparse: no disk used
        try handle.close()
        #expect(errorMessage { _ = try JUnitReport.parse(contentsOf: path) } == "\(path): file is over the limit of 67108864 bytes")
    }

    @Test func acceptsADoctypeInsideTestOutput() throws {
        let xml = "<testsuite><testcase name=\"page\"><system-out><![CDATA[<!DOCTYPE html><html></html>]]></system-out></testcase></testsuite>"
        #expect(try JUnitReport.parse(Data(xml.utf8), file: "page.xml").passed == ["page"])
    }

    /// The suites' own counts are believed when they say worse than the test cases: a report that
    /// counts failures or errors is FAILED even when no `<testcase>` carries a `<failure>` or `<error>`.
    @Test(arguments: [
        ("<testsuite failures=\"2\"><testcase name=\"a\"/></testsuite>", TestOutcome.failed),
        ("<testsuite errors=\"1\"><testcase name=\"a\"/></testsuite>", .failed),
        ("<testsuites failures=\"1\"><testsuite><testcase name=\"a\"/></testsuite></testsuites>", .failed),
        ("<testsuites errors=\" 3 \"><testsuite failures=\"0\"><testcase name=\"a\"/></testsuite></testsuites>", .failed),
        ("<testsuites><testsuite><testsuite failures=\"1\"/><testcase name=\"a\"/></testsuite></testsuites>", .failed),
        ("<testsuite failures=\"1\" skipped=\"1\" tests=\"1\"><testcase name=\"a\"/></testsuite>", .failed),
        ("<testsuite failures=\"0\" errors=\"0\" tests=\"9\" skipped=\"4\"><testcase name=\"a\"/></testsuite>", .passed),
        ("<testsuite failures=\"\" errors=\"\"><testcase name=\"a\"/></testsuite>", .passed),
        // failures= on a test case is not a suite count (no format defines it there).
        ("<testsuite><testcase name=\"a\" failures=\"1\"/></testsuite>", .passed),
    ])
    func suiteCountsCanOnlyMakeItWorse(xml: String, outcome: TestOutcome) throws {
        let report = try JUnitReport.parse(Data(xml.utf8), file: "counts.xml")
        #expect(report.outcome == outcome)
        #expect(report.passed == ["a"])
        #expect(JUnitReport.merge([report, try JUnitReport.parse(Data("<testsuite><testcase name=\"b\"/></testsuite>".utf8), file: "b.xml")]).outcome == outcome)
    }

    @Test func readsAFileWithAByteOrderMark() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(contentsOf: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><testsuite><testcase name=\"a\"/></testsuite>".utf8))
        #expect(try JUnitReport.parse(data, file: "bom.xml").passed == ["a"])
    }
}
