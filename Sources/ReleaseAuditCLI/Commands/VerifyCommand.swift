import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit verify`: checks a signed audit report, and (with --repo) that its tag has not moved.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed audit report; with --repo, check that its tag has not moved since.",
        discussion: """
            Checks the report's signature against the trusted keys, then prints its verdict and \
            checks. With --repo, also checks that the release tag still names the audited commit \
            through the same tag object: a tag moved or re-created since the audit is FAILED.
            Exit 0 only for a valid, PASSED, unmoved report; 1 otherwise; 2 if it cannot be read.

            Examples:
              release-audit verify reports/v1.4.0.json --trusted-key auditor.pub
              release-audit verify reports/v1.4.0.json --trusted-key auditor.pub \\
                  --repo . --format json
            """
    )

    @Argument(help: ArgumentHelp("The signed report (a DSSE envelope).", valueName: "report"))
    var report: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Public keys trusted to sign reports.", valueName: "pub"))
    var trustedKey: [String] = []

    @Option(name: .customLong("repo"), help: ArgumentHelp("Also check the repository's tag against the report.", valueName: "dir"))
    var repo: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: ReportFormat = .text

    func validate() throws {
        if trustedKey.isEmpty { throw ValidationError("give at least one --trusted-key") }
    }

    func run() throws {
        let ok = try reportingErrors { () -> Bool in
            let keys = try trustedKey.map { try PublicKey.load(from: $0) }
            let envelopes = try EvidenceSource.load(path: report)
            guard envelopes.count == 1, let loaded = envelopes.first else {
                throw InputError("\(report) holds \(envelopes.count) envelopes; a report is one envelope")
            }
            let verified: ReportStatement.Verified
            do {
                verified = try ReportStatement.verify(loaded, trustedKeys: keys)
            } catch let failure as ReportStatement.Failure {
                if case .malformed = failure { throw failure }
                Diagnostics.error("\(report): \(failure)")
                return false
            }
            var tagCheck: CheckResult?
            if let repo {
                tagCheck = try TagDrift.check(verified.report, in: try Repository(at: repo))
            }
            try print(verified, tagCheck: tagCheck)
            return verified.report.verdict == .passed && tagCheck?.status != .failed
        }
        if !ok { throw ExitCode(ExitStatus.problem) }
    }

    private func print(_ verified: ReportStatement.Verified, tagCheck: CheckResult?) throws {
        var report = verified.report
        if let tagCheck {
            report.checks.append(tagCheck)
            if tagCheck.status == .failed { report.verdict = .failed }
        }
        Diagnostics.annotate(report.checks.filter { $0.status == .failed })
        let signers = verified.signerKeyIDs.map { String($0.prefix(16)) }.joined(separator: ", ")
        switch format {
        case .text:
            Swift.print("signature: valid (signed by \(signers))")
            Swift.print(ReportRendering.text(report, reportPath: self.report))
        case .json: Swift.print(try ReportRendering.json(report, reportPath: self.report))
        case .markdown: Swift.print(ReportRendering.markdown(report, reportPath: self.report))
        }
    }
}
