import Foundation

/// A git repository driven through the `git` CLI, with a fixed identity and clock so that the same
/// steps always produce the same object ids, and with the host's git configuration shut out.
public final class GitRepo {
    /// The work tree (or the repository itself when bare).
    public let url: URL
    /// The seconds-since-epoch date the next commit or tag gets; each one advances it by a minute.
    public var clock: Int

    /// The first commit's date: 2024-01-01T00:00:00Z.
    public static let startDate = 1_704_067_200
    /// The author, committer and tagger name.
    public static let userName = "Test Author"
    /// The author, committer and tagger email.
    public static let userEmail = "author@example.com"

    /// The repository's path.
    public var path: String { url.path }

    /// Wraps an existing repository (a clone, say) without running `git init`.
    public init(existing url: URL) {
        self.url = url
        self.clock = Self.startDate
    }

    /// Creates a repository at `url` (made if missing) with `git init -b main` plus `initArguments`
    /// (`--bare`, `--object-format=sha256`).
    public convenience init(at url: URL, initArguments: [String] = []) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.init(existing: url)
        try git(["init", "-q", "-b", "main"] + initArguments)
    }

    /// Creates a repository in a new directory `name` under `parent`.
    public static func create(in parent: URL, name: String = "repo", initArguments: [String] = []) throws -> GitRepo {
        try GitRepo(at: parent.appendingPathComponent(name, isDirectory: true), initArguments: initArguments)
    }

    /// The environment every command runs in: fixed identity and dates, no global or system config,
    /// C locale, and none of the caller's `GIT_*` variables.
    public func environment(date: Int? = nil) -> [String: String] {
        Self.environment(date: date ?? clock)
    }

    /// The isolated environment for running git (or the tool under test) outside any one repository.
    public static func environment(date: Int = startDate) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        let stamp = "@\(date) +0000"
        env["GIT_AUTHOR_NAME"] = userName
        env["GIT_AUTHOR_EMAIL"] = userEmail
        env["GIT_AUTHOR_DATE"] = stamp
        env["GIT_COMMITTER_NAME"] = userName
        env["GIT_COMMITTER_EMAIL"] = userEmail
        env["GIT_COMMITTER_DATE"] = stamp
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["LC_ALL"] = "C"
        return env
    }

    /// Runs git in the repository and returns its stdout without trailing newlines.
    ///
    /// - Throws: `ProcessFailure` with git's stderr when git exits with a non-zero status.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try git(arguments)
    }

    /// Runs git in the repository, optionally feeding `stdin`, and returns its stdout without trailing newlines.
    ///
    /// - Throws: `ProcessFailure` with git's stderr when git exits with a non-zero status.
    @discardableResult
    public func git(_ arguments: [String], stdin: String? = nil) throws -> String {
        let result = try run(arguments, stdin: stdin)
        guard result.status == 0 else {
            throw ProcessFailure(command: (["git"] + arguments).joined(separator: " "),
                                 status: result.status, stderr: result.stderr)
        }
        var out = Substring(result.stdout)
        while out.last == "\n" { out.removeLast() }
        return String(out)
    }

    /// Runs git in the repository and returns whatever happened, a non-zero exit included.
    public func run(_ arguments: [String], stdin: String? = nil) throws -> ProcessOutput {
        try runProcess("git", arguments, environment: environment(), currentDirectory: url, stdin: stdin)
    }

    /// Writes a file (creating its directories) relative to the work tree.
    public func write(_ relativePath: String, _ contents: String) throws {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
    }

    /// Deletes a file or directory relative to the work tree.
    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: url.appendingPathComponent(relativePath))
    }

    /// Writes `files`, stages everything (`git add -A`) and commits; returns the new commit's id.
    ///
    /// The commit is dated `clock`, which then moves on a minute; pass `date` to date it otherwise
    /// (the clock is left alone).
    @discardableResult
    public func commit(_ message: String, files: [String: String] = [:], date: Int? = nil) throws -> String {
        for (path, contents) in files.sorted(by: { $0.key < $1.key }) { try write(path, contents) }
        try git("add", "-A")
        try withDate(date) { try git("commit", "-q", "--allow-empty", "-m", message) }
        return try git("rev-parse", "HEAD")
    }

    /// Creates a tag: annotated when `message` is given (`git tag -a`), else lightweight.
    /// Returns what `refs/tags/<name>` then points at (the tag object, or `target` itself).
    @discardableResult
    public func tag(_ name: String, _ target: String = "HEAD", message: String? = nil) throws -> String {
        if let message {
            try withDate(nil) { try git("tag", "-a", name, target, "-m", message) }
        } else {
            try git("tag", name, target)
        }
        return try git("rev-parse", "refs/tags/\(name)")
    }

    /// The full id `revision` names (`git rev-parse --verify`).
    public func revParse(_ revision: String) throws -> String {
        try git("rev-parse", "--verify", "--quiet", revision)
    }

    /// Stores `contents` as an object of `type` (`git hash-object -t <type> -w --stdin`) and returns its id.
    ///
    /// Pass `literally` for objects git's checks would refuse (an odd header, say).
    public func hashObject(type: String, _ contents: String, literally: Bool = false) throws -> String {
        try git(["hash-object", "-t", type, "-w", "--stdin"] + (literally ? ["--literally"] : []), stdin: contents)
    }

    /// Runs `body` with the clock at `date` when given; otherwise with the clock as it is, then moves it on a minute.
    @discardableResult
    private func withDate<T>(_ date: Int?, _ body: () throws -> T) throws -> T {
        if let date {
            let saved = clock
            clock = date
            defer { clock = saved }
            return try body()
        }
        defer { clock += 60 }
        return try body()
    }
}
