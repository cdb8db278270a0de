import Crypto
import Foundation
import Testing
import TestSupport
import X509
@testable import AuditCore

/// The gate end to end (the built binary, a real repository) where the build evidence is a keyless
/// Sigstore bundle: our own SLSA statement (`record build --statement-only`) signed under a leaf of
/// the synthetic Sigstore instance, the way actions/attest signs a statement in GitHub Actions.
@Suite struct KeylessGateTests {
    static let issuer = "https://token.actions.githubusercontent.com"
    static let widget = "https://github.com/example/widget"
    static let releaseWorkflow = "https://github.com/example/widget/.github/workflows/release.yml@refs/tags/v1.0.0"

    /// A repository `widget` (origin github.com/example/widget) with two commits, HEAD tagged
    /// v1.0.0 and tested (keyed test evidence); keys for the tester and the auditor.
    final class Fixture {
        let directory: TemporaryDirectory
        let git: GitRepo
        let instance: SigstoreSyntheticTests.Instance
        var root: URL { directory.url }
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }

        init() throws {
            directory = try TemporaryDirectory(prefix: "release-audit-keyless")
            instance = try SigstoreSyntheticTests.Instance()
            git = try GitRepo.create(in: directory.url, name: "widget")
            try git.git("remote", "add", "origin", "https://github.com/example/widget.git")
            try git.commit("Start", files: ["README.md": "# widget\n"])
            try git.commit("Add the widget", files: ["src/widget.swift": "let speed = 1\n"])
            try git.tag("v1.0.0", message: "release v1.0.0")
            try succeed(["keygen", "--out", path("tester")])
            try succeed(["keygen", "--out", path("auditor")])
            try succeed(["record", "test", "--repo", git.path, "--result", "passed", "--key", path("tester.key"), "--out", path("test.json")])
            try instance.trustedRootJSON.write(to: root.appendingPathComponent("root.json"))
        }

        func tool(_ arguments: [String]) throws -> ProcessOutput {
            var env = GitRepo.environment()
            for name in env.keys where name.hasPrefix("GITHUB_") || name.hasPrefix("RUNNER_") || name == "CI" { env.removeValue(forKey: name) }
            env["HOME"] = root.path
            return try runProcess(try releaseAuditBinary, arguments, environment: env, currentDirectory: root)
        }

        @discardableResult
        func succeed(_ arguments: [String]) throws -> ProcessOutput {
            let run = try tool(arguments)
            try #require(run.status == 0, "release-audit \(arguments.joined(separator: " ")): \(run.stderr)")
            return run
        }

        /// The unsigned SLSA statement for the build of `rev` (as a release job writes it for actions/attest).
        func statement(_ rev: String = "v1.0.0", repository: String? = nil) throws -> Data {
            let out = path("statement-\(UUID().uuidString).json")
            try succeed(["record", "build", "--repo", git.path, "--rev", rev, "--statement-only", "--out", out]
                        + (repository.map { ["--repository", $0] } ?? []))
            var data = try Data(contentsOf: URL(fileURLWithPath: out))
            if data.last == 0x0A { data.removeLast() }
            return data
        }

        /// A keyless bundle over `payload` from a workflow with this identity; returns its path.
        func bundle(_ payload: Data, san: String = KeylessGateTests.releaseWorkflow, commit: String,
                    repository: String? = KeylessGateTests.widget, ref: String = "refs/tags/v1.0.0",
                    issuer: String = KeylessGateTests.issuer, runner: String = "github-hosted",
                    names: [GeneralName]? = nil) throws -> String {
            let key = P256.Signing.PrivateKey()
            let leaf = try instance.leaf(key: key, san: san, digest: commit, repository: repository, ref: ref, issuer: issuer,
                                         runner: runner, names: names)
            let bundle = try instance.bundle(leaf: leaf, key: key, payload: payload)
            let file = path("build-\(UUID().uuidString).sigstore.json")
            try SigstoreSyntheticTests.json(bundle).write(to: URL(fileURLWithPath: file))
            return file
        }

