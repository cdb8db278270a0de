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

            Examples:
              release-audit verify-evidence evidence/test.json --trusted-key ci.pub
              release-audit verify-evidence --notes v1.4.0 --repo . \\
                  --trusted-key ci.pub release.pub --json
            """
    )

    @Argument(help: ArgumentHelp("Evidence files (DSSE envelopes or .intoto.jsonl bundles).", valueName: "file"))
    var files: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Trusted public keys (SPKI PEM files or env:NAME).", valueName: "pub"))
    var trustedKey: [String] = []

    @Option(help: ArgumentHelp("Read the envelopes in the git note on this revision instead of files.", valueName: "rev"))
    var notes: String?

    @OptionGroup var repository: RepositoryOptions

    @Option(help: "How many distinct trusted keys must have signed each envelope.")
    var threshold: Int = 1

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if files.isEmpty && notes == nil { throw ValidationError("name evidence files, or --notes REV") }
        if !files.isEmpty && notes != nil { throw ValidationError("give evidence files or --notes, not both") }
        if trustedKey.isEmpty { throw ValidationError("give at least one --trusted-key") }
        if threshold < 1 { throw ValidationError("--threshold must be at least 1") }
    }

    func run() throws {
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
