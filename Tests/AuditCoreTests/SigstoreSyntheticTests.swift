import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
@testable import AuditCore

/// Keyless verification against a Sigstore instance of our own, made here: a CA, an intermediate,
/// Fulcio-style leaves, a log key and signed entries. Every certificate rule is tested without
/// network, and the well-made case must verify, so the negative cases fail for their own reason.
@Suite struct SigstoreSyntheticTests {
    /// A private Sigstore: CA chain and log, with the trusted root that lists them.
    struct Instance {
        let rootKey = P256.Signing.PrivateKey()
        let intermediateKey = P256.Signing.PrivateKey()
        let logKey = P256.Signing.PrivateKey()
        let root: Certificate
        let intermediate: Certificate
        let start = Date(timeIntervalSince1970: 1_700_000_000)

        init() throws {
            let rootName = try DistinguishedName { OrganizationName("example.test"); CommonName("test-root") }
            let intermediateName = try DistinguishedName { OrganizationName("example.test"); CommonName("test-intermediate") }
            root = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
                notValidBefore: start - 86400 * 365, notValidAfter: start + 86400 * 365,
                issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    KeyUsage(keyCertSign: true)
                },
                issuerPrivateKey: .init(rootKey))
            intermediate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey),
                notValidBefore: start - 86400 * 300, notValidAfter: start + 86400 * 300,
                issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    KeyUsage(keyCertSign: true)
                },
                issuerPrivateKey: .init(rootKey))
        }

        var trustedRoot: SigstoreTrustedRoot {
            let der = Data(logKey.publicKey.derRepresentation)
            return SigstoreTrustedRoot(
                authorities: [.init(uri: "https://fulcio.example.test", chain: [intermediate, root], validFrom: nil, validUntil: nil)],
                logs: [.init(baseURL: "https://rekor.example.test", keyID: Data(SHA256.hash(data: der)),
                             key: try! PublicKey(pem: logKey.publicKey.pemRepresentation), validFrom: nil, validUntil: nil)])
        }

        static func utf8(_ s: String) throws -> ArraySlice<UInt8> {
            var serializer = DER.Serializer()
            try serializer.serialize(ASN1UTF8String(s))
            return serializer.serializedBytes[...]
        }

        /// A Fulcio-style leaf for a GitHub workflow at a commit.
        func leaf(key: P256.Signing.PrivateKey, codeSigning: Bool = true, ca: Bool = false,
                  notBefore: Date? = nil, notAfter: Date? = nil,
                  issuerKey: P256.Signing.PrivateKey? = nil, issuerName: DistinguishedName? = nil,
                  extraCritical: Bool = false,
                  san: String = "https://github.com/example/widget/.github/workflows/release.yml@refs/tags/v1.0.0",
                  digest: String = String(repeating: "ab", count: 20), repository: String? = nil, ref: String? = nil,
                  issuer: String = "https://token.actions.githubusercontent.com", runner: String? = nil,
                  names: [GeneralName]? = nil) throws -> Certificate {
            return try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: notBefore ?? start - 60, notValidAfter: notAfter ?? start + 540,
                issuer: issuerName ?? intermediate.subject, subject: DistinguishedName(), signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(KeyUsage(digitalSignature: true))
                    if ca { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) }
                    try ExtendedKeyUsage(codeSigning ? [.codeSigning] : [.serverAuth])
                    Critical(SubjectAlternativeNames(names ?? [.uniformResourceIdentifier(san)]))
                    Certificate.Extension(oid: FulcioIdentity.oid(8), critical: false, value: try Self.utf8(issuer))
                    Certificate.Extension(oid: FulcioIdentity.oid(13), critical: false, value: try Self.utf8(digest))
                    if let repository { Certificate.Extension(oid: FulcioIdentity.oid(12), critical: false, value: try Self.utf8(repository)) }
                    if let ref { Certificate.Extension(oid: FulcioIdentity.oid(14), critical: false, value: try Self.utf8(ref)) }
                    if let runner { Certificate.Extension(oid: FulcioIdentity.oid(11), critical: false, value: try Self.utf8(runner)) }
                    if extraCritical { Certificate.Extension(oid: FulcioIdentity.oid(99), critical: true, value: try Self.utf8("x")) }
                },
                issuerPrivateKey: .init(issuerKey ?? intermediateKey))
        }

        /// A bundle signed with `key` under `leaf`, logged (intoto 0.0.2, SET, no proof) at `time`.
        func bundle(leaf: Certificate, key: P256.Signing.PrivateKey, time: Date? = nil,
                    extra: [Certificate] = [], logSigner: P256.Signing.PrivateKey? = nil,
                    payload: Data = Data(#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://example.test/x","predicate":{}}"#.utf8)) throws -> SigstoreBundle {
            let envelopeSig = Data(try key.signature(for: PAE.encode(payloadType: DSSEEnvelope.inTotoPayloadType, payload: payload)).derRepresentation)
            var serializer = DER.Serializer()
            try serializer.serialize(leaf)
            let leafDER = Data(serializer.serializedBytes)
            let pem = try leaf.serializeAsPEM().pemString
            let payloadHash = SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined()
            let body = #"{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{"envelope":{"payloadType":"application/vnd.in-toto+json","signatures":[{"publicKey":"\#(Data(pem.utf8).base64EncodedString())","sig":"\#(Data(envelopeSig.base64EncodedString().utf8).base64EncodedString())"}]},"payloadHash":{"algorithm":"sha256","value":"\#(payloadHash)"}}}}"#
            let logID = trustedRoot.logs[0].keyID
            var entry = SigstoreBundle.LogEntry(
                logIndex: 7, logID: logID, kind: "intoto", version: "0.0.2",
                integratedTime: Int64((time ?? start).timeIntervalSince1970), signedEntryTimestamp: nil,
                inclusionProof: nil, canonicalizedBody: Data(body.utf8))
            let set = try (logSigner ?? logKey).signature(for: SigstoreBundleVerifier.signedEntryTimestampPayload(entry))
            entry.signedEntryTimestamp = Data(set.derRepresentation)
            return SigstoreBundle(
                mediaType: SigstoreBundle.mediaTypes[2], certificates: [leaf] + extra, leafDER: leafDER, entries: [entry],
                hasTimestamps: false,
                envelope: DSSEEnvelope(payload: payload, payloadType: DSSEEnvelope.inTotoPayloadType,
                                       signatures: [.init(keyID: nil, sig: envelopeSig)]))
        }
    }

    static func failure(_ bundle: SigstoreBundle, _ root: SigstoreTrustedRoot) -> String? {
        do {
            _ = try SigstoreBundleVerifier.verify(bundle, root: root)
            return nil
        } catch {
            return error.description
        }
    }

    /// The bundle in its JSON form (v0.3, one certificate), as a file holds it.
    static func json(_ bundle: SigstoreBundle) -> Data {
        let entry = bundle.entries[0]
        let object: [String: Any] = [
            "mediaType": bundle.mediaType,
            "verificationMaterial": [
                "certificate": ["rawBytes": bundle.leafDER.base64EncodedString()],
                "tlogEntries": [[
                    "logIndex": String(entry.logIndex), "logId": ["keyId": entry.logID.base64EncodedString()],
                    "kindVersion": ["kind": entry.kind, "version": entry.version],
                    "integratedTime": String(entry.integratedTime),
                    "inclusionPromise": ["signedEntryTimestamp": entry.signedEntryTimestamp?.base64EncodedString() ?? ""],
                    "canonicalizedBody": entry.canonicalizedBody.base64EncodedString(),
                ]],
            ],
            "dsseEnvelope": [
                "payload": bundle.envelope.payload.base64EncodedString(), "payloadType": bundle.envelope.payloadType,
                "signatures": bundle.envelope.signatures.map { ["sig": $0.sig.base64EncodedString()] },
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

extension SigstoreSyntheticTests.Instance {
    /// The instance's trusted_root.json.
    var trustedRootJSON: Data {
        func der(_ c: Certificate) -> String {
            var serializer = DER.Serializer()
            try! serializer.serialize(c)
            return Data(serializer.serializedBytes).base64EncodedString()
        }
        let logDER = Data(logKey.publicKey.derRepresentation)
        let object: [String: Any] = [
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [[
                "baseUrl": "https://rekor.example.test", "hashAlgorithm": "SHA2_256",
                "publicKey": ["rawBytes": logDER.base64EncodedString(), "keyDetails": "PKIX_ECDSA_P256_SHA_256"],
                "logId": ["keyId": Data(SHA256.hash(data: logDER)).base64EncodedString()],
            ]],
            "certificateAuthorities": [[
                "uri": "https://fulcio.example.test",
                "certChain": ["certificates": [["rawBytes": der(intermediate)], ["rawBytes": der(root)]]],
            ]],
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

extension SigstoreSyntheticTests {
    @Test func aWellMadeBundleOfOurOwnInstanceVerifiesAndOnlyWithItsRoot() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let bundle = try instance.bundle(leaf: try instance.leaf(key: key), key: key)
        let result = try SigstoreBundleVerifier.verify(bundle, root: instance.trustedRoot)
        #expect(result.identity.sourceRepositoryDigest == String(repeating: "ab", count: 20))
        #expect(result.identity.issuer == "https://token.actions.githubusercontent.com")
        #expect(!result.inclusionProofVerified)
        // The public-good root does not know this log or CA.
        #expect(Self.failure(bundle, .publicGood) != nil)
        // Another instance's root (same names, other keys): wrong root.
        #expect(Self.failure(bundle, try Instance().trustedRoot) != nil)
    }

    @Test func theLeafRulesHold() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let root = instance.trustedRoot
        // Expired (and not yet valid) at the integrated time.
        let expired = try instance.bundle(leaf: try instance.leaf(key: key), key: key, time: instance.start + 600)
        #expect(Self.failure(expired, root)?.contains("not valid at the log entry's integrated time") == true)
        let early = try instance.bundle(leaf: try instance.leaf(key: key), key: key, time: instance.start - 120)
        #expect(Self.failure(early, root)?.contains("not valid at the log entry's integrated time") == true)
        // No code-signing EKU.
        let noEKU = try instance.bundle(leaf: try instance.leaf(key: key, codeSigning: false), key: key)
        #expect(Self.failure(noEKU, root)?.contains("code-signing") == true)
        // A CA certificate as leaf.
        let caLeaf = try instance.bundle(leaf: try instance.leaf(key: key, ca: true), key: key)
        #expect(Self.failure(caLeaf, root)?.contains("CA certificate") == true)
        // An unknown critical extension.
        let critical = try instance.bundle(leaf: try instance.leaf(key: key, extraCritical: true), key: key)
        #expect(Self.failure(critical, root)?.contains("critical extension") == true)
        // The envelope signed by another key than the certificate's.
        let other = P256.Signing.PrivateKey()
        let wrongKey = try instance.bundle(leaf: try instance.leaf(key: key), key: other)
        #expect(Self.failure(wrongKey, root) != nil)
    }

    @Test func aSelfSignedOrForgedChainDoesNotHelp() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let root = instance.trustedRoot
        // A self-signed leaf, carrying the real chain beside it.
        let selfSigned = try instance.leaf(key: key, issuerKey: key, issuerName: DistinguishedName())
        let b1 = try instance.bundle(leaf: selfSigned, key: key, extra: [instance.intermediate, instance.root])
        #expect(Self.failure(b1, root)?.contains("does not chain") == true)
        // A leaf issued in the intermediate's name by a forged intermediate the bundle carries.
        let forgedKey = P256.Signing.PrivateKey()
        let forged = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(forgedKey.publicKey),
            notValidBefore: instance.start - 1000, notValidAfter: instance.start + 1000,
            issuer: instance.root.subject, subject: instance.intermediate.subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0)) },
            issuerPrivateKey: .init(forgedKey))
        let b2 = try instance.bundle(leaf: try instance.leaf(key: key, issuerKey: forgedKey), key: key, extra: [forged, forged, instance.root])
        #expect(Self.failure(b2, root)?.contains("does not chain") == true)
        // The leaf issued directly by the root (skipping the intermediate the root lists).
        let b3 = try instance.bundle(leaf: try instance.leaf(key: key, issuerKey: instance.rootKey, issuerName: instance.root.subject), key: key)
        #expect(Self.failure(b3, root) != nil)
    }

    @Test func aChainInTheBundleMustBeTheCAsOwn() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let leaf = try instance.leaf(key: key)
        let root = instance.trustedRoot
        #expect(Self.failure(try instance.bundle(leaf: leaf, key: key, extra: [instance.intermediate, instance.root]), root) == nil)
        #expect(Self.failure(try instance.bundle(leaf: leaf, key: key, extra: [instance.intermediate]), root) == nil)
        for extra in [[instance.intermediate, instance.intermediate], [instance.root, instance.intermediate], [leaf],
                      [instance.intermediate, instance.root, instance.root], [instance.root]] {
            #expect(Self.failure(try instance.bundle(leaf: leaf, key: key, extra: extra), root)?.contains("not the CA's chain") == true)
        }
        // The chain first and the leaf after it: the "leaf" is then a CA.
        var reordered = try instance.bundle(leaf: leaf, key: key)
        reordered.certificates = [instance.intermediate, leaf]
        #expect(Self.failure(reordered, root) != nil)
    }

    @Test func anIntegratedTimeInTheFutureIsNotBelieved() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let later = Date().addingTimeInterval(86400 * 10)
        let leaf = try instance.leaf(key: key, notBefore: later - 60, notAfter: later + 540)
        let bundle = try instance.bundle(leaf: leaf, key: key, time: later)
        #expect(Self.failure(bundle, instance.trustedRoot)?.contains("in the future") == true)
    }

    @Test func theLogRulesHold() throws {
        let instance = try Instance()
        let key = P256.Signing.PrivateKey()
        let root = instance.trustedRoot
        // A SET signed by another key.
        let wrongSET = try instance.bundle(leaf: try instance.leaf(key: key), key: key, logSigner: P256.Signing.PrivateKey())
        #expect(Self.failure(wrongSET, root)?.contains("signed entry timestamp") == true)
        // A body about another envelope: the entry of one bundle with the envelope of another.
        let a = try instance.bundle(leaf: try instance.leaf(key: key), key: key)
        var b = try instance.bundle(leaf: try instance.leaf(key: key), key: key)
        b.entries = a.entries
        #expect(Self.failure(b, root) != nil)
        // No log entry at all.
        var none = a
        none.entries = []
        #expect(Self.failure(none, root)?.contains("no transparency log entry") == true)
        // A body of an unknown kind, correctly signed by the log.
        var kind = a
        kind.entries[0].kind = "hashedrekord"
        kind.entries[0].version = "0.0.1"
        kind.entries[0].signedEntryTimestamp = Data(try instance.logKey.signature(for: SigstoreBundleVerifier.signedEntryTimestampPayload(kind.entries[0])).derRepresentation)
        #expect(Self.failure(kind, root) != nil)
    }
}
