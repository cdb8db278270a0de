import Crypto
import Foundation
import SwiftASN1
import X509

/// What a verified bundle proves: who signed (the certificate's identity), when (the log's
/// integrated time), where it was logged, and the verified payload.
public struct KeylessSignature: Sendable {
    public var identity: FulcioIdentity
    /// The Rekor entry's integrated time: the time the signature is judged at.
    public var signedAt: Date
    public var logIndex: Int64
    /// The log's base URL, from the trusted root.
    public var log: String
    /// Whether an inclusion proof up to a signed checkpoint was verified (else only the promise).
    public var inclusionProofVerified: Bool
    /// SHA-256 (hex) of the leaf certificate's DER.
    public var certificateSHA256: String
}

/// Verifies Sigstore bundles offline against a trusted root, fail-closed: every piece that is
/// missing or inconsistent is an error, never skipped.
///
/// Checked, in order: the leaf certificate chains to a Fulcio CA of the root at the Rekor
/// entry's integrated time (RFC 5280 path validation with swift-certificates; the CA's and every
/// certificate's validity window; code-signing EKU on a non-CA leaf); the DSSE signature with the
/// leaf's key; the entry's signed entry timestamp with the log's key; the inclusion proof (when
/// present) up to the root hash of a checkpoint that the same log key signed; and that the
/// entry's body is about this envelope and this certificate. RFC 3161 timestamps are not verified:
/// a bundle needs a Rekor entry.
public enum SigstoreBundleVerifier {
    /// Verifies a bundle; returns what it proves, or throws `SigstoreError` saying what failed.
    public static func verify(_ bundle: SigstoreBundle, root: SigstoreTrustedRoot, now: Date = Date()) throws(SigstoreError) -> KeylessSignature {
        guard let leaf = bundle.certificates.first else { throw .malformed("bundle: no certificate") }
        guard !bundle.entries.isEmpty else {
            throw .invalid("the bundle has no transparency log entry: its signature time cannot be trusted (signed timestamps alone are not verified by release-audit)")
        }
        guard bundle.entries.count == 1 else { throw .invalid("the bundle has \(bundle.entries.count) transparency log entries; exactly one is expected") }
        let entry = bundle.entries[0]
        let signedAt = Date(timeIntervalSince1970: TimeInterval(entry.integratedTime))
        // A log does not integrate entries in the future: one that says so is not believed.
        guard signedAt <= now.addingTimeInterval(300) else {
            throw .invalid("the log entry's integrated time \(iso(signedAt)) is in the future")
        }

        // 1. The log entry: a key of the trusted root, its promise, its proof, its body.
        guard let log = root.logs.first(where: { $0.keyID == entry.logID }) else {
            throw .invalid("the bundle was logged by a transparency log the trusted root does not list (log id \(entry.logID.base64EncodedString()))")
        }
        guard log.isValid(at: signedAt) else { throw .invalid("the log key of \(log.baseURL) was not valid at the entry's integrated time \(iso(signedAt))") }
        guard let set = entry.signedEntryTimestamp else {
            throw .invalid("the log entry has no signed entry timestamp (inclusion promise)")
        }
        let promised = signedEntryTimestampPayload(entry)
        guard log.key.isValidSignature(set, for: promised) else {
            throw .invalid("the signed entry timestamp does not verify with the key of \(log.baseURL)")
        }
        var proofVerified = false
        if let proof = entry.inclusionProof {
            try verifyInclusion(proof, body: entry.canonicalizedBody)
            guard let checkpoint = proof.checkpoint else { throw .invalid("the inclusion proof has no checkpoint") }
            try verifyCheckpoint(checkpoint, log: log, treeSize: proof.treeSize, rootHash: proof.rootHash)
            proofVerified = true
        }

        // 2. The certificate chain at the integrated time.
        let candidates = root.authorities.filter { $0.isValid(at: signedAt) }
        guard !candidates.isEmpty else { throw .invalid("no certificate authority of the trusted root was valid at \(iso(signedAt))") }
        try validateChain(leaf: leaf, extra: Array(bundle.certificates.dropFirst()), authorities: candidates, at: signedAt)

        // 3. The DSSE signature with the leaf's key.
        let key: PublicKey
        do {
            key = try PublicKey(pem: leaf.publicKey.serializeAsPEM().pemString)
        } catch {
            throw .invalid("the certificate's key is not one release-audit verifies (\(error))")
        }
        let envelope = bundle.envelope
        let pae = PAE.encode(payloadType: envelope.payloadType, payload: envelope.payload)
        guard key.isValidSignature(envelope.signatures[0].sig, for: pae) else {
            throw .invalid("the DSSE signature does not verify with the certificate's key")
        }

        // 4. The logged body is about this envelope and this certificate.
        try checkBody(entry, envelope: envelope, leafDER: bundle.leafDER)

        return KeylessSignature(identity: try FulcioIdentity(certificate: leaf), signedAt: signedAt, logIndex: entry.logIndex,
                                log: log.baseURL, inclusionProofVerified: proofVerified,
                                certificateSHA256: SHA256.hash(data: bundle.leafDER).map { String(format: "%02x", $0) }.joined())
    }

