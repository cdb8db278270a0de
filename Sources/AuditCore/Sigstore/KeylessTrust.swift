import Foundation

extension Policy.TrustedIdentity {
    /// Why a certificate's identity does not match this trusted identity (the first field that
    /// differs, with what the certificate says); nil when every field that is set matches.
    public func mismatch(_ id: FulcioIdentity) -> String? {
        func exact(_ name: String, _ want: String?, _ have: String?) -> String? {
            guard let want else { return nil }
            return have == want ? nil : "\(name) is \(have.map { "\"\($0)\"" } ?? "not set"), not \"\(want)\""
        }
        func glob(_ name: String, _ want: IdentityPattern?, _ have: String?) -> String? {
            guard let want else { return nil }
            if let have, want.matches(have) { return nil }
            return "\(name) is \(have.map { "\"\($0)\"" } ?? "not set"), which does not match \"\(want)\""
        }
        // Exactly one SAN, of the kind the pattern is (a URI for a workflow, else an email).
        if id.subjectAlternativeNameCount != 1 {
            return "the certificate has \(id.subjectAlternativeNameCount) subject alternative names; exactly one is expected"
        }
        if id.subjectAlternativeNameIsURI != san.pattern.contains("://") {
            return "the certificate's subject alternative name is \(id.subjectAlternativeNameIsURI ? "a URI" : "not a URI"), and the policy's san \(san) is \(san.pattern.contains("://") ? "a URI" : "not")"
        }
        return exact("the issuer", issuer, id.issuer)
            ?? glob("the SAN (workflow)", san, id.subjectAlternativeName)
            ?? exact("the source repository", sourceRepository, id.sourceRepositoryURI)
            ?? glob("the source ref", sourceRef, id.sourceRepositoryRef)
            ?? glob("the build signer", buildSigner, id.buildSignerURI)
            ?? exact("the build signer digest", buildSignerDigest, id.buildSignerDigest)
            ?? exact("the runner environment", runnerEnvironment, id.runnerEnvironment)
    }
}

extension EvidenceVerifier {
    /// Verifies a keyless bundle for a role: the bundle itself (chain, signature, log), then that
    /// its certificate names an identity the role trusts and no other role's, then its statement,
    /// whose commit and repository must be the ones the certificate names.
    static func verifyKeyless(_ loaded: LoadedEnvelope, bundle: SigstoreBundle, role: Role, trust: TrustStore) throws -> VerifiedEvidence {
        let noKeys = DSSEVerification(acceptedKeys: [], threshold: 1, signatureCount: bundle.envelope.signatures.count, payload: Data())
        var result = VerifiedEvidence(loaded: loaded, verification: noKeys, content: nil, problem: nil)
        let signature: KeylessSignature
        do {
            signature = try SigstoreBundleVerifier.verify(bundle, root: trust.sigstoreRoot)
        } catch {
            result.problem = "the Sigstore bundle does not verify: \(error.description)"
            return result
        }
        result.keyless = signature
        let identity = signature.identity
        let trusted = trust.identities(for: role)
        if !trusted.contains(where: { $0.mismatch(identity) == nil }) {
            let why = trusted.count == 1 ? trusted[0].mismatch(identity) ?? "" : trusted.map { $0.mismatch(identity) ?? "" }.joined(separator: "; ")
            result.problem = "the certificate's identity is not trusted as \(role.rawValue) (\(why)); the certificate names: \(identity.summary)"
            return result
        }
        if !trust.allowSharedKeys, let other = Role.allCases.first(where: { other in
            other != role && trust.identities(for: other).contains { $0.mismatch(identity) == nil }
        }) {
            result.problem = "the certificate's identity is trusted both as \(role.rawValue) and as \(other.rawValue): narrow the identities so each role has its own workflow"
            return result
        }
        if trust.threshold(for: role) > 1 {
            result.problem = "trusted_keys.\(role.rawValue).threshold is \(trust.threshold(for: role)), and a keyless bundle carries one signature"
            return result
        }
        result.content = try readKeylessStatement(loaded)
        if case .build(var record)? = result.content {
            record.workflowRef = identity.sourceRepositoryRef
            result.content = .build(record)
        }
        result.problem = KeylessEvidence.witnessProblem(result.content, identity)
        return result
    }
}

extension EvidenceVerifier {
    /// The statement of an envelope whose bundle verified (its signature is the bundle's).
    ///
    /// - Throws: `EvidenceError` when the payload is not an in-toto statement.
    static func readKeylessStatement(_ loaded: LoadedEnvelope) throws -> VerifiedEvidence.Content {
        guard isInTotoPayloadType(loaded.envelope.payloadType) else {
            throw EvidenceError.unreadable(source: loaded.source,
                                           reason: "payloadType is '\(loaded.envelope.payloadType)', expected \(DSSEEnvelope.inTotoPayloadType)")
        }
        return try readStatement(loaded, payload: loaded.envelope.payload)
    }
}

extension KeylessEvidence {
    /// The commit, witnessed twice: the certificate's source digest is the commit the workflow ran
    /// at, and its source repository the repository; a statement about another commit or another
    /// repository is not this workflow's word about them. Nil when they agree.
    static func witnessProblem(_ content: VerifiedEvidence.Content?, _ identity: FulcioIdentity) -> String? {
        let commit: String?, repository: String?
        switch content {
        case .test(let r)?: (commit, repository) = (r.commit.hex, r.repository)
        case .build(let r)?: (commit, repository) = (r.commit.hex, r.repository)
        default: return nil
        }
        if let commit {
            guard let digest = identity.sourceRepositoryDigest else {
                return "the certificate names no source repository digest, so the statement's commit \(commit) is not witnessed by the workflow"
            }
            if digest.lowercased() != commit {
                return "the certificate was issued to a workflow at commit \(digest), but the statement names commit \(commit)"
            }
        }
        if let repository {
            guard let uri = identity.sourceRepositoryURI else {
                return "the certificate names no source repository, so the statement's repository \(repository) is not witnessed by the workflow"
            }
            // The certificate's URI must already be a plain https URL (no credentials, query, port
            // or other spelling that normalising would hide); then the two are compared.
            let plain = RepositoryIdentity.normalize(uri)
            guard uri.hasPrefix("https://"), uri == plain || uri == plain + ".git" else {
                return "the certificate's source repository \(uri) is not a plain https URL"
            }
            if plain.lowercased() != RepositoryIdentity.normalize(repository).lowercased() {
                return "the certificate was issued to a workflow of \(uri), but the statement is about \(repository)"
            }
        }
        return nil
    }
}
