import Foundation
import Testing
import TestSupport

/// `verify-evidence --keyless` on the real GitHub-made bundles in `../shared/sigstore` (read
/// from there, never copied): exit codes, the identity printed, and the docs' flags.
@Suite struct KeylessVerifyEvidenceTests {
    static let folder = SharedSigstore.folder
    static let available = SharedSigstore.available

    static func run(_ arguments: [String]) throws -> ProcessOutput {
        try runProcess(try releaseAuditBinary, ["verify-evidence"] + arguments)
    }

    @Test(.enabled(if: available)) func theRealBundleVerifiesAndItsIdentityIsPrinted() throws {
        let result = try Self.run(["--keyless", Self.folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("workflow    https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main"))
        #expect(result.stdout.contains("commit      26d16513386ffaa790b1c32f927544f1322e4194"))
        #expect(result.stdout.contains("issuer      https://token.actions.githubusercontent.com"))
        #expect(result.stdout.contains("logged      index 33351527 at 2023-08-29T15:40:23Z"))
        let json = try Self.run(["--keyless", "--json", "--trusted-root", Self.folder.appendingPathComponent("trusted_root.json").path,
                                 Self.folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path])
        #expect(json.status == 0)
        #expect(json.stdout.contains(#""sourceRepositoryDigest" : "26d16513386ffaa790b1c32f927544f1322e4194""#))
    }

    @Test(.enabled(if: available)) func aBadSignatureIsFailedAndNotABundleIsExit2() throws {
        let bad = try Self.run(["--keyless", Self.folder.appendingPathComponent("sigstoreBundle-invalid-signature.json").path])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("FAILED"))
        let notBundle = try Self.run(["--keyless", Self.folder.appendingPathComponent("trusted_root.json").path])
        #expect(notBundle.status == 2)
        #expect(notBundle.stderr.contains("is not a usable Sigstore bundle"))
        let badRoot = try Self.run(["--keyless", "--trusted-root", Self.folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path,
                                    Self.folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path])
        #expect(badRoot.status == 2)
        // A good bundle next to a bad one: the command fails.
        let mixed = try Self.run(["--keyless", Self.folder.appendingPathComponent("sigstore-js-2.1.0-bundle.json").path,
                                  Self.folder.appendingPathComponent("sigstoreBundle-invalid-signature.json").path])
        #expect(mixed.status == 1)
    }

    @Test func usageMistakesAre64() throws {
        #expect(try Self.run(["--keyless"]).status == 64)
        #expect(try Self.run(["--keyless", "--trusted-key", "k.pub", "--", "b.json"]).status == 64)
        #expect(try Self.run(["--trusted-root", "r.json", "--trusted-key", "k.pub", "--", "b.json"]).status == 64)
        #expect(try Self.run(["--keyless", "/nonexistent/bundle.json"]).status == 2)
    }
}
