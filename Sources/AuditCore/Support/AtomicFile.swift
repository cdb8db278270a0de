import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written. Each description is one line.
public enum AtomicFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file exists and overwriting was not asked for.
    case exists(path: String)
    /// A system call failed.
    case failed(path: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case .exists(let path):
            return "\(path) already exists; pass --force to replace it"
        case .failed(let path, let operation, let reason):
            return "cannot write \(path): \(operation) failed: \(reason)"
        }
    }
}

/// Writes whole files atomically: readers see the old file or the complete new one, never a part.
public enum AtomicFile {
    /// Writes data atomically (temp file in the same directory + fsync + rename/link).
    ///
    /// Without `overwrite`, an existing file (or symlink) at `path` is never replaced: the new file is
    /// put in place with link(2), which fails if the name exists, so the check is race-free; the
    /// error says to pass --force. No partial or temporary file is left behind on failure.
    /// - Parameter permissions: the exact mode of the new file (e.g. 0o600), regardless of the
    ///   umask; nil means 0o666 minus the umask, like any new file.
    /// - Throws: `AtomicFileError`.
    public static func write(_ data: Data, to path: String, overwrite: Bool, permissions: Int? = nil) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        // With explicit permissions, start private (0600) and chmod to them; otherwise the umask applies.
        let (temporary, fd) = try createTemporary(in: directory, for: url.lastPathComponent, mode: permissions == nil ? 0o666 : 0o600, finalPath: path)
        // After a rename the temporary name is gone and this unlink is a harmless ENOENT; after a
        // link, or on any failure, it removes the temporary file.
        defer { unlink(temporary) }
        do {
            defer { close(fd) }
            if let permissions, fchmod(fd, mode_t(permissions)) != 0 { throw failure(path, "chmod") }
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw failure(path, "fsync") }
        }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw failure(path, "rename") }
        } else {
            try placeWithoutReplacing(temporary, at: path)
        }
        syncDirectory(directory)
    }

    /// Writes several files all-or-nothing: every file is first written and synced under a temporary
    /// name, and only when all of them are written are they put in place. If putting one in place
    /// fails, the ones already placed are taken back (a replaced file is restored), so a failure
    /// leaves every path as it was.
    /// - Throws: `AtomicFileError`.
    public static func writeTogether(_ files: [(data: Data, path: String)], overwrite: Bool) throws {
        var staged: [(temporary: String, path: String)] = []
        defer { for item in staged { unlink(item.temporary) } }
        for file in files {
            if !overwrite, FileManager.default.fileExists(atPath: file.path) { throw AtomicFileError.exists(path: file.path) }
            let url = URL(fileURLWithPath: file.path)
            let (temporary, fd) = try createTemporary(in: url.deletingLastPathComponent().path, for: url.lastPathComponent,
                                                      mode: 0o666, finalPath: file.path)
            staged.append((temporary, file.path))
            defer { close(fd) }
            try writeAll(file.data, to: fd, path: file.path)
            guard fsync(fd) == 0 else { throw failure(file.path, "fsync") }
        }
        // Placed so far: the path, and the hard link keeping the file it replaced (nil: there was none).
        var placed: [(path: String, backup: String?)] = []
        do {
            for item in staged {
                var backup: String?
                if overwrite, FileManager.default.fileExists(atPath: item.path) {
                    let candidate = item.temporary + ".old"
                    guard link(item.path, candidate) == 0 else { throw failure(item.path, "keeping the old file") }
                    backup = candidate
                }
                do {
                    if overwrite {
                        guard rename(item.temporary, item.path) == 0 else { throw failure(item.path, "rename") }
                    } else {
                        try placeWithoutReplacing(item.temporary, at: item.path)
                    }
                } catch {
                    if let backup { unlink(backup) }
                    throw error
                }
                placed.append((item.path, backup))
            }
        } catch {
            for item in placed.reversed() {
                if let backup = item.backup { rename(backup, item.path) } else { unlink(item.path) }
            }
            throw error
        }
        for item in placed {
            if let backup = item.backup { unlink(backup) }
            syncDirectory(URL(fileURLWithPath: item.path).deletingLastPathComponent().path)
        }
    }

    /// Gives the temporary file the name `path` only if nothing has that name yet, race-free.
    private static func placeWithoutReplacing(_ temporary: String, at path: String) throws {
        if link(temporary, path) == 0 { return }
        if errno == EEXIST { throw AtomicFileError.exists(path: path) }
        guard errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP else { throw failure(path, "link") }
        // No hard links on this file system: reserve the name with O_EXCL, then rename over it.
        let reservation = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard reservation >= 0 else {
            if errno == EEXIST { throw AtomicFileError.exists(path: path) }
            throw failure(path, "create")
        }
        close(reservation)
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "rename")
            unlink(path)
            throw error
        }
    }

    /// Creates `.<name>.tmp-<random>` next to the target with O_EXCL.
    private static func createTemporary(in directory: String, for name: String, mode: mode_t, finalPath: String) throws -> (String, Int32) {
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp-\(suffix)")
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 { return (temporary, fd) }
            if errno != EEXIST { break }
        }
        throw failure(finalPath, "creating a temporary file in \(directory)")
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "write")
                }
                offset += written
            }
        }
    }

    /// Makes the new directory entry durable; best effort (some file systems refuse).
    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func failure(_ path: String, _ operation: String) -> AtomicFileError {
        .failed(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

/// write(2); a free function because `AtomicFile.write` hides the global name inside the enum.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
