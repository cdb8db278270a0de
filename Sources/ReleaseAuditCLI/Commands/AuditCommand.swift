import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit audit`: every release tag, retroactively, from git alone and from stored reports.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit every past release: RC -> GA from git alone, and the stored reports.",
        discussion: """
            For every tag matching the policy's release pattern (and tag prefix), newest first: \
            from git alone, the tag's kind, its commit, the last release candidate (the highest-\
            numbered RC of the version tagged no later than the GA), how the GA relates to it \
            (same-commit, same-tree, descendant, diverged), the paths changed from RC to GA (each \
            allowed or not by source.allowed_paths), and whether the GA is on a release branch \
            (source.branches; skipped when the policy names none). From stored evidence: the audit \
            report for the tag (every *.json envelope in --reports, and the git notes on the GA \
            commit), whether a trusted auditor key signed it, its verdict, whether the tag still \
            names what it audited, the policy it was made under (it counts only under the audit's \
            policy or one that policy accepts by digest in reports.accepted_policies) and the \
            repository it is about. Works on any repository, even one that never used \
            release-audit. --since selects by version, never by a tag's date.

            Findings: \(FindingKind.allCases.map(\.rawValue).joined(separator: ", ")) \
            (docs/audit.md). \
            --fail-on default fails on every finding except the informational ones: rc-after-ga, \
            no-rc when the policy's rc.match is off, lightweight-tag unless the policy requires \
            annotated or signed tags. A release is CLEAN (no finding), NOTED (only \
            findings that do not fail) or FAILED.

            Exit codes: 0 no release FAILED, 1 some release FAILED, 2 could not audit (a bad \
            policy or key, not a repository, a shallow clone, no release tags), 64 usage.

            Examples:
              release-audit audit --policy release-policy.yml
              release-audit audit --policy version-bump --auditor-key auditor.pub \\
                  --since v1.4.0
              release-audit audit --fail-on default,rc-after-ga --format markdown \\
                  >> "$GITHUB_STEP_SUMMARY"
              release-audit audit --git-only --policy version-bump   # before any report exists
              release-audit audit --format html --output audit.html
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(help: ArgumentHelp("A policy preset name (exact-commit, same-tree, version-bump) or a policy file.", valueName: "policy"))
    var policy: String = "exact-commit"

    @Option(help: ArgumentHelp("The directory of signed reports: every *.json envelope in it is read (default: reports).", valueName: "dir"))
    var reports: String?

    @Option(name: [.customLong("auditor-key"), .customLong("trusted-key")], parsing: .upToNextOption,
            help: ArgumentHelp("Public keys trusted to sign reports (the auditor role), on top of the policy's. --trusted-key is the same option.", valueName: "pub"))
    var auditorKey: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Keys trusted to have signed the test evidence the reports used, on top of the policy's.", valueName: "pub"))
    var testerKey: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Keys trusted to have signed the build evidence the reports used, on top of the policy's.", valueName: "pub"))
    var builderKey: [String] = []

    @Option(help: ArgumentHelp("Audit only the releases whose version is not lower than this tag's (never by date).", valueName: "tag"))
    var since: String?

    @Flag(help: "Judge from git alone, for a project adopting release-audit late: no report is read, and no finding about reports or evidence is made (missing-report and the rest).")
    var gitOnly = false

    @Option(help: ArgumentHelp("Which findings fail the audit: default, all, none, or a comma-separated list of finding ids (may include default).", valueName: "kinds"))
    var failOn: String = "default"

    @Option(help: "Output format: table, json, markdown or html.")
    var format: AuditFormat = .table

    @Option(help: ArgumentHelp("Write the output to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace an existing --output file.")
    var force = false

    func validate() throws {
        do {
            _ = try FailOn(parsing: failOn)
        } catch {
            throw ValidationError(String(describing: error))
        }
        if output == "" { throw ValidationError("--output needs a file name") }
        try OutputGuard.refuse(outputs: [("--output", output)],
                               inputs: (auditorKey + testerKey + builderKey).map { ("key", $0) }
                                   + (Policy.presetNames.contains(policy) ? [] : [("--policy", policy)]))
        if reports == "" { throw ValidationError("--reports needs a directory") }
        if gitOnly {
            if reports != nil { throw ValidationError("--git-only reads no report: drop --reports") }
            let named = (try? FailOn(parsing: failOn))?.kinds.filter(\.isFromStoredEvidence).map(\.rawValue).sorted() ?? []
            if !named.isEmpty, failOn != "all" {
                throw ValidationError("--git-only makes no finding about reports: drop \(named.joined(separator: ", ")) from --fail-on")
            }
        }
    }

    func run() throws {
        let passed = try reportingErrors { () -> Bool in
            let loadedPolicy = try Policy.load(nameOrPath: policy)
            let trust = try TrustStore.from(policy: loadedPolicy, extraKeys: [
                .auditor: try auditorKey.map { try PublicKey.load(from: $0) },
                .tester: try testerKey.map { try PublicKey.load(from: $0) },
                .builder: try builderKey.map { try PublicKey.load(from: $0) },
            ])
            let repo = try repository.open()
            if let output, !force, FileManager.default.fileExists(atPath: output) {
                throw InputProblem("\(output) already exists: pass --force to replace it")
            }
            let directory = gitOnly ? nil : try reportsDirectory()
            if !gitOnly, trust.keys(for: .auditor).isEmpty {
                Diagnostics.warning("no key is trusted to sign reports (trusted_keys.auditor in the policy, or --auditor-key): every report is untrusted")
            }

            var request = ReleaseHistoryRequest(
                policy: loadedPolicy, reportKeys: trust.keys(for: .auditor), reportThreshold: trust.threshold(for: .auditor),
                reportsDirectory: directory, since: since, failOn: try FailOn(parsing: failOn), evidenceTrust: trust)
            request.gitOnly = gitOnly
            let history = try ReleaseHistoryAudit(repo: repo).run(request)
            for item in history.ignoredReports {
                Diagnostics.warning("ignored \(item.source): \(item.reason)")
            }
            if history.releases.isEmpty, let since {
                Diagnostics.warning("no release was tagged since \(since)")
            }

            let text = try render(history)
            if let output {
                try AtomicFile.write(Data(text.utf8), to: output, overwrite: force)
                Diagnostics.printError("release-audit: wrote the audit of \(history.summary.releases) release(s) to \(output): \(HistoryTable.summaryLine(history))")
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
            Diagnostics.setOutputs([
                "verdict": history.passed ? "PASSED" : "FAILED",
                "failed-releases": history.releases.filter { $0.verdict == .failed }.map(\.tag).joined(separator: ","),
                "findings": history.summary.findings.keys.sorted().joined(separator: ","),
            ])
            if Diagnostics.inGitHubActions {
                for release in history.releases {
                    for finding in release.findings where finding.fails {
                        Diagnostics.workflowCommand("::error title=\(Escape.workflowProperty("release-audit \(finding.kind.rawValue)"))::\(Escape.workflowMessage("\(release.tag): \(finding.message)"))")
                    }
                }
                Diagnostics.appendStepSummary(HistoryMarkdown.render(history))
            }
            return history.passed
        }
        if !passed { throw ExitCode(ExitStatus.problem) }
    }

    /// The reports directory: --reports (which must exist), else `reports` when it exists.
    private func reportsDirectory() throws -> String? {
        var isDirectory: ObjCBool = false
        if let reports {
            guard FileManager.default.fileExists(atPath: reports, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InputProblem("--reports \(reports): no such directory")
            }
            return reports
        }
        if FileManager.default.fileExists(atPath: "reports", isDirectory: &isDirectory), isDirectory.boolValue { return "reports" }
        Diagnostics.warning("no reports directory (./reports): reports are read from the git notes only")
        return nil
    }

    private func render(_ history: ReleaseHistory) throws -> String {
        switch format {
        case .table:
            let colour = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            return HistoryTable.render(history, colour: colour)
        case .json: return try JSONOutput.string(history) + "\n"
        case .markdown: return HistoryMarkdown.render(history)
        case .html: return HistoryHTML.render(history)
        }
    }
}

/// `--format` for `audit`.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown, html
}
