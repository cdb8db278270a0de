import Foundation
import TestSupport
import Testing

/// `release-audit audit` end to end, as the built binary, on the fifteen-release fixture.
@Suite struct AuditCommandTests {
    let fixture: AuditFixture

    init() throws { fixture = try AuditFixture.shared.get() }

    // MARK: JSON

    @Test func jsonNamesEveryCase() throws {
        let result = try fixture.audit(["--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let json = try object(result.stdout)
        let releases = try #require(json["releases"] as? [[String: Any]])
        let byTag = Dictionary(uniqueKeysWithValues: releases.map { ($0["tag"] as? String ?? "", $0) })
        #expect(Set(byTag.keys) == Set(AuditFixture.expected.keys))
        for (tag, kinds) in AuditFixture.expected {
            let release = try #require(byTag[tag])
            let findings = release["findings"] as? [[String: Any]] ?? []
            #expect(findings.compactMap { $0["kind"] as? String } == kinds, "\(tag): \(findings)")
            #expect(release["verdict"] as? String == AuditFixture.verdicts[tag], "\(tag)")
            // The commit is what git says the tag peels to.
            #expect(release["commit"] as? String == (try git.revParse("\(tag)^{commit}")), "\(tag)")
            // Every documented key is present, null or not.
            for key in ["tag", "version", "tagKind", "tagObject", "commit", "createdAt", "rc", "rcReason", "rcCandidates",
                        "relation", "commitsBetween", "commitsBehind", "mergeBase", "changedPaths", "onReleaseBranch",
                        "releaseBranch", "report", "findings", "verdict"] {
                #expect(release[key] != nil, "\(tag) lacks \(key)")
            }
        }
        // Newest first.
        let dates = releases.compactMap { $0["createdAt"] as? String }
        #expect(dates == dates.sorted(by: >))

        let c = fixture.commits
        func rc(_ tag: String) -> [String: Any]? { byTag[tag]?["rc"] as? [String: Any] }
        func paths(_ tag: String) -> [String] {
            (byTag[tag]?["changedPaths"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? "")=\($0["allowedBy"] as? String ?? "-")" }
        }
        func report(_ tag: String) -> [String: Any]? { byTag[tag]?["report"] as? [String: Any] }

        // GA on the RC commit.
        #expect(rc("v1.0.0")?["tag"] as? String == "v1.0.0-rc.1")
        #expect(byTag["v1.0.0"]?["relation"] as? String == "same-commit")
        #expect(byTag["v1.0.0"]?["commitsBetween"] as? Int == 0)
        #expect(byTag["v1.0.0"]?["mergeBase"] is NSNull)
        #expect(byTag["v1.0.0"]?["releaseBranch"] as? String == "refs/heads/main")
        #expect(report("v1.0.0")?["signature"] as? String == "valid")
        #expect(report("v1.0.0")?["verdict"] as? String == "PASSED")
        #expect(report("v1.0.0")?["tagState"] as? String == "unmoved")
        #expect(report("v1.0.0")?["source"] as? String == "reports/v1.0.0.json")
        // The allowed version bump.
        #expect(byTag["v1.1.0"]?["relation"] as? String == "descendant")
        #expect(byTag["v1.1.0"]?["commitsBetween"] as? Int == 1)
        #expect(paths("v1.1.0") == ["VERSION=VERSION"])
        // Code changed between RC and GA.
        #expect(byTag["v1.2.0"]?["relation"] as? String == "descendant")
        #expect(paths("v1.2.0") == ["VERSION=VERSION", "src/widget.c=-"])
        #expect(report("v1.2.0")?["verdict"] as? String == "FAILED")
        #expect((report("v1.2.0")?["failedChecks"] as? [String])?.contains("source.match") == true)
        // The GA does not descend from its RC.
        #expect(byTag["v1.3.0"]?["relation"] as? String == "diverged")
        #expect(byTag["v1.3.0"]?["commitsBetween"] as? Int == 1)
        #expect(byTag["v1.3.0"]?["commitsBehind"] as? Int == 1)
        #expect(byTag["v1.3.0"]?["mergeBase"] as? String == c["c5"])
        #expect(paths("v1.3.0") == ["VERSION=VERSION"])
        #expect(byTag["v1.3.0"]?["releaseBranch"] as? String == "refs/heads/release/1.3")
        // An RC tagged after its GA: noted, not chosen.
        #expect(rc("v1.4.0")?["tag"] as? String == "v1.4.0-rc.1")
        let candidates = byTag["v1.4.0"]?["rcCandidates"] as? [[String: Any]] ?? []
        #expect(candidates.map { "\($0["tag"] ?? "")/\($0["afterGA"] as? Bool ?? false)" } == ["v1.4.0-rc.1/false", "v1.4.0-rc.2/true"])
        // A lightweight GA.
        #expect(byTag["v1.5.0"]?["tagKind"] as? String == "lightweight")
        #expect(byTag["v1.5.0"]?["tagObject"] is NSNull)
        #expect(byTag["v1.5.0"]?["relation"] as? String == "descendant")
        #expect(byTag["v1.0.0"]?["tagKind"] as? String == "annotated")
        // Moved and re-created tags.
        #expect(byTag["v1.6.0"]?["commit"] as? String == c["c22"])
        #expect(report("v1.6.0")?["commit"] as? String == c["c12"])
        #expect(report("v1.6.0")?["tagState"] as? String == "moved")
        #expect(paths("v1.6.0") == ["CHANGELOG.md=CHANGELOG.md"])
        #expect(byTag["v1.6.0"]?["releaseBranch"] as? String == "refs/heads/release/1.6")
        #expect(report("v1.6.1")?["tagState"] as? String == "recreated")
        #expect(report("v1.6.1")?["commit"] as? String == c["c13"])
        #expect(report("v1.6.1")?["tagObject"] as? String != byTag["v1.6.1"]?["tagObject"] as? String)
        // Missing and untrusted reports.
        #expect(byTag["v1.7.0"]?["report"] is NSNull)
        #expect(report("v1.8.0")?["signature"] as? String == "untrusted")
        #expect(report("v1.8.0")?["verdict"] is NSNull)
        // Two RC spellings: rc2 outranks rc.1; the report found by content, not file name.
        #expect(rc("v1.9.0")?["tag"] as? String == "v1.9.0-rc2")
        #expect(rc("v1.9.0")?["commit"] as? String == c["c17"])
        #expect((byTag["v1.9.0"]?["rcCandidates"] as? [[String: Any]])?.compactMap { $0["tag"] as? String } == ["v1.9.0-rc.1", "v1.9.0-rc2"])
        #expect(report("v1.9.0")?["source"] as? String == "reports/latest-audit.json")
        // A report in the git notes only, beside the evidence lines.
        #expect((report("v2.0.0")?["source"] as? String)?.hasPrefix("notes:\(c["c18"] ?? "")#") == true)
        #expect(report("v2.0.0")?["verdict"] as? String == "PASSED")
        // Made under another policy.
        #expect(report("v2.1.0")?["policyName"] as? String == "policy-2023.yml")
        // Not on a release branch.
        #expect(byTag["v2.2.0"]?["onReleaseBranch"] as? Bool == false)
        #expect(byTag["v2.2.0"]?["releaseBranch"] is NSNull)
        // No RC at all.
        #expect(byTag["v0.9.0"]?["rc"] is NSNull)
        #expect(byTag["v0.9.0"]?["relation"] is NSNull)

        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["releases"] as? Int == 15)
        #expect(summary["clean"] as? Int == 4)
        #expect(summary["noted"] as? Int == 2)
        #expect(summary["failed"] as? Int == 9)
        let counts = summary["findings"] as? [String: Int] ?? [:]
        #expect(counts == ["no-rc": 1, "failed-report": 3, "rc-disallowed-paths": 1, "rc-diverged": 1, "rc-after-ga": 1,
                           "lightweight-tag": 1, "tag-moved": 1, "tag-recreated": 1, "missing-report": 1,
                           "untrusted-report": 1, "policy-changed": 1, "not-on-release-branch": 1])
        #expect(json["releaseBranches"] as? [String] == ["main", "release/*"])
        // A report made under a policy the audit's does not accept does not count.
        #expect((json["failOn"] as? [String])?.contains("policy-changed") == true)
        #expect((json["failOn"] as? [String])?.contains("rc-after-ga") == false)
        #expect((json["failOn"] as? [String])?.contains("missing-report") == true)
        let ignored = json["ignoredReports"] as? [[String: Any]] ?? []
        #expect(ignored.compactMap { $0["source"] as? String } == ["reports/index.json"])
        #expect(result.stderr.contains("ignored reports/index.json"))
        // Stable: the same repository and reports give the same bytes.
        #expect(try fixture.audit(["--format", "json"]).stdout == result.stdout)
    }

