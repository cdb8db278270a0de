// Threat scenarios, end to end through `gate` on real repositories. Each ends with the gate FAILED
// (exit 1, a signed report) and the check that catches it named; the whole set of FAILED checks is
// asserted, so no other failure hides the one that matters, and an honest baseline passes.
//
// | scenario                                                   | caught by (FAILED)                                    | also FAILED (consequences)
// |------------------------------------------------------------|-------------------------------------------------------|-----------------------------
// | evidence replayed from another repository (file or notes)  | evidence.repository                                   | test.result, source.match
// | test evidence for commit A, build evidence for commit B     | source.match (release = B) / build.source (release = A)| -
// | an old PASSED report for a re-tagged release (rollback)    | verify --repo: release.tag-unmoved; gate: release.tag | gate: source.match, build.source
// | the same tag re-created on the same commit                 | verify --repo: release.tag-unmoved; gate: release.tag | -
// | test evidence older than the policy's max_age              | evidence.freshness                                    | -
// | evidence signed by an untrusted key                        | evidence.signatures                                   | test.result, source.match
// | threshold 2 "met" by one key signing twice                 | evidence.signatures                                   | test.result, source.match
// | a keyid naming the trusted key on another key's signature  | evidence.signatures                                   | test.result, source.match
// | refs/replace making git show the tested commit as release  | source.match (repository.safety WARNED)               | -
// | tests or build on a dirty work tree                        | worktree.clean                                        | -
// | a shallow clone                                            | repository.safety                                     | source.match when the tested
// |                                                            |                                                       |   commit was cut off
import AuditCore
import Foundation
import GitFacts
import TestSupport
import Testing

@Suite struct ThreatScenarioTests {
    /// Role keys in a policy (not `--trusted-key`, which trusts a key for every role).
    static let policy = """
        version: 1
        source:
          match: exact-commit
        trusted_keys:
          tester:
            keys: [keys/ci.pub]
          builder:
            keys: [keys/release.pub]
        test:
          max_age: 7d

        """