    /// The canonical JSON (RFC 8785) a signed entry timestamp signs.
    static func signedEntryTimestampPayload(_ entry: SigstoreBundle.LogEntry) -> Data {
        let logID = entry.logID.map { String(format: "%02x", $0) }.joined()
        return Data(#"{"body":"\#(entry.canonicalizedBody.base64EncodedString())","integratedTime":\#(entry.integratedTime),"logID":"\#(logID)","logIndex":\#(entry.logIndex)}"#.utf8)
    }

    // MARK: Merkle inclusion (RFC 9162, 2.1.3.2)

    static func leafHash(_ data: Data) -> Data { Data(SHA256.hash(data: Data([0]) + data)) }
    static func nodeHash(_ left: Data, _ right: Data) -> Data { Data(SHA256.hash(data: Data([1]) + left + right)) }

    /// Verifies that the body is leaf `logIndex` of a tree of `treeSize` with root `rootHash`.
    static func verifyInclusion(_ proof: SigstoreBundle.InclusionProof, body: Data) throws(SigstoreError) {
        guard proof.logIndex < proof.treeSize else { throw .invalid("the inclusion proof's index \(proof.logIndex) is not inside its tree of size \(proof.treeSize)") }
        guard proof.rootHash.count == 32, proof.hashes.allSatisfy({ $0.count == 32 }) else {
            throw .invalid("the inclusion proof has hashes that are not SHA-256 sized")
        }
        var fn = UInt64(proof.logIndex), sn = UInt64(proof.treeSize - 1)
        var r = leafHash(body)
        for p in proof.hashes {
            if sn == 0 { throw .invalid("the inclusion proof has more hashes than its tree needs") }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        guard sn == 0 else { throw .invalid("the inclusion proof has fewer hashes than its tree needs") }
        guard r == proof.rootHash else { throw .invalid("the inclusion proof does not reach its root hash") }
    }

    // MARK: Checkpoint (a signed note)

    /// Verifies a checkpoint: signed by the log's key under the log's name (key hint = the log
    /// id's first 4 bytes),
    /// its origin on the log's host, and for this tree size and root hash.
    static func verifyCheckpoint(_ text: String, log: SigstoreTrustedRoot.TransparencyLog, treeSize: Int64, rootHash: Data) throws(SigstoreError) {
        guard let split = text.range(of: "\n\n") else { throw .invalid("the checkpoint is not a signed note") }
        let body = String(text[..<split.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3 else { throw .invalid("the checkpoint has no origin, size and root hash") }
        let origin = String(lines[lines.startIndex])
        guard origin == log.host || origin.hasPrefix(log.host + " - ") else {
            throw .invalid("the checkpoint's origin '\(origin)' is not the log \(log.host)")
        }
        guard Int64(lines[lines.startIndex + 1]) == treeSize else { throw .invalid("the checkpoint is for another tree size than the inclusion proof") }
        guard Data(base64Encoded: String(lines[lines.startIndex + 2])) == rootHash else {
            throw .invalid("the checkpoint's root hash is not the inclusion proof's")
        }
        let signatures = text[split.upperBound...].split(separator: "\n")
        let hint = log.keyID.prefix(4)
        for line in signatures {
            // "— NAME BASE64(keyhint[4] || signature)"
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "\u{2014}", fields[1] == log.host, let raw = Data(base64Encoded: String(fields[2])), raw.count > 4 else { continue }
            if raw.prefix(4) == hint, log.key.isValidSignature(Data(raw.dropFirst(4)), for: Data(body.utf8)) { return }
        }
        throw .invalid("the checkpoint is not signed by the key of \(log.baseURL)")
    }

    // MARK: The logged body

    static func checkBody(_ entry: SigstoreBundle.LogEntry, envelope: DSSEEnvelope, leafDER: Data) throws(SigstoreError) {
        guard let body = try? StrictJSON.parse(entry.canonicalizedBody) else { throw .invalid("the log entry's body is not JSON") }
        guard body["kind"]?.stringValue == entry.kind, body["apiVersion"]?.stringValue == entry.version else {
            throw .invalid("the log entry's body is of another kind or version than the entry says")
        }
        let payloadHash = SHA256.hash(data: envelope.payload).map { String(format: "%02x", $0) }.joined()
        let sig = envelope.signatures[0].sig
        func isLeaf(_ base64PEM: String?) -> Bool {
            guard let base64PEM, let pemData = Data(base64Encoded: base64PEM),
                  let pem = String(data: pemData, encoding: .utf8),
                  let cert = try? Certificate(pemEncoded: pem) else { return false }
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(cert)) != nil else { return false }
            return Data(serializer.serializedBytes) == leafDER
        }
        switch (entry.kind, entry.version) {
        case ("intoto", "0.0.2"):
            let content = body["spec"]?["content"]
            guard content?["payloadHash"]?["algorithm"]?.stringValue == "sha256",
                  content?["payloadHash"]?["value"]?.stringValue == payloadHash else {
                throw .invalid("the log entry is about another payload (payload hash differs)")
            }
            let logged = content?["envelope"]
            guard logged?["payloadType"]?.stringValue == envelope.payloadType else {
                throw .invalid("the log entry is about an envelope of another payload type")
            }
            guard let sigs = logged?["signatures"]?.arrayValue, sigs.count == 1 else {
                throw .invalid("the log entry does not hold exactly one signature")
            }
            // intoto v0.0.2 stores the envelope's base64 signature base64-encoded once more.
            guard let outer = sigs[0]["sig"]?.stringValue, let inner = Data(base64Encoded: outer),
                  let innerText = String(data: inner, encoding: .utf8), Data(base64Encoded: innerText) == sig else {
                throw .invalid("the log entry is about another signature")
            }
            guard isLeaf(sigs[0]["publicKey"]?.stringValue) else { throw .invalid("the log entry is about another certificate") }
        case ("dsse", "0.0.1"):
            let spec = body["spec"]
            guard spec?["payloadHash"]?["algorithm"]?.stringValue == "sha256",
                  spec?["payloadHash"]?["value"]?.stringValue == payloadHash else {
                throw .invalid("the log entry is about another payload (payload hash differs)")
            }
            guard let sigs = spec?["signatures"]?.arrayValue, sigs.count == 1,
                  let logged = sigs[0]["signature"]?.stringValue, Data(base64Encoded: logged) == sig else {
                throw .invalid("the log entry is about another signature")
            }
            guard isLeaf(sigs[0]["verifier"]?.stringValue) else { throw .invalid("the log entry is about another certificate") }
        default:
            throw .invalid("the log entry is of kind \(entry.kind) \(entry.version); only dsse 0.0.1 and intoto 0.0.2 are read")
        }
    }

    // MARK: The certificate chain

    /// Path validation to one of the CAs at `time`: each certificate's issuer is the next one of
    /// the CA's chain (names equal, signature verified with swift-certificates), every certificate
    /// is inside its validity window, every issuer is a CA, the root is self-signed, and the leaf
    /// is a code-signing, non-CA certificate with no critical extension left unhandled.
    ///
    /// Only the trusted root's chains are used as issuers; certificates a bundle carries beyond its
    /// leaf are ignored (never trusted), so a self-signed, duplicated or reordered chain cannot help.
    /// (swift-certificates' `Verifier` is async; this core is synchronous, and Fulcio paths are
    /// fixed, short chains.)
    static func validateChain(leaf: Certificate, extra: [Certificate], authorities: [SigstoreTrustedRoot.CertificateAuthority], at time: Date) throws(SigstoreError) {
        try checkLeaf(leaf)
        guard leaf.notValidBefore <= time, time <= leaf.notValidAfter else {
            throw .invalid("the signing certificate was not valid at the log entry's integrated time \(iso(time)) (valid \(iso(leaf.notValidBefore)) to \(iso(leaf.notValidAfter)))")
        }
        var reasons: [String] = []
        for authority in authorities {
            if let reason = pathProblem(leaf: leaf, chain: authority.chain, at: time) { reasons.append(reason); continue }
            // Certificates the bundle carries are never issuers; still, a chain that is not the
            // CA's own (duplicated, reordered, other certificates) is a sign of tampering.
            guard extra == Array(authority.chain.prefix(extra.count)) else {
                throw .invalid("the bundle's certificate chain is not the CA's chain (\(authority.uri)): certificates are duplicated, reordered or foreign")
            }
            return
        }
        throw .invalid("the certificate does not chain to a Fulcio CA of the trusted root at \(iso(time))"
                       + (reasons.first.map { ": \($0)" } ?? ""))
    }

    static func pathProblem(leaf: Certificate, chain: [Certificate], at time: Date) -> String? {
        var current = leaf
        for (depth, issuer) in chain.enumerated() {
            guard current.issuer == issuer.subject else { return "its issuer is not \(issuer.subject)" }
            guard issuer.publicKey.isValidSignature(current.signature, for: current) else {
                return "the signature of \(depth == 0 ? "the signing certificate" : "\(current.subject)") does not verify with \(issuer.subject)"
            }
            guard issuer.notValidBefore <= time, time <= issuer.notValidAfter else { return "\(issuer.subject) was not valid at \(iso(time))" }
            guard case .isCertificateAuthority(let maxPath)? = try? issuer.extensions.basicConstraints else {
                return "\(issuer.subject) is not a CA certificate"
            }
            if let maxPath, depth > maxPath { return "\(issuer.subject) allows a shorter path" }
            current = issuer
        }
        guard let root = chain.last, root.issuer == root.subject, root.publicKey.isValidSignature(root.signature, for: root) else {
            return "the CA's chain does not end in a self-signed root"
        }
        return nil
    }

    /// The leaf rules of a code-signing certificate.
    static func checkLeaf(_ leaf: Certificate) throws(SigstoreError) {
        if case .isCertificateAuthority? = try? leaf.extensions.basicConstraints {
            throw .invalid("the signing certificate is a CA certificate")
        }
        guard let usage = try? leaf.extensions.extendedKeyUsage, usage.contains(.codeSigning) else {
            throw .invalid("the signing certificate has no code-signing extended key usage")
        }
        guard let names = try? leaf.extensions.subjectAlternativeNames, !names.isEmpty else {
            throw .invalid("the signing certificate has no subject alternative name")
        }
        let handled: Set<ASN1ObjectIdentifier> = [
            .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage,
            .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
        ]
        if let unhandled = leaf.extensions.first(where: { $0.critical && !handled.contains($0.oid) }) {
            throw .invalid("the signing certificate has a critical extension release-audit does not handle (\(unhandled.oid))")
        }
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

