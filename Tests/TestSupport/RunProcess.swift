import Foundation

/// What a finished process left behind: its exit status and everything it printed.
public typealias ProcessOutput = (status: Int32, stdout: String, stderr: String)

/// A process that could not be started, or that exited with a non-zero status when success was required.
public struct ProcessFailure: Error, CustomStringConvertible {
    /// The command line, for the message.
    public let command: String
    /// The exit status (or -1 when the process could not be started).
    public let status: Int32
    /// What the process printed on stderr (or why it could not be started).
    public let stderr: String

    public var description: String {
        "`\(command)` exited with status \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// A program that is not where it was looked for.
public struct MissingExecutable: Error, CustomStringConvertible {
    /// What was looked for and where.
    public let description: String
}

/// Runs a program to completion and returns its exit status, stdout and stderr.
///
/// Both pipes are drained concurrently (and stdin is fed on its own thread), so a child that
/// writes a lot to either stream, or reads little of its input, cannot deadlock the call.
///
/// - Parameters:
///   - executable: an absolute path, or a program name looked up in `PATH`.
///   - environment: the child's complete environment; nil inherits this process's.
///   - currentDirectory: the child's working directory; nil inherits this process's.
///   - stdin: text fed to the child's standard input, which is otherwise `/dev/null`.
///   - timeout: seconds the child may run; then it is killed (SIGKILL) and the call throws. Nil waits forever.
/// - Throws: `ProcessFailure` when the program cannot be started or runs past `timeout`; a non-zero
///   exit is returned.
public func runProcess(_ executable: String, _ arguments: [String],
                       environment: [String: String]? = nil,
                       currentDirectory: URL? = nil,
                       stdin: String? = nil,
                       timeout: TimeInterval? = defaultProcessTimeout) throws -> ProcessOutput {
    _ = ignoreSIGPIPEOnce
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try locateExecutable(executable, environment: environment))
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }

    let outPipe = Pipe()
    let errPipe = Pipe()
    let inPipe = stdin.map { _ in Pipe() }
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe ?? FileHandle.nullDevice

    let commandLine = ([executable] + arguments).joined(separator: " ")
    do {
        try process.run()
    } catch {
        throw ProcessFailure(command: commandLine, status: -1, stderr: "cannot start: \(error)")
    }

    // A hung child (a parser stuck on hostile input, say) must fail its test, not hang the suite.
    let watchdog = Watchdog(pid: process.processIdentifier)
    if let timeout {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.fire() }
    }

    let group = DispatchGroup()
    let errData = LockedData()
    let errReader = errPipe.fileHandleForReading
    DispatchQueue.global().async(group: group) { errData.set(readToEnd(errReader)) }
    if let inPipe, let stdin {
        let writer = inPipe.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            // The child may exit without reading everything: a write error then is not ours to report.
            try? writer.write(contentsOf: Data(stdin.utf8))
            try? writer.close()
        }
    }
    let outData = readToEnd(outPipe.fileHandleForReading)
    group.wait()
    process.waitUntilExit()
    if watchdog.finish() {
        throw ProcessFailure(command: commandLine, status: process.terminationStatus,
                             stderr: "killed after running longer than \(timeout ?? 0) s; stderr so far: \(String(decoding: errData.get(), as: UTF8.self))")
    }
    return (process.terminationStatus,
            String(decoding: outData, as: UTF8.self),
            String(decoding: errData.get(), as: UTF8.self))
}

/// How long `runProcess` lets a child run unless told otherwise, in seconds.
public let defaultProcessTimeout: TimeInterval = 60

/// Everything until end of file, read with read(2) and retried on EINTR.
///
/// `FileHandle.readDataToEndOfFile()` traps when a read is interrupted by a signal, which happens
/// when many tests run processes at once (the SIGCHLD handler of Foundation's `Process`).
private func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let fd = handle.fileDescriptor
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count == 0 || errno != EINTR {
            return data
        }
    }
}

/// The absolute path of a program: `name` itself when it contains a slash, else the first match in `PATH`.
func locateExecutable(_ name: String, environment: [String: String]?) throws -> String {
    if name.contains("/") { return name }
    let path = environment?["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw MissingExecutable(description: "\(name) not found in PATH (\(path))")
}

/// A write to a pipe whose reader has exited must fail with EPIPE, not kill the test process.
private let ignoreSIGPIPEOnce: Void = { signal(SIGPIPE, SIG_IGN) }()

/// Kills a child that runs too long, unless the caller saw it exit first.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private let pid: pid_t
    private var finished = false
    private var fired = false

    init(pid: pid_t) { self.pid = pid }

    /// The timeout passed: kill the child if it has not been waited for.
    func fire() {
        lock.withLock {
            guard !finished else { return }
            fired = true
            kill(pid, SIGKILL)
        }
    }

    /// The child was waited for; returns whether the watchdog killed it.
    func finish() -> Bool {
        lock.withLock {
            finished = true
            return fired
        }
    }
}

/// Bytes handed from a reader thread to the waiting caller.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ new: Data) { lock.withLock { data = new } }
    func get() -> Data { lock.withLock { data } }
}
