import AuditCore
import Foundation
import Testing

/// The docs list the ids from the one place they are defined (GateCheckID, VerifyCheckID,
/// FindingKind): a check or finding added without its documentation, or documented but gone,
/// fails here.
struct DocumentedIDsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The backticked words of the paragraph that starts with `opening`.
    func codeSpans(in text: String, paragraphStartingWith opening: String) throws -> [String] {
        let start = try #require(text.range(of: opening), "no paragraph starting \(opening)")
        let rest = text[start.lowerBound...]
        let paragraph = rest[..<(rest.range(of: "\n\n")?.lowerBound ?? rest.endIndex)]
        return paragraph.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    @Test func reportsReadmeListsEveryGateCheckInReportOrder() throws {
        let spans = try codeSpans(in: text("reports/README.md"), paragraphStartingWith: "Check ids, in report order:")
        #expect(spans == GateCheckID.allCases.map(\.rawValue))
    }

    @Test func reportsReadmeListsEveryCheckVerifyAdds() throws {
        let spans = try codeSpans(in: text("reports/README.md"), paragraphStartingWith: "`verify` adds to what it prints")
        let ids = Set(VerifyCheckID.allCases.map(\.rawValue))
        #expect(spans.filter(ids.contains) == VerifyCheckID.allCases.map(\.rawValue))
    }

    @Test func auditDocsTableEveryFinding() throws {
        let rows = try text("docs/audit.md").split(separator: "\n").filter { $0.hasPrefix("| `") }
        let ids = rows.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
        #expect(ids.filter { FindingKind(rawValue: $0) != nil } == FindingKind.allCases.map(\.rawValue))
    }

    @Test func readmeTablesEveryGateCheck() throws {
        let rows = try text("README.md").split(separator: "\n").filter { $0.hasPrefix("| `") }
        let ids = Set(rows.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) })
        #expect(GateCheckID.allCases.filter { !ids.contains($0.rawValue) }.isEmpty)
    }
}
