#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening an input file without hanging on a FIFO that nobody writes to.
///
/// `open(2)` of a FIFO blocks until a writer appears, forever if none does (a FIFO left in a test
/// output folder, or planted where a key or policy is expected). Opened non-blocking, it returns
/// at once; blocking reads are then restored, so a pipe with a writer (`--key <(...)`) still
/// delivers everything, and one without reads as empty.
enum SafeOpen {
    /// A read-only descriptor for `path`, or -1 with `errno` set, as `open(2)`.
    static func readOnly(_ path: String) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return fd }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }
}
