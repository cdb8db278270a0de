import Foundation
import TestSupport
import Testing

/// A path with a newline, a backtick, a workflow command, an escape sequence and HTML, changed
/// between an RC and its GA, as `audit` shows it in every medium: the terminal table, Markdown
/// (and the step summary), HTML and the GitHub annotations. No medium may take it for its own
/// markup: no extra line, heading, element or workflow command.
@Suite struct HostilePathRenderingTests {
    static let hostile = "x`\n::error file=a,line=1::injected\n\u{1B}[2J\n### ✅ PASSED `y`\n<script>alert(1)</script>|z%0A"

    @Test func aHostilePathChangedFromRCToGAIsEscapedInEveryOutput() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", """
            version: 1
            source:
              match: exact-commit
              allowed_paths: [VERSION]
            rc:
              match: allowed-diff

            """)
        try fixture.git.commit("The widget", files: ["VERSION": "1.0.0-rc.1\n"])
        try fixture.git.tag("v1.0.0-rc.1", message: "rc 1")
        try fixture.git.commit("Hostile", files: [Self.hostile: "x\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.write("summary.md", "")
        let github = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": fixture.path("summary.md")]

        var outputs: [String: String] = [:]
        for format in ["table", "markdown", "html"] {
            let result = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--git-only", "--format", format],
                                         environment: github)
            #expect(result.status == 1, "\(format): \(result.stderr)")
            #expect(result.stdout.contains("rc-disallowed-paths"), "\(format): \(result.stdout)")
            outputs[format] = result.stdout
            // Annotations: one workflow command per line, none injected by the path.
            for line in result.stderr.split(separator: "\n") where line.hasPrefix("::") {
                #expect(line.hasPrefix("::error title=") || line.hasPrefix("::warning title=") || line.hasPrefix("::notice title="), "\(line)")
                #expect(!line.contains("%0A") || line.contains("%250A"), "a raw %0A would decode to a newline: \(line)")
            }
            #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("::error file=a") })
            for output in [result.stdout, result.stderr] { #expect(!output.contains("\u{1B}"), "raw ESC in \(format)") }
        }
        let text = try #require(outputs["table"]), markdown = try #require(outputs["markdown"]), html = try #require(outputs["html"])
        for (format, output) in [("text", text), ("markdown", markdown)] {
            let lines = output.split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("::") || $0.hasPrefix("### ✅") || $0.hasPrefix("<script") }, "\(format):\n\(output)")
        }
        #expect(!markdown.contains("<script>") && !markdown.contains("`y`"))
        #expect(html.components(separatedBy: "<script").count == 2, "only the page's own script element")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let summary = String(decoding: try fixture.read("summary.md"), as: UTF8.self)
        #expect(!summary.isEmpty)
        #expect(!summary.contains("<script>") && !summary.contains("\u{1B}"))
        #expect(!summary.split(separator: "\n").contains { $0.hasPrefix("### ✅") || $0.hasPrefix("::") })
    }
}
