import Foundation
import Testing
@testable import AuditCore

/// `trusted_keys.<role>.identities` and `trusted_keys.trusted_roots`: what the policy accepts, and
/// how a certificate identity is matched against it.
@Suite struct KeylessPolicyTests {
    static let github = "https://token.actions.githubusercontent.com"

    static func parse(_ text: String) throws -> Policy {
        try Policy.parse(Data(text.utf8), file: "p.yml", baseDirectory: "/work")
    }

    static func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "accepted"
        } catch {
            return String(describing: error)
        }
    }

    @Test func readsIdentitiesAndRootsAndRoundTrips() throws {
        let policy = try Self.parse("""
            version: 1
            trusted_keys:
              builder:
                identities:
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v*
                    source_repository: https://github.com/org/repo
                    source_ref: refs/tags/v*
                    build_signer: https://github.com/org/repo/.github/workflows/release.yml@**
                    build_signer_digest: 0123456789abcdef0123456789abcdef01234567
                    runner_environment: github-hosted
              trusted_roots: [roots/github.json, /etc/sigstore/private.json]
            """)
        let identity = try #require(policy.trustedKeys.builder.identities.first)
        #expect(identity.issuer == Self.github)
        #expect(identity.san.pattern.hasSuffix("@refs/tags/v*"))
        #expect(identity.runnerEnvironment == "github-hosted")
        #expect(policy.trustedKeys.trustedRoots == ["/work/roots/github.json", "/etc/sigstore/private.json"])
        for text in [policy.canonicalYAML(), policy.canonicalJSON()] {
            let again = try Policy.parse(Data(text.utf8), file: "c", baseDirectory: "/")
            #expect(again == policy)
        }
    }

    @Test(arguments: [
        ("  builder:\n    identities:\n      - san: https://github.com/o/r/x@y\n", "identities[0].issuer: missing"),
        ("  builder:\n    identities:\n      - issuer: https://token.actions.githubusercontent.com\n", "identities[0].san: missing"),
        ("  builder:\n    identities:\n      - issuer: https://x\n        san: https://github.com/*/r/w@y\n", "a wildcard is allowed only after the owner and repository"),
        ("  builder:\n    identities:\n      - issuer: https://x\n        san: https://github.com/o/*\n", "a wildcard is allowed only after the owner and repository"),
        ("  builder:\n    identities:\n      - issuer: https://x\n        san: https://*/o/r/w\n", "a wildcard is allowed only after the owner and repository"),
        ("  builder:\n    identities:\n      - issuer: https://x\n        san: \"**\"\n", "a wildcard is allowed only after the owner and repository"),
        ("  builder:\n    identities:\n      - issuer: https://*\n        san: https://github.com/o/r/w\n", "the issuer is matched exactly"),
        ("  builder:\n    identities:\n      - issuer: https://x\n        san: https://github.com/o/r/w\n        subject: x\n", "unknown key"),
        ("  builder:\n    identities:\n      - issuer: \"\"\n        san: https://github.com/o/r/w\n", "expected a value without spaces"),
        ("  builder:\n    identities: https://x\n", "expected a list of identities"),
        ("  auditor:\n    identities:\n      - issuer: https://x\n        san: https://github.com/o/r/w\n", "keyless identities are for the tester and builder roles"),
        ("  trusted_roots: [\"\"]\n", "expected a trusted_root.json path"),
    ])
    func refuses(section: String, message: String) {
        let error = Self.error("version: 1\ntrusted_keys:\n" + section)
        #expect(error.contains(message), "\(error)")
    }

    @Test func patternsMatchWholeValuesAndStarStaysInASegment() throws {
        let tags = try IdentityPattern("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v*", url: true)
        #expect(tags.matches("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.2.3"))
        #expect(tags.matches("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v"))
        for miss in ["https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1/x",
                     "https://github.com/o/r/.github/workflows/release.yml@refs/heads/v1",
                     "https://github.com/o/r/.github/workflows/release.yml@refs/tags/x1",
                     "https://github.com/o/r2/.github/workflows/release.yml@refs/tags/v1",
                     "https://github.com/o/r/.github/workflows/release.yaml@refs/tags/v1",
                     "https://github.com/O/r/.github/workflows/release.yml@refs/tags/v1",
                     "xhttps://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
                     "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1\n"] {
            #expect(!tags.matches(miss), "\(miss)")
        }
        let any = try IdentityPattern("https://github.com/o/r/**", url: true)
        #expect(any.matches("https://github.com/o/r/.github/workflows/a/b.yml@refs/heads/main"))
        #expect(!any.matches("https://github.com/o/r2/x"))
        let exact = try IdentityPattern("https://github.com/o/r/w.yml@refs/heads/main", url: true)
        #expect(exact.matches("https://github.com/o/r/w.yml@refs/heads/main"))
        #expect(!exact.matches("https://github.com/o/r/w.yml@refs/heads/main2"))
        // ? and [ are literal characters, not wildcards.
        let literal = try IdentityPattern("refs/tags/v?[0-9]", url: false)
        #expect(literal.matches("refs/tags/v?[0-9]"))
        #expect(!literal.matches("refs/tags/v1"))
    }

    @Test func mismatchNamesTheFieldAndWhatTheCertificateSays() throws {
        let trusted = Policy.TrustedIdentity(
            issuer: Self.github, san: try IdentityPattern("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v*", url: true),
            sourceRepository: "https://github.com/o/r", sourceRef: try IdentityPattern("refs/tags/v*", url: false),
            runnerEnvironment: "github-hosted")
        var id = FulcioIdentity(issuer: Self.github, subjectAlternativeName: "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
                                runnerEnvironment: "github-hosted", sourceRepositoryURI: "https://github.com/o/r",
                                sourceRepositoryDigest: String(repeating: "a", count: 40), sourceRepositoryRef: "refs/tags/v1")
        #expect(trusted.mismatch(id) == nil)
        var other = id
        other.issuer = "https://gitlab.com"
        #expect(trusted.mismatch(other)?.contains("the issuer is \"https://gitlab.com\"") == true)
        other = id
        other.runnerEnvironment = "self-hosted"
        #expect(trusted.mismatch(other)?.contains("runner environment is \"self-hosted\"") == true)
        other = id
        other.sourceRepositoryRef = nil
        #expect(trusted.mismatch(other)?.contains("the source ref is not set") == true)
        id.sourceRepositoryURI = "https://github.com/o/r.git"
        #expect(trusted.mismatch(id)?.contains("the source repository") == true)
    }
}

/// `PathText.parent`, which replaces `NSString.deletingLastPathComponent` (that traps on "k").
@Suite struct PathTextTests {
    @Test(arguments: [("k", ""), ("ab", ""), ("a/b", "a"), ("/b", "/"), ("./b", "."), ("a/b/", "a"), ("a//b", "a"), ("/", "/"), ("", ""),
                      ("reports/v1.0.0.json", "reports"), ("/tmp/x/y", "/tmp/x")])
    func parent(path: String, expected: String) {
        #expect(PathText.parent(path) == expected)
    }
}
