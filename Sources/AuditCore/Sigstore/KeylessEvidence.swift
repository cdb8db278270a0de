import Foundation

/// A Sigstore bundle read as evidence: verified offline, then (only if it verified) its statement
/// read, and the commit the certificate names compared with the commit the statement names.
public struct KeylessEvidence: Sendable {
    public var source: String
    public var sha256: String
    /// What the bundle proves; nil when it does not verify.
    public var signature: KeylessSignature?
    /// The verified statement's content; nil unless the bundle verified.
    public var content: VerifiedEvidence.Content?
    /// Why this bundle cannot be trusted; nil when it verified and its commits agree.
    public var problem: String?

    /// Reads and verifies the bundle in a file.
    ///
    /// - Throws: `InputProblem` when the file is not a Sigstore bundle at all (exit 2); a bundle
    ///   that does not verify is returned with its `problem` (a finding, exit 1).
    public static func load(path: String, root: SigstoreTrustedRoot) throws -> KeylessEvidence {
        let data = try EvidenceSource.readBounded(path: path)
        let bundle: SigstoreBundle
        do {
            bundle = try SigstoreBundle(json: try StrictJSON.parse(data))
        } catch {
            throw InputProblem("\(path) is not a usable Sigstore bundle: \(error)")
        }
        var result = KeylessEvidence(source: path, sha256: sha256Hex(data))
        do {
            result.signature = try SigstoreBundleVerifier.verify(bundle, root: root)
        } catch {
            result.problem = error.description
            return result
        }
        let loaded = LoadedEnvelope(source: path, bytes: data, sha256: result.sha256, envelope: bundle.envelope, bundle: bundle)
        result.content = try EvidenceVerifier.readKeylessStatement(loaded)
        if let identity = result.signature?.identity {
            result.problem = witnessProblem(result.content, identity)
        }
        return result
    }

    public var isVerified: Bool { signature != nil && problem == nil }
}
