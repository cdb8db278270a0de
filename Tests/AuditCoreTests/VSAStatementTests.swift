import Foundation
import Testing
@testable import AuditCore

@Suite("SLSA VSA v1 statements")
struct VSAStatementTests {
    static let subject = ResourceDescriptor(name: "auditor-1.2.3-macos-arm64.tar.gz",
                                            digest: ["sha256": "fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4"])
    static let input = ResourceDescriptor(uri: "https://example.com/att/auditor-1.2.3.intoto.jsonl",
                                          digest: ["sha256": "abcdef1234567890abcdef1234567890abcdef1234567890abcdef1234567890"])

    static func make(passed: Bool, levels: [String], inputs: [ResourceDescriptor] = [input]) -> Statement {
        VSAStatement.make(
            subjects: [subject], verifierID: "https://example.com/release-auditor/v1",
            verifierVersion: ["release-auditor": "1.0.0"], timeVerified: Date(timeIntervalSince1970: 1_735_689_600),
            resourceURI: "https://github.com/example/auditor/releases/download/v1.2.3/auditor-1.2.3-macos-arm64.tar.gz",
            policyURI: "https://example.com/policies/release.json",
            policyDigest: ["sha256": "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"],
            inputAttestations: inputs, passed: passed, verifiedLevels: levels)
    }

    @Test func reproducesTheReferenceExampleExactly() throws {
        let reference = try Fixtures.statement("vsa.statement.json")
        let made = Self.make(passed: true, levels: ["SLSA_BUILD_LEVEL_2"])
        #expect(made.jsonData() == reference.jsonData())
    }

    @Test func hasTheReferenceFieldSet() throws {
        let reference = try Fixtures.statement("vsa.statement.json")
        let made = try Statement.parse(Self.make(passed: false, levels: []).jsonData())
        #expect(made.predicateType == "https://slsa.dev/verification_summary/v1")
        let keys = { (s: Statement) in Set(s.predicate.objectValue?.map(\.key) ?? []) }
        #expect(keys(made) == keys(reference))
        #expect(keys(made) == ["verifier", "timeVerified", "resourceUri", "policy", "inputAttestations",
                               "verificationResult", "verifiedLevels", "slsaVersion"])
    }

    @Test func aFailedVerdictSaysFailed() {
        let statement = Self.make(passed: false, levels: [])
        #expect(statement.predicate["verificationResult"] == .string("FAILED"))
        #expect(statement.predicate["verifiedLevels"] == .array([.string("FAILED")]))
        #expect(statement.predicate["timeVerified"] == .string("2025-01-01T00:00:00Z"))
    }

    @Test func leavesOutEmptyOptionalParts() {
        let statement = VSAStatement.make(
            subjects: [Self.subject], verifierID: "https://v.test", verifierVersion: [:], timeVerified: Date(timeIntervalSince1970: 0),
            resourceURI: "file:///x", policyURI: "file:///policy.yml", policyDigest: [:], inputAttestations: [],
            passed: true, verifiedLevels: ["RELEASE_AUDIT_PASSED"])
        #expect(statement.predicate["verifier"] == .object([(key: "id", value: .string("https://v.test"))]))
        #expect(statement.predicate["policy"] == .object([(key: "uri", value: .string("file:///policy.yml"))]))
        #expect(statement.predicate["inputAttestations"] == nil)
        #expect(statement.predicate["timeVerified"] == .string("1970-01-01T00:00:00Z"))
    }
}
