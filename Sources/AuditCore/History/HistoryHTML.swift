import Mustache

/// The release-history audit as one self-contained HTML page: inline CSS and a few lines of
/// inline script, no external asset. A timeline of the releases coloured by verdict, each
/// release expandable (`<details>`) to its RC, relation, changed paths, report and findings.
/// Verdicts are spelled out and marked with a symbol, never told by colour alone.
///
/// The page is a Mustache template (`HistoryHTML.source`) rendered from a view model of plain
/// strings (`Page`): every value is escaped by the template engine, in text and in attributes
/// alike, with `Escape.html`; the template has no unescaped (`{{{ }}}`) tag.
public enum HistoryHTML {
    public static func render(_ history: ReleaseHistory) -> String {
        template.render(Page(history))
    }

    // MARK: View model

    struct Page {
        let releases, clean, noted, failed: String
        let symbolClean = VerdictMark.good.symbol, symbolNoted = VerdictMark.note.symbol, symbolFailed = VerdictMark.bad.symbol
        let policyName, policyDigest: String
        let since: String?
        let gitOnly: Bool
        let toolName = ToolInfo.name, toolVersion = ToolInfo.version
        let kinds: [KindCount]
        let hasKinds: Bool
        let branchesUnchecked: Bool
        let strip: [StripItem]
        let items: [Item]
        let failOn: [Listed]
        let ignored: [Ignored]
        let hasIgnored: Bool

        init(_ history: ReleaseHistory) {
            let s = history.summary
            releases = String(s.releases); clean = String(s.clean); noted = String(s.noted); failed = String(s.failed)
            policyName = history.policy.name
            policyDigest = String(history.policy.sha256.prefix(12))
            since = history.since
            gitOnly = !history.reportsRead
            kinds = FindingKind.evaluationOrder.compactMap { k in s.findings[k.rawValue].map { (k, $0) } }.enumerated()
                .map { KindCount(separator: $0.offset == 0 ? "" : ", ", id: $0.element.0.rawValue, count: String($0.element.1)) }
            hasKinds = !kinds.isEmpty
            branchesUnchecked = history.releaseBranches == nil
            strip = history.releases.reversed().map(StripItem.init)
            items = history.releases.map { Item($0, reportsRead: history.reportsRead) }
            failOn = history.failOn.enumerated().map { Listed(separator: $0.offset == 0 ? "" : ", ", id: $0.element.rawValue) }
            ignored = history.ignoredReports.map { Ignored(source: $0.source, reason: $0.reason) }
            hasIgnored = !ignored.isEmpty
        }
    }

    struct KindCount { let separator, id, count: String }
    struct Listed { let separator, id: String }
    struct Ignored { let source, reason: String }

    struct StripItem {
        let cls, anchor, label, tag: String
        init(_ r: AuditedRelease) {
            cls = HistoryHTML.cls(r.verdict)
            anchor = HistoryHTML.anchor(r.tag)
            label = "\(r.tag), \(r.createdAt.prefix(10)): \(r.verdict.rawValue)"
            tag = r.tag
        }
    }

    struct Item {
        let cls, anchor, symbol, verdict, tag, date, relation: String
        let open: Bool
        let chips: [Chip]
        let hasChips: Bool
        let failing: String?
        let facts: [Fact]
        let rcTag: String
        let paths: [PathRow]
        let hasPaths: Bool
        let findings: [FindingRow]
        let hasFindings: Bool

        init(_ r: AuditedRelease, reportsRead: Bool) {
            cls = HistoryHTML.cls(r.verdict)
            anchor = HistoryHTML.anchor(r.tag)
            symbol = r.verdict.mark.symbol
            verdict = r.verdict.rawValue
            tag = r.tag
            date = String(r.createdAt.prefix(10))
            relation = r.relationPhrase
            open = r.verdict == .failed
            chips = r.findings.enumerated().map { Chip(separator: $0.offset == 0 ? "" : " ", cls: $0.element.fails ? "fail" : "note", id: $0.element.kind.rawValue) }
            hasChips = !chips.isEmpty
            let failingCount = r.findings.filter(\.fails).count
            failing = failingCount > 0 ? String(failingCount) : nil
            facts = Fact.rows(r, reportsRead: reportsRead)
            rcTag = r.rc?.tag ?? "the RC"
            paths = r.changedPaths.map { PathRow(path: $0.path, kind: $0.kind, allowedBy: $0.allowedBy) }
            hasPaths = !paths.isEmpty
            findings = r.findings.map {
                FindingRow(cls: $0.fails ? "fail" : "note", mark: $0.fails ? "\(VerdictMark.bad.symbol) fails" : "\(VerdictMark.note.symbol) note",
                           id: $0.kind.rawValue, message: $0.message)
            }
            hasFindings = !findings.isEmpty
        }
    }

