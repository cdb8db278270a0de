import Foundation

/// Runs a program to completion, both pipes read while it runs (so neither fills up and blocks
/// it), stdin closed: the one place release-audit starts other programs (git for notes transport,
/// gpg for OpenPGP signatures).
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// Whether the program could not be found (`/usr/bin/env` exits 127).
        public var notFound: Bool
    }

    /// Runs `program` (looked up in PATH through `/usr/bin/env`) with `arguments` and `environment`.
    ///
    /// - Throws: the `Process` error when `/usr/bin/env` itself cannot be started.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errData = LockedData()
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            done.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Result(status: process.terminationStatus, stdout: outData, stderr: errData.get(),
                      notFound: process.terminationReason == .exit && process.terminationStatus == 127)
    }
}

/// Bytes written by one thread and read by another after it is done.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
