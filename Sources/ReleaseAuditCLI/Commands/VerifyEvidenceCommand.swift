import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit verify-evidence`: checks evidence signatures and says what each envelope attests.
struct VerifyEvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-evidence",
        abstract: "Check evidence signatures and print what each envelope attests.",
        discussion: """
            Reads DSSE envelopes from files (single envelopes or .intoto.jsonl bundles) or from the \
            git note on a commit, verifies each against the trusted public keys, and prints its type, \
            commit, result and signer key ids. Exits 1 when any envelope fails verification, 2 when \
            an input cannot be read.

            With --keyless, each file is a Sigstore bundle (v0.1 to v0.3, as actions/attest and \
            actions/attest-build-provenance write them) verified offline: the Fulcio certificate \
            chain at the Rekor entry's integrated time, the DSSE signature with the certificate's \
            key, the signed entry timestamp, the inclusion proof up to a signed checkpoint, and \
            that the logged entry is about this envelope and certificate. The built-in public-good \
            Sigstore root is trusted; --trusted-root adds others. The identity the certificate \
            names (workflow, repository, ref, commit, issuer) and the log index are printed; the \
            statement must name the commit and repository the certificate names. No identity \
            is required here: the gate trusts bundles by the identities its policy lists \
            (trusted_keys.<role>.identities).

            Examples:
              release-audit verify-evidence evidence/test.json --trusted-key ci.pub
              release-audit verify-evidence --notes v1.4.0 --repo . \\
                  --trusted-key ci.pub release.pub --json
              release-audit verify-evidence --keyless provenance.sigstore.json
            """
    )

    @Argument(help: ArgumentHelp("Evidence files (DSSE envelopes or .intoto.jsonl bundles).", valueName: "file"))
    var files: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Trusted public keys (SPKI PEM files or env:NAME).", valueName: "pub"))
    var trustedKey: [String] = []

    @Option(help: ArgumentHelp("Read the envelopes in the git note on this revision instead of files.", valueName: "rev"))
    var notes: String?

    @OptionGroup var repository: RepositoryOptions

    @Flag(help: "Read the files as Sigstore bundles and verify them offline, keyless (see above).")
    var keyless = false

    @Option(help: ArgumentHelp("With --keyless: a Sigstore trusted_root.json to trust besides the built-in public-good root.", valueName: "file"))
    var trustedRoot: [String] = []

    @Option(help: "How many distinct trusted keys must have signed each envelope.")
    var threshold: Int = 1

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if files.isEmpty && notes == nil { throw ValidationError("name evidence files, or --notes REV") }
        if !files.isEmpty && notes != nil { throw ValidationError("give evidence files or --notes, not both") }
        if keyless {
            if files.isEmpty { throw ValidationError("--keyless reads Sigstore bundle files: name them") }
            if !trustedKey.isEmpty { throw ValidationError("--keyless trusts certificate identities, not keys: drop --trusted-key") }
            return
        }
        if !trustedRoot.isEmpty { throw ValidationError("--trusted-root is for --keyless") }
        if trustedKey.isEmpty { throw ValidationError("give at least one --trusted-key (or --keyless for Sigstore bundles)") }
        if threshold < 1 { throw ValidationError("--threshold must be at least 1") }
    }

    func run() throws {
        if keyless { return try runKeyless() }
        let allVerified = try reportingErrors { () -> Bool in
            let keys = try trustedKey.map { try PublicKey.load(from: $0) }
            var loaded: [LoadedEnvelope] = []
            if let notes {
                let repo = try repository.open()
                let commit = try repo.resolveCommit(notes)
                loaded = try EvidenceSource.load(notes: repo, commit: commit)
                if loaded.isEmpty { throw InputProblem("no evidence in the note on \(commit.short) (\(Repository.evidenceNotesRef))") }
            } else {
                for file in files { loaded += try EvidenceSource.load(path: file) }
            }
            let results = try loaded.map { try EvidenceVerifier.verify($0, trustedKeys: keys, threshold: threshold) }
            let summaries = results.map(EvidenceSummary.init)
            if json {
                print(try JSONOutput.string(summaries))
            } else {
                summaries.forEach { print(Escape.terminal($0.text)) }
            }
            return results.allSatisfy(\.isVerified)
        }
        if !allVerified { throw ExitCode(ExitStatus.problem) }
    }
}

extension VerifyEvidenceCommand {
    func runKeyless() throws {
        let allVerified = try reportingErrors { () -> Bool in
            var root = SigstoreTrustedRoot.publicGood
            for path in trustedRoot { root = root.adding(try SigstoreTrustedRoot.load(path: path)) }
            let results = try files.map { try KeylessEvidence.load(path: $0, root: root) }
            let summaries = results.map(KeylessSummary.init)
            if json {
                print(try JSONOutput.string(summaries))
            } else {
                // Each line escaped on its own: certificate values are the signer's text.
                summaries.forEach { $0.lines.forEach { print(Escape.terminal($0)) } }
            }
            return results.allSatisfy(\.isVerified)
        }
        if !allVerified { throw ExitCode(ExitStatus.problem) }
    }
}

/// A few lines (or one JSON object) per Sigstore bundle for `verify-evidence --keyless`.
struct KeylessSummary: Codable {
    var source: String
    var sha256: String
    var verified: Bool
    var problem: String?
    var type: String
    var commit: String?
    var identity: FulcioIdentity?
    var logIndex: Int64?
    var signedAt: String?

    init(_ k: KeylessEvidence) {
        source = k.source
        sha256 = k.sha256
        verified = k.isVerified
        problem = k.problem
        identity = k.signature?.identity
        logIndex = k.signature?.logIndex
        signedAt = k.signature.map { ISO8601DateFormatter().string(from: $0.signedAt) }
        switch k.content {
        case .test(let r)?: type = "test"; commit = r.commit.hex
        case .build(let r)?: type = "build"; commit = r.commit.hex
        case .other(let predicateType)?: type = predicateType
        case nil: type = "unverified"
        }
    }

    var lines: [String] {
        guard verified else { return ["FAILED  \(source): \(problem ?? "does not verify")"] }
        var lines = ["OK      \(source): \(type)" + (commit.map { "  commit \($0)" } ?? "")]
        if let identity {
            if let v = identity.subjectAlternativeName { lines.append("        workflow    \(v)") }
            if let v = identity.sourceRepositoryURI { lines.append("        repository  \(v)") }
            if let v = identity.sourceRepositoryRef { lines.append("        ref         \(v)") }
            if let v = identity.sourceRepositoryDigest { lines.append("        commit      \(v)") }
            if let v = identity.issuer { lines.append("        issuer      \(v)") }
            if let v = identity.runnerEnvironment { lines.append("        runner      \(v)") }
        }
        if let logIndex, let signedAt { lines.append("        logged      index \(logIndex) at \(signedAt)") }
        return lines
    }
}

/// One line (or one JSON object) per envelope for `verify-evidence`.
struct EvidenceSummary: Codable {
    var source: String
    var sha256: String
    var verified: Bool
    var problem: String?
    var type: String
    var commit: String?
    var result: String?
    var signers: [String]

    init(_ v: VerifiedEvidence) {
        source = v.loaded.source
        sha256 = v.loaded.sha256
        verified = v.isVerified
        problem = v.problem
        signers = v.signerKeyIDs
        switch v.content {
        case .test(let r)?:
            type = "test"
            commit = r.commit.hex
            result = r.result.rawValue
        case .build(let r)?:
            type = "build"
            commit = r.commit.hex
            result = nil
        case .other(let predicateType)?:
            type = predicateType
        case nil:
            type = "unverified"
        }
    }

    var text: String {
        guard verified else { return "FAILED  \(source): \(problem ?? "does not verify")" }
        var parts = ["OK      \(source): \(type)"]
        if let commit { parts.append("commit \(commit)") }
        if let result { parts.append("result \(result)") }
        parts.append("signed by \(signers.map { String($0.prefix(16)) }.joined(separator: ", "))")
        return parts.joined(separator: "  ")
    }
}
