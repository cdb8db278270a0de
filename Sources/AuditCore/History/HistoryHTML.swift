/// The release-history audit as one self-contained HTML page: inline CSS and a few lines of
/// inline script, no external asset. A timeline of the releases coloured by verdict, each
/// release expandable (`<details>`) to its RC, relation, changed paths, report and findings.
/// Verdicts are spelled out and marked with a symbol, never told by colour alone.
public enum HistoryHTML {
    public static func render(_ history: ReleaseHistory) -> String {
        let s = history.summary
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>release-audit: \(s.releases) release(s), \(s.failed) failed</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <header>
            <h1>Release history audit</h1>
            <p class="meta">Policy <code>\(escape(history.policy.name))</code> (sha256 <code>\(history.policy.sha256.prefix(12))</code>)\(history.since.map { ", releases since <code>\(escape($0))</code>" } ?? "") &middot; \(escape(ToolInfo.name)) \(escape(ToolInfo.version))</p>
            </header>

            """
        html += summarySection(history)
        html += strip(history)
        html += """
            <section aria-labelledby="releases-title">
            <div class="bar"><h2 id="releases-title">Releases, newest first</h2>
            <span class="actions"><button type="button" data-open="true">Expand all</button> <button type="button" data-open="false">Collapse all</button></span></div>
            <ol class="timeline">

            """
        for release in history.releases { html += item(release) }
        html += "</ol>\n</section>\n"
        html += footer(history)
        html += """
            </main>
            <script>
            document.querySelectorAll("button[data-open]").forEach(function (b) {
              b.addEventListener("click", function () {
                var open = b.getAttribute("data-open") === "true";
                document.querySelectorAll("ol.timeline details").forEach(function (d) { d.open = open; });
              });
            });
            </script>
            </body>
            </html>

            """
        return html
    }

    // MARK: Parts

    private static func summarySection(_ history: ReleaseHistory) -> String {
        let s = history.summary
        var html = """
            <section class="summary" aria-label="Summary">
            <div class="count"><span class="n">\(s.releases)</span> release(s) audited</div>
            <div class="count clean"><span class="n">\(s.clean)</span> \(symbol(.clean)) clean</div>
            <div class="count noted"><span class="n">\(s.noted)</span> \(symbol(.noted)) noted</div>
            <div class="count failed"><span class="n">\(s.failed)</span> \(symbol(.failed)) failed</div>
            </section>

            """
        let kinds = FindingKind.allCases.compactMap { k in s.findings[k.rawValue].map { (k, $0) } }
        if !kinds.isEmpty {
            html += "<p class=\"kinds\">Releases by finding: "
            html += kinds.map { "<span class=\"kind\"><code>\($0.0.rawValue)</code>&nbsp;\($0.1)</span>" }.joined(separator: ", ")
            html += "</p>\n"
        }
        if history.releaseBranches == nil {
            html += "<p class=\"muted\">Release branches not checked: the policy names no <code>source.branches</code>.</p>\n"
        }
        return html
    }

    /// The timeline strip: one block per release, oldest on the left, each a link to its entry.
    private static func strip(_ history: ReleaseHistory) -> String {
        var html = "<nav class=\"strip\" aria-label=\"Timeline of releases, oldest first\"><ol>\n"
        for r in history.releases.reversed() {
            let label = "\(r.tag), \(r.createdAt.prefix(10)): \(r.verdict.rawValue)"
            html += "<li><a class=\"\(cls(r.verdict))\" href=\"#\(anchor(r.tag))\" title=\"\(escape(label))\" aria-label=\"\(escape(label))\"><span>\(escape(r.tag))</span></a></li>\n"
        }
        return html + "</ol></nav>\n"
    }

    private static func item(_ r: AuditedRelease) -> String {
        let failing = r.findings.filter(\.fails).count
        var html = "<li class=\"\(cls(r.verdict))\" id=\"\(anchor(r.tag))\">\n"
        html += "<details\(r.verdict == .failed ? " open" : "")>\n<summary>"
        html += "<span class=\"badge \(cls(r.verdict))\">\(symbol(r.verdict)) \(r.verdict.rawValue)</span> "
        html += "<strong class=\"tag\">\(escape(r.tag))</strong> <span class=\"muted\">\(r.createdAt.prefix(10))</span> "
        html += "<span class=\"rel\">\(escape(relationText(r)))</span>"
        if !r.findings.isEmpty {
            html += " <span class=\"chips\">" + r.findings.map {
                "<span class=\"chip \($0.fails ? "fail" : "note")\">\($0.kind.rawValue)</span>"
            }.joined(separator: " ") + "</span>"
        }
        if failing > 0 { html += "<span class=\"sr\"> (\(failing) failing finding(s))</span>" }
        html += "</summary>\n<div class=\"body\">\n"
        html += facts(r)
        html += paths(r)
        html += findings(r)
        html += "</div>\n</details>\n</li>\n"
        return html
    }

    private static func facts(_ r: AuditedRelease) -> String {
        var rows: [(String, String)] = []
        rows.append(("Commit", r.commit.map { "<code>\($0)</code>" } ?? "none (the tag names no commit)"))
        var tag = r.tagKind.rawValue
        if let object = r.tagObject { tag += ", tag object <code>\(object.prefix(12))</code>" }
        rows.append(("Tag", tag + ", made \(escape(r.createdAt))"))
        if let rc = r.rc {
            rows.append(("Last RC", "<code>\(escape(rc.tag))</code> on <code>\(rc.commit.map { String($0.prefix(12)) } ?? "-")</code>"))
        } else {
            rows.append(("Last RC", "none"))
        }
        rows.append(("RC rule", escape(r.rcReason)))
        if r.rcCandidates.count > 1 || r.rcCandidates.contains(where: \.afterGA) {
            rows.append(("All RCs", r.rcCandidates.map { c in
                "<code>\(escape(c.tag))</code>" + (c.afterGA ? " <em>(tagged after the GA)</em>" : "")
            }.joined(separator: ", ")))
        }
        if r.relation != nil {
            var relation = escape(relationText(r))
            if let base = r.mergeBase { relation += ", merge base <code>\(base.prefix(12))</code>" }
            rows.append(("RC → GA", relation))
        }
        if let on = r.onReleaseBranch {
            rows.append(("Release branch", on ? "<code>\(escape(r.releaseBranch ?? ""))</code>" : "not on any release branch"))
        }
        rows.append(("Report", reportText(r.report)))
        var html = "<dl>\n"
        for (key, value) in rows { html += "<dt>\(key)</dt><dd>\(value)</dd>\n" }
        return html + "</dl>\n"
    }

    private static func reportText(_ report: StoredReportSummary?) -> String {
        guard let report else { return "none found" }
        var text = "<code>\(escape(report.source))</code>: "
        guard report.signature == "valid" else {
            return text + "<strong>untrusted</strong> signature: \(escape(report.signatureProblem ?? ""))"
        }
        text += "signature valid, by \(report.signers.map { "<code>\($0.prefix(12))</code>" }.joined(separator: ", "))"
        text += "; verdict <strong>\(escape(report.verdict ?? "-"))</strong>"
        if !report.failedChecks.isEmpty { text += " on " + report.failedChecks.map { "<code>\(escape($0))</code>" }.joined(separator: ", ") }
        if let at = report.auditedAt { text += "; audited \(escape(at))" }
        text += "; tag \(escape(report.tagState ?? "-"))"
        if let name = report.policyName { text += "; policy <code>\(escape(name))</code> sha256 <code>\(report.policySha256?.prefix(12) ?? "")</code>" }
        if report.otherReports > 0 { text += "; \(report.otherReports) other report(s) for this tag" }
        return text
    }

    private static func paths(_ r: AuditedRelease) -> String {
        guard !r.changedPaths.isEmpty else { return "" }
        var html = "<table>\n<caption>Paths changed from \(escape(r.rc?.tag ?? "the RC")) to \(escape(r.tag))</caption>\n"
        html += "<thead><tr><th scope=\"col\">Path</th><th scope=\"col\">Change</th><th scope=\"col\">Allowed by the policy</th></tr></thead>\n<tbody>\n"
        for p in r.changedPaths {
            let allowed = p.allowedBy.map { "<span class=\"ok\">✓ <code>\(escape($0))</code></span>" } ?? "<span class=\"bad\">✗ not allowed</span>"
            html += "<tr><td><code>\(escape(p.path))</code></td><td>\(escape(p.kind))</td><td>\(allowed)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private static func findings(_ r: AuditedRelease) -> String {
        guard !r.findings.isEmpty else { return "<p class=\"ok\">✓ No findings.</p>\n" }
        var html = "<ul class=\"findings\">\n"
        for f in r.findings {
            html += "<li class=\"\(f.fails ? "fail" : "note")\"><span class=\"mark\">\(f.fails ? "✗ fails" : "! note")</span> <code>\(f.kind.rawValue)</code>: \(escape(f.message))</li>\n"
        }
        return html + "</ul>\n"
    }

    private static func footer(_ history: ReleaseHistory) -> String {
        var html = "<footer>\n<p>Fails on: " + (history.failOn.isEmpty ? "nothing" : history.failOn.map { "<code>\($0.rawValue)</code>" }.joined(separator: ", ")) + ".</p>\n"
        if !history.ignoredReports.isEmpty {
            html += "<p>Ignored in the reports directory:</p>\n<ul>\n"
            for item in history.ignoredReports { html += "<li><code>\(escape(item.source))</code>: \(escape(item.reason))</li>\n" }
            html += "</ul>\n"
        }
        return html + "</footer>\n"
    }

    // MARK: Helpers

    private static func relationText(_ r: AuditedRelease) -> String {
        guard let kind = r.relation, let rc = r.rc else { return "no RC" }
        switch kind {
        case .sameCommit: return "same commit as \(rc.tag)"
        case .sameTree: return "same tree as \(rc.tag), \(r.commitsBetween ?? 0) commit(s) apart"
        case .descendant: return "descends from \(rc.tag), \(r.commitsBetween ?? 0) commit(s) later"
        case .diverged: return "diverged from \(rc.tag): \(r.commitsBetween ?? 0) commit(s) on the GA side, \(r.commitsBehind ?? 0) on the RC side"
        }
    }

    private static func cls(_ v: ReleaseVerdict) -> String { v.rawValue.lowercased() }

    private static func symbol(_ v: ReleaseVerdict) -> String {
        switch v {
        case .clean: return "✓"
        case .noted: return "!"
        case .failed: return "✗"
        }
    }

    /// An id for a tag: letters, digits, `-`, `_` and `.` kept, everything else `_`.
    static func anchor(_ tag: String) -> String {
        "release-" + String(tag.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
    }

    /// Escapes text for HTML content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    private static let style = """

        :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
                --clean: #1a7f37; --noted: #9a6700; --failed: #cf222e; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg);
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
        h1 { font-size: 1.6rem; margin: 0 0 4px; }
        h2 { font-size: 1.15rem; margin: 0; }
        code { font: 0.9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel);
               padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
        .meta, .muted { color: var(--muted); }
        .summary { display: flex; gap: 12px; margin: 18px 0 8px; flex-wrap: wrap; }
        .count { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 150px; }
        .count .n { font-size: 1.5rem; font-weight: 600; margin-right: 4px; }
        .count.clean { border-left: 6px solid var(--clean); }
        .count.noted { border-left: 6px solid var(--noted); }
        .count.failed { border-left: 6px solid var(--failed); }
        .kinds { margin: 8px 0; }
        .kinds .kind { white-space: nowrap; }
        .kinds code { overflow-wrap: normal; }
        .strip ol { list-style: none; display: flex; flex-wrap: wrap; gap: 3px; padding: 10px 0 14px; margin: 0;
                    border-bottom: 1px solid var(--line); }
        .strip a { display: block; min-width: 58px; padding: 4px 6px; border-radius: 4px; color: #fff; text-decoration: none;
                   font-size: 0.75rem; text-align: center; font-weight: 600; }
        .strip a:focus-visible, summary:focus-visible, button:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
        a.clean, .badge.clean { background: var(--clean); }
        a.noted, .badge.noted { background: var(--noted); }
        a.failed, .badge.failed { background: var(--failed); }
        .bar { display: flex; justify-content: space-between; align-items: center; margin: 18px 0 6px; }
        button { font: inherit; font-size: 0.85rem; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px;
                 background: var(--panel); color: var(--fg); cursor: pointer; }
        ol.timeline { list-style: none; margin: 0; padding: 0 0 0 22px; border-left: 3px solid var(--line); }
        ol.timeline > li { position: relative; margin: 0 0 8px; }
        ol.timeline > li::before { content: ""; position: absolute; left: -31px; top: 11px; width: 15px; height: 15px;
                                   border-radius: 50%; border: 3px solid var(--bg); background: var(--muted); }
        ol.timeline > li.clean::before { background: var(--clean); }
        ol.timeline > li.noted::before { background: var(--noted); }
        ol.timeline > li.failed::before { background: var(--failed); }
        details { border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
        li.failed > details { border-color: #ff818266; }
        summary { cursor: pointer; padding: 6px 10px; }
        summary .tag { font-size: 1.05rem; }
        .badge { color: #fff; font-size: 0.75rem; font-weight: 700; padding: 2px 8px; border-radius: 10px; letter-spacing: 0.03em; }
        .rel { color: var(--muted); margin-left: 6px; }
        .chips { margin-left: 6px; }
        .chip { font: 0.75rem/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 1px 6px; border-radius: 10px;
                border: 1px solid; white-space: nowrap; }
        .chip.fail { color: var(--failed); border-color: var(--failed); background: #ffebe9; }
        .chip.note { color: var(--noted); border-color: var(--noted); background: #fff8c5; }
        .body { padding: 4px 14px 12px; border-top: 1px solid var(--line); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
        dt { color: var(--muted); }
        dd { margin: 0; }
        table { border-collapse: collapse; margin: 8px 0; min-width: 50%; }
        caption { text-align: left; color: var(--muted); padding-bottom: 2px; }
        th, td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }
        th { background: var(--panel); font-weight: 600; }
        .ok { color: var(--clean); }
        .bad { color: var(--failed); font-weight: 600; }
        ul.findings { margin: 8px 0 0; padding-left: 0; list-style: none; }
        ul.findings li { padding: 3px 8px; border-left: 4px solid; margin-bottom: 3px; background: var(--panel); }
        ul.findings li.fail { border-color: var(--failed); }
        ul.findings li.note { border-color: var(--noted); }
        .mark { font-weight: 700; }
        li.fail .mark { color: var(--failed); }
        li.note .mark { color: var(--noted); }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        footer { margin-top: 22px; color: var(--muted); font-size: 0.9rem; }

        """
}
