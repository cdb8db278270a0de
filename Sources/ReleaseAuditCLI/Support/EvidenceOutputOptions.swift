import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// The options every `record` command shares: what to record, how to sign it, where to put it.
struct RecordOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions

    @Option(help: "The revision to record (default HEAD).")
    var rev: String = "HEAD"

    @Option(help: ArgumentHelp("The signing key: a PKCS#8 PEM file (mode 0600), or env:NAME for a PEM in an environment variable.", valueName: "key"))
    var key: String

    @Option(help: ArgumentHelp("Write the signed envelope to this file ('-' for stdout). Never replaces a file without --force.", valueName: "file"))
    var out: String?

    @Flag(help: "Append the signed envelope to the git note on the commit (refs/notes/release-audit).")
    var notes = false

    @Flag(help: "Replace an existing --out file.")
    var force = false

    @Flag(help: "Record even when the work tree is dirty; the dirty paths are recorded.")
    var allowDirty = false

    @Flag(help: "This work tree is not the one that was built or tested: record --rev without looking at it (no clean-work-tree claim, which a policy with clean_worktree: true refuses).")
    var noWorktree = false

    @Option(name: .customLong("repository"), help: ArgumentHelp("The repository identity (URL) to record; default: the origin remote.", valueName: "uri"))
    var repositoryURI: String?

    func validate() throws {
        if out == nil && !notes { throw ValidationError("say where the record goes: --out FILE and/or --notes") }
        if out == "" { throw ValidationError("--out needs a file name") }
        try OutputGuard.refuse(outputs: [("--out", out)], inputs: [("--key", key)])
        if noWorktree && allowDirty { throw ValidationError("--no-worktree records nothing about the work tree; --allow-dirty has no meaning with it") }
    }

    /// Opens the repository, recognises the CI, and resolves the recorded commit (refusing a dirty
    /// tree unless --allow-dirty); prints the warnings the user should see.
    func prepare() throws -> (repo: Repository, recorder: Recorder, source: Recorder.Source, ci: CIContext) {
        let repo = try repository.open()
        let environment = ProcessInfo.processInfo.environment
        let ci = CIEnvironment.detect(environment)
        let recorder = Recorder(repo: repo, environment: environment)
        let source = try recorder.source(revision: rev, allowDirty: allowDirty, repositoryOverride: repositoryURI, ci: ci,
                                         workTreeIsNotTheBuilds: noWorktree)
        source.warnings.forEach(Diagnostics.warning)
        return (repo, recorder, source, ci)
    }

    /// Signs a statement and writes it to the file and/or the notes, then says what was done on stderr.
    func write(statement payload: Data, signer: SigningKey, repo: Repository, commit: ObjectID, what: String) throws {
        let envelope = try DSSEEnvelope.sign(payload: payload, keys: [signer])
        var line = envelope.jsonData()
        line.append(0x0A)
        if let out {
            if out == "-" {
                FileHandle.standardOutput.write(line)
            } else {
                try AtomicFile.write(line, to: out, overwrite: force)
                Diagnostics.printError("release-audit: wrote \(what) for \(commit.short) to \(out) (key \(signer.publicKey.keyID.prefix(16)))")
            }
        }
        if notes {
            try repo.appendNoteLine(String(decoding: envelope.jsonData(), as: UTF8.self), to: commit)
            Diagnostics.printError("release-audit: appended \(what) to the note on \(commit.short) (\(Repository.evidenceNotesRef))")
        }
    }
}