        /// A policy trusting the tester key and these builder identities, and (unless told not to) the instance's root.
        func policy(identities: String, trustRoot: Bool = true) throws -> String {
            let text = """
                version: 1
                trusted_keys:
                  tester:
                    keys: [tester.pub]
                  builder:
                    identities:
                \(identities)
                  trusted_roots: [\(trustRoot ? "root.json" : "")]
                """
            let file = path("policy-\(UUID().uuidString).yml")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return file
        }

        static let releaseIdentity = """
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/widget/.github/workflows/release.yml@refs/tags/v*
                    source_repository: https://github.com/example/widget
                    runner_environment: github-hosted
            """

        /// Runs the gate on v1.0.0 and reads back the signed report.
        func gate(policy: String, build: String) throws -> (status: Int32, stderr: String, report: AuditReport?) {
            let out = path("report-\(UUID().uuidString).json")
            let run = try tool(["gate", "--repo", git.path, "--release", "v1.0.0", "--policy", policy,
                                "--test-evidence", path("test.json"), "--build-evidence", build,
                                "--key", path("auditor.key"), "--out", out])
            var report: AuditReport?
            if FileManager.default.fileExists(atPath: out) {
                let envelopes = try EvidenceSource.load(path: out)
                report = try ReportStatement.verify(envelopes[0], trustedKeys: [try PublicKey.load(from: path("auditor.pub"))]).report
            }
            if ProcessInfo.processInfo.environment["SHOW_GATE"] != nil { print("=====\n" + run.stdout + run.stderr) }
            return (run.status, run.stderr + run.stdout, report)
        }
    }

    static func status(_ report: AuditReport?, _ id: String) -> CheckStatus? {
        report?.checks.first { $0.id == id }?.status
    }

    static func reason(_ report: AuditReport?, _ id: String) -> String {
        report?.checks.first { $0.id == id }?.reason ?? ""
    }

    @Test func aBundleFromTheTrustedWorkflowAtTheReleasedCommitPasses() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                             build: try f.bundle(try f.statement(), commit: commit))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.status(run.report, "evidence.signatures") == .passed)
        #expect(Self.status(run.report, "build.source") == .passed)
        let facts = run.report?.checks.first { $0.id == "evidence.signatures" }?.facts ?? [:]
        #expect(facts.values.contains { $0.contains("workflow \(Self.releaseWorkflow)") }, "\(facts)")
    }

    @Test func aBundleStoredInTheNotesIsFoundAndPasses() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let bundle = try f.bundle(try f.statement(), commit: commit)
        try f.succeed(["record", "test", "--repo", f.git.path, "--result", "passed", "--key", f.path("tester.key"), "--notes"])
        // A bundle about another commit is refused before anything is written.
        let refused = try f.tool(["notes", "add", "--repo", f.git.path, "--rev", "v1.0.0^", bundle])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is about commit \(commit)"))
        try f.succeed(["notes", "add", "--repo", f.git.path, "--rev", "v1.0.0", bundle])
        let out = f.path("notes-report.json")
        let run = try f.tool(["gate", "--repo", f.git.path, "--release", "v1.0.0",
                              "--policy", try f.policy(identities: Fixture.releaseIdentity),
                              "--key", f.path("auditor.key"), "--out", out])
        #expect(run.status == 0, "\(run.stderr) \(run.stdout)")
        #expect(run.stdout.contains("builder keyless workflow(s) \(Self.releaseWorkflow) signed 1 build record(s)"), "\(run.stdout)")
    }

    @Test func statementOnlyWritesTheUnsignedStatementOfTheRecord() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("HEAD")
        let out = f.path("test.statement.json")
        try f.succeed(["record", "test", "--repo", f.git.path, "--result", "passed", "--suite", "unit", "--statement-only", "--out", out])
        let statement = try Statement.parse(try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(statement.predicateType == TestResultStatement.predicateType)
        let record = try TestResultStatement.read(statement)
        #expect(record.commit.hex == commit)
        #expect(record.result == .passed)
        #expect(record.suites == ["unit"])
        // Never replaced silently, and an unsigned statement is never evidence for the gate.
        let again = try f.tool(["record", "test", "--repo", f.git.path, "--result", "failed", "--statement-only", "--out", out])
        #expect(again.status == 2)
        let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity), build: out)
        #expect(run.status == 2, "\(run.stderr)")
    }

    /// Test evidence from actions/attest: our test-result statement (`record test --statement-only`)
    /// signed keylessly by the CI workflow, trusted as tester by identity.
    @Test func keylessTestEvidenceFromTheCIWorkflowPasses() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let statementFile = f.path("test.statement.json")
        try f.succeed(["record", "test", "--repo", f.git.path, "--result", "passed", "--statement-only", "--out", statementFile])
        var statement = try Data(contentsOf: URL(fileURLWithPath: statementFile))
        if statement.last == 0x0A { statement.removeLast() }
        let ci = "https://github.com/example/widget/.github/workflows/ci.yml@refs/heads/main"
        let testBundle = try f.bundle(statement, san: ci, commit: commit, ref: "refs/heads/main")
        let policy = f.path("both.yml")
        try Data("""
            version: 1
            trusted_keys:
              tester:
                identities:
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/widget/.github/workflows/ci.yml@refs/heads/main
              builder:
                identities:
            \(Fixture.releaseIdentity)
              trusted_roots: [root.json]

            """.utf8).write(to: URL(fileURLWithPath: policy))
        let build = try f.bundle(try f.statement(), commit: commit)
        let out = f.path("both-report.json")
        let run = try f.tool(["gate", "--repo", f.git.path, "--release", "v1.0.0", "--policy", policy,
                              "--test-evidence", testBundle, "--build-evidence", build, "--key", f.path("auditor.key"), "--out", out])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("tester keyless workflow(s) \(ci) signed 1 test record(s)"), "\(run.stdout)")
        // The release workflow's bundle of the test statement is not test evidence: it is not the tester.
        let swapped = try f.tool(["gate", "--repo", f.git.path, "--release", "v1.0.0", "--policy", policy,
                                  "--test-evidence", try f.bundle(statement, commit: commit), "--build-evidence", build,
                                  "--key", f.path("auditor.key"), "--out", f.path("swapped.json")])
        #expect(swapped.status == 1, "\(swapped.stdout)")
    }

    /// Found trying it as a new user: `keygen --out k` and a report under a one-letter directory
    /// crashed (Foundation's `deletingLastPathComponent` traps on a one-character path).
    @Test func oneCharacterPathsDoNotCrash() throws {
        let f = try Fixture()
        try f.succeed(["keygen", "--out", "k"])
        #expect(FileManager.default.fileExists(atPath: f.path("k.pub")))
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let run = try f.tool(["gate", "--repo", f.git.path, "--release", "v1.0.0", "--policy", try f.policy(identities: Fixture.releaseIdentity),
                              "--test-evidence", f.path("test.json"), "--build-evidence", try f.bundle(try f.statement(), commit: commit),
                              "--key", f.path("auditor.key"), "--out", "r/x.json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: f.path("r/x.json")))
    }

    @Test func anotherWorkflowOfTheSameRepositoryFails() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let ci = "https://github.com/example/widget/.github/workflows/ci.yml@refs/heads/main"
        let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                             build: try f.bundle(try f.statement(), san: ci, commit: commit))
        #expect(run.status == 1)
        #expect(Self.status(run.report, "evidence.signatures") == .failed)
        #expect(Self.reason(run.report, "evidence.signatures").contains("ci.yml@refs/heads/main"))
    }

    @Test func aGlobNearMissFails() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        for san in ["https://github.com/example/widget/.github/workflows/release.yml@refs/heads/v1",
                    "https://github.com/example/widget/.github/workflows/release.yml.evil@refs/tags/v1.0.0",
                    "https://github.com/example/widget-fork/.github/workflows/release.yml@refs/tags/v1.0.0",
                    "https://github.com/example/widget/.github/workflows/sub/release.yml@refs/tags/v1.0.0"] {
            let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                                 build: try f.bundle(try f.statement(), san: san, commit: commit))
            #expect(run.status == 1, "\(san)")
            #expect(Self.status(run.report, "evidence.signatures") == .failed, "\(san)")
        }
    }

    /// Found by the black-box review: a run of the trusted workflow for another tag of the same
    /// commit (a pushed look-alike, an RC) is not the release's build.
    @Test func aWorkflowRunForAnotherTagOfTheSameCommitFails() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        for ref in ["refs/tags/v1.0.0-evil", "refs/tags/v1.0.0-rc.1"] {
            let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                                 build: try f.bundle(try f.statement(), commit: commit, ref: ref))
            #expect(run.status == 1, "\(ref)")
            #expect(Self.status(run.report, "release.tag") == .failed, "\(ref)")
            #expect(Self.reason(run.report, "release.tag").contains("the signing workflow ran for tag \(ref.dropFirst(10))"))
        }
    }

    /// Found by the black-box review: the certificate's repository must be there, and be a plain
    /// https URL, to witness the statement's.
    @Test func theCertificateRepositoryMustBePresentAndPlain() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let loose = """
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/widget/.github/workflows/release.yml@refs/tags/v*
            """
        let policy = try f.policy(identities: loose)
        for repository in [nil, "https://github.com/example/widget?x", "https://user@github.com/example/widget",
                           "http://github.com/example/widget", "https://github.com/example/widget ", "git@github.com:example/widget.git"] as [String?] {
            let run = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit, repository: repository))
            #expect(run.status == 1, "\(repository ?? "none")")
            #expect(Self.status(run.report, "evidence.signatures") == .failed, "\(repository ?? "none")")
        }
        let dotGit = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit, repository: "https://github.com/example/widget.git"))
        #expect(dotGit.status == 0, "\(dotGit.stderr)")
    }

    /// Found by the black-box review: one SAN, of the kind the policy's san is.
    @Test func exactlyOneURISANIsMatched() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let policy = try f.policy(identities: Fixture.releaseIdentity)
        let attacker = "https://github.com/evil/x/.github/workflows/release.yml@refs/tags/v1.0.0"
        for names in [[GeneralName.rfc822Name(Self.releaseWorkflow)],
                      [.uniformResourceIdentifier(Self.releaseWorkflow), .uniformResourceIdentifier(attacker)],
                      [.uniformResourceIdentifier(attacker), .uniformResourceIdentifier(Self.releaseWorkflow)]] {
            let run = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit, names: names))
            #expect(run.status == 1, "\(names)")
            #expect(Self.status(run.report, "evidence.signatures") == .failed)
        }
    }

    @Test func anotherIssuerOrRunnerFails() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let policy = try f.policy(identities: Fixture.releaseIdentity)
        let issuer = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit, issuer: "https://gitlab.com"))
        #expect(issuer.status == 1)
        #expect(Self.reason(issuer.report, "evidence.signatures").contains("the issuer is \"https://gitlab.com\""))
        let runner = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit, runner: "self-hosted"))
        #expect(runner.status == 1)
        #expect(Self.reason(runner.report, "evidence.signatures").contains("the runner environment is \"self-hosted\""))
    }

    @Test func aTesterIdentitySBundleIsNotBuildEvidence() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        // The CI workflow is trusted as tester; its bundle of a build statement is not a build record.
        let policy = f.path("roles.yml")
        try Data("""
            version: 1
            trusted_keys:
              tester:
                keys: [tester.pub]
                identities:
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/widget/.github/workflows/ci.yml@**
              builder:
                identities:
            \(Fixture.releaseIdentity)
              trusted_roots: [root.json]

            """.utf8).write(to: URL(fileURLWithPath: policy))
        let ci = "https://github.com/example/widget/.github/workflows/ci.yml@refs/heads/main"
        let run = try f.gate(policy: policy, build: try f.bundle(try f.statement(), san: ci, commit: commit))
        #expect(run.status != 0)
        #expect(Self.status(run.report, "build.source") != .passed)
    }

    @Test func aFork_sAttestationOfTheSameCommitFailsTheRepositoryCheck() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        // The policy (carelessly) trusts the fork's release workflow too; its statement names the fork.
        let both = Fixture.releaseIdentity + """

                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/gadget/.github/workflows/release.yml@refs/tags/v*
            """
        let fork = "https://github.com/example/gadget"
        let run = try f.gate(policy: try f.policy(identities: both),
                             build: try f.bundle(try f.statement(repository: fork),
                                                 san: "https://github.com/example/gadget/.github/workflows/release.yml@refs/tags/v1.0.0",
                                                 commit: commit, repository: fork))
        #expect(run.status == 1)
        #expect(Self.status(run.report, "evidence.repository") == .failed, "\(run.stderr)")
        // And a statement about this repository from the fork's workflow is not the fork's word about it.
        let claimed = try f.gate(policy: try f.policy(identities: both),
                                 build: try f.bundle(try f.statement(),
                                                     san: "https://github.com/example/gadget/.github/workflows/release.yml@refs/tags/v1.0.0",
                                                     commit: commit, repository: fork))
        #expect(claimed.status == 1)
        #expect(Self.reason(claimed.report, "evidence.signatures").contains("issued to a workflow of https://github.com/example/gadget"))
    }

    @Test func anotherCommitFails() throws {
        let f = try Fixture()
        let parent = try f.git.revParse("v1.0.0^")
        // A valid attestation of the parent commit: build.source sees the build was not of the release.
        try f.git.git("checkout", "-q", "v1.0.0^")
        let parentStatement = try f.statement("v1.0.0^")
        try f.git.git("checkout", "-q", "-")
        let other = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                               build: try f.bundle(parentStatement, commit: parent))
        #expect(other.status == 1)
        #expect(Self.status(other.report, "build.source") == .failed, "\(other.stderr)")
        // A statement about the release commit from a workflow that ran at the parent.
        let claimed = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity),
                                 build: try f.bundle(try f.statement(), commit: parent))
        #expect(claimed.status == 1)
        #expect(Self.reason(claimed.report, "evidence.signatures").contains("issued to a workflow at commit \(parent)"))
    }

    @Test func anUntrustedRootFails() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let run = try f.gate(policy: try f.policy(identities: Fixture.releaseIdentity, trustRoot: false),
                             build: try f.bundle(try f.statement(), commit: commit))
        #expect(run.status == 1)
        #expect(Self.status(run.report, "evidence.signatures") == .failed)
        #expect(Self.reason(run.report, "evidence.signatures").contains("does not verify"))
    }

    @Test func withoutIdentitiesTheBundleIsNotTrusted() throws {
        let f = try Fixture()
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let policy = f.path("plain.yml")
        try Data("version: 1\ntrusted_keys:\n  tester:\n    keys: [tester.pub]\n  trusted_roots: [root.json]\n".utf8)
            .write(to: URL(fileURLWithPath: policy))
        let run = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit))
        #expect(run.status == 1)
        #expect(Self.reason(run.report, "evidence.signatures").contains("trusted_keys.builder.identities"))
    }

    @Test func oneIdentityForTwoRolesIsRefused() throws {
        let f = try Fixture()
        let policy = f.path("shared.yml")
        let id = """
                identities:
                  - issuer: https://token.actions.githubusercontent.com
                    san: https://github.com/example/widget/.github/workflows/release.yml@refs/tags/v*
            """
        try Data("version: 1\ntrusted_keys:\n  tester:\n\(id)\n  builder:\n\(id)\n".utf8).write(to: URL(fileURLWithPath: policy))
        let commit = try f.git.revParse("v1.0.0^{commit}")
        let run = try f.gate(policy: policy, build: try f.bundle(try f.statement(), commit: commit))
        #expect(run.status == 2)
        #expect(run.stderr.contains("trusted as both tester and builder"))
    }
}
