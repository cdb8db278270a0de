import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GitFacts

/// One DSSE envelope as read from a file, a bundle line or a git note, with the exact bytes read.
public struct LoadedEnvelope: Sendable {
    /// Where it came from: a file path, `path#line`, or `notes:<commit>#line`.
    public var source: String
    /// The exact bytes of the envelope as read (what `sha256` is computed over).
    public var bytes: Data
    /// Lowercase hex SHA-256 of `bytes`: how reports name their inputs.
    public var sha256: String
    public var envelope: DSSEEnvelope
    /// The Sigstore bundle the envelope came in, when it came in one with a Fulcio certificate:
    /// it is then verified keylessly for roles that trust identities.
    public var bundle: SigstoreBundle? = nil
    /// Why a Sigstore bundle with a certificate could not be read as one (then only its envelope is).
    public var bundleProblem: String? = nil
}

/// Reads evidence envelopes from files (single envelopes and `.intoto.jsonl` bundles) and git notes.
public enum EvidenceSource {
    /// The largest evidence file read; larger files are refused before they are read whole.
    public static let maxFileSize = 16 * 1024 * 1024

    /// Reads every envelope in a file: one JSON envelope, or one envelope per line (a JSON Lines bundle).
    ///
    /// - Throws: `EvidenceError` when the file is missing, too large, or holds no readable DSSE envelope.
    public static func load(path: String) throws -> [LoadedEnvelope] {
        let data = try readBounded(path: path)
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw EvidenceError.unreadable(source: path, reason: "the file is empty")
        }
        // A single (possibly pretty-printed) envelope parses whole; otherwise read it as JSON Lines.
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
        if lines.filter({ !isBlank($0) }).count <= 1 {
            do {
                return [try loaded(source: path, bytes: data)]
            } catch {
                throw EvidenceError.unreadable(source: path, reason: String(describing: error))
            }
        }
        if let whole = try? loaded(source: path, bytes: data) { return [whole] }
        return try parseLines(lines, source: path)
    }

    /// Reads one DSSE envelope, or the `dsseEnvelope` of a Sigstore bundle (as GitHub's
    /// attest-build-provenance writes them).
    public static func envelope(from data: Data) throws -> DSSEEnvelope {
        try parse(data).envelope
    }

    /// Reads one DSSE envelope, or a Sigstore bundle and its envelope. A bundle that does not
    /// parse as a keyless one (signed with a public key, say) is returned as its envelope alone.
    static func parse(_ data: Data) throws -> (envelope: DSSEEnvelope, bundle: SigstoreBundle?, bundleProblem: String?) {
        guard data.count <= DSSEEnvelope.maxEnvelopeSize else {
            throw EnvelopeError.tooLarge(size: data.count, limit: DSSEEnvelope.maxEnvelopeSize)
        }
        let value: JSONValue
        do {
            value = try StrictJSON.parse(data)
        } catch {
            throw EnvelopeError.notJSON(String(describing: error))
        }
        if value["payload"] == nil, let inner = value["dsseEnvelope"] {
            let envelope = try DSSEEnvelope(json: inner)
            do {
                return (envelope, try SigstoreBundle(json: value), nil)
            } catch {
                let material = value["verificationMaterial"]
                let keyless = material?["certificate"] != nil || material?["x509CertificateChain"] != nil
                return (envelope, nil, keyless ? error.description : nil)
            }
        }
        return (try DSSEEnvelope(json: value), nil, nil)
    }

    static func loaded(source: String, bytes: Data) throws -> LoadedEnvelope {
        let parsed = try parse(bytes)
        return LoadedEnvelope(source: source, bytes: bytes, sha256: sha256Hex(bytes), envelope: parsed.envelope,
                              bundle: parsed.bundle, bundleProblem: parsed.bundleProblem)
    }

    /// Reads the envelopes stored (one per line) in a git note on a commit; any unreadable line is an error.
    public static func load(notes repo: Repository, commit: ObjectID) throws -> [LoadedEnvelope] {
        guard let note = try repo.note(on: commit) else { return [] }
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false).map { Data($0.utf8) }
        return try parseLines(lines, source: "notes:\(commit.hex)")
    }

    /// The evidence in a git note, read leniently: what the gate works with.
    public struct NoteEvidence: Sendable {
        /// Every line that is a DSSE envelope and not an audit report.
        public var envelopes: [LoadedEnvelope] = []
        /// Lines that are not envelopes at all, with why: they can never be evidence, so they are
        /// skipped (and reported) instead of blocking every later gate.
        public var unreadable: [(source: String, reason: String)] = []
    }

    /// Reads every line of the note on a commit (the whole note, NUL bytes and all): envelopes are
    /// returned, audit reports kept in the same note are left out, and unreadable lines are listed.
    public static func readNote(_ repo: Repository, commit: ObjectID) throws -> NoteEvidence {
        var result = NoteEvidence()
        guard let note = try repo.note(on: commit) else { return result }
        for (index, line) in note.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var bytes = Data(line.utf8)
            if bytes.last == 0x0D { bytes.removeLast() }
            if isBlank(bytes) { continue }
            let source = "notes:\(commit.hex)#\(index + 1)"
            do {
                let entry = try loaded(source: source, bytes: bytes)
                let envelope = entry.envelope
                // A gate's own report stored beside the evidence is not evidence.
                if envelope.payloadType == DSSEEnvelope.inTotoPayloadType,
                   (try? Statement.parse(envelope.payload))?.predicateType == AuditReport.predicateType { continue }
                result.envelopes.append(entry)
            } catch {
                result.unreadable.append((source, String(describing: error)))
            }
        }
        return result
    }

    /// Parses JSON Lines: every non-blank line must be an envelope (a bad line is an error, naming the line).
    static func parseLines(_ lines: [Data], source: String) throws -> [LoadedEnvelope] {
        var result: [LoadedEnvelope] = []
        for (index, line) in lines.enumerated() where !isBlank(line) {
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            do {
                result.append(try loaded(source: "\(source)#\(index + 1)", bytes: Data(trimmed)))
            } catch {
                throw EvidenceError.unreadable(source: "\(source) line \(index + 1)", reason: String(describing: error))
            }
        }
        if result.isEmpty { throw EvidenceError.unreadable(source: source, reason: "no DSSE envelope in it") }
        return result
    }

    /// Reads a regular file, refusing it before reading when it is larger than `maxFileSize`.
    ///
    /// A FIFO, a device or `/proc/self/fd/1` (through a symbolic link, say, committed into a reports
    /// directory) is refused without blocking: it is opened non-blocking and checked with fstat.
    public static func readBounded(path: String, limit: Int = maxFileSize) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvidenceError.missing(path: path)
        }
        // A directory opens as a file handle on Linux and only fails on read: refuse it first.
        if isDirectory.boolValue { throw EvidenceError.unreadable(source: path, reason: "it is a directory") }
        let fd = SafeOpen.readOnly(path)
        guard fd >= 0 else {
            throw EvidenceError.unreadable(source: path, reason: errno == EACCES ? "permission denied" : String(cString: strerror(errno)))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw EvidenceError.unreadable(source: path, reason: "not a regular file (a pipe, device or socket)")
        }
        if Int(info.st_size) > limit {
            throw EvidenceError.unreadable(source: path, reason: "larger than the \(limit / (1024 * 1024)) MiB limit")
        }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw EvidenceError.unreadable(source: path, reason: "cannot read it (\(error.localizedDescription))")
        }
        if data.count > limit {
            throw EvidenceError.unreadable(source: path, reason: "larger than the \(limit / (1024 * 1024)) MiB limit")
        }
        return data
    }

    static func isBlank(_ line: Data) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}

/// Errors reading evidence: the command's input is unusable (exit 2).
public enum EvidenceError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(source: String, reason: String)
    /// The envelope verified, but the statement it signs is not one release-audit can read.
    case malformedStatement(source: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): return "evidence file not found: \(path)"
        case .unreadable(let source, let reason): return "\(source) is not a readable DSSE envelope: \(reason)"
        case .malformedStatement(let source, let reason): return "\(source): the signed statement is malformed: \(reason)"
        }
    }
}
