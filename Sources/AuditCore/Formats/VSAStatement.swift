import Foundation

/// The gate's verdict as a SLSA Verification Summary Attestation v1 statement.
public enum VSAStatement {
    /// The VSA v1 predicate type (SLSA 1.0 to 1.2 share it).
    public static let predicateType = "https://slsa.dev/verification_summary/v1"
    /// The SLSA version the verified levels refer to.
    public static let slsaVersion = "1.0"

    /// A VSA v1 statement; `timeVerified` is always written (required by SLSA 1.0).
    ///
    /// - Parameters:
    ///   - verifierVersion: component → version (`verifier.version`); left out when empty.
    ///   - policyDigest: digest of the policy data (`policy.digest`); left out when empty.
    ///   - inputAttestations: every attestation the verdict used; left out when empty.
    ///   - verifiedLevels: written as given, except that a failed verdict with none gives `["FAILED"]`.
    public static func make(subjects: [ResourceDescriptor], verifierID: String, verifierVersion: [String: String],
                            timeVerified: Date, resourceURI: String, policyURI: String, policyDigest: [String: String],
                            inputAttestations: [ResourceDescriptor], passed: Bool, verifiedLevels: [String]) -> Statement {
        let levels = !passed && verifiedLevels.isEmpty ? ["FAILED"] : verifiedLevels
        let predicate = JSONValue.object(dropping: [
            "verifier": .object(dropping: [
                "id": .string(verifierID),
                "version": verifierVersion.isEmpty ? nil : .stringMap(verifierVersion),
            ]),
            "timeVerified": .string(Timestamp.string(timeVerified)),
            "resourceUri": .string(resourceURI),
            "policy": ResourceDescriptor(uri: policyURI, digest: policyDigest).jsonValue,
            "inputAttestations": inputAttestations.isEmpty ? nil : .array(inputAttestations.map(\.jsonValue)),
            "verificationResult": .string(passed ? "PASSED" : "FAILED"),
            "verifiedLevels": .strings(levels),
            "slsaVersion": .string(slsaVersion),
        ])
        return Statement(subjects: subjects, predicateType: predicateType, predicate: predicate)
    }
}
