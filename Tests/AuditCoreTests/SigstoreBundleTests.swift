import Crypto
import Foundation
import Testing
import TestSupport
import X509
@testable import AuditCore

/// Keyless verification of real GitHub-made Sigstore bundles, read from `../shared/sigstore`
/// (never copied into the repository). Skipped, with a message, where that folder is absent.
@Suite struct SigstoreBundleTests {
    static let folder = SharedSigstore.folder
    static let available = SharedSigstore.available

    static func bundle(_ name: String) throws -> SigstoreBundle {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try SigstoreBundle(json: try StrictJSON.parse(data))
    }

    static func verifies(_ bundle: SigstoreBundle, root: SigstoreTrustedRoot = .publicGood) -> Bool {
        (try? SigstoreBundleVerifier.verify(bundle, root: root)) != nil
    }

    static func failure(_ bundle: SigstoreBundle, root: SigstoreTrustedRoot = .publicGood) -> String? {
        do {
            _ = try SigstoreBundleVerifier.verify(bundle, root: root)
            return nil
        } catch {
            return error.description
        }
    }

    static func flip(_ data: Data, at index: Int) -> Data {
        var copy = data
        copy[copy.startIndex + index] ^= 0x01
        return copy
    }

    @Test(.enabled(if: available)) func theRealGitHubBundleVerifiesOfflineWithTheBuiltInRoot() throws {
        let result = try SigstoreBundleVerifier.verify(try Self.bundle("sigstore-js-2.1.0-bundle.json"), root: .publicGood)
        #expect(result.identity.issuer == "https://token.actions.githubusercontent.com")
        #expect(result.identity.subjectAlternativeName == "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main")
        #expect(result.identity.sourceRepositoryURI == "https://github.com/sigstore/sigstore-js")
        #expect(result.identity.sourceRepositoryDigest == "26d16513386ffaa790b1c32f927544f1322e4194")
        #expect(result.identity.sourceRepositoryRef == "refs/heads/main")
        #expect(result.identity.runnerEnvironment == "github-hosted")
        #expect(result.identity.buildSignerURI == "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main")
        #expect(result.logIndex == 33351527)
        #expect(result.signedAt == Date(timeIntervalSince1970: 1693323623))
        #expect(result.inclusionProofVerified)
        #expect(result.log == "https://rekor.sigstore.dev")
    }

    @Test(.enabled(if: available)) func theBundleWithABadSignatureFails() throws {
        let bundle = try Self.bundle("sigstoreBundle-invalid-signature.json")
        #expect(Self.failure(bundle) != nil)
    }

    @Test(.enabled(if: available)) func flippingAnyByteOfThePayloadOrTheSignatureFails() throws {
        let original = try Self.bundle("sigstore-js-2.1.0-bundle.json")
        for i in 0..<original.envelope.payload.count {
            var b = original
            b.envelope.payload = Self.flip(original.envelope.payload, at: i)
            #expect(!Self.verifies(b), "payload byte \(i)")
        }
        let sig = original.envelope.signatures[0].sig
        for i in 0..<sig.count {
            var b = original
            b.envelope.signatures[0].sig = Self.flip(sig, at: i)
            #expect(!Self.verifies(b), "signature byte \(i)")
        }
        var retyped = original
        retyped.envelope.payloadType = "application/vnd.in-toto+jsoN"
        #expect(!Self.verifies(retyped))
    }

    /// Positions spread over a byte string: every one when short, else `count` evenly spaced ones
    /// (first and last included).
    static func sample(_ length: Int, _ count: Int) -> [Int] {
        guard length > count else { return Array(0..<length) }
        return (0..<count).map { $0 * (length - 1) / (count - 1) }
    }

    @Test(.enabled(if: available)) func flippingBytesOfTheCertificateSETProofOrBodyFails() throws {
        let original = try Self.bundle("sigstore-js-2.1.0-bundle.json")
        var positions = 0
        // The certificate: re-parsed after the flip (a flip that does not parse is refused there).
        for i in Self.sample(original.leafDER.count, 300) {
            let der = Self.flip(original.leafDER, at: i)
            positions += 1
            guard let cert = try? Certificate(derEncoded: Array(der)) else { continue }
            var b = original
            b.leafDER = der
            b.certificates[0] = cert
            #expect(!Self.verifies(b), "certificate byte \(i)")
        }
        let entry = original.entries[0]
        for i in 0..<entry.signedEntryTimestamp!.count {
            var b = original
            b.entries[0].signedEntryTimestamp = Self.flip(entry.signedEntryTimestamp!, at: i)
            positions += 1
            #expect(!Self.verifies(b), "SET byte \(i)")
        }
        let proof = entry.inclusionProof!
        for (h, hash) in proof.hashes.enumerated() {
            for i in Self.sample(hash.count, 8) {
                var b = original
                b.entries[0].inclusionProof!.hashes[h] = Self.flip(hash, at: i)
                positions += 1
                #expect(!Self.verifies(b), "inclusion proof hash \(h) byte \(i)")
            }
        }
        for i in 0..<proof.rootHash.count {
            var b = original
            b.entries[0].inclusionProof!.rootHash = Self.flip(proof.rootHash, at: i)
            positions += 1
            #expect(!Self.verifies(b), "root hash byte \(i)")
        }
        let checkpoint = Data(proof.checkpoint!.utf8)
        for i in Self.sample(checkpoint.count, 60) {
            var b = original
            b.entries[0].inclusionProof!.checkpoint = String(decoding: Self.flip(checkpoint, at: i), as: UTF8.self)
            positions += 1
            #expect(!Self.verifies(b), "checkpoint byte \(i)")
        }
        for i in Self.sample(entry.canonicalizedBody.count, 100) {
            var b = original
            b.entries[0].canonicalizedBody = Self.flip(entry.canonicalizedBody, at: i)
            positions += 1
            #expect(!Self.verifies(b), "body byte \(i)")
        }
        #expect(positions >= 500)
    }

