/// The release-history audit as Markdown, for a job summary or an issue.
public enum HistoryMarkdown {
    public static func render(_ history: ReleaseHistory) -> String {
        let s = history.summary
        let headline = s.failed > 0 ? "❌" : s.noted > 0 ? "⚠️" : "✅"
        var md = "### \(headline) release-audit audit: \(s.releases) release(s), \(s.failed) failed\n\n"
        md += "Policy `\(history.policy.name)` (sha256 `\(history.policy.sha256.prefix(12))`)"
        if let since = history.since { md += ", releases since `\(since)`" }
        md += ", newest first: \(s.clean) clean, \(s.noted) noted, \(s.failed) failed."
        if history.releaseBranches == nil { md += " Release branches not checked (the policy names no `source.branches`)." }
        md += "\n\n"
        let branches = history.releaseBranches != nil
        md += "| Release | Date | Tag | Commit | Last RC | RC → GA | Changed paths |" + (branches ? " Branch |" : "") + " Report | Verdict |\n"
        md += "|---|---|---|---|---|---|---|" + (branches ? "---|" : "") + "---|---|\n"
        for r in history.releases {
            let commit: String = r.commit.map { "`\($0.prefix(7))`" } ?? "-"
            let rc: String = r.rc.map { "`\($0.tag)`" } ?? "-"
            var cells: [String] = ["`\(r.tag)`", String(r.createdAt.prefix(10)), r.tagKind.rawValue, commit, rc]
            cells += [HistoryTable.relation(r), HistoryTable.paths(r)] + (branches ? [HistoryTable.branch(r)] : [])
            cells.append(HistoryTable.reportCell(r))
            cells.append("\(icon(r.verdict)) \(r.verdict.rawValue)")
            md += "| " + cells.map(ReportRendering.escape).joined(separator: " | ") + " |\n"
        }
        let withFindings = history.releases.filter { !$0.findings.isEmpty }
        if !withFindings.isEmpty {
            md += "\n#### Findings\n\n"
            for r in withFindings {
                for f in r.findings {
                    md += "- `\(r.tag)` \(f.fails ? "❌" : "⚠️") **\(f.kind.rawValue)**: \(ReportRendering.escape(f.message))\n"
                }
            }
        }
        let disallowed = history.releases.filter { r in r.changedPaths.contains { $0.allowedBy == nil } }
        if !disallowed.isEmpty {
            md += "\n#### Paths changed from RC to GA that the policy does not allow\n\n"
            for r in disallowed {
                let list = r.changedPaths.filter { $0.allowedBy == nil }.map { "`\($0.path)` (\($0.kind))" }
                md += "- `\(r.rc?.tag ?? "-")` → `\(r.tag)`: \(list.joined(separator: ", "))\n"
            }
        }
        if !s.findings.isEmpty {
            let kinds = FindingKind.allCases.compactMap { k in s.findings[k.rawValue].map { "`\(k.rawValue)` \($0)" } }
            md += "\nReleases by finding: \(kinds.joined(separator: ", ")).\n"
        }
        return md
    }

    static func icon(_ verdict: ReleaseVerdict) -> String {
        switch verdict {
        case .clean: return "✅"
        case .noted: return "⚠️"
        case .failed: return "❌"
        }
    }
}
