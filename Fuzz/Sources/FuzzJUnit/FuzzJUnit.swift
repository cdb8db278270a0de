import AuditCore
import Foundation

/// libFuzzer entry point: a JUnit XML report from untrusted bytes.
///
/// Any crash is a bug; so is a report read as having no test cases, or a FAILED outcome with
/// nothing failed (checked with `fatalError`, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJUnit(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let report = try? JUnitReport.parse(data, file: "fuzz.xml") else { return 0 }
    guard report.testCount > 0 else { fatalError("JUnitReport: a report without test cases was accepted") }
    guard (report.outcome == .passed) == report.failed.isEmpty else {
        fatalError("JUnitReport: the outcome disagrees with the failed test cases")
    }
    guard report.errorCount <= report.failed.count else { fatalError("JUnitReport: more errors than failed test cases") }
    return 0
}
