import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit verify`: checks a signed audit report, and (with --repo) that its tag has not moved.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed audit report for a release; with --repo, check that its tag has not moved since.",
        discussion: """
            Checks the report's signature against the trusted auditor keys, that the report is \
            about the release asked for (--release: its own tag, never the file name), that the \
            policy text it carries has the digest it claims and, with --policy, that it was made \
            under that policy (or one the policy accepts in reports.accepted_policies) and that the \
            evidence it used was signed by the policy's tester and builder keys (plus --tester-key, \
            --builder-key). With \
            --repo, also that the report names this repository (its origin remote, or \
            --repository) and that the tag still names the audited commit through the same tag \
            object: a tag moved or re-created since the audit is FAILED.
            With --artifact (a file you downloaded) or --artifact-digest (an image), also that \
            the report gated exactly those artifacts: their SHA-256 is among the artifacts of the \
            build evidence the gate verified (names are not compared). With --from-notes it is \
            the newest trusted report about the tag that must name them (an older PASSED report \
            never outvotes a newer one). --artifact needs --repo, so that the tag's current \
            state is checked too.
            Exit 0 only for a valid, PASSED report about that release that meets every check; 1 \
            otherwise; 2 if it cannot be read.

            Examples:
              release-audit verify reports/v1.4.0.json --release v1.4.0 \\
                  --auditor-key auditor.pub
              release-audit verify reports/v1.4.0.json --release v1.4.0 \\
                  --auditor-key auditor.pub --policy release-policy.yml --repo .
              # Was the file I downloaded gated, and did it pass?
              release-audit verify --from-notes --release v1.4.0 --repo . \
                  --policy release-policy.yml --artifact ~/Downloads/app.tar.gz
            """
    )

    @Argument(help: ArgumentHelp("The signed report (a DSSE envelope). Omit it with --from-notes.", valueName: "report"))
    var report: String?

    @Flag(help: "Read the report from the git note on the release commit (with --repo; fetch the notes first with `release-audit notes fetch`): the newest report about --release signed by a trusted auditor key.")
    var fromNotes = false

    @Option(help: ArgumentHelp("The release tag the report must be about.", valueName: "tag"))
    var release: String

    @Option(name: [.customLong("auditor-key"), .customLong("trusted-key")], parsing: .upToNextOption,
            help: ArgumentHelp("Public keys trusted to sign reports (the auditor role). --trusted-key is the same option.", valueName: "pub"))
    var auditorKey: [String] = []

    @Option(help: ArgumentHelp("The policy the report must have been made under (a preset name or a file); its trusted_keys (auditor for the report, tester and builder for the evidence it used) are trusted too.", valueName: "policy"))
    var policy: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Keys trusted to have signed the report's test evidence, on top of the policy's.", valueName: "pub"))
    var testerKey: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Keys trusted to have signed the report's build evidence, on top of the policy's.", valueName: "pub"))
    var builderKey: [String] = []

    @Option(name: .customLong("repo"), help: ArgumentHelp("Also check the repository's tag and identity against the report.", valueName: "dir"))
    var repo: String?

    @Option(name: .customLong("repository"), help: ArgumentHelp("The repository identity (URL) the report must name (default with --repo: its origin remote).", valueName: "uri"))
    var repositoryURI: String?

    @Option(help: ArgumentHelp("An artifact file the report must have gated (its SHA-256 named by the build evidence); repeatable. Needs --repo.", valueName: "file"))
    var artifact: [String] = []

    @Option(help: ArgumentHelp("An artifact by digest, NAME@sha256:HEX (an image), that the report must have gated; repeatable. Needs --repo.", valueName: "name@sha256:hex"))
    var artifactDigest: [String] = []

    @Option(help: "Output format: text, json or markdown.")
    var format: ReportFormat = .text

    func validate() throws {
        if auditorKey.isEmpty && policy == nil { throw ValidationError("give at least one --auditor-key (or a --policy with trusted_keys.auditor)") }
        if release.isEmpty { throw ValidationError("--release needs a tag") }
        if fromNotes == (report != nil) { throw ValidationError("name the report file, or pass --from-notes (with --repo) to read it from the git notes; not both") }
        if fromNotes && repo == nil { throw ValidationError("--from-notes reads the notes of a repository: pass --repo DIR") }
        if !(artifact.isEmpty && artifactDigest.isEmpty) && repo == nil {
            throw ValidationError("--artifact and --artifact-digest also check the tag's current state: pass --repo DIR")
        }
    }

    func run() throws {
        let ok = try reportingErrors { () -> Bool in
            let held = try artifact.map(Recorder.artifact(file:)) + artifactDigest.map(Recorder.parseArtifact)
            let loadedPolicy = try policy.map { try Policy.load(nameOrPath: $0) }
            let extra: [Role: [PublicKey]] = [
                .auditor: try auditorKey.map { try PublicKey.load(from: $0) },
                .tester: try testerKey.map { try PublicKey.load(from: $0) },
                .builder: try builderKey.map { try PublicKey.load(from: $0) },
            ]
            let trust = try TrustStore.from(policy: loadedPolicy ?? Policy.load(nameOrPath: Policy.defaultName), extraKeys: extra)
            let keys = trust.keys(for: .auditor)
            let checksSigners = loadedPolicy != nil || !testerKey.isEmpty || !builderKey.isEmpty
            if keys.isEmpty { throw InputProblem("no key is trusted to sign reports: pass --auditor-key, or list trusted_keys.auditor in the policy") }
            let threshold = trust.threshold(for: .auditor)
            let repository = try repo.map { try Repository(at: $0) }
            let verified: ReportStatement.Verified
            let source: String
            if let report {
                let envelopes = try EvidenceSource.load(path: report)
                guard envelopes.count == 1, let loaded = envelopes.first else {
                    throw InputProblem("\(report) holds \(envelopes.count) envelopes; a report is one envelope")
                }
                do {
                    verified = try ReportStatement.verify(loaded, trustedKeys: keys, threshold: threshold)
                } catch let failure as ReportStatement.Failure {
                    if case .malformed = failure { throw failure }
                    Diagnostics.error("\(report): \(failure)")
                    return false
                }
                source = report
            } else if let repository {
                guard let found = try reportFromNotes(repository, keys: keys, threshold: threshold) else { return false }
                (verified, source) = found
            } else {
                throw ValidationError("name the report file, or pass --from-notes")
            }
            let facts = try repository?.facts()  // read once: the origin, and the replace refs
            var expected = repositoryURI.map(RepositoryIdentity.normalize)
            if expected == nil, let facts { expected = RepositoryIdentity.origin(of: facts.remotes) }
            let state = try repository.map { try VerifyFacts.state(of: verified.report, in: $0, replaceRefs: facts?.replaceRefs ?? []) }
            let checks = VerifyCheckID.judgeAll(VerifyFacts(
                report: verified.report, release: release, expectedRepository: expected, demandedPolicy: loadedPolicy,
                evidenceTrust: checksSigners ? trust : nil, repository: state, artifacts: held))
            try print(verified, added: checks, source: source)
            return verified.report.verdict == .passed && !checks.contains { $0.status == .failed }
        }
        if !ok { throw ExitCode(ExitStatus.problem) }
    }

    /// The newest report about `release` in the note on the release commit that trusted auditor
    /// keys signed, and where it was read; nil (with the reason on stderr) when there is none.
    /// Asking about artifacts does not change which report is judged: an older PASSED report
    /// that names them must not outvote a newer FAILED one.
    private func reportFromNotes(_ repository: Repository, keys: [PublicKey], threshold: Int) throws
        -> (ReportStatement.Verified, String)? {
        let tag = release.hasPrefix("refs/tags/") ? String(release.dropFirst("refs/tags/".count)) : release
        let commit: ObjectID
        do {
            commit = try repository.resolveCommit("refs/tags/\(tag)")
        } catch GitError.revisionNotFound {
            throw InputProblem("no tag \(tag) in \(repo ?? "."): fetch the tags (git fetch --force --tags), or check the name")
        }
        let stored = try StoredReports(keys: keys, threshold: threshold).read(notesOn: commit, in: repository)
            .filter { ($0.tag.hasPrefix("refs/tags/") ? String($0.tag.dropFirst("refs/tags/".count)) : $0.tag) == tag }
        let trusted = stored.compactMap { report in report.verified.map { ($0, report.source) } }
        guard let newest = trusted.max(by: { ReportRecency.isNewer($1.0.report, than: $0.0.report) }) else {
            if let untrusted = stored.first {
                Diagnostics.error("\(untrusted.source): a report about \(tag), but not signed by a trusted auditor key: \(untrusted.signatureProblem ?? "signature not accepted")")
            } else {
                Diagnostics.error("no report about \(tag) in the note on \(commit.short) (\(Repository.evidenceNotesRef)): fetch the notes (release-audit notes fetch), or pass the report file")
            }
            return nil
        }
        if ReportRecency.isFromTheFuture(newest.0.report) {
            // It would outvote every report made until this machine's clock catches up.
            Diagnostics.error("\(newest.1): the newest trusted report about \(tag) is dated \(newest.0.report.auditedAt), in the future: a wrong clock on the auditor's runner, or a forgery; fix the clock and gate again")
            return nil
        }
        return newest
    }

    private func print(_ verified: ReportStatement.Verified, added: [CheckResult], source: String) throws {
        var report = verified.report
        report.checks += added
        if added.contains(where: { $0.status == .failed }) { report.verdict = .failed }
        Diagnostics.annotate(report.checks.filter { $0.status == .failed })
        Diagnostics.setOutputs([
            "verdict": report.verdict.rawValue,
            "report": source,
            "failed-checks": report.failedChecks.map(\.id).joined(separator: ","),
        ])
        let signers = verified.signerKeyIDs.map { String($0.prefix(16)) }.joined(separator: ", ")
        switch format {
        case .text:
            Swift.print("signature: valid (signed by \(signers))")
            Swift.print(ReportRendering.text(report, reportPath: source))
        case .json: Swift.print(try ReportRendering.json(report, reportPath: source))
        case .markdown: Swift.print(ReportRendering.markdown(report, reportPath: source))
        }
    }
}
