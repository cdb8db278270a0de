import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// The options every `record` command shares: what to record, how to sign it, where to put it.
struct RecordOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions

    @Option(help: "The revision to record (default HEAD).")
    var rev: String = "HEAD"

    @Option(help: ArgumentHelp("The signing key: a PKCS#8 PEM file (mode 0600), or env:NAME for a PEM in an environment variable (required unless --statement-only).", valueName: "key"))
    var key: String?

    @Flag(help: "Write the unsigned in-toto statement instead (to --out), for a keyless signer such as actions/attest to sign; no --key.")
    var statementOnly = false

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
        if statementOnly {
            if key != nil { throw ValidationError("--statement-only writes an unsigned statement: leave out --key (actions/attest or another keyless signer signs it)") }
            if notes { throw ValidationError("--statement-only cannot go to the notes: an unsigned statement is not evidence; sign it, then store the bundle") }
            if out == nil { throw ValidationError("--statement-only needs --out FILE (or --out - for stdout)") }
        } else if key == nil {
            throw ValidationError("missing --key: the key that signs the record (or --statement-only for an unsigned statement)")
        }
        if out == nil && !notes { throw ValidationError("say where the record goes: --out FILE and/or --notes") }
        if out == "" { throw ValidationError("--out needs a file name") }
        try OutputGuard.refuse(outputs: [("--out", out)], inputs: key.map { [("--key", $0)] } ?? [])
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

    /// The signing key, loaded before anything else is read; nil with --statement-only.
    func loadSigner() throws -> SigningKey? {
        try key.map { try SigningKey.load(from: $0) }
    }

    /// Signs a statement and writes it to the file and/or the notes, then says what was done on
    /// stderr. Without a signer (--statement-only) the statement itself is written to the file.
    func write(statement payload: Data, signer: SigningKey?, repo: Repository, commit: ObjectID, what: String) throws {
        guard let signer else {
            var text = payload
            text.append(0x0A)
            if out == "-" {
                FileHandle.standardOutput.write(text)
            } else if let out {
                try AtomicFile.write(text, to: out, overwrite: force)
                Diagnostics.printError("release-audit: wrote the unsigned statement (\(what)) for \(commit.short) to \(out): sign it with a keyless signer such as actions/attest")
            }
            return
        }
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
