import Foundation
import GitFacts

/// What a git object's signature turned out to be, checked against the policy's signers.
public enum SignatureVerdict: Sendable, Equatable {
    /// No signature block.
    case unsigned
    /// Signed, but the policy lists no signers, so nothing was checked.
    case notChecked
    /// A valid signature by an allowed signer: who (SSH principals or the OpenPGP user id) and which key.
    case good(signer: String, key: String)
    /// A signature by a key that is not (or not then) an allowed signer, or one release-audit
    /// cannot check; `key` names it as far as it is known.
    case unknownSigner(key: String, reason: String)
    /// A signature that does not verify, or one git refuses too (an expired or revoked key).
    case bad(String)

    public var isGood: Bool {
        if case .good = self { return true }
        return false
    }

    /// How `audit` and `inspect` name it: `signed (by NAME)`, `signed (unknown signer)`, ...
    public var label: String {
        switch self {
        case .unsigned: return "unsigned"
        case .notChecked: return "signed (not checked: no signers in the policy)"
        case .good(let signer, _): return "signed (by \(signer))"
        case .unknownSigner: return "signed (unknown signer)"
        case .bad: return "signed (bad signature)"
        }
    }

    /// One line: the label and why.
    public var detail: String {
        switch self {
        case .unsigned, .notChecked: return label
        case .good(let signer, let key): return "signed by \(signer) (key \(key))"
        case .unknownSigner(let key, let reason): return "signed by an unknown signer (key \(key)): \(reason)"
        case .bad(let reason): return "bad signature: \(reason)"
        }
    }
}

/// The policy's signers, loaded: SSH allowed-signers entries and OpenPGP public keys.
public struct GitSignerStore: Sendable {
    public var ssh: [AllowedSigner]
    /// Armoured (or binary) OpenPGP public keys, imported into a temporary keyring for gpg.
    public var openpgpKeys: [Data]
    /// When not empty, only signatures whose (primary or signing) key fingerprint is listed count.
    public var openpgpFingerprints: Set<String>

    public init(ssh: [AllowedSigner] = [], openpgpKeys: [Data] = [], openpgpFingerprints: Set<String> = []) {
        self.ssh = ssh
        self.openpgpKeys = openpgpKeys
        self.openpgpFingerprints = openpgpFingerprints
    }

    public var isEmpty: Bool { ssh.isEmpty && openpgpKeys.isEmpty }
}

/// Verifies tag and commit signatures the way git does, against a `GitSignerStore`.
public final class GitSignatureVerifier: @unchecked Sendable {
    public let signers: GitSignerStore
    /// The gpg program (`RELEASE_AUDIT_GPG`, else `gpg`), as git's `gpg.program` names it.
    let gpgProgram: String
    // The temporary keyring, made on the first OpenPGP signature (guarded: the verifier is shared).
    private let lock = NSLock()
    private var keyring: OpenPGPKeyring?

