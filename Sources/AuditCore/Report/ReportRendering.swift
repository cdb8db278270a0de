import Foundation

/// Human and machine renderings of an audit report.
public enum ReportRendering {
    /// One line per check, then the verdict.
    public static func text(_ report: AuditReport, reportPath: String?) -> String {
        var lines: [String] = []
        let release = Escape.terminal(report.release.tag ?? report.release.commit.map { String($0.prefix(12)) } ?? "(unknown)")
        lines.append("release-audit gate: \(release) (\(Escape.terminal(String(report.release.commit?.prefix(12) ?? "no commit")))), policy \(Escape.terminal(report.policy.name))")
        let width = report.checks.map(\.id.count).max() ?? 10
        for check in report.checks {
            lines.append("  \(check.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(check.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(Escape.terminal(check.reason))")
            for path in check.paths ?? [] where path.allowedBy == nil {
                lines.append("          \(String(repeating: " ", count: width))  not allowed: \(Escape.terminal(path.path)) (\(path.kind))")
            }
        }
        lines.append("verdict: \(report.verdict.rawValue)" + (reportPath.map { "  (signed report: \(Escape.terminal($0)))" } ?? ""))
        return lines.joined(separator: "\n")
    }

    /// A Markdown summary (for people, issues and `$GITHUB_STEP_SUMMARY`).
    public static func markdown(_ report: AuditReport, reportPath: String?) -> String {
        let release = report.release.tag ?? report.release.commit ?? "(unknown)"
        var md = "### \(report.verdict.mark.emoji) release-audit: \(Escape.markdownCode(release)) \(report.verdict.rawValue)\n\n"
        md += "Release commit \(Escape.markdownCode(report.release.commit ?? "-"))"
        if let tested = report.tested { md += ", tested commit \(Escape.markdownCode(tested.commit))" }
        md += ", policy \(Escape.markdownCode(report.policy.name)) (sha256 \(Escape.markdownCode(String(report.policy.sha256.prefix(12))))).\n\n"
        md += "| Check | Status | Reason |\n|---|---|---|\n"
        for check in report.checks {
            md += "| \(Escape.markdownCode(check.id)) | \(check.status.mark.emoji) \(check.status.rawValue) | \(Escape.markdown(check.reason)) |\n"
        }
        let disallowed = report.checks.flatMap { $0.paths ?? [] }.filter { $0.allowedBy == nil }
        if !disallowed.isEmpty {
            md += "\nPaths not allowed by the policy:\n\n"
            for p in disallowed { md += "- \(Escape.markdownCode(p.path)) (\(p.kind))\n" }
        }
        if let reportPath { md += "\nSigned report: \(Escape.markdownCode(reportPath))\n" }
        return md
    }

    /// The JSON printed by `--format json`: the report predicate plus where the signed report was written.
    public static func json(_ report: AuditReport, reportPath: String?) throws -> String {
        var tree = try JSONOutput.tree(report)
        if let reportPath, case .object(let members) = tree { tree = .object(members + [(key: "reportPath", value: .string(reportPath))]) }
        return String(decoding: tree.jsonData(.output), as: UTF8.self)
    }
}