    // MARK: Other formats

    @Test func tableNamesEveryCase() throws {
        let result = try fixture.audit([])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        // Each release row, then its findings: "    fail kind: ..." or "    note kind: ...".
        var found: [String: [String]] = [:]
        var verdicts: [String: String] = [:]
        var current: String?
        for line in result.stdout.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            if let first = words.first, AuditFixture.expected[first] != nil, !line.hasPrefix(" ") {
                current = first
                found[first] = []
                verdicts[first] = words.last
            } else if line.hasPrefix("    "), let current, words.count > 1 {
                found[current, default: []].append(String(words[1].dropLast()))
            }
        }
        #expect(found == AuditFixture.expected)
        #expect(verdicts == AuditFixture.verdicts)
        #expect(result.stdout.contains("summary: 15 release(s): 4 clean, 2 noted, 9 failed"))
        #expect(result.stdout.contains("v1.9.0-rc2"))
        #expect(result.stdout.contains("diverged +1/-1"))
    }

    @Test func markdownNamesEveryCase() throws {
        let result = try fixture.audit(["--format", "markdown"])
        #expect(result.status == 1)
        let md = result.stdout
        #expect(md.hasPrefix("### ❌ release-audit audit: 15 release(s), 9 failed"))
        for (tag, verdict) in AuditFixture.verdicts {
            let row = md.split(separator: "\n").first { $0.hasPrefix("| `\(tag)` |") }
            #expect(row?.hasSuffix("\(verdict) |") == true, "\(tag): \(row ?? "no row")")
        }
        var found: [String: [String]] = Dictionary(uniqueKeysWithValues: AuditFixture.expected.keys.map { ($0, []) })
        for line in md.split(separator: "\n") where line.hasPrefix("- `") && line.contains("**") {
            // - `v1.2.0` ❌ **rc-disallowed-paths**: ...
            let tag = line.split(separator: "`")[1]
            let kind = line.components(separatedBy: "**")[1]
            found[String(tag), default: []].append(kind)
        }
        #expect(found == AuditFixture.expected)
        #expect(md.contains("`v1.2.0-rc.1` → `v1.2.0`: `src/widget.c` (modified)"))
    }

    @Test func htmlIsOneSelfContainedPageNamingEveryCase() throws {
        let result = try fixture.audit(["--format", "html"])
        #expect(result.status == 1)
        let html = result.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"en\">"))
        // No external asset: no src attributes, no stylesheet links, no remote URLs anywhere.
        for forbidden in ["src=", "<link", "@import", "url(", "http://", "https://"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix(1) }
        #expect(!hrefs.isEmpty && hrefs.allSatisfy { $0 == "#" })
        for (tag, kinds) in AuditFixture.expected {
            let start = try #require(html.range(of: "id=\"release-\(tag)\">"), "\(tag)")
            let entry = html[start.upperBound...]
            let end = entry.range(of: "</details>")?.lowerBound ?? entry.endIndex
            let body = String(entry[..<end])
            let chips = body.components(separatedBy: "<span class=\"chip ").dropFirst().compactMap { chip in
                chip.split(separator: ">").dropFirst().first.map { String($0.prefix { $0 != "<" }) }
            }
            #expect(chips == kinds, "\(tag)")
            let verdict = AuditFixture.verdicts[tag] ?? ""
            #expect(body.contains("class=\"badge \(verdict.lowercased())\""), "\(tag)")
            #expect(html.contains("<li class=\"\(verdict.lowercased())\" id=\"release-\(tag)\">"))
            #expect(body.contains("<details\(verdict == "FAILED" ? " open" : "")>"))
        }
        #expect(html.components(separatedBy: "<details").count - 1 == 15)
        #expect(html.contains("same commit as v1.0.0-rc.1"))
        #expect(html.contains("diverged from v1.3.0-rc.1"))
        #expect(html.contains("✗ not allowed"))
        // scripts/render-audit-html.sh screenshots this page.
        if let path = ProcessInfo.processInfo.environment["RELEASE_AUDIT_FIXTURE_HTML"] {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    // MARK: Options and exit codes

    @Test func failOnChoosesWhatFails() throws {
        func failed(_ failOn: String) throws -> (Int32, [String]) {
            let result = try fixture.audit(["--format", "json", "--fail-on", failOn])
            let releases = try object(result.stdout)["releases"] as? [[String: Any]] ?? []
            return (result.status, releases.filter { $0["verdict"] as? String == "FAILED" }.compactMap { $0["tag"] as? String }.sorted())
        }
        #expect(try failed("none") == (0, []))
        #expect(try failed("policy-changed") == (1, ["v2.1.0"]))
        #expect(try failed("rc-after-ga, lightweight-tag") == (1, ["v1.4.0", "v1.5.0"]))
        #expect(try failed("all").1.count == 11)
        let withDefault = try failed("default,policy-changed")
        #expect(withDefault.1.count == 9 && withDefault.1.contains("v2.1.0"))
        // Bad values are usage errors, before any work.
        for bad in ["bogus", "missing-report,", "none,all"] {
            let result = try fixture.audit(["--fail-on", bad])
            #expect(result.status == 64, "\(bad)")
            #expect(result.stdout.isEmpty)
        }
        #expect(try fixture.audit(["--format", "xml"]).status == 64)
    }

    /// `--git-only`, for a project adopting release-audit late: no report is read and no report
    /// finding is made, so what git shows is what the audit says; the rest of each release is the same.
    @Test func gitOnlyJudgesFromGitAlone() throws {
        func gitOnly(_ extra: [String]) throws -> ProcessOutput {
            try AuditFixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--git-only"] + extra, in: AuditFixture.root)
        }
        let reportKinds: Set<String> = ["missing-report", "untrusted-report", "failed-report", "tag-moved", "tag-recreated",
                                        "policy-changed", "report-other-repository", "untrusted-evidence"]
        let result = try gitOnly(["--format", "json"])
        let json = try object(result.stdout)
        #expect(json["reportsRead"] as? Bool == false)
        #expect(!((json["failOn"] as? [String]) ?? []).contains { reportKinds.contains($0) })
        let releases = try #require(json["releases"] as? [[String: Any]])
        #expect(releases.count == AuditFixture.expected.count)
        var anyFails = false
        for release in releases {
            let tag = release["tag"] as? String ?? ""
            let kinds = (release["findings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == (AuditFixture.expected[tag] ?? []).filter { !reportKinds.contains($0) }, "\(tag)")
            #expect(release["report"] is NSNull, "\(tag)")
            anyFails = anyFails || (release["findings"] as? [[String: Any]] ?? []).contains { $0["fails"] as? Bool == true }
        }
        #expect(result.status == (anyFails ? 1 : 0))
        #expect(try object(fixture.audit(["--format", "json"]).stdout)["reportsRead"] as? Bool == true)

        let table = try gitOnly([])
        #expect(table.stdout.contains("git only (no report read)"))
        #expect(table.stdout.contains("not read"))
        #expect(!table.stdout.contains("missing-report"))
        #expect(try gitOnly(["--format", "markdown"]).stdout.contains("from git alone"))
        #expect(try gitOnly(["--format", "html"]).stdout.contains("from git alone"))
        // Asking for report findings, or a reports directory, with --git-only is a usage error.
        #expect(try gitOnly(["--fail-on", "missing-report"]).status == 64)
        #expect(try fixture.audit(["--git-only", "--reports", "reports"]).status == 64)
    }

    @Test func sinceAuditsOnlyLaterReleases() throws {
        let result = try fixture.audit(["--format", "json", "--since", "v2.0.0"])
        let json = try object(result.stdout)
        let tags = (json["releases"] as? [[String: Any]] ?? []).compactMap { $0["tag"] as? String }
        // By version, never by date: the moved and re-made 1.6 tags are newer than v2.0.0 now, and still left out.
        #expect(tags == ["v2.2.0", "v2.1.0", "v2.0.0"])
        #expect(json["since"] as? String == "v2.0.0")
        let unknown = try fixture.audit(["--since", "v9.9.9"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--since: there is no tag v9.9.9"))
    }

    @Test func aTrustedKeyMakesTheRogueReportCount() throws {
        let result = try fixture.audit(["--format", "json", "--trusted-key", fixture.roguePub])
        let releases = try object(result.stdout)["releases"] as? [[String: Any]] ?? []
        let release = try #require(releases.first { $0["tag"] as? String == "v1.8.0" })
        #expect(release["verdict"] as? String == "CLEAN")
        #expect((release["report"] as? [String: Any])?["signature"] as? String == "valid")
    }

    @Test func gitOnlyWithAPolicyWithoutBranchesOrKeys() throws {
        try withTemporaryDirectory { dir in
            let empty = dir.appendingPathComponent("no-reports").path
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let result = try AuditFixture.run(["audit", "--repo", fixture.repoPath, "--policy", "version-bump",
                                               "--reports", empty, "--fail-on", "rc-diverged,rc-disallowed-paths"], in: dir)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("no key is trusted to sign reports"))
            #expect(result.stdout.contains("release branches: not checked (the policy names no source.branches)"))
            #expect(!result.stdout.contains("BRANCH"), "no branch column when nothing is checked")
            let json = try object(try AuditFixture.run(["audit", "--repo", fixture.repoPath, "--policy", "version-bump",
                                                        "--reports", empty, "--format", "json", "--fail-on",
                                                        "rc-diverged,rc-disallowed-paths"], in: dir).stdout)
            let releases = json["releases"] as? [[String: Any]] ?? []
            #expect(json["releaseBranches"] is NSNull)
            #expect(releases.allSatisfy { $0["onReleaseBranch"] is NSNull })
            let failed = releases.filter { $0["verdict"] as? String == "FAILED" }.compactMap { $0["tag"] as? String }.sorted()
            // v1.6.0 was moved to a commit that adds CHANGELOG.md: the preset allows only modifications.
            #expect(failed == ["v1.2.0", "v1.3.0", "v1.6.0"])
            // The notes still hold v2.0.0's report, which no key is trusted for now.
            let v2 = releases.first { $0["tag"] as? String == "v2.0.0" }
            #expect((v2?["findings"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["untrusted-report"])
        }
    }

    @Test func badInputIsExitTwoWithOneLine() throws {
        try withTemporaryDirectory { dir in
            let cases: [([String], String)] = [
                (["--policy", dir.appendingPathComponent("missing.yml").path], "policy"),
                (["--repo", dir.path], "not a git repository"),
                (["--reports", dir.appendingPathComponent("nowhere").path], "no such directory"),
            ]
            for (arguments, message) in cases {
                // Later options win: each case overrides one of the fixture's.
                let result = try fixture.audit(arguments, in: dir)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stdout.isEmpty)
                #expect(result.stderr.contains(message), "\(result.stderr)")
                #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("release-audit: error:") }.count == 1)
            }
            // A policy whose release pattern matches no tag: nothing to audit is not a pass.
            let prefixed = dir.appendingPathComponent("chart.yml").path
            try Data("version: 1\ntag:\n  prefix: chart/\n".utf8).write(to: URL(fileURLWithPath: prefixed))
            let none = try fixture.audit(["--policy", prefixed], in: dir)
            #expect(none.status == 2)
            #expect(none.stderr.contains("no tag matches the policy's release pattern chart/v{version}"))
        }
    }

    @Test func outputIsWrittenAtomicallyAndNeverReplacedWithoutForce() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("audit.json").path
            let first = try fixture.audit(["--format", "json", "--output", out], in: dir)
            #expect(first.status == 1)
            #expect(first.stdout.isEmpty)
            #expect(first.stderr.contains("wrote the audit of 15 release(s) to \(out)"))
            let written = try String(contentsOfFile: out, encoding: .utf8)
            #expect((try object(written)["summary"] as? [String: Any])?["releases"] as? Int == 15)

            let again = try fixture.audit(["--format", "markdown", "--output", out], in: dir)
            #expect(again.status == 2)
            #expect(again.stderr.contains("already exists: pass --force"))
            #expect(try String(contentsOfFile: out, encoding: .utf8) == written)

            let forced = try fixture.audit(["--format", "markdown", "--output", out, "--force"], in: dir)
            #expect(forced.status == 1)
            #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("### "))

            // An audit that cannot run leaves no file behind, nor a temporary one.
            let never = dir.appendingPathComponent("never.html").path
            let failed = try fixture.audit(["--format", "html", "--output", never, "--since", "nope"], in: dir)
            #expect(failed.status == 2)
            #expect(!FileManager.default.fileExists(atPath: never))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["audit.json"])
        }
    }

    // MARK: Helpers

    private var git: GitRepo { GitRepo(existing: URL(fileURLWithPath: fixture.repoPath)) }

    private func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}