    @Test(.enabled(if: available)) func theLogEntryFieldsAreAllSigned() throws {
        let original = try Self.bundle("sigstore-js-2.1.0-bundle.json")
        var b = original
        b.entries[0].integratedTime += 1
        #expect(Self.failure(b)?.contains("signed entry timestamp") == true)
        b = original
        b.entries[0].logIndex += 1
        #expect(Self.failure(b)?.contains("signed entry timestamp") == true)
        b = original
        b.entries[0].signedEntryTimestamp = nil
        #expect(Self.failure(b)?.contains("no signed entry timestamp") == true)
        b = original
        b.entries = []
        #expect(Self.failure(b)?.contains("no transparency log entry") == true)
        b = original
        b.entries.append(original.entries[0])
        #expect(Self.failure(b) != nil)
    }

    @Test(.enabled(if: available)) func anInclusionProofOffByOneFails() throws {
        let original = try Self.bundle("sigstore-js-2.1.0-bundle.json")
        var b = original
        b.entries[0].inclusionProof!.logIndex += 1
        #expect(Self.failure(b)?.contains("inclusion proof") == true)
        b = original
        b.entries[0].inclusionProof!.logIndex -= 1
        #expect(Self.failure(b)?.contains("inclusion proof") == true)
        b = original
        b.entries[0].inclusionProof!.treeSize += 1
        #expect(Self.failure(b) != nil)
        b = original
        b.entries[0].inclusionProof!.hashes.removeLast()
        #expect(Self.failure(b)?.contains("inclusion proof") == true)
        b = original
        b.entries[0].inclusionProof!.hashes.append(original.entries[0].inclusionProof!.hashes[0])
        #expect(Self.failure(b)?.contains("inclusion proof") == true)
        b = original
        b.entries[0].inclusionProof!.hashes.swapAt(0, 1)
        #expect(Self.failure(b)?.contains("inclusion proof") == true)
        b = original
        b.entries[0].inclusionProof!.checkpoint = nil
        #expect(Self.failure(b)?.contains("checkpoint") == true)
    }

    @Test(.enabled(if: available)) func anotherRootOrAnotherLogKeyFails() throws {
        let original = try Self.bundle("sigstore-js-2.1.0-bundle.json")
        let good = SigstoreTrustedRoot.publicGood
        // No Fulcio CA: the certificate chains to nothing.
        #expect(Self.failure(original, root: SigstoreTrustedRoot(authorities: [], logs: good.logs))?.contains("certificate authority") == true)
        // The Fulcio roots swapped for their intermediates' place: only the older CA, which had expired.
        let older = good.authorities.filter { $0.validUntil != nil }
        #expect(Self.failure(original, root: SigstoreTrustedRoot(authorities: older, logs: good.logs)) != nil)
        // The same log, with another key: the bundle's log id is unknown.
        let other = P256.Signing.PrivateKey().publicKey
        var log = good.logs[0]
        log.key = try PublicKey(pem: other.pemRepresentation)
        #expect(Self.failure(original, root: SigstoreTrustedRoot(authorities: good.authorities, logs: [log]))?.contains("signed entry timestamp") == true)
        // The log key retired before the integrated time.
        var retired = good.logs[0]
        retired.validUntil = Date(timeIntervalSince1970: 1_600_000_000)
        #expect(Self.failure(original, root: SigstoreTrustedRoot(authorities: good.authorities, logs: [retired]))?.contains("not valid") == true)
        // A checkpoint whose origin names another log.
        var b = original
        b.entries[0].inclusionProof!.checkpoint = original.entries[0].inclusionProof!.checkpoint!
            .replacingOccurrences(of: "rekor.sigstore.dev - ", with: "rekor.example.com - ")
        #expect(Self.failure(b)?.contains("origin") == true)
    }

    @Test func theBuiltInRootHasTheFulcioCAsAndTheRekorLog() {
        let root = SigstoreTrustedRoot.publicGood
        #expect(root.authorities.count == 2)
        #expect(root.logs.map(\.baseURL) == ["https://rekor.sigstore.dev"])
    }

    @Test(.enabled(if: available)) func theBuiltInRootIsTheSharedOne() throws {
        let shared = try SigstoreTrustedRoot.parse(Data(contentsOf: Self.folder.appendingPathComponent("trusted_root.json")))
        #expect(shared.logs.map(\.keyID) == SigstoreTrustedRoot.publicGood.logs.map(\.keyID))
        #expect(shared.authorities.map(\.chain) == SigstoreTrustedRoot.publicGood.authorities.map(\.chain))
    }
}
