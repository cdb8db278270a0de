// Missing and conflicting flags, through the built binary; and outputs that already exist.
//
// Decisions:
//
// | command line                                           | exit | why
// |--------------------------------------------------------|------|-------------------------------------------------------
// | a required flag missing, two flags that exclude each   | 64   | usage (EX_USAGE): ArgumentParser's message names the
// |   other, a bad enum value, an unknown option/command   |      |   flag; checked in validate(), before any work
// | gate --vsa naming the report's own file                | 64   | a conflict between two flags
// | an output file that exists, without --force            | 2    | the input (where to write) is unusable; the existing
// |   (gate --out, gate --vsa, record --out, keygen --out) |      |   file is left byte for byte as it was
// | gate --out / --vsa through a file, or a directory      | 2    | refused before the audit: nothing written, no report
// |                                                        |      |   without its VSA
import AuditCore
import Foundation
import TestSupport
import Testing

@Suite struct BadInputCommandLineTests {
    @Test func missingAndConflictingFlagsAreUsageErrors() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let evidence = ["--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json"] + HardeningFixture.trustEvidence
        let cases = [
            // gate
            RefusalCase(label: "gate without --release or --release-rev",
                        arguments: ["gate", "--repo", "widget", "--key", "keys/auditor.key", "--out", "out/1.json"] + evidence,
                        status: 64, mentions: ["--release TAG or --release-rev REV"], mustNotExist: ["out"]),
            RefusalCase(label: "gate with --release and --release-rev",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--release-rev", "HEAD", "--key", "keys/auditor.key",
                                    "--out", "out/2.json"] + evidence,
                        status: 64, mentions: ["one of them"], mustNotExist: ["out"]),
            RefusalCase(label: "gate without --key",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--out", "out/3.json"] + evidence,
                        status: 64, mentions: ["--key"], mustNotExist: ["out"]),
            RefusalCase(label: "gate with an empty --out",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key", "--out", ""] + evidence,
                        status: 64, mentions: ["--out needs a file name"]),
            RefusalCase(label: "gate with --vsa naming the report",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                    "--out", "out/r.json", "--vsa", "./out/../out/r.json"] + evidence,
                        status: 64, mentions: ["--vsa", "different files"], mustNotExist: ["out"]),
            RefusalCase(label: "gate with a bad --format",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                    "--out", "out/4.json", "--format", "yaml"] + evidence,
                        status: 64, mentions: ["yaml", "--format"], mustNotExist: ["out"]),
            RefusalCase(label: "gate with --test-evidence and no file",
                        arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                    "--out", "out/5.json", "--test-evidence"],
                        status: 64, mentions: ["--test-evidence"], mustNotExist: ["out"]),
            // verify
            RefusalCase(label: "verify without --auditor-key", arguments: ["verify", "evidence/test.json", "--release", "v1.0.0"],
                        status: 64, mentions: ["--auditor-key"]),
            RefusalCase(label: "verify without --release", arguments: ["verify", "evidence/test.json", "--auditor-key", "keys/auditor.pub"],
                        status: 64, mentions: ["--release"]),
            RefusalCase(label: "verify without a report", arguments: ["verify", "--release", "v1.0.0", "--trusted-key", "keys/auditor.pub"],
                        status: 64, mentions: ["<report>"]),
            // verify-evidence
            RefusalCase(label: "verify-evidence without files or --notes", arguments: ["verify-evidence", "--trusted-key", "keys/ci.pub"],
                        status: 64, mentions: ["--notes"]),
            RefusalCase(label: "verify-evidence with files and --notes",
                        arguments: ["verify-evidence", "evidence/test.json", "--notes", "HEAD", "--repo", "widget", "--trusted-key", "keys/ci.pub"],
                        status: 64, mentions: ["not both"]),
            RefusalCase(label: "verify-evidence without --trusted-key", arguments: ["verify-evidence", "evidence/test.json"],
                        status: 64, mentions: ["--trusted-key"]),
            RefusalCase(label: "verify-evidence --threshold 0",
                        arguments: ["verify-evidence", "evidence/test.json", "--trusted-key", "keys/ci.pub", "--threshold", "0"],
                        status: 64, mentions: ["--threshold"]),
            RefusalCase(label: "verify-evidence --threshold two",
                        arguments: ["verify-evidence", "evidence/test.json", "--trusted-key", "keys/ci.pub", "--threshold", "two"],
                        status: 64, mentions: ["--threshold"]),
            // record test
            RefusalCase(label: "record test without --result or --junit",
                        arguments: ["record", "test", "--repo", "widget", "--key", "keys/ci.key", "--out", "out/6.json"],
                        status: 64, mentions: ["--junit", "--result"], mustNotExist: ["out"]),
            RefusalCase(label: "record test with --result and --junit",
                        arguments: ["record", "test", "--repo", "widget", "--key", "keys/ci.key", "--result", "passed", "--junit", "j.xml",
                                    "--out", "out/7.json"],
                        status: 64, mentions: ["one of them"], mustNotExist: ["out"]),
            RefusalCase(label: "record test with a bad --result",
                        arguments: ["record", "test", "--repo", "widget", "--key", "keys/ci.key", "--result", "green", "--out", "out/8.json"],
                        status: 64, mentions: ["green"], mustNotExist: ["out"]),
            RefusalCase(label: "record test without --out or --notes",
                        arguments: ["record", "test", "--repo", "widget", "--key", "keys/ci.key", "--result", "passed"],
                        status: 64, mentions: ["--out FILE and/or --notes"]),
            RefusalCase(label: "record test without --key",
                        arguments: ["record", "test", "--repo", "widget", "--result", "passed", "--out", "out/9.json"],
                        status: 64, mentions: ["--key"], mustNotExist: ["out"]),
            RefusalCase(label: "record test with an empty --out",
                        arguments: ["record", "test", "--repo", "widget", "--key", "keys/ci.key", "--result", "passed", "--out", ""],
                        status: 64, mentions: ["--out needs a file name"]),
            RefusalCase(label: "record test --statement-only with --key",
                        arguments: ["record", "test", "--repo", "widget", "--result", "passed", "--statement-only",
                                    "--key", "keys/ci.key", "--out", "out/s1.json"],
                        status: 64, mentions: ["--statement-only", "leave out --key"], mustNotExist: ["out"]),
            RefusalCase(label: "record test --statement-only into the notes",
                        arguments: ["record", "test", "--repo", "widget", "--result", "passed", "--statement-only", "--notes"],
                        status: 64, mentions: ["an unsigned statement is not evidence"]),
            RefusalCase(label: "record build --statement-only without --out",
                        arguments: ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--statement-only"],
                        status: 64, mentions: ["--statement-only needs --out"]),
            // notes add
            RefusalCase(label: "notes add without files", arguments: ["notes", "add", "--repo", "widget"],
                        status: 64, mentions: ["file"]),
            RefusalCase(label: "notes add of a missing file", arguments: ["notes", "add", "--repo", "widget", "nothing.json"],
                        status: 2, mentions: ["nothing.json"]),
            RefusalCase(label: "notes add of a file that is not evidence", arguments: ["notes", "add", "--repo", "widget", "widget/README.md"],
                        status: 2, mentions: ["README.md"]),
            // record build
            RefusalCase(label: "record build without --out or --notes",
                        arguments: ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key"],
                        status: 64, mentions: ["--out FILE and/or --notes"]),
            RefusalCase(label: "record build with a bad --artifact",
                        arguments: ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key",
                                    "--artifact", "app.tar.gz", "--out", "out/10.json"],
                        status: 64, mentions: ["app.tar.gz", "NAME@sha256:HEX"], mustNotExist: ["out"]),
            RefusalCase(label: "record build with a short artifact digest",
                        arguments: ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", "keys/release.key",
                                    "--artifact", "app@sha256:abc", "--out", "out/11.json"],
                        status: 64, mentions: ["64 hexadecimal"], mustNotExist: ["out"]),
            RefusalCase(label: "record without a kind", arguments: ["record", "--key", "keys/ci.key"],
                        status: 64, mentions: ["--key"]),
            // keygen, policy, inspect, the root
            RefusalCase(label: "keygen without --out", arguments: ["keygen"], status: 64, mentions: ["--out"]),
            RefusalCase(label: "keygen with an unknown algorithm", arguments: ["keygen", "--out", "out/k", "--algorithm", "rsa"],
                        status: 64, mentions: ["rsa"], mustNotExist: ["out"]),
            RefusalCase(label: "keygen --out with an extension", arguments: ["keygen", "--out", "out/k.key"],
                        status: 64, mentions: ["prefix"], mustNotExist: ["out"]),
            RefusalCase(label: "policy check without a policy", arguments: ["policy", "check"], status: 64, mentions: ["<file-or-name>"]),
            RefusalCase(label: "inspect with an unknown option", arguments: ["inspect", "--bogus"], status: 64, mentions: ["--bogus"]),
            RefusalCase(label: "an unknown command", arguments: ["publish"], status: 64, mentions: ["publish"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
        #expect(cases.count == 37)
    }

    @Test func existingOutputsAreNeverReplacedWithoutForce() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let existing = Data("an earlier file that must survive\n".utf8)
        for name in ["out/report.json", "out/vsa.json", "out/test.json", "out/ci.key", "out/ci.pub"] { try fixture.write(name, existing) }
        try fixture.write("out/a-file", existing)
        let gate = ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                    "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json"] + HardeningFixture.trustEvidence
        let cases = [
            RefusalCase(label: "gate --out exists", arguments: gate + ["--out", "out/report.json"], status: 2, mentions: ["already exists", "--force"]),
            RefusalCase(label: "gate --vsa exists", arguments: gate + ["--out", "out/new-report.json", "--vsa", "out/vsa.json"],
                        status: 2, mentions: ["out/vsa.json", "already exists"], mustNotExist: ["out/new-report.json"]),
            RefusalCase(label: "gate --vsa through a file", arguments: gate + ["--out", "out/new-report.json", "--vsa", "out/a-file/vsa.json"],
                        status: 2, mentions: ["out/a-file", "not a directory"], mustNotExist: ["out/new-report.json"]),
            RefusalCase(label: "gate --out through a file", arguments: gate + ["--out", "out/a-file/report.json"],
                        status: 2, mentions: ["out/a-file", "not a directory"]),
            RefusalCase(label: "gate --out is a directory", arguments: gate + ["--out", "evidence"],
                        status: 2, mentions: ["evidence", "directory"]),
            RefusalCase(label: "record --out exists",
                        arguments: ["record", "test", "--repo", "widget", "--result", "passed", "--key", "keys/ci.key", "--out", "out/test.json"],
                        status: 2, mentions: ["out/test.json", "already exists"]),
            RefusalCase(label: "keygen --out exists", arguments: ["keygen", "--out", "out/ci"], status: 2, mentions: ["out/ci", "exists"]),
        ]
        for refusal in cases { try refusal.check(in: fixture) }
        for name in ["out/report.json", "out/vsa.json", "out/test.json", "out/ci.key", "out/ci.pub", "out/a-file"] {
            #expect(try fixture.read(name) == existing, "\(name) was changed")
        }
    }
}
