import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit gate`: the release gate. Compares what was tested with what is released, under a
/// policy, writes a signed report, and exits 0 only when the release passes.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check a release against its test evidence under a policy; write a signed audit report.",
        discussion: """
            Verifies the test and build evidence (from files, or from git notes when none are given), \
            compares the release commit with the tested commit under the policy (exact commit, same \
            tree, or allow-listed paths), checks the tag, the RC -> GA rule, clean work trees, \
            reachability from protected branches, freshness and the repository's safety, and writes \
            the signed report (an in-toto statement in a DSSE envelope). A FAILED gate still writes \
            its report: a failed gate is audit evidence too.

            Exit codes: 0 PASSED, 1 FAILED, 2 could not audit (unreadable evidence, bad policy or \
            key, not a repository, a release tag that does not exist or names no commit; nothing \
            is written), 64 usage.

            Every trusted key has one role: --tester-key for test evidence (CI), --builder-key for \
            build evidence (the release build), on top of the policy's trusted_keys. A key trusted \
            for two roles, or the report signing key (--key) trusted as tester or builder, is \
            refused unless the policy sets trusted_keys.allow_shared_keys: true.

            Examples:
              release-audit gate --release v1.4.0 --tester-key ci.pub \\
                  --builder-key release.pub --key env:RELEASE_AUDIT_KEY --notes
              release-audit notes sync    # share the report with every later clone
              release-audit gate --release v1.4.0 --policy version-bump \\
                  --test-evidence test.json --build-evidence build.json \\
                  --tester-key ci.pub --builder-key release.pub --key auditor.key \\
                  --format markdown
            """
    )

    @Option(help: ArgumentHelp("The release tag to audit.", valueName: "tag"))
    var release: String?

    @Option(help: ArgumentHelp("Audit a revision instead of a tag (the tag checks are skipped).", valueName: "rev"))
    var releaseRev: String?

    @OptionGroup var repository: RepositoryOptions

    @Option(help: ArgumentHelp("A policy preset name (exact-commit, same-tree, version-bump) or a policy file.", valueName: "policy"))
    var policy: String = "exact-commit"

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Test evidence files (default: the git notes).", valueName: "file"))
    var testEvidence: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Build evidence files (default: the git notes).", valueName: "file"))
    var buildEvidence: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Public keys trusted to sign test evidence (the tester role), on top of the policy's.", valueName: "pub"))
    var testerKey: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Public keys trusted to sign build evidence (the builder role), on top of the policy's.", valueName: "pub"))
    var builderKey: [String] = []

    /// Refused: a key without a role would be trusted for every role.
    @Option(parsing: .upToNextOption, help: .hidden)
    var trustedKey: [String] = []

    @Option(name: .customLong("trusted-root"), help: ArgumentHelp("A Sigstore trusted_root.json trusted for keyless evidence besides the built-in public-good root (like the policy's trusted_keys.trusted_roots).", valueName: "file"))
    var trustedRoots: [String] = []

    @Option(help: ArgumentHelp("The key that signs the report: a PEM file (mode 0600) or env:NAME.", valueName: "key"))
    var key: String

    @Option(help: ArgumentHelp("Where to write the signed report (default: reports/<tag>.json).", valueName: "file"))
    var out: String?

    @Flag(help: "Replace an existing report file.")
    var force = false

    @Flag(help: "Also append the signed report to the git note on the release commit (refs/notes/release-audit), where `verify --from-notes` and `audit` find it; share it with `release-audit notes sync`.")
    var notes = false

    @Option(help: ArgumentHelp("Also write a signed SLSA Verification Summary Attestation here.", valueName: "file"))
    var vsa: String?

    @Option(name: .customLong("repository"), help: ArgumentHelp("The expected repository identity when the policy names none (default: the origin remote).", valueName: "uri"))
    var repositoryURI: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: ReportFormat = .text

    func validate() throws {
        if !trustedKey.isEmpty {
            throw ValidationError("--trusted-key would trust a key for every role; name its role: --tester-key ci.pub (test evidence) and --builder-key release.pub (build evidence)")
        }
        if (release == nil) == (releaseRev == nil) { throw ValidationError("name the release with --release TAG or --release-rev REV (one of them)") }
        if out == "" { throw ValidationError("--out needs a file name") }
        // Otherwise the VSA would replace the report it summarises, or fail after the report was written.
        if let vsa, Self.samePath(vsa, reportPath) { throw ValidationError("--vsa and the report (--out) must be different files") }
        try OutputGuard.refuse(
            outputs: [("--out", reportPath), ("--vsa", vsa)],
            inputs: testEvidence.map { ("--test-evidence", $0) } + buildEvidence.map { ("--build-evidence", $0) }
                + testerKey.map { ("--tester-key", $0) } + builderKey.map { ("--builder-key", $0) }
                + [("--key", key)] + (Policy.presetNames.contains(policy) ? [] : [("--policy", policy)]))
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    /// The default report path: reports/<tag>.json, with the tag made safe as a file name.
    var reportPath: String {
        if let out { return out }
        let name = release.map { $0.hasPrefix("refs/tags/") ? String($0.dropFirst("refs/tags/".count)) : $0 }
        return "reports/" + ReportFile.safeName(name ?? releaseRev ?? "release") + ".json"
    }

    func run() throws {
        let verdict = try reportingErrors { () -> AuditReport.Verdict in
            // Everything that can make the input unusable is checked before the audit and before any write.
            let loadedPolicy = try Policy.load(nameOrPath: policy)
            let signer = try SigningKey.load(from: key)
            let extraKeys: [Role: [PublicKey]] = [
                .tester: try testerKey.map { try PublicKey.load(from: $0) },
                .builder: try builderKey.map { try PublicKey.load(from: $0) },
            ]
            let trust = try TrustStore.from(policy: loadedPolicy, extraKeys: extraKeys, signingKeys: [signer.publicKey], extraRoots: trustedRoots)
            let repo = try repository.open()
            let path = reportPath
            try ReportFile.checkLocation(path)
            if let vsa { try ReportFile.checkLocation(vsa) }
            if !force && FileManager.default.fileExists(atPath: path) {
                throw InputProblem("the report \(path) already exists: pass --force to replace it, or --out another file")
            }
            if let vsa, !force, FileManager.default.fileExists(atPath: vsa) {
                throw InputProblem("\(vsa) already exists: pass --force to replace it")
            }

            let request = GateRequest(
                release: release.map { .tag($0) } ?? .revision(releaseRev ?? "HEAD"),
                policy: loadedPolicy.policy, policyInfo: loadedPolicy.reportInfo, trust: trust,
                testEvidence: testEvidence, buildEvidence: buildEvidence, repositoryOverride: repositoryURI)
            let report = try Gate(repo: repo).run(request)

            let envelope = try ReportStatement.sign(report, with: signer)
            let vsaEnvelope = try vsa.map { _ in
                try DSSEEnvelope.sign(payload: try VSAForReport.statement(for: report, policy: loadedPolicy).jsonData(), keys: [signer])
            }
            // The report and the VSA are put in place together or not at all.
            var files = [(data: ReportFile.line(envelope), path: path)]
            if let vsa, let vsaEnvelope { files.append((ReportFile.line(vsaEnvelope), vsa)) }
            try ReportFile.write(files, overwrite: force)
            if notes {
                guard let commit = try report.release.commit.map({ try ObjectID(hex: $0) }) else {
                    throw InputProblem("the report names no release commit to attach it to; it is in \(path)")
                }
                try repo.appendNoteLine(String(decoding: envelope.jsonData(), as: UTF8.self), to: commit)
                Diagnostics.printError("release-audit: appended the report to the note on \(commit.short) (\(Repository.evidenceNotesRef))")
            }
            try printReport(report, path: path)
            return report.verdict
        }
        if verdict == .failed { throw ExitCode(ExitStatus.problem) }
    }

    private func printReport(_ report: AuditReport, path: String) throws {
        switch format {
        case .text: print(ReportRendering.text(report, reportPath: path))
        case .json: print(try ReportRendering.json(report, reportPath: path))
        case .markdown: print(ReportRendering.markdown(report, reportPath: path))
        }
        Diagnostics.annotate(report.checks)
        Diagnostics.setOutputs([
            "verdict": report.verdict.rawValue,
            "report": path,
            "failed-checks": report.failedChecks.map(\.id).joined(separator: ","),
            "commit": report.release.commit ?? "",
        ])
        if Diagnostics.inGitHubActions { Diagnostics.appendStepSummary(ReportRendering.markdown(report, reportPath: path)) }
    }
}

/// Writing signed reports: atomically, into a directory made on demand, never replacing silently.
enum ReportFile {
    /// A tag as a file name: `/` and other unsafe characters become `_`.
    static func safeName(_ tag: String) -> String {
        let safe = tag.map { c -> Character in
            c.isLetter || c.isNumber || c == "." || c == "-" || c == "_" || c == "+" ? c : "_"
        }
        let name = String(safe)
        return name.hasPrefix(".") ? "_" + name.dropFirst() : name
    }

    /// Refuses, before anything is written, a path that cannot become a file: a directory, or a
    /// path through an existing file.
    static func checkLocation(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputProblem("cannot write \(path): it is a directory")
        }
        var ancestor = PathText.parent(path)
        while !ancestor.isEmpty, ancestor != "/" {
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { throw InputProblem("cannot write \(path): \(ancestor) is a file, not a directory") }
                return
            }
            ancestor = PathText.parent(ancestor)
        }
    }

    /// An envelope as the one line a report file holds.
    static func line(_ envelope: DSSEEnvelope) -> Data {
        var data = envelope.jsonData()
        data.append(0x0A)
        return data
    }

    /// Writes files all-or-nothing (`AtomicFile.writeTogether`), making their directories first.
    static func write(_ files: [(data: Data, path: String)], overwrite: Bool) throws {
        for file in files {
            let directory = PathText.parent(file.path)
            guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { continue }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
                throw InputProblem("cannot create the directory \(directory) for \(file.path): \(reason)")
            }
        }
        try AtomicFile.writeTogether(files, overwrite: overwrite)
    }
}