    /// A released repository with the policy file: tested commit = release commit = `v1.0.0`.
    func honestRelease() throws -> (HardeningFixture, commit: String) {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy)
        let commit = try fixture.releasedRepository()
        return (fixture, commit)
    }

    /// Runs the gate and returns its verified report; requires exit 1 (FAILED) unless `status` says otherwise.
    func gate(_ fixture: HardeningFixture, _ name: String, release: String = "v1.0.0", repo: String = "widget",
              test: [String] = ["evidence/test.json"], build: [String] = ["evidence/build.json"], policy: String = "policy.yml",
              extra: [String] = [], status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation) throws -> AuditReport {
        var arguments = ["gate", "--repo", repo, "--release", release, "--policy", policy, "--key", "keys/auditor.key",
                         "--out", "reports/\(name).json", "--format", "json"] + extra
        if !test.isEmpty { arguments += ["--test-evidence"] + test }
        if !build.isEmpty { arguments += ["--build-evidence"] + build }
        let result = try fixture.run(arguments)
        #expect(result.status == status, "\(name): exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        let report = try fixture.report("reports/\(name).json")
        // What the gate printed is what it signed.
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   sourceLocation: sourceLocation)
        #expect(printed["verdict"] as? String == report.verdict.rawValue, sourceLocation: sourceLocation)
        return report
    }

    /// The verdict is FAILED, exactly `failed` checks FAILED, and `primary` says why in words containing `reason`.
    func expectFailed(_ report: AuditReport, exactly failed: Set<String>, primary: String, reason: [String],
                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.verdict == .failed, sourceLocation: sourceLocation)
        let actual = Set(report.checks.filter { $0.status == .failed }.map(\.id))
        #expect(actual == failed, "FAILED checks: \(report.checks.filter { $0.status == .failed }.map { "\($0.id): \($0.reason)" })",
                sourceLocation: sourceLocation)
        #expect(failed.contains(primary), sourceLocation: sourceLocation)
        let check = report.checks.first { $0.id == primary }
        for word in reason {
            #expect(check?.reason.contains(word) == true, "\(primary): '\(word)' not in: \(check?.reason ?? "no such check")",
                    sourceLocation: sourceLocation)
        }
    }

    func status(_ report: AuditReport, _ id: String) -> CheckStatus? { report.checks.first { $0.id == id }?.status }

    /// Signs a test-result statement about `commit` with `keys` (each signature with the key id it claims).
    func signTestRecord(_ fixture: HardeningFixture, commit: String, recordedAt: Date, keys: [SigningKey],
                        keyIDHints: [String?]? = nil, to name: String) throws -> String {
        let id = try ObjectID(hex: commit)
        let tree = try ObjectID(hex: try fixture.git.revParse("\(commit)^{tree}"))
        let record = TestRecord(commit: id, tree: tree, repository: HardeningFixture.identity, result: .passed,
                                recordedAt: recordedAt, ci: CIContext(provider: "local"), toolVersion: ToolInfo.version)
        var envelope = try DSSEEnvelope.sign(payload: TestResultStatement.make(record: record).jsonData(), keys: keys)
        if let keyIDHints {
            for (index, hint) in keyIDHints.enumerated() { envelope.signatures[index].keyID = hint }
        }
        return try fixture.write(name, envelope.jsonData())
    }

    // MARK: Baseline

    @Test func theHonestReleasePasses() throws {
        let (fixture, commit) = try honestRelease()
        let report = try gate(fixture, "honest", status: 0)
        #expect(report.verdict == .passed)
        #expect(report.checks.allSatisfy { $0.status == .passed || $0.status == .skipped }, "\(report.checks.map { "\($0.id) \($0.status)" })")
        #expect(report.release.commit == commit && report.tested?.commit == commit)
        // And through the notes instead of files.
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key", "--notes"])
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key", "--notes"])
        #expect(try gate(fixture, "honest-notes", test: [], build: [], status: 0).verdict == .passed)
    }

    // MARK: Scenarios

    @Test func evidenceReplayedFromAnotherRepositoryFails() throws {
        let (fixture, commit) = try honestRelease()
        // A fork holds the same commit; its CI records (and signs, with the same CI key) its own evidence.
        try fixture.git.git("clone", "-q", fixture.git.path, fixture.path("fork"))
        let fork = GitRepo(existing: fixture.root.appendingPathComponent("fork"))
        try fork.git("remote", "set-url", "origin", "https://github.com/mallory/widget-fork.git")
        try fixture.recordTest(commit, out: "evidence/fork-test.json", repo: "fork", extra: ["--notes"])

        let report = try gate(fixture, "replayed-file", test: ["evidence/fork-test.json"])
        expectFailed(report, exactly: ["evidence.repository", "test.result", "source.match"], primary: "evidence.repository",
                     reason: ["another repository", "github.com/mallory/widget-fork", "not \(HardeningFixture.identity)"])

        // The same evidence replayed through the notes: fetched from the fork onto the release commit.
        try fixture.git.git("fetch", "-q", fixture.path("fork"), "refs/notes/release-audit:refs/notes/release-audit")
        let fromNotes = try gate(fixture, "replayed-notes", test: [])
        expectFailed(fromNotes, exactly: ["evidence.repository", "test.result", "source.match"], primary: "evidence.repository",
                     reason: ["github.com/mallory/widget-fork"])
        #expect(fromNotes.inputs.contains { $0.source.hasPrefix("notes:\(commit)") && $0.kind == "test" })
    }

    @Test func testAndBuildEvidenceForDifferentCommitsFail() throws {
        let (fixture, tested) = try honestRelease()
        let other = try fixture.git.commit("Untested change", files: ["src/widget.swift": "let speed = 3\n"])

        // The release (v2.0.0) is the untested commit B; the test evidence is for A: source.match.
        try fixture.git.tag("v2.0.0", message: "2.0.0")
        try fixture.recordBuild("v2.0.0", out: "evidence/build-b.json")
        let released = try gate(fixture, "mix-release-b", release: "v2.0.0", build: ["evidence/build-b.json"])
        expectFailed(released, exactly: ["source.match"], primary: "source.match",
                     reason: ["\(other.prefix(7)) is not the tested commit \(tested.prefix(7))"])
        #expect(status(released, "build.source") == .passed)

        // The release (v1.0.0) is A, but the artifacts were built from B: build.source.
        try fixture.recordBuild(other, out: "evidence/build-from-b.json")
        let built = try gate(fixture, "mix-built-b", build: ["evidence/build-from-b.json"])
        expectFailed(built, exactly: ["build.source"], primary: "build.source",
                     reason: ["built from \(other.prefix(7))", "release names \(tested.prefix(7))"])
        #expect(status(built, "source.match") == .passed)
    }

    @Test func anOldReportForAReTaggedReleaseFails() throws {
        let (fixture, tested) = try honestRelease()
        #expect(try gate(fixture, "v1.0.0", status: 0).verdict == .passed)
        let verifyArgs = ["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub", "--repo", "widget"]
        try fixture.succeed(verifyArgs)

        // The tag is moved to an untested commit; the old PASSED report is presented for it.
        let untested = try fixture.git.commit("Untested change", files: ["src/widget.swift": "let speed = 3\n"])
        try fixture.git.git("tag", "-f", "-a", "v1.0.0", untested, "-m", "1.0.0 (again)")
        let verified = try fixture.run(verifyArgs + ["--format", "json"])
        #expect(verified.status == 1, "\(verified.stderr)")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        #expect(shown["verdict"] as? String == "FAILED")
        let drift = (shown["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "release.tag-unmoved" }
        #expect(drift?["status"] as? String == "FAILED")
        #expect((drift?["reason"] as? String)?.contains("tag v1.0.0 moved: it named \(tested) when audited, now \(untested)") == true,
                "\(drift ?? [:])")

        // A fresh gate with the old evidence fails too, and says the tag was re-created after the build.
        let fresh = try gate(fixture, "rollback")
        expectFailed(fresh, exactly: ["release.tag", "source.match", "build.source"], primary: "release.tag",
                     reason: ["tag v1.0.0 was re-created after the build"])
    }

    @Test func aTagReCreatedOnTheSameCommitFails() throws {
        let (fixture, _) = try honestRelease()
        #expect(try gate(fixture, "v1.0.0", status: 0).verdict == .passed)
        fixture.git.clock += 3_600
        try fixture.git.git("tag", "-f", "-a", "v1.0.0", "v1.0.0^{commit}", "-m", "1.0.0 (re-created)")

        let verified = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub", "--repo", "widget"])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("tag v1.0.0 was re-created"), "\(verified.stdout)")
        let fresh = try gate(fixture, "re-created")
        expectFailed(fresh, exactly: ["release.tag"], primary: "release.tag", reason: ["re-created after the build"])
    }

    @Test func evidenceOlderThanTheMaximumAgeFails() throws {
        let (fixture, commit) = try honestRelease()
        let tenDaysAgo = Date().addingTimeInterval(-10 * 86_400)
        let old = try signTestRecord(fixture, commit: commit, recordedAt: tenDaysAgo, keys: [fixture.tester], to: "evidence/old-test.json")
        let report = try gate(fixture, "stale", test: [old])
        expectFailed(report, exactly: ["evidence.freshness"], primary: "evidence.freshness",
                     reason: ["the newest test evidence is 10d0h old; the policy allows 7d0h"])
        #expect(status(report, "test.result") == .passed)

        // Six days old is within the limit: the same path passes.
        let recent = try signTestRecord(fixture, commit: commit, recordedAt: Date().addingTimeInterval(-6 * 86_400),
                                        keys: [fixture.tester], to: "evidence/recent-test.json")
        #expect(try gate(fixture, "recent", test: [recent], status: 0).verdict == .passed)
    }

    @Test func evidenceSignedByAnUntrustedKeyFails() throws {
        let (fixture, _) = try honestRelease()
        try fixture.saveKey(SigningKey.generate(), as: "mallory")
        try fixture.recordTest(out: "evidence/mallory-test.json", key: "keys/mallory.key")
        let report = try gate(fixture, "untrusted", test: ["evidence/mallory-test.json"])
        expectFailed(report, exactly: ["evidence.signatures", "test.result", "source.match"], primary: "evidence.signatures",
                     reason: ["evidence/mallory-test.json", "no signature verifies with a trusted key"])
        #expect(report.inputs.first { $0.source == "evidence/mallory-test.json" }?.verified == false)
    }

    @Test func aThresholdOfTwoIsNotMetByOneKeySigningTwice() throws {
        let (fixture, commit) = try honestRelease()
        let second = SigningKey.generate()
        try fixture.saveKey(second, as: "ci2")
        try fixture.write("policy-2of2.yml", Self.policy.replacingOccurrences(of: "keys: [keys/ci.pub]",
                                                                               with: "keys: [keys/ci.pub, keys/ci2.pub]\n    threshold: 2"))
        // Before the build was recorded, as a CI run would be.
        let testedAt = Date().addingTimeInterval(-3_600)
        let twice = try signTestRecord(fixture, commit: commit, recordedAt: testedAt, keys: [fixture.tester, fixture.tester], to: "evidence/twice.json")
        #expect(try fixture.envelope(twice).signatures.count == 2)
        let report = try gate(fixture, "same-key-twice", test: [twice], policy: "policy-2of2.yml")
        expectFailed(report, exactly: ["evidence.signatures", "test.result", "source.match"], primary: "evidence.signatures",
                     reason: ["only 1 distinct trusted key(s) signed it; the threshold is 2"])

        // Two distinct trusted keys meet it.
        let both = try signTestRecord(fixture, commit: commit, recordedAt: testedAt, keys: [fixture.tester, second], to: "evidence/both.json")
        #expect(try gate(fixture, "two-keys", test: [both], policy: "policy-2of2.yml", status: 0).verdict == .passed)
    }

    @Test func aKeyIDNamingATrustedKeyOnAnotherKeysSignatureFails() throws {
        let (fixture, commit) = try honestRelease()
        let mallory = SigningKey.generate()
        let forged = try signTestRecord(fixture, commit: commit, recordedAt: Date().addingTimeInterval(-3_600), keys: [mallory],
                                        keyIDHints: [fixture.tester.publicKey.keyID], to: "evidence/forged-keyid.json")
        #expect(try fixture.envelope(forged).signatures.first?.keyID == fixture.tester.publicKey.keyID)
        let report = try gate(fixture, "forged-keyid", test: [forged])
        expectFailed(report, exactly: ["evidence.signatures", "test.result", "source.match"], primary: "evidence.signatures",
                     reason: ["no signature verifies with a trusted key", String(fixture.tester.publicKey.keyID.prefix(16))])
    }

    @Test func aReplaceRefMakingTheTestedCommitLookReleasedFails() throws {
        let (fixture, tested) = try honestRelease()
        let release = try fixture.git.commit("Untested change", files: ["src/widget.swift": "let speed = 3\n"])
        try fixture.git.tag("v2.0.0", message: "2.0.0")
        let realTree = try fixture.git.revParse("\(release)^{tree}")
        try fixture.git.git("replace", release, tested)
        // The git CLI now shows the tested commit where the release is...
        #expect(try fixture.git.revParse("v2.0.0^{tree}") == (try fixture.git.revParse("\(tested)^{tree}")))
        #expect(try fixture.git.git("log", "-1", "--format=%s", "v2.0.0") == "Add the widget")
        // ...libgit2 does not, and a record of what git would build is refused while the replacement exists.
        let refused = try fixture.run(["record", "build", "--repo", "widget", "--rev", "v2.0.0", "--key", "keys/release.key",
                                       "--out", "evidence/build-v2.json"])
        #expect(refused.status == 2 && refused.stderr.contains("refs/replace/\(release)"), "\(refused.stderr)")
        #expect(!fixture.exists("evidence/build-v2.json"))
        // Recorded before the replacement, the build names the real release commit with its real tree.
        try fixture.git.git("replace", "-d", release)
        try fixture.recordBuild("v2.0.0", out: "evidence/build-v2.json")
        try fixture.git.git("replace", release, tested)
        let build = String(decoding: try fixture.envelope("evidence/build-v2.json").payload, as: UTF8.self)
        #expect(build.contains(release) && build.contains(realTree))

        let report = try gate(fixture, "replaced", release: "v2.0.0", build: ["evidence/build-v2.json"])
        expectFailed(report, exactly: ["source.match", "repository.safety"], primary: "source.match",
                     reason: ["the release commit \(release.prefix(7)) is not the tested commit \(tested.prefix(7))"])
        #expect(status(report, "repository.safety") == .failed)
        #expect(report.checks.first { $0.id == "repository.safety" }?.reason.contains("refs/replace/\(release)") == true)
        #expect(report.release.commit == release && report.release.tree == realTree)
    }

    @Test func evidenceFromADirtyWorkTreeFails() throws {
        let (fixture, _) = try honestRelease()
        try fixture.git.write("VERSION", "1.0.0-local-edit\n")
        try fixture.recordTest(out: "evidence/dirty-test.json", extra: ["--allow-dirty"])
        try fixture.recordBuild("v1.0.0", out: "evidence/dirty-build.json", extra: ["--allow-dirty"])
        try fixture.git.git("checkout", "--", "VERSION")
        // A clean build recorded after the dirty test, so the evidence is in order.
        try fixture.recordBuild("v1.0.0", out: "evidence/clean-build.json")

        let testSide = try gate(fixture, "dirty-test", test: ["evidence/dirty-test.json"], build: ["evidence/clean-build.json"])
        expectFailed(testSide, exactly: ["worktree.clean"], primary: "worktree.clean", reason: ["tests ran on a dirty tree (VERSION)"])

        let buildSide = try gate(fixture, "dirty-build", build: ["evidence/dirty-build.json"])
        expectFailed(buildSide, exactly: ["worktree.clean"], primary: "worktree.clean", reason: ["the build ran on a dirty tree (VERSION)"])
    }

    @Test func aShallowCloneFails() throws {
        let (fixture, tested) = try honestRelease()
        let url = "file://\(fixture.git.path)"
        try fixture.git.git("clone", "-q", "--depth", "1", "--branch", "v1.0.0", url, fixture.path("shallow"))
        let identity = ["--repository", HardeningFixture.origin]
        try fixture.recordBuild("v1.0.0", out: "evidence/shallow-build.json", repo: "shallow", extra: identity)
        // Recording in such a clone already says what the gate will say, and how to check out instead.
        let warned = try fixture.succeed(["record", "build", "--repo", "shallow", "--rev", "v1.0.0", "--key", "keys/release.key",
                                       "--out", "evidence/shallow-again.json"] + identity)
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("warning: this is a shallow clone") && warned.stderr.contains("fetch-depth: 0"))
        let report = try gate(fixture, "shallow", repo: "shallow", build: ["evidence/shallow-build.json"], extra: identity)
        expectFailed(report, exactly: ["repository.safety"], primary: "repository.safety", reason: ["shallow clone", "git fetch --unshallow"])
        #expect(report.tested?.commit == tested)

        // A version bump on top of the tested commit, released from a clone too shallow to hold the tested commit.
        try fixture.git.commit("Bump the version", files: ["VERSION": "1.0.1\n"])
        try fixture.git.tag("v1.0.1", message: "1.0.1")
        try fixture.write("policy-bump.yml", Self.policy.replacingOccurrences(of: "match: exact-commit",
                                                                              with: "match: allowed-diff\n  allowed_paths: [VERSION]"))
        try fixture.git.git("clone", "-q", "--depth", "1", "--branch", "v1.0.1", url, fixture.path("shallow-bump"))
        try fixture.recordBuild("v1.0.1", out: "evidence/bump-build.json", repo: "shallow-bump", extra: identity)
        let bump = try gate(fixture, "shallow-bump", release: "v1.0.1", repo: "shallow-bump", build: ["evidence/bump-build.json"],
                            policy: "policy-bump.yml", extra: identity)
        expectFailed(bump, exactly: ["repository.safety", "source.match"], primary: "repository.safety", reason: ["shallow clone"])
        #expect(bump.checks.first { $0.id == "source.match" }?.reason.contains("is not in this repository") == true)
    }
}
