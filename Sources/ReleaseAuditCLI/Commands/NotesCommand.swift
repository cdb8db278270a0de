import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit notes`: moves the evidence notes (refs/notes/release-audit) between a clone and
/// its remote, so evidence and reports recorded in one job are read in any later fresh clone.
struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "Share the evidence notes with a remote (fetch and merge, or sync), or add evidence made elsewhere.",
        discussion: """
            Test evidence, build evidence and gate reports are lines in the git notes under \
            refs/notes/release-audit. A fresh clone (every CI job) does not have them, and two \
            jobs that each appended lines cannot both push. The notes are append-only sets of \
            lines, so their union is always the right merge: `notes sync` fetches the remote's \
            notes, merges them into the local ones line by line (nothing is dropped), and pushes; \
            when another job pushed in between, it fetches, merges and pushes again.

            Fetch and push run the git program, so they use the credentials the checkout \
            configured (actions/checkout's token, SSH keys, credential helpers); everything read \
            from the notes is read with libgit2. In GitHub Actions the job needs \
            `permissions: contents: write` to push.
            """,
        subcommands: [NotesSyncCommand.self, NotesFetchCommand.self, NotesAddCommand.self]
    )
}

/// The options of both notes subcommands.
struct NotesOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions

    @Option(help: ArgumentHelp("The remote (a name or a URL).", valueName: "remote"))
    var remote: String = "origin"

    @Option(help: ArgumentHelp("How many times to fetch, merge and push when other jobs keep pushing first.", valueName: "n"))
    var attempts: Int = 10

    func validate() throws {
        if attempts < 1 { throw ValidationError("--attempts must be at least 1") }
        if remote.isEmpty || remote.hasPrefix("-") { throw ValidationError("--remote needs a remote name or URL") }
    }

    /// Where fetched notes are kept before they are merged: outside refs/notes, so nothing reads
    /// them as notes.
    static let fetchedRef = "refs/release-audit/fetched-notes"

    /// Fetches the remote's notes and merges them into the local ones. Returns what the remote's
    /// notes ref named (nil: it has none) and what the merge did.
    func fetchAndMerge(_ repo: Repository, _ transport: GitTransport) throws -> (remote: String?, outcome: NotesMergeOutcome) {
        let ref = Repository.evidenceNotesRef
        guard let remoteTarget = try transport.remoteTarget(of: ref) else { return (nil, .upToDate) }
        try transport.fetch(ref, into: Self.fetchedRef)
        // A fresh handle: git wrote new objects and refs behind this one's back.
        let fresh = try Repository(at: repo.gitDirectory)
        let fetched = try fresh.resolveCommit(Self.fetchedRef)
        return (remoteTarget, try fresh.mergeNotes(from: fetched))
    }

    static func describe(_ outcome: NotesMergeOutcome) -> String {
        switch outcome {
        case .upToDate: return "up to date"
        case .created: return "fetched"
        case .fastForwarded: return "fast-forwarded"
        case .merged(let notes): return "merged (\(notes) note(s) gained lines)"
        case .keptLocalLines: return "kept local lines the remote's newer notes dropped"
        }
    }
}

/// `release-audit notes fetch`: the remote's notes, merged into the local ones; nothing is pushed.
struct NotesFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch the remote's evidence notes and merge them into the local ones (nothing is pushed).",
        discussion: """
            Run it in a fresh clone before `gate`, `verify` or `audit` read the notes.

            Examples:
              release-audit notes fetch
              release-audit notes fetch --remote upstream --repo ../project
            """
    )

    @OptionGroup var options: NotesOptions

    func run() throws {
        try reportingErrors {
            let repo = try options.repository.open()
            let transport = GitTransport(gitDirectory: repo.gitDirectory, remote: options.remote)
            let (remote, outcome) = try options.fetchAndMerge(repo, transport)
            if remote == nil {
                Diagnostics.printError("release-audit: \(Escape.terminal(options.remote)) has no \(Repository.evidenceNotesRef) yet")
            } else {
                Diagnostics.printError("release-audit: notes from \(Escape.terminal(options.remote)): \(NotesOptions.describe(outcome))")
            }
        }
    }
}

/// `release-audit notes sync`: fetch, union-merge and push, retried until the push lands.
struct NotesSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch the remote's evidence notes, merge them with the local ones, and push the union.",
        discussion: """
            Run it after `record --notes` or `gate --notes`. Parallel jobs recording for the same \
            commit, and repeated runs, lose nothing: a push rejected because another job pushed \
            first is followed by another fetch, merge and push (--attempts times, with a growing, \
            randomised pause).

            Exit codes: 0 the remote has every local line, 2 it could not be done (no git, the \
            remote unreachable or refusing the push, still rejected after --attempts).

            Examples:
              release-audit notes sync
              release-audit notes sync --remote origin --attempts 20
            """
    )

    @OptionGroup var options: NotesOptions

    func run() throws {
        try reportingErrors {
            let repo = try options.repository.open()
            let ref = Repository.evidenceNotesRef
            let transport = GitTransport(gitDirectory: repo.gitDirectory, remote: options.remote)
            let remoteName = Escape.terminal(options.remote)
            for attempt in 1...options.attempts {
                let (remote, outcome) = try options.fetchAndMerge(repo, transport)
                let fresh = try Repository(at: repo.gitDirectory)
                guard let local = try fresh.referenceTarget(ref) else {
                    Diagnostics.printError("release-audit: no notes here or on \(remoteName): nothing to sync")
                    return
                }
                if local.hex == remote {
                    Diagnostics.printError("release-audit: notes in sync with \(remoteName) (\(NotesOptions.describe(outcome)))")
                    return
                }
                switch try transport.push(ref) {
                case .pushed:
                    // What the merge did matters only when the remote had notes of its own.
                    var theirs = ""
                    if case .upToDate = outcome {} else if remote != nil { theirs = "theirs \(NotesOptions.describe(outcome)) first, " }
                    Diagnostics.printError("release-audit: notes pushed to \(remoteName) (\(theirs)attempt \(attempt))")
                    return
                case .rejected where attempt < options.attempts:
                    // Another job pushed first: pause (growing, randomised) and merge again.
                    let ceiling = min(200_000 * (1 << min(attempt, 5)), 5_000_000)
                    usleep(UInt32.random(in: 100_000...UInt32(ceiling)))
                case .rejected:
                    break
                }
            }
            throw InputProblem("\(ref) on \(options.remote) kept moving: the push was rejected \(options.attempts) times; run `release-audit notes sync` again, or raise --attempts")
        }
    }
}

/// `release-audit notes add`: stores evidence made by another tool (a Sigstore bundle from
/// actions/attest-build-provenance, a DSSE envelope) in the note on the commit it is about.
struct NotesAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Append evidence files (DSSE envelopes or Sigstore bundles) to the note on the commit they are about.",
        discussion: """
            Each file is read as evidence (one envelope or bundle, or JSON Lines of them) and \
            appended to the note on --rev as one compact line, where `gate` finds it. Nothing is \
            verified here (the gate verifies, with the policy's keys and identities); a statement \
            that names another commit than --rev is refused, since the gate would never use it. \
            Share the notes with `release-audit notes sync`.

            Examples:
              release-audit notes add --rev v1.4.0 widget.sigstore.json
              release-audit notes add --rev "$GITHUB_SHA" attestation.jsonl
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(help: "The commit the evidence is about (default HEAD).")
    var rev: String = "HEAD"

    @Argument(help: ArgumentHelp("Evidence files.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one evidence file") }
    }

    func run() throws {
        try reportingErrors {
            // Read and check every file before anything is written: all or nothing.
            let repo = try repository.open()
            let commit = try repo.resolveCommit(rev)
            var lines: [String] = []
            for file in files {
                for loaded in try EvidenceSource.load(path: file) {
                    // Read unverified, only to learn which commit it claims to be about.
                    let named: String?
                    switch try? EvidenceVerifier.readStatement(loaded, payload: loaded.envelope.payload) {
                    case .test(let r)?: named = r.commit.hex
                    case .build(let r)?: named = r.commit.hex
                    default: named = nil
                    }
                    if let named, named != commit.hex {
                        throw InputProblem("\(loaded.source) is about commit \(named), not \(rev) (\(commit.short)): add it to the note on its own commit")
                    }
                    let compact = try StrictJSON.parse(loaded.bytes).jsonData()
                    lines.append(String(decoding: compact, as: UTF8.self))
                }
            }
            try repo.appendNoteLines(lines, to: commit)
            Diagnostics.printError("release-audit: appended \(lines.count) evidence line(s) to the note on \(commit.short) (\(Repository.evidenceNotesRef))")
        }
    }
}
