import Foundation

/// The release-history audit as a table for a terminal: one row per release, its findings
/// beneath it, and a summary. Colour (ANSI) only when asked for, i.e. on a terminal.
public enum HistoryTable {
    /// Renders the table; `colour` adds ANSI colours to verdicts and findings.
    public static func render(_ history: ReleaseHistory, colour: Bool) -> String {
        let paint = Paint(enabled: colour)
        var lines: [String] = []
        let since = history.since.map { ", since \(Escape.terminal($0))" } ?? ""
        let scope = history.reportsRead ? "" : ", git only (no report read)"
        lines.append("release-audit audit: \(history.releases.count) release(s)\(since), policy \(Escape.terminal(history.policy.name)) (sha256 \(history.policy.sha256.prefix(12)))\(scope), newest first")
        // Without release branches in the policy there is no BRANCH column (and a line says so).
        let branches = history.releaseBranches != nil
        let header = ["TAG", "DATE", "KIND", "COMMIT", "RC", "RELATION", "PATHS"] + (branches ? ["BRANCH"] : []) + ["REPORT", "VERDICT"]
        let rows = history.releases.map { release -> [String] in
            [release.tag, String(release.createdAt.prefix(10)), release.tagKind.rawValue,
             release.commit.map { String($0.prefix(7)) } ?? "-", release.rc?.tag ?? "-", release.relationCell, paths(release)]
                + (branches ? [branch(release)] : []) + [reportCell(release, read: history.reportsRead), release.verdict.rawValue]
        }.map { $0.map(Escape.terminal) }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String], verdict: ReleaseVerdict?) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let padded = i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                parts.append(i == cells.count - 1 && verdict != nil ? paint.verdict(padded, verdict!) : padded)
            }
            return parts.joined(separator: "  ")
        }
        lines.append(paint.bold(line(header, verdict: nil)))
        for (release, row) in zip(history.releases, rows) {
            lines.append(line(row, verdict: release.verdict))
            for finding in release.findings {
                let mark = finding.fails ? paint.red("fail") : paint.yellow("note")
                lines.append("    \(mark) \(finding.kind.rawValue): \(Escape.terminal(finding.message))")
            }
        }
        lines.append("")
        if history.releaseBranches == nil {
            lines.append("release branches: not checked (the policy names no source.branches)")
        }
        lines.append("summary: " + summaryLine(history))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line: releases audited, how many clean, noted and failed, and the findings by kind.
    public static func summaryLine(_ history: ReleaseHistory) -> String {
        let s = history.summary
        var text = "\(s.releases) release(s): \(s.clean) clean, \(s.noted) noted, \(s.failed) failed"
        // What git shows first (a diverged RC, disallowed paths), then what the reports show.
        let kinds = FindingKind.evaluationOrder.compactMap { kind in s.findings[kind.rawValue].map { "\(kind.rawValue) \($0)" } }
        if !kinds.isEmpty { text += "; findings: " + kinds.joined(separator: ", ") }
        return text
    }

    /// Changed paths: how many, and how many not allowed.
    static func paths(_ release: AuditedRelease) -> String {
        let total = release.changedPaths.count
        guard total > 0 else { return "-" }
        let disallowed = release.changedPaths.filter { $0.allowedBy == nil }.count
        return disallowed == 0 ? "\(total) allowed" : "\(total), \(disallowed) not allowed"
    }

    /// The release branch the GA is on (short name), `no`, or `n/a` when not checked.
    static func branch(_ release: AuditedRelease) -> String {
        guard let on = release.onReleaseBranch else { return "n/a" }
        guard on, let ref = release.releaseBranch else { return "no" }
        if ref.hasPrefix("refs/heads/") { return String(ref.dropFirst("refs/heads/".count)) }
        if ref.hasPrefix("refs/remotes/") { return String(ref.dropFirst("refs/remotes/".count)) }
        return ref
    }

    /// The report in a word: its verdict, `untrusted` or `missing` (`not read` when reports were not read).
    static func reportCell(_ release: AuditedRelease, read: Bool = true) -> String {
        guard read else { return "not read" }
        guard let report = release.report else { return "missing" }
        guard report.signature == "valid", let verdict = report.verdict else { return "untrusted" }
        return report.tagState == "unmoved" || report.tagState == nil ? verdict : "\(verdict), \(report.tagState ?? "")"
    }
}

/// ANSI colours, or nothing.
private struct Paint {
    let enabled: Bool
    func code(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { code(s, "31") }
    func yellow(_ s: String) -> String { code(s, "33") }
    func bold(_ s: String) -> String { code(s, "1") }
    func verdict(_ s: String, _ v: ReleaseVerdict) -> String {
        switch v {
        case .clean: return code(s, "32")
        case .noted: return yellow(s)
        case .failed: return code(s, "1;31")
        }
    }
}