    public init(signers: GitSignerStore, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.signers = signers
        gpgProgram = environment["RELEASE_AUDIT_GPG"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpg"
    }

    deinit { keyring?.remove() }

    /// The verdict on an annotated tag's signature. A signed tag object under another ref name
    /// than its own (an RC's or an old release's signed tag re-used for this one) is bad: its
    /// signer never signed this name.
    ///
    /// - Throws: `InputProblem` when an OpenPGP signature needs gpg and gpg cannot be run.
    public func verify(tag: Tag) throws -> SignatureVerdict {
        let verdict = try verify(tag.signature, header: "tagger")
        if verdict != .unsigned, let own = tag.objectName, own != tag.name {
            return .bad("the signed tag object is named \(own), not \(tag.name): a signed tag re-used under another name")
        }
        return verdict
    }

    /// The verdict on a signature; `header` names the signer line (`tagger`, `committer`) whose
    /// date the SSH validity window is checked at, as git passes it to ssh-keygen.
    ///
    /// - Throws: `InputProblem` when an OpenPGP signature needs gpg and gpg cannot be run.
    public func verify(_ signature: ObjectSignature?, header: String) throws -> SignatureVerdict {
        guard let signature else { return .unsigned }
        if signers.isEmpty { return .notChecked }
        let armor = signature.signature
        if armor.hasPrefix("-----BEGIN SSH SIGNATURE-----") {
            // No date that git reads (none, 0, or not "SECONDS +ZONE"): git checks at the current time.
            let time = Self.payloadTimestamp(signature.signedData, header: header) ?? Date()
            return verifySSH(armor, data: signature.signedData, at: time)
        }
        if armor.hasPrefix("-----BEGIN PGP SIGNATURE-----") || armor.hasPrefix("-----BEGIN PGP MESSAGE-----") {
            guard !signers.openpgpKeys.isEmpty else {
                return .unknownSigner(key: "OpenPGP", reason: "the policy lists no OpenPGP signers")
            }
            return try openpgp().verify(signature: armor, data: signature.signedData, pinned: signers.openpgpFingerprints)
        }
        return .unknownSigner(key: "X.509", reason: "X.509 (gpgsm) signatures are not verified by release-audit")
    }

    /// The signer's date as git reads it for `-Overify-time` (`parse_payload_metadata` and
    /// `split_ident_line`): the first `HEADER` line of the object's headers, the digits after its
    /// last `>`, which must be followed by a `+` or `-` zone; a date of 0 counts as none.
    static func payloadTimestamp(_ object: Data, header: String) -> Date? {
        let bytes = [UInt8](object)
        let end = bytes.indices.dropLast().first { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }.map { $0 + 1 } ?? bytes.count
        let prefix = Array((header + " ").utf8)
        var start = 0
        var line: ArraySlice<UInt8>?
        while start < end {
            let stop = bytes[start..<end].firstIndex(of: 0x0A) ?? end
            if bytes[start..<stop].starts(with: prefix) { line = bytes[(start + prefix.count)..<stop]; break }
            start = stop + 1
        }
        guard let line, let open = line.firstIndex(of: UInt8(ascii: "<")),
              line[open...].contains(UInt8(ascii: ">")), let close = line.lastIndex(of: UInt8(ascii: ">")) else { return nil }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C }
        var i = line.index(after: close)
        while i < line.endIndex, isSpace(line[i]) { i += 1 }
        let digitsStart = i
        while i < line.endIndex, (0x30...0x39).contains(line[i]) { i += 1 }
        guard i > digitsStart, let seconds = UInt64(String(decoding: line[digitsStart..<i], as: UTF8.self)) else { return nil }
        while i < line.endIndex, isSpace(line[i]) { i += 1 }
        guard i < line.endIndex, line[i] == UInt8(ascii: "+") || line[i] == UInt8(ascii: "-"),
              line.index(after: i) < line.endIndex, (0x30...0x39).contains(line[line.index(after: i)]) else { return nil }
        guard seconds > 0, seconds < UInt64(Int64.max / 2) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    func verifySSH(_ armor: String, data: Data, at time: Date) -> SignatureVerdict {
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: armor)
        } catch {
            return .bad("the SSH signature does not parse (\(error))")
        }
        let key = signature.publicKey
        // git verifies with `ssh-keygen -Y verify -n git`: another namespace is a bad signature.
        guard signature.namespace == "git" else { return .bad("the SSH signature is for namespace \"\(signature.namespace)\", not \"git\"") }
        do {
            guard try signature.isValid(for: data) else { return .bad("the SSH signature by key \(key.fingerprint) does not verify") }
        } catch {
            return .unknownSigner(key: key.fingerprint, reason: error.description)
        }
        let entries = signers.ssh.filter { $0.key == key }
        guard !entries.isEmpty else {
            return .unknownSigner(key: key.fingerprint, reason: signers.ssh.isEmpty ? "the policy lists no SSH signers" : "no allowed signer of the policy has this key")
        }
        var refusals: [String] = []
        for entry in entries {
            if let refusal = entry.refusal(namespace: "git", at: time) { refusals.append(refusal) } else {
                return .good(signer: entry.principals, key: key.fingerprint)
            }
        }
        return .unknownSigner(key: key.fingerprint, reason: refusals.joined(separator: "; "))
    }

    private func openpgp() throws -> OpenPGPKeyring {
        lock.lock()
        defer { lock.unlock() }
        if let keyring { return keyring }
        let made = try OpenPGPKeyring(program: gpgProgram, keys: signers.openpgpKeys)
        keyring = made
        return made
    }
}
