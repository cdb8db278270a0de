import Foundation
import SwiftASN1
import X509

/// A Sigstore bundle (media types v0.1, v0.2 and v0.3) holding a DSSE envelope, as
/// `actions/attest-build-provenance` and `actions/attest` write them. Parsing does not verify:
/// `SigstoreBundleVerifier` does.
public struct SigstoreBundle: Sendable {
    /// One Rekor entry of `verificationMaterial.tlogEntries`.
    public struct LogEntry: Sendable {
        public var logIndex: Int64
        public var logID: Data
        public var kind: String
        public var version: String
        public var integratedTime: Int64
        /// `inclusionPromise.signedEntryTimestamp`, nil when absent.
        public var signedEntryTimestamp: Data?
        public var inclusionProof: InclusionProof?
        /// The exact body the log holds (decoded from base64).
        public var canonicalizedBody: Data
    }

    /// A Merkle inclusion proof with the checkpoint the log signed.
    public struct InclusionProof: Sendable {
        public var logIndex: Int64
        public var rootHash: Data
        public var treeSize: Int64
        public var hashes: [Data]
        /// The signed note text (`checkpoint.envelope`).
        public var checkpoint: String?
    }

    public var mediaType: String
    /// The signing certificate (first) and any intermediates the bundle carries.
    public var certificates: [Certificate]
    /// The DER of `certificates[0]`, as carried in the bundle.
    public var leafDER: Data
    public var entries: [LogEntry]
    /// Whether `timestampVerificationData` holds RFC 3161 timestamps (not verified here).
    public var hasTimestamps: Bool
    public var envelope: DSSEEnvelope

    /// The media types read.
    public static let mediaTypes = [
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
    ]

    /// Whether a parsed JSON document looks like a Sigstore bundle (it has verification material).
    public static func isBundle(_ json: JSONValue) -> Bool {
        json["verificationMaterial"] != nil || (json["mediaType"]?.stringValue?.hasPrefix("application/vnd.dev.sigstore.bundle") ?? false)
    }

    /// A bundle from its parts (tests build their own).
    init(mediaType: String, certificates: [Certificate], leafDER: Data, entries: [LogEntry], hasTimestamps: Bool, envelope: DSSEEnvelope) {
        self.mediaType = mediaType
        self.certificates = certificates
        self.leafDER = leafDER
        self.entries = entries
        self.hasTimestamps = hasTimestamps
        self.envelope = envelope
    }

    /// Parses a bundle; every field verification needs must be present and well formed.
    public init(json: JSONValue) throws(SigstoreError) {
        guard let mediaType = json["mediaType"]?.stringValue, Self.mediaTypes.contains(mediaType) else {
            throw .malformed("bundle: mediaType '\(json["mediaType"]?.stringValue ?? "")' is not a Sigstore bundle v0.1, v0.2 or v0.3")
        }
        self.mediaType = mediaType
        guard let material = json["verificationMaterial"] else { throw .malformed("bundle: no verificationMaterial") }
        if let single = material["certificate"] {
            certificates = [try Self.certificate(single["rawBytes"], what: "bundle certificate")]
            leafDER = Data(base64Encoded: single["rawBytes"]?.stringValue ?? "") ?? Data()
        } else if let chain = material["x509CertificateChain"]?["certificates"]?.arrayValue, !chain.isEmpty {
            var parsed: [Certificate] = []
            for cert in chain { parsed.append(try Self.certificate(cert["rawBytes"], what: "bundle certificate")) }
            certificates = parsed
            leafDER = Data(base64Encoded: chain[0]["rawBytes"]?.stringValue ?? "") ?? Data()
        } else if material["publicKey"] != nil {
            throw .malformed("bundle: signed with a public key, not a Fulcio certificate: verify it with --trusted-key instead")
        } else {
            throw .malformed("bundle: verificationMaterial has no certificate")
        }
        var entries: [LogEntry] = []
        for entry in material["tlogEntries"]?.arrayValue ?? [] { entries.append(try Self.entry(entry)) }
        self.entries = entries
        hasTimestamps = !(material["timestampVerificationData"]?["rfc3161Timestamps"]?.arrayValue ?? []).isEmpty
        guard let envelopeJSON = json["dsseEnvelope"] else {
            throw .malformed("bundle: no dsseEnvelope (a message-signature bundle is not evidence)")
        }
        do {
            envelope = try DSSEEnvelope(json: envelopeJSON)
        } catch {
            throw .malformed("bundle: dsseEnvelope: \(error)")
        }
        guard envelope.signatures.count == 1 else {
            throw .malformed("bundle: the DSSE envelope must carry exactly one signature, it has \(envelope.signatures.count)")
        }
    }

    static func entry(_ json: JSONValue) throws(SigstoreError) -> LogEntry {
        func int(_ value: JSONValue?, _ name: String) throws(SigstoreError) -> Int64 {
            // protobuf JSON writes int64 as a string; accept a plain number as well.
            let text: String?
            switch value {
            case .string(let s)?: text = s
            case .number(let n)?: text = n
            default: text = nil
            }
            guard let text, let n = Int64(text), n >= 0 else { throw .malformed("bundle: tlog entry \(name) is missing or not a non-negative integer") }
            return n
        }
        func bytes(_ value: JSONValue?, _ name: String) throws(SigstoreError) -> Data {
            guard let text = value?.stringValue, let data = Data(base64Encoded: text) else {
                throw .malformed("bundle: tlog entry \(name) is missing or not base64")
            }
            return data
        }
        guard let kind = json["kindVersion"]?["kind"]?.stringValue, let version = json["kindVersion"]?["version"]?.stringValue else {
            throw .malformed("bundle: tlog entry has no kindVersion")
        }
        var proof: InclusionProof?
        if let p = json["inclusionProof"] {
            var hashes: [Data] = []
            for h in p["hashes"]?.arrayValue ?? [] { hashes.append(try bytes(h, "inclusionProof.hashes")) }
            proof = InclusionProof(logIndex: try int(p["logIndex"], "inclusionProof.logIndex"),
                                   rootHash: try bytes(p["rootHash"], "inclusionProof.rootHash"),
                                   treeSize: try int(p["treeSize"], "inclusionProof.treeSize"),
                                   hashes: hashes, checkpoint: p["checkpoint"]?["envelope"]?.stringValue)
        }
        return LogEntry(logIndex: try int(json["logIndex"], "logIndex"),
                        logID: try bytes(json["logId"]?["keyId"], "logId.keyId"),
                        kind: kind, version: version,
                        integratedTime: try int(json["integratedTime"], "integratedTime"),
                        signedEntryTimestamp: try json["inclusionPromise"].map { v throws(SigstoreError) in try bytes(v["signedEntryTimestamp"], "inclusionPromise.signedEntryTimestamp") },
                        inclusionProof: proof,
                        canonicalizedBody: try bytes(json["canonicalizedBody"], "canonicalizedBody"))
    }

    /// Parses one base64 DER certificate.
    static func certificate(_ value: JSONValue?, what: String) throws(SigstoreError) -> Certificate {
        guard let text = value?.stringValue, let der = Data(base64Encoded: text) else {
            throw .malformed("\(what): rawBytes is missing or not base64")
        }
        do {
            return try Certificate(derEncoded: Array(der))
        } catch {
            throw .malformed("\(what): not an X.509 certificate (\(error))")
        }
    }
}
