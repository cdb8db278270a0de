@testable import AuditCore
import Foundation
import Testing

/// Every string from a repository or from evidence reaches each output through that output's one
/// escaper: hostile tag names, paths, messages and report sources in HTML, Markdown and the terminal.
struct RenderingEscapeTests {
    /// Breaks an attribute with a quote that carries a combining mark (one Swift Character, still a
    /// quote to a browser), opens a tag, reorders text, and starts a new Markdown line.
    static let hostile = "v1\"\u{301}/onmouseover=alert(1)//<script>alert(2)</script>\u{202E}gpj.exe\n### ✅ PASSED `x` | y"

    static func history() -> ReleaseHistory {
        let h = hostile
        let release = AuditedRelease(
            tag: h, version: "1.0.0", tagKind: .annotated, tagObject: nil, commit: String(repeating: "a", count: 40),
            createdAt: "2026-01-01T00:00:00Z", rc: .init(tag: h, number: 1, commit: nil, createdAt: "2026-01-01T00:00:00Z", afterGA: true),
            rcReason: h, rcCandidates: [.init(tag: h, number: 1, commit: nil, createdAt: "2026-01-01T00:00:00Z", afterGA: true),
                                        .init(tag: "v1.0.0-rc.2", number: 2, commit: nil, createdAt: "2026-01-01T00:00:00Z", afterGA: false)],
            relation: .diverged, commitsBetween: 1, commitsBehind: 2, mergeBase: nil,
            changedPaths: [AuditedPath(PathDecision(path: h, kind: "added", allowedBy: nil))],
            onReleaseBranch: true, releaseBranch: h,
            report: StoredReportSummary(source: h, sha256: "0", signature: "untrusted", signatureProblem: h, signers: [], verdict: nil,
                                        failedChecks: [], auditedAt: nil, commit: nil, tagObject: nil, tagState: nil,
                                        policyName: nil, policySha256: nil, otherReports: 0),
            findings: [Finding(kind: .rcDiverged, message: h, fails: true)], verdict: .failed)
        return ReleaseHistory(policy: .init(name: h, sha256: String(repeating: "b", count: 64)), failOn: [.rcDiverged],
                              releaseBranches: [h], since: h, releases: [release],
                              summary: .init(releases: 1, clean: 0, noted: 0, failed: 1, findings: ["rc-diverged": 1]),
                              ignoredReports: [.init(source: h, reason: h)])
    }

    @Test func htmlEscapesEveryValueInTextAndAttributes() {
        let html = HistoryHTML.render(Self.history())
        #expect(!html.contains("<script>alert"))
        #expect(!html.unicodeScalars.contains("\u{202E}"))
        let rawQuote = "\"" + "\u{301}", escapedTitle = "title=\"v1&quot;" + "\u{301}" + "/onmouseover=alert(1)//&lt;script&gt;"
        let visible = #"\u{202E}gpj.exe\n### ✅ PASSED `x` | y"#
        #expect(!html.contains(rawQuote), "a quote with a combining mark must not close an attribute")
        #expect(html.contains(escapedTitle))
        #expect(html.contains(visible))
        // Only the template's own tags: the one script element, no element from the data.
        #expect(html.components(separatedBy: "<script").count == 2)
    }

    @Test func theTemplateHasNoUnescapedTag() {
        #expect(!HistoryHTML.source.contains("{{{") && !HistoryHTML.source.contains("{{&"))
    }

    @Test func markdownKeepsEveryValueInItsCell() {
        let md = HistoryMarkdown.render(Self.history())
        #expect(!md.contains("\n### ✅"), "no heading of its own")
        #expect(!md.contains("<script>"))
        #expect(!md.unicodeScalars.contains("\u{202E}"))
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
        // The header and the one release row have as many cells: every unescaped `|` is a cell boundary.
        let boundaries = rows.map { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count }
        #expect(boundaries.count == 2 && boundaries[0] == 11 && boundaries[1] == 11, "\(rows)")
    }

    @Test func terminalTableStaysOneLinePerRelease() {
        let text = HistoryTable.render(Self.history(), colour: false)
        #expect(!text.unicodeScalars.contains("\u{202E}"))
        #expect(!text.contains("\n### "))
    }

    @Test func workflowCommandsCannotEndTheirPropertyOrMessage() {
        #expect(Escape.workflowProperty("a:b,c%d\ne") == "a%3Ab%2Cc%25d\\ne")
        #expect(!Escape.workflowMessage("x\n::error::fake").contains("\n"))
    }
}
