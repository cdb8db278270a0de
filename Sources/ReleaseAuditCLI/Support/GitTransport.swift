import AuditCore
import Foundation

/// Fetch and push through the `git` program.
///
/// Everything release-audit *reads* goes through libgit2. Moving objects to and from a remote is
/// left to git itself, because only git honours what a CI job's checkout configured: the
/// `http.extraheader` token of actions/checkout, credential helpers, SSH agents and proxies. The
/// remote's ref update is git's receive-pack, an atomic compare-and-swap, so a rejected push is
/// retried and never overwrites someone else's notes.
struct GitTransport {
    /// The repository's git directory.
    let gitDirectory: String
    /// The remote name or URL.
    let remote: String

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `git --git-dir=DIR ARGS...`, never asking for a password on a terminal.
    func git(_ arguments: [String]) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        let run: ChildProcess.Result
        do {
            run = try ChildProcess.run("git", ["--git-dir=\(gitDirectory)"] + arguments, environment: environment)
        } catch {
            throw InputProblem("cannot run git (\(error.localizedDescription)): notes are fetched and pushed with the git program; install git")
        }
        if run.notFound {
            throw InputProblem("git is not installed: notes are fetched and pushed with the git program; install git")
        }
        return Result(status: run.status, stdout: String(decoding: run.stdout, as: UTF8.self),
                      stderr: String(decoding: run.stderr, as: UTF8.self))
    }

    /// What the remote's `ref` names now (nil when it has none), asked with `git ls-remote`.
    func remoteTarget(of ref: String) throws -> String? {
        let result = try git(["ls-remote", "--", remote, ref])
        guard result.status == 0 else { throw failure("git ls-remote \(remote) \(ref)", result) }
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2, fields[1] == ref { return String(fields[0]) }
        }
        return nil
    }

    /// Fetches the remote's `ref` into the local ref `into` (replacing what it held).
    func fetch(_ ref: String, into local: String) throws {
        let result = try git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", remote, "+\(ref):\(local)"])
        guard result.status == 0 else { throw failure("git fetch \(remote) \(ref)", result) }
    }

    enum PushOutcome { case pushed, rejected }

    /// Pushes the local `ref` to the same name on the remote, without force: `.rejected` when the
    /// remote moved since it was fetched (fetch, merge and try again).
    func push(_ ref: String) throws -> PushOutcome {
        let result = try git(["push", "--porcelain", "--", remote, "\(ref):\(ref)"])
        if result.status == 0 { return .pushed }
        // Porcelain: "!<TAB>from:to<TAB>[rejected] (fetch first)" for a non-fast-forward, and
        // "[remote rejected] (failed to update ref)" when another push held the ref's lock. Both
        // mean someone else pushed: merge again. Other refusals (a hook, a protected ref) are final.
        let racing = ["[rejected]", "failed to update ref", "cannot lock ref", "incorrect old value"]
        if result.stdout.split(separator: "\n").contains(where: { line in
            line.hasPrefix("!") && racing.contains { line.contains($0) }
        }) {
            return .rejected
        }
        throw failure("git push \(remote) \(ref)", result)
    }

    private func failure(_ what: String, _ result: Result) -> InputProblem {
        let said = (result.stderr + result.stdout).split(separator: "\n").map(String.init)
            .filter { !$0.isEmpty }.suffix(3).joined(separator: " / ")
        let hint = said.contains("403") || said.contains("denied") || said.contains("Authentication")
            ? " (a GitHub Actions job needs `permissions: contents: write` to push notes)" : ""
        return InputProblem("\(what) failed (exit \(result.status)): \(said)\(hint)")
    }
}
