import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The test cases of one or more JUnit XML reports (pytest, Maven Surefire, go-junit-report, ...), by outcome.
public struct JUnitReport: Hashable, Sendable {
    /// The largest report file `parse(contentsOf:)` reads (64 MiB).
    public static let maxFileSize = 64 * 1024 * 1024

    /// Test cases without failure, error or skip, as `classname.name` (or `name` without a class name).
    public var passed: [String]
    /// Test cases with a `<failure>` or an `<error>`.
    public var failed: [String]
    /// Test cases with `<skipped>` (and no failure or error).
    public var skipped: [String]
    /// How many test cases had an `<error>` (they are in `failed`).
    public var errorCount: Int
    /// The largest `failures` or `errors` count of any `<testsuite>` or `<testsuites>` element,
    /// whether or not its test cases show them.
    public var suiteFailureCount: Int

    public init(passed: [String] = [], failed: [String] = [], skipped: [String] = [], errorCount: Int = 0,
                suiteFailureCount: Int = 0) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.errorCount = errorCount
        self.suiteFailureCount = suiteFailureCount
    }

    /// How many test cases the report holds.
    public var testCount: Int { passed.count + failed.count + skipped.count }

    /// `FAILED` when any test case failed or errored, or a suite counts a failure or an error (the
    /// worse of the counts and the cases), else `PASSED`; a report without test cases is `FAILED`
    /// (nothing ran, so nothing passed). Counts of tests and skips can only be ignored, never
    /// make a failure a pass.
    public var outcome: TestOutcome { failed.isEmpty && suiteFailureCount == 0 && testCount > 0 ? .passed : .failed }

    /// Reads a JUnit XML file; it must be UTF-8, at most `maxFileSize` bytes and hold at least one test case.
    public static func parse(contentsOf path: String) throws -> JUnitReport {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FormatError.invalidJUnit(file: path, line: nil, reason: "cannot read a directory; name the XML report file")
        }
        let fd = SafeOpen.readOnly(path)
        guard fd >= 0 else {
            throw FormatError.invalidJUnit(file: path, line: nil, reason: "cannot open the file; check the path")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            let cause = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError) ?? (error as NSError)
            throw FormatError.invalidJUnit(file: path, line: nil, reason: "cannot read the file (\(cause.localizedDescription))")
        }
        guard data.count <= maxFileSize else {
            throw FormatError.invalidJUnit(file: path, line: nil, reason: "file is over the limit of \(maxFileSize) bytes")
        }
        return try parse(data, file: path)
    }

    /// Reads JUnit XML from bytes; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> JUnitReport {
        try checkText(data, file: file)
        let collector = JUnitCollector(file: file)
        let parser = XMLParser(data: Self.givingDataToEmptyProcessingInstructions(data))
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        // swift-corelibs-foundation's parser recovers from many errors and may still return true (a
        // truncated file, a mismatched tag): any reported error is fatal here, never a partial report.
        let parsed = parser.parse()
        if let problem = collector.problem { throw problem }
        if !parsed || parser.parserError != nil {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw FormatError.invalidJUnit(file: file, line: parser.lineNumber, reason: JUnitCollector.malformed(code: code))
        }
        guard collector.root != nil else {
            throw FormatError.invalidJUnit(file: file, line: nil, reason: "malformed XML: no complete root element")
        }
        guard collector.isRootClosed else {
            throw FormatError.invalidJUnit(file: file, line: parser.lineNumber, reason: "malformed XML: the file ends before the root element is closed")
        }
        guard collector.report.testCount > 0 else {
            throw FormatError.noTestCases(file: file)
        }
        return collector.report
    }

    /// `<?name?>` becomes `<?name ?>`: swift-corelibs-foundation's XMLParser crashes (strlen of a null
    /// pointer) on a processing instruction without data, which libxml2 reports with no data at all.
    /// The reader never looks at processing instructions (nor at the text or comments this may also
    /// touch), and the line numbers stay as they are.
    static func givingDataToEmptyProcessingInstructions(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "?") else {
                i += 1
                continue
            }
            var end = i + 2  // the target runs to white space, '?' or '>', as libxml2 reads it
            while end < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "?"), UInt8(ascii: ">")].contains(bytes[end]) { end += 1 }
            if end > i + 2, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "?"), bytes[end + 1] == UInt8(ascii: ">") {
                out.append(contentsOf: bytes[copied..<end])
                out.append(0x20)
                copied = end
            }
            i = end
        }
        guard copied > 0 else { return data }
        out.append(contentsOf: bytes[copied...])
        return Data(out)
    }

    /// All test cases of several reports, in order.
    public static func merge(_ reports: [JUnitReport]) -> JUnitReport {
        reports.reduce(into: JUnitReport()) { total, report in
            total.passed += report.passed
            total.failed += report.failed
            total.skipped += report.skipped
            total.errorCount += report.errorCount
            total.suiteFailureCount = max(total.suiteFailureCount, report.suiteFailureCount)
        }
    }

    /// Rejects empty files, non-UTF-8 bytes, a declared non-UTF-8 encoding, and DTDs (no JUnit report has one; entity
    /// expansion is an attack surface), naming the line.
    private static func checkText(_ data: Data, file: String) throws {
        var bytes = data.makeIterator()
        var decoder = UTF8()
        var line = 1
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                // XML text cannot hold U+0000, and libxml2 crashes on some files that start with
                // NULs (it takes "\0\0\0<" for UCS-4 and fails inside its push parser).
                if scalar == "\0" { throw FormatError.invalidJUnit(file: file, line: line, reason: "a NUL character; XML text cannot hold one") }
            case .emptyInput: break decoding
            case .error: throw FormatError.invalidJUnit(file: file, line: line, reason: "not UTF-8 text; JUnit reports must be UTF-8")
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) {
            throw FormatError.invalidJUnit(file: file, line: nil, reason: "the file is empty")
        }
        if let declarationEnd = text.range(of: "?>"), text.hasPrefix("<?xml") || text.hasPrefix("\u{FEFF}<?xml") {
            let declaration = text[..<declarationEnd.lowerBound]
            if let encoding = declaration.range(of: "encoding=") {
                let value = declaration[encoding.upperBound...].dropFirst().prefix { $0 != "\"" && $0 != "'" }
                guard ["utf-8", "utf8"].contains(value.lowercased()) else {
                    throw FormatError.invalidJUnit(file: file, line: 1, reason: "declares encoding \"\(value)\"; JUnit reports must be UTF-8")
                }
            }
        }
        // Only the prolog can hold a DOCTYPE (and so entity declarations); later text (a CDATA page
        // dump in <system-out>) is content, and a DOCTYPE there is malformed XML.
        if let declaration = markupDeclarationInProlog(Array(data)) {
            let line = 1 + data.prefix(declaration.offset).count(where: { $0 == UInt8(ascii: "\n") })
            throw FormatError.invalidJUnit(file: file, line: line, reason: declaration.isDoctype
                ? "a DOCTYPE is not allowed in a JUnit report" : "a markup declaration (<!...) is not allowed in a JUnit report")
        }
    }

    /// Where the prolog (what comes before the root element) has a markup declaration (`<!DOCTYPE`,
    /// `<!ENTITY`, ...), read as XML reads it: past white space, comments and processing
    /// instructions, whatever they hold, so that none of them can hide one. Nil when the root
    /// element, or something XML does not allow there, comes first.
    private static func markupDeclarationInProlog(_ bytes: [UInt8]) -> (offset: Int, isDoctype: Bool)? {
        func starts(_ prefix: String, at offset: Int) -> Bool {
            bytes[offset...].starts(with: prefix.utf8)
        }
        func end(of terminator: String, from offset: Int) -> Int? {
            let pattern = Array(terminator.utf8)
            var i = offset
            while i + pattern.count <= bytes.count {
                if bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i + pattern.count }
                i += 1
            }
            return nil
        }
        var i = starts("\u{FEFF}", at: 0) ? 3 : 0
        while i < bytes.count {
            if [0x20, 0x09, 0x0D, 0x0A].contains(bytes[i]) {
                i += 1
            } else if starts("<!--", at: i) {
                guard let next = end(of: "-->", from: i + 4) else { return nil }  // unterminated: malformed
                i = next
            } else if starts("<?", at: i) {
                guard let next = end(of: "?>", from: i + 2) else { return nil }
                i = next
            } else if starts("<!", at: i) {
                return (i, String(decoding: bytes[(i + 2)...].prefix(7), as: UTF8.self).uppercased() == "DOCTYPE")
            } else {
                return nil
            }
        }
        return nil
    }
}

