import Crypto
import Foundation
import X509

/// A Sigstore trusted root (`application/vnd.dev.sigstore.trustedroot+json`): the Fulcio
/// certificate authorities and the Rekor transparency logs whose keys a bundle is checked against.
///
/// Only what bundle verification uses is read: CAs with their chains and validity windows, and
/// transparency logs with their keys, key ids and validity windows. CT logs and timestamp
/// authorities are not used (see `SigstoreBundleVerifier`).
public struct SigstoreTrustedRoot: Sendable {
    /// One Fulcio CA: its chain (intermediates first, the self-signed root last) and when it issued.
    public struct CertificateAuthority: Sendable {
        public var uri: String
        public var chain: [Certificate]
        public var validFrom: Date?
        public var validUntil: Date?

        /// The CA's root (the last certificate of its chain).
        public var root: Certificate? { chain.last }
        /// Every certificate of the chain but the root.
        public var intermediates: [Certificate] { Array(chain.dropLast()) }
    }

    /// One Rekor log: its key (SPKI DER) and key id (SHA-256 of that DER), and when the key signed.
    public struct TransparencyLog: Sendable {
        public var baseURL: String
        public var keyID: Data
        public var key: PublicKey
        public var validFrom: Date?
        public var validUntil: Date?

        /// The host of `baseURL` (`rekor.sigstore.dev`): a checkpoint's origin starts with it.
        public var host: String { URL(string: baseURL)?.host ?? baseURL }
    }

    public var authorities: [CertificateAuthority]
    public var logs: [TransparencyLog]

    public init(authorities: [CertificateAuthority], logs: [TransparencyLog]) {
        self.authorities = authorities
        self.logs = logs
    }

    /// The built-in Sigstore public-good root.
    public static let publicGood: SigstoreTrustedRoot = {
        do {
            return try parse(Data(publicGoodJSON.utf8))
        } catch {
            fatalError("the built-in Sigstore trusted root does not parse: \(error)")
        }
    }()

    /// This root and another: bundles chaining to either verify.
    public func adding(_ other: SigstoreTrustedRoot) -> SigstoreTrustedRoot {
        SigstoreTrustedRoot(authorities: authorities + other.authorities, logs: logs + other.logs)
    }

    /// Reads a trusted root file; any part that does not parse is an error, not skipped.
    public static func load(path: String) throws -> SigstoreTrustedRoot {
        let data = try EvidenceSource.readBounded(path: path, limit: 4 * 1024 * 1024)
        do {
            return try parse(data)
        } catch {
            throw InputProblem("\(path) is not a usable Sigstore trusted root: \(error)")
        }
    }

    /// Parses the JSON form of a trusted root.
    public static func parse(_ data: Data) throws(SigstoreError) -> SigstoreTrustedRoot {
        let json: JSONValue
        do { json = try StrictJSON.parse(data) } catch { throw .malformed("trusted root: not JSON (\(error))") }
        guard let mediaType = json["mediaType"]?.stringValue,
              mediaType.hasPrefix("application/vnd.dev.sigstore.trustedroot") else {
            throw .malformed("trusted root: mediaType is not application/vnd.dev.sigstore.trustedroot+json")
        }
        var authorities: [CertificateAuthority] = []
        for ca in json["certificateAuthorities"]?.arrayValue ?? [] {
            guard let raw = ca["certChain"]?["certificates"]?.arrayValue, !raw.isEmpty else {
                throw .malformed("trusted root: a certificate authority has no certChain")
            }
            var chain: [Certificate] = []
            for cert in raw { chain.append(try SigstoreBundle.certificate(cert["rawBytes"], what: "trusted root CA certificate")) }
            authorities.append(CertificateAuthority(
                uri: ca["uri"]?.stringValue ?? "", chain: chain,
                validFrom: try date(ca["validFor"]?["start"]), validUntil: try date(ca["validFor"]?["end"])))
        }
        var logs: [TransparencyLog] = []
        for log in json["tlogs"]?.arrayValue ?? [] {
            guard let rawKey = log["publicKey"]?["rawBytes"]?.stringValue, let der = Data(base64Encoded: rawKey) else {
                throw .malformed("trusted root: a transparency log has no publicKey.rawBytes")
            }
            let key: PublicKey
            do {
                key = try PublicKey(pem: PEMBlock.encode(label: "PUBLIC KEY", der: der))
            } catch {
                throw .malformed("trusted root: a transparency log key does not parse (\(error))")
            }
            guard let keyIDText = log["logId"]?["keyId"]?.stringValue, let keyID = Data(base64Encoded: keyIDText) else {
                throw .malformed("trusted root: a transparency log has no logId.keyId")
            }
            // The log id is the SHA-256 of the key: a root that says otherwise is inconsistent.
            guard Data(SHA256.hash(data: der)) == keyID else {
                throw .malformed("trusted root: the logId of \(log["baseUrl"]?.stringValue ?? "a log") is not the SHA-256 of its key")
            }
            logs.append(TransparencyLog(
                baseURL: log["baseUrl"]?.stringValue ?? "", keyID: keyID, key: key,
                validFrom: try date(log["publicKey"]?["validFor"]?["start"]),
                validUntil: try date(log["publicKey"]?["validFor"]?["end"])))
        }
        if authorities.isEmpty && logs.isEmpty { throw .malformed("trusted root: no certificate authorities and no transparency logs") }
        return SigstoreTrustedRoot(authorities: authorities, logs: logs)
    }

    static func date(_ value: JSONValue?) throws(SigstoreError) -> Date? {
        guard let value else { return nil }
        guard let text = value.stringValue else { throw .malformed("trusted root: a validFor time is not a string") }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text) { return d }
        throw .malformed("trusted root: '\(text)' is not an RFC 3339 time")
    }
}

extension SigstoreTrustedRoot.CertificateAuthority {
    /// Whether the CA could issue at this time (its `validFor` window).
    func isValid(at time: Date) -> Bool {
        (validFrom.map { $0 <= time } ?? true) && (validUntil.map { time <= $0 } ?? true)
    }
}

extension SigstoreTrustedRoot.TransparencyLog {
    /// Whether the log's key was in use at this time (its `validFor` window).
    func isValid(at time: Date) -> Bool {
        (validFrom.map { $0 <= time } ?? true) && (validUntil.map { time <= $0 } ?? true)
    }
}

/// Why a Sigstore bundle or trusted root cannot be used; the message says which part and why.
public enum SigstoreError: Error, CustomStringConvertible, Equatable {
    /// The bundle or root does not have the expected shape.
    case malformed(String)
    /// The bundle is well formed but does not verify.
    case invalid(String)

    public var description: String {
        switch self {
        case .malformed(let why), .invalid(let why): return why
        }
    }
}