    struct Chip { let separator, cls, id: String }
    struct PathRow { let path, kind: String; let allowedBy: String? }
    struct FindingRow { let cls, mark, id, message: String }

    /// A run of text in a fact's value: plain, code, strong or emphasised.
    struct Span {
        let text: String
        var plain = false, code = false, strong = false, em = false
        static func plain(_ s: String) -> Span { Span(text: s, plain: true) }
        static func code(_ s: String) -> Span { Span(text: s, code: true) }
        static func strong(_ s: String) -> Span { Span(text: s, strong: true) }
        static func em(_ s: String) -> Span { Span(text: s, em: true) }
    }

    /// One `<dt>`/`<dd>` row of a release's facts.
    struct Fact {
        let key: String
        let parts: [Span]

        static func rows(_ r: AuditedRelease, reportsRead: Bool) -> [Fact] {
            var rows: [Fact] = []
            rows.append(Fact(key: "Commit", parts: r.commit.map { [.code($0)] } ?? [.plain("none (the tag names no commit)")]))
            var tag: [Span] = [.plain(r.tagKind.rawValue)]
            if let object = r.tagObject { tag += [.plain(", tag object "), .code(String(object.prefix(12)))] }
            rows.append(Fact(key: "Tag", parts: tag + [.plain(", made \(r.createdAt)")]))
            if let rc = r.rc {
                rows.append(Fact(key: "Last RC", parts: [.code(rc.tag), .plain(" on "), .code(rc.commit.map { String($0.prefix(12)) } ?? "-")]))
            } else {
                rows.append(Fact(key: "Last RC", parts: [.plain("none")]))
            }
            rows.append(Fact(key: "RC rule", parts: [.plain(r.rcReason)]))
            if r.rcCandidates.count > 1 || r.rcCandidates.contains(where: \.afterGA) {
                var all: [Span] = []
                for (i, c) in r.rcCandidates.enumerated() {
                    if i > 0 { all.append(.plain(", ")) }
                    all.append(.code(c.tag))
                    if c.afterGA { all += [.plain(" "), .em("(tagged after the GA)")] }
                }
                rows.append(Fact(key: "All RCs", parts: all))
            }
            if r.relation != nil {
                var relation: [Span] = [.plain(r.relationPhrase)]
                if let base = r.mergeBase { relation += [.plain(", merge base "), .code(String(base.prefix(12)))] }
                rows.append(Fact(key: "RC → GA", parts: relation))
            }
            if let on = r.onReleaseBranch {
                rows.append(Fact(key: "Release branch", parts: on ? [.code(r.releaseBranch ?? "")] : [.plain("not on any release branch")]))
            }
            if reportsRead { rows.append(Fact(key: "Report", parts: report(r.report))) }
            return rows
        }

        static func report(_ report: StoredReportSummary?) -> [Span] {
            guard let report else { return [.plain("none found")] }
            var parts: [Span] = [.code(report.source), .plain(": ")]
            guard report.signature == "valid" else {
                return parts + [.strong("untrusted"), .plain(" signature: \(report.signatureProblem ?? "")")]
            }
            parts.append(.plain("signature valid, by "))
            for (i, signer) in report.signers.enumerated() {
                if i > 0 { parts.append(.plain(", ")) }
                parts.append(.code(String(signer.prefix(12))))
            }
            parts += [.plain("; verdict "), .strong(report.verdict ?? "-")]
            if !report.failedChecks.isEmpty {
                parts.append(.plain(" on "))
                for (i, check) in report.failedChecks.enumerated() {
                    if i > 0 { parts.append(.plain(", ")) }
                    parts.append(.code(check))
                }
            }
            if let at = report.auditedAt { parts.append(.plain("; audited \(at)")) }
            parts.append(.plain("; tag \(report.tagState ?? "-")"))
            if let name = report.policyName {
                parts += [.plain("; policy "), .code(name), .plain(" sha256 "), .code(String(report.policySha256?.prefix(12) ?? ""))]
            }
            if report.otherReports > 0 { parts.append(.plain("; \(report.otherReports) other report(s) for this tag")) }
            return parts
        }
    }

    // MARK: Helpers

    static func cls(_ v: ReleaseVerdict) -> String { v.rawValue.lowercased() }

