import Foundation
internal import CLibgit2

/// A loose ref file, read as git's files backend reads it (`files_read_raw_ref`), not as libgit2
/// does. Where they differ, git is what builds the release:
///
/// - a symbolic link whose text is a ref name (`refs/...`) is a symbolic ref to that name; git
///   does not follow it on disk (libgit2 does, and can land on another file);
/// - a symbolic link whose text is not a ref name is followed; when it dangles there is no such
///   ref, and the packed record of the name does not count;
/// - `ref:` then optional whitespace, not only `ref: `, makes a symbolic ref;
/// - a directory is no ref: the packed record of the name counts.
///
/// Nothing but a regular file is ever opened: a FIFO there is a broken ref, not a hang.
enum LooseRef: Equatable {
    /// No loose file: the packed record of the name, if any, is the ref.
    case missing
    /// No such ref, whatever packed-refs says (a dangling symbolic link).
    case absent
    case direct(ObjectID)
    /// A symbolic ref to this name (not checked yet).
    case symbolic([UInt8])
    /// A file that is not a ref (git: "broken ref").
    case broken

    /// The most a loose ref file is read: a symbolic ref to a long name fits many times over.
    static let maxBytes = 64 * 1024

    static func at(path: [UInt8]) -> LooseRef {
        let cPath = (path + [0]).map { CChar(bitPattern: $0) }
        var status = stat()
        guard lstat(cPath, &status) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .broken }
        if status.st_mode & S_IFMT == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(cPath, &buffer, buffer.count - 1)
            guard count >= 0 else { return .broken }
            let text = buffer[0..<count].map { UInt8(bitPattern: $0) }
            if text.starts(with: Array("refs/".utf8)) && Repository.isValidReferenceName(text) { return .symbolic(text) }
            guard stat(cPath, &status) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .absent : .broken }
            // git checks for a directory on what lstat said (a link), then fails to read it.
            if status.st_mode & S_IFMT == S_IFDIR { return .broken }
        } else if status.st_mode & S_IFMT == S_IFDIR {
            return .missing
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return .broken }
        let fd = open(cPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .broken }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: maxBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return .broken }
            if n == 0 { break }
            count += n
        }
        guard count <= maxBytes else { return .broken }
        return parse(Array(bytes[0..<count]))
    }

    /// The contents as git's `parse_loose_ref_contents` reads them, trailing whitespace trimmed.
    static func parse(_ contents: [UInt8]) -> LooseRef {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        var text = contents[...]
        while let last = text.last, isSpace(last) { text = text.dropLast() }
        if text.starts(with: Array("ref:".utf8)) {
            return .symbolic(Array(text.dropFirst(4).drop(while: isSpace)))
        }
        guard text.count >= 40, let id = try? ObjectID(hex: String(decoding: text.prefix(40), as: UTF8.self)) else { return .broken }
        if text.count > 40 && !isSpace(text[text.startIndex + 40]) { return .broken }
        return .direct(id)
    }
}

extension Repository {
    /// Whether git accepts this as a full ref name (`git check-ref-format`, libgit2's rules).
    static func isValidReferenceName(_ name: [UInt8]) -> Bool {
        guard !name.contains(0) else { return false }
        var valid: Int32 = 0
        let cName = (name + [0]).map { CChar(bitPattern: $0) }
        return git_reference_name_is_valid(&valid, cName) == 0 && valid == 1
    }

    /// Follows a loose ref (and the symbolic refs it names, five deep as git does) to an object id:
    /// nil when it dangles or is broken.
    func resolve(_ loose: LooseRef, depth: Int = 0) throws -> ObjectID? {
        switch loose {
        case .direct(let id): return id
        case .missing, .absent, .broken: return nil
        case .symbolic(let target):
            guard depth < 5, Self.isValidReferenceName(target), target.starts(with: Array("refs/".utf8)) else { return nil }
            return try storedReference(bytes: target, depth: depth + 1)
        }
    }

    /// A full ref name under `refs/` read as git reads it: its loose file (see `LooseRef`), else its
    /// packed-refs record. Symbolic refs are followed.
    func storedReference(bytes name: [UInt8], depth: Int = 0) throws -> ObjectID? {
        guard Self.isValidReferenceName(name) else { return nil }
        let loose = LooseRef.at(path: refsRoot + name)
        if loose == .missing { return try packedRefs().target(ofName: name) }
        return try resolve(loose, depth: depth)
    }
}
