import Foundation
import SwiftASN1
import X509

/// Who a Fulcio certificate was issued to: the OIDC issuer, the subject alternative name and the
/// extensions GitHub Actions sets (Fulcio's `docs/oid-info.md`, OID 1.3.6.1.4.1.57264.1.N).
public struct FulcioIdentity: Sendable, Equatable, Codable {
    /// The OIDC issuer (extension 8, else the deprecated 1).
    public var issuer: String?
    /// The SAN: for GitHub Actions the workflow, `https://github.com/ORG/REPO/.github/workflows/F@REF`.
    public var subjectAlternativeName: String?
    /// 9: the build signer URI (the workflow file that signed).
    public var buildSignerURI: String?
    /// 10: the build signer digest (the commit of that workflow file).
    public var buildSignerDigest: String?
    /// 11: `github-hosted` or `self-hosted`.
    public var runnerEnvironment: String?
    /// 12: the source repository URI.
    public var sourceRepositoryURI: String?
    /// 13: the source repository digest: the commit the workflow ran at.
    public var sourceRepositoryDigest: String?
    /// 14: the source repository ref.
    public var sourceRepositoryRef: String?
    /// 21: the run invocation URI.
    public var runInvocationURI: String?
    /// How many subject alternative names the certificate has, and whether the one read is a URI
    /// (an identity is matched only when there is exactly one, of the kind its pattern is).
    public var subjectAlternativeNameCount: Int = 1
    public var subjectAlternativeNameIsURI: Bool = true

    public init(issuer: String? = nil, subjectAlternativeName: String? = nil, buildSignerURI: String? = nil,
                buildSignerDigest: String? = nil, runnerEnvironment: String? = nil, sourceRepositoryURI: String? = nil,
                sourceRepositoryDigest: String? = nil, sourceRepositoryRef: String? = nil, runInvocationURI: String? = nil) {
        self.issuer = issuer
        self.subjectAlternativeName = subjectAlternativeName
        self.buildSignerURI = buildSignerURI
        self.buildSignerDigest = buildSignerDigest
        self.runnerEnvironment = runnerEnvironment
        self.sourceRepositoryURI = sourceRepositoryURI
        self.sourceRepositoryDigest = sourceRepositoryDigest
        self.sourceRepositoryRef = sourceRepositoryRef
        self.runInvocationURI = runInvocationURI
    }

    /// The Fulcio OID arc.
    static func oid(_ n: UInt) -> ASN1ObjectIdentifier { try! ASN1ObjectIdentifier(elements: [1, 3, 6, 1, 4, 1, 57264, 1, n]) }

    /// Reads the identity from a leaf certificate. A v2 extension that is not a DER UTF8String is
    /// an error (never read as something else).
    public init(certificate: Certificate) throws(SigstoreError) {
        func v2(_ n: UInt) throws(SigstoreError) -> String? {
            guard let ext = certificate.extensions[oid: Self.oid(n)] else { return nil }
            do {
                return String(try ASN1UTF8String(derEncoded: ext.value))
            } catch {
                throw .malformed("certificate: Fulcio extension 1.3.6.1.4.1.57264.1.\(n) is not a DER UTF8String")
            }
        }
        func v1(_ n: UInt) -> String? {
            certificate.extensions[oid: Self.oid(n)].flatMap { String(validating: Array($0.value), as: UTF8.self) }
        }
        issuer = try v2(8) ?? v1(1)
        buildSignerURI = try v2(9)
        buildSignerDigest = try v2(10)
        runnerEnvironment = try v2(11)
        sourceRepositoryURI = try v2(12)
        sourceRepositoryDigest = try v2(13)
        sourceRepositoryRef = try v2(14)
        runInvocationURI = try v2(21)
        do {
            let names = try certificate.extensions.subjectAlternativeNames ?? SubjectAlternativeNames()
            subjectAlternativeNameCount = names.count
            subjectAlternativeNameIsURI = false
            for name in names {
                if case .uniformResourceIdentifier(let uri) = name { subjectAlternativeName = uri; subjectAlternativeNameIsURI = true; break }
                if case .rfc822Name(let mail) = name, subjectAlternativeName == nil { subjectAlternativeName = mail }
            }
        } catch {
            throw .malformed("certificate: the subject alternative name does not parse (\(error))")
        }
    }

    /// One line naming the identity, for people.
    public var summary: String {
        var parts: [String] = []
        if let subjectAlternativeName { parts.append("workflow \(subjectAlternativeName)") }
        if let sourceRepositoryURI { parts.append("repository \(sourceRepositoryURI)") }
        if let sourceRepositoryRef { parts.append("ref \(sourceRepositoryRef)") }
        if let sourceRepositoryDigest { parts.append("commit \(sourceRepositoryDigest)") }
        if let issuer { parts.append("issuer \(issuer)") }
        return parts.joined(separator: "  ")
    }
}