    /// An id for a tag: letters, digits, `-`, `_` and `.` kept, everything else `_`.
    static func anchor(_ tag: String) -> String {
        "release-" + String(tag.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
    }

    // MARK: Template

    /// The content type the template declares: `Escape.html` for every value.
    struct HTMLText: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.html(text) }
    }

    static let contentTypeName = "RELEASE_AUDIT_HTML"

    /// Parsed once. The template is a constant of this file, parsed by every test run, so a
    /// failure to parse it is a programming error.
    static let template: MustacheTemplate = {
        MustacheContentTypes.register(HTMLText(), named: contentTypeName)
        do { return try MustacheTemplate(string: source) } catch { fatalError("the HTML template does not parse: \(error)") }
    }()

    static let source = """
        {{% CONTENT_TYPE: RELEASE_AUDIT_HTML }}
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>release-audit: {{releases}} release(s), {{failed}} failed</title>
        <style>
        """ + style + """
        </style>
        </head>
        <body>
        <main>
        <header>
        <h1>Release history audit</h1>
        <p class="meta">Policy <code>{{policyName}}</code> (sha256 <code>{{policyDigest}}</code>){{#since}}, releases since <code>{{.}}</code>{{/since}}{{#gitOnly}}, from git alone (no report read){{/gitOnly}} &middot; {{toolName}} {{toolVersion}}</p>
        </header>
        <section class="summary" aria-label="Summary">
        <div class="count"><span class="n">{{releases}}</span> release(s) audited</div>
        <div class="count clean"><span class="n">{{clean}}</span> {{symbolClean}} clean</div>
        <div class="count noted"><span class="n">{{noted}}</span> {{symbolNoted}} noted</div>
        <div class="count failed"><span class="n">{{failed}}</span> {{symbolFailed}} failed</div>
        </section>
        {{#hasKinds}}
        <p class="kinds">Releases by finding: {{#kinds}}{{separator}}<span class="kind"><code>{{id}}</code>&nbsp;{{count}}</span>{{/kinds}}</p>
        {{/hasKinds}}
        {{#branchesUnchecked}}
        <p class="muted">Release branches not checked: the policy names no <code>source.branches</code>.</p>
        {{/branchesUnchecked}}
        <nav class="strip" aria-label="Timeline of releases, oldest first"><ol>
        {{#strip}}
        <li><a class="{{cls}}" href="#{{anchor}}" title="{{label}}" aria-label="{{label}}"><span>{{tag}}</span></a></li>
        {{/strip}}
        </ol></nav>
        <section aria-labelledby="releases-title">
        <div class="bar"><h2 id="releases-title">Releases, newest first</h2>
        <span class="actions"><button type="button" data-open="true">Expand all</button> <button type="button" data-open="false">Collapse all</button></span></div>
        <ol class="timeline">
        {{#items}}
        <li class="{{cls}}" id="{{anchor}}">
        <details{{#open}} open{{/open}}>
        <summary><span class="badge {{cls}}">{{symbol}} {{verdict}}</span> <strong class="tag">{{tag}}</strong> <span class="muted">{{date}}</span> <span class="rel">{{relation}}</span>{{#hasChips}} <span class="chips">{{#chips}}{{separator}}<span class="chip {{cls}}">{{id}}</span>{{/chips}}</span>{{/hasChips}}{{#failing}}<span class="sr"> ({{.}} failing finding(s))</span>{{/failing}}</summary>
        <div class="body">
        <dl>
        {{#facts}}
        <dt>{{key}}</dt><dd>{{#parts}}{{#plain}}{{text}}{{/plain}}{{#code}}<code>{{text}}</code>{{/code}}{{#strong}}<strong>{{text}}</strong>{{/strong}}{{#em}}<em>{{text}}</em>{{/em}}{{/parts}}</dd>
        {{/facts}}
        </dl>
        {{#hasPaths}}
        <table>
        <caption>Paths changed from {{rcTag}} to {{tag}}</caption>
        <thead><tr><th scope="col">Path</th><th scope="col">Change</th><th scope="col">Allowed by the policy</th></tr></thead>
        <tbody>
        {{#paths}}
        <tr><td><code>{{path}}</code></td><td>{{kind}}</td><td>{{#allowedBy}}<span class="ok">✓ <code>{{.}}</code></span>{{/allowedBy}}{{^allowedBy}}<span class="bad">✗ not allowed</span>{{/allowedBy}}</td></tr>
        {{/paths}}
        </tbody>
        </table>
        {{/hasPaths}}
        {{#hasFindings}}
        <ul class="findings">
        {{#findings}}
        <li class="{{cls}}"><span class="mark">{{mark}}</span> <code>{{id}}</code>: {{message}}</li>
        {{/findings}}
        </ul>
        {{/hasFindings}}
        {{^hasFindings}}
        <p class="ok">✓ No findings.</p>
        {{/hasFindings}}
        </div>
        </details>
        </li>
        {{/items}}
        </ol>
        </section>
        <footer>
        <p>Fails on: {{^failOn}}nothing{{/failOn}}{{#failOn}}{{separator}}<code>{{id}}</code>{{/failOn}}.</p>
        {{#hasIgnored}}
        <p>Ignored in the reports directory:</p>
        <ul>
        {{#ignored}}
        <li><code>{{source}}</code>: {{reason}}</li>
        {{/ignored}}
        </ul>
        {{/hasIgnored}}
        </footer>
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

    static let style = """

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
