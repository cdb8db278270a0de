/// The release-history audit as Markdown, for a job summary or an issue.
public enum HistoryMarkdown {
    public static func render(_ history: ReleaseHistory) -> String {
        let s = history.summary
        let headline = history.worstVerdict.mark.emoji
        var md = "### \(headline) release-audit audit: \(s.releases) release(s), \(s.failed) failed\n\n"
        md += "Policy \(Escape.markdownCode(history.policy.name)) (sha256 `\(history.policy.sha256.prefix(12))`)"
        if let since = history.since { md += ", releases since \(Escape.markdownCode(since))" }
        if !history.reportsRead { md += ", from git alone (no report read)" }
        md += ", newest first: \(s.clean) clean, \(s.noted) noted, \(s.failed) failed."
        if history.releaseBranches == nil { md += " Release branches not checked (the policy names no `source.branches`)." }
        md += "\n\n"
        let branches = history.releaseBranches != nil
        md += "| Release | Date | Tag | Commit | Last RC | RC → GA | Changed paths |" + (branches ? " Branch |" : "") + " Report | Verdict |\n"
        md += "|---|---|---|---|---|---|---|" + (branches ? "---|" : "") + "---|---|\n"
        for r in history.releases {
            // Every cell is escaped once: code spans only for strings that are safe in them.
            let commit = r.commit.map { Escape.markdownCode(String($0.prefix(7))) } ?? "-"
            let rc = r.rc.map { Escape.markdownCode($0.tag) } ?? "-"
            var cells: [String] = [Escape.markdownCode(r.tag), Escape.markdown(String(r.createdAt.prefix(10))), Escape.markdown(r.tagKind.rawValue), commit, rc]
            cells += ([r.relationCell, HistoryTable.paths(r)] + (branches ? [HistoryTable.branch(r)] : [])).map(Escape.markdown)
            cells.append(Escape.markdown(HistoryTable.reportCell(r, read: history.reportsRead)))
            cells.append("\(r.verdict.mark.emoji) \(r.verdict.rawValue)")
            md += "| " + cells.joined(separator: " | ") + " |\n"
        }
        let withFindings = history.releases.filter { !$0.findings.isEmpty }
        if !withFindings.isEmpty {
            md += "\n#### Findings\n\n"
            for r in withFindings {
                for f in r.findings {
                    md += "- \(Escape.markdownCode(r.tag)) \(f.mark.emoji) **\(f.kind.rawValue)**: \(Escape.markdown(f.message))\n"
                }
            }
        }
        let disallowed = history.releases.filter { r in r.changedPaths.contains { $0.allowedBy == nil } }
        if !disallowed.isEmpty {
            md += "\n#### Paths changed from RC to GA that the policy does not allow\n\n"
            for r in disallowed {
                let list = r.changedPaths.filter { $0.allowedBy == nil }.map { "\(Escape.markdownCode($0.path)) (\($0.kind))" }
                md += "- \(Escape.markdownCode(r.rc?.tag ?? "-")) → \(Escape.markdownCode(r.tag)): \(list.joined(separator: ", "))\n"
            }
        }
        if !s.findings.isEmpty {
            let kinds = FindingKind.allCases.compactMap { k in s.findings[k.rawValue].map { "`\(k.rawValue)` \($0)" } }
            md += "\nReleases by finding: \(kinds.joined(separator: ", ")).\n"
        }
        return md
    }
}