/// The XMLParser delegate that collects test cases.
private final class JUnitCollector: NSObject, XMLParserDelegate {
    let file: String
    var report = JUnitReport()
    var root: String?
    var problem: FormatError?
    /// Whether the root element's end tag was read.
    var isRootClosed = false
    private var depth = 0
    private var current: (name: String, failed: Bool, errored: Bool, skipped: Bool, depth: Int)?

    init(file: String) { self.file = file }

    private func fail(_ parser: XMLParser, _ reason: String) {
        if problem == nil { problem = .invalidJUnit(file: file, line: parser.lineNumber, reason: reason) }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        depth += 1
        if root == nil {
            root = elementName
            guard elementName == "testsuites" || elementName == "testsuite" else {
                return fail(parser, "expected a <testsuites> or <testsuite> root element, found <\(elementName)>")
            }
        }
        switch elementName {
        case "testsuite", "testsuites":
            // A suite's own count of failures or errors is believed even when no test case shows one.
            for attribute in ["failures", "errors"] {
                guard let value = attributes[attribute]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
                guard let count = Int(value), count >= 0 else {
                    return fail(parser, "<\(elementName) \(attribute)=\"\(value)\">: not a whole number")
                }
                report.suiteFailureCount = max(report.suiteFailureCount, count)
            }
        case "testcase":
            guard current == nil else { return fail(parser, "<testcase> inside another <testcase>") }
            guard let name = attributes["name"], !name.isEmpty else {
                return fail(parser, "<testcase> without a name attribute")
            }
            let qualified = attributes["classname"].flatMap { $0.isEmpty ? nil : "\($0).\(name)" } ?? name
            current = (qualified, false, false, false, depth)
        // Only direct children of a test case count. Surefire's <flakyFailure> (passed on a rerun) is not
        // a failure; a test that failed every rerun also has a <failure>.
        case "failure" where current?.depth == depth - 1: current?.failed = true
        case "error" where current?.depth == depth - 1: current?.errored = true
        case "skipped" where current?.depth == depth - 1: current?.skipped = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        fail(parser, Self.malformed(code: (parseError as NSError).code))
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        fail(parser, Self.malformed(code: (validationError as NSError).code))
    }

    /// A message for an XMLParser error code (the common ones by name).
    ///
    /// The codes are libxml2's, which Darwin's `NSXMLParserErrorCode` shares; swift-corelibs-foundation
    /// reports the same numbers but its `XMLParser.ErrorCode` enum is numbered differently, so match numbers.
    static func malformed(code: Int) -> String {
        let what: String
        switch code {
        case 4: what = "the file is empty"
        case 5: what = "the file ends too early or has content after the root element"
        case 9: what = "invalid character"
        case 26: what = "undeclared entity"
        case 42: what = "duplicate attribute"
        case 73: what = "expected '>'"
        case 76: what = "mismatched closing tag"
        default: what = "XML parser error \(code)"
        }
        return "malformed XML: \(what)"
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if let testCase = current, testCase.depth == depth {
            if testCase.failed || testCase.errored {
                report.failed.append(testCase.name)
                if testCase.errored { report.errorCount += 1 }
            } else if testCase.skipped {
                report.skipped.append(testCase.name)
            } else {
                report.passed.append(testCase.name)
            }
            current = nil
        }
        depth -= 1
        if depth == 0 { isRootClosed = true }
    }
}
