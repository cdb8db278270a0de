// Bad keys and bad policies, through the built binary, for every command that reads them.
//
// Decisions: every case is exit 2 (the command's own input is unusable), one stderr line naming the
// problem and the file, nothing written.
//
// | input                                         | commands                                            | the message names
// |-----------------------------------------------|-----------------------------------------------------|------------------------------------
// | P-384 private key (wrong curve)               | record test, record build, gate --key               | "P-384", use Ed25519 or P-256
// | P-384 / secp256k1 public key                  | verify-evidence, verify, gate --trusted-key         | the curve
// | a public key where the private one belongs    | record test, record build, gate --key (0644 .pub)   | "this is a public key", not chmod advice
// | a private key where a public one belongs      | verify-evidence, verify, gate --trusted-key         | "this is a private key"
// | encrypted PKCS#8 / legacy encrypted EC PEM    | record test, gate --key                             | "encrypted", how to decrypt
// | world- or group-readable private key          | record test, record build, gate --key               | "chmod 600"
// | env:NAME not set, not PEM, missing file       | record test, gate --key, verify-evidence            | the variable / "PEM" / the path
// | policy: unknown key, bad glob, wrong type,    | policy check, gate --policy                         | file:line: key and what is wrong
// |   empty, repeated key, bad YAML, bad version, |                                                     |
// |   a trusted key file that does not exist      |                                                     |
import AuditCore
import Foundation
import TestSupport
import Testing

@Suite struct BadInputKeyPolicyTests {
    /// A P-384 key pair (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384).
    static let p384Private = """
        -----BEGIN PRIVATE KEY-----
        MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBbvX8aP9PBmCqJRTDg
        Nej/Bp3s0zTT8sgVymcoMxnvhqy24deqBgbZKucz5g90PR2hZANiAARg6g3yy1Ch
        sXeTumMMRDaejofsm3OygPibNMZuIdHq9Pq4ZaRf4kNHbFzbD+s1MDxHc8CAW16n
        2g0OyF9rd/nLGA8D0+WDB/wAudGGg/cgI8BK7k7VzAuaz1Wk3ottfCg=
        -----END PRIVATE KEY-----

        """
    static let p384Public = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEYOoN8stQobF3k7pjDEQ2no6H7JtzsoD4
        mzTGbiHR6vT6uGWkX+JDR2xc2w/rNTA8R3PAgFtep9oNDshfa3f5yxgPA9Plgwf8
        ALnRhoP3ICPASu5O1cwLms9VpN6LbXwo
        -----END PUBLIC KEY-----

        """
    /// A secp256k1 public key (the other "EC" curve people have lying around).
    static let secp256k1Public = """
        -----BEGIN PUBLIC KEY-----
        MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAENyXkGD+bhdof46wrKbKwcjaJ4/RUAR8t
        0Y9Vlv0YiVnIiObh+nayAskBpXTMAkR/6Tme2Q/l1RSfNEPzrACf2g==
        -----END PUBLIC KEY-----

        """
    /// An Ed25519 key encrypted with a passphrase (openssl genpkey -aes-256-cbc).
    static let encryptedPKCS8 = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi9yML67KBnZAICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEMSXxOlXPxoIiyi8jUUYamYEQOiD
        qoGUSMloflENtTkWnBaiJtSV+znoRBtRb5bupT5EII5WA5tN9OtmgpaZi+7iRdwB
        0ZKeFP7h5kO5nlpBZb8=
        -----END ENCRYPTED PRIVATE KEY-----

        """
    /// A P-256 key in the legacy OpenSSL encrypted format (openssl ec -aes256).
    static let encryptedLegacyEC = """
        -----BEGIN EC PRIVATE KEY-----
        Proc-Type: 4,ENCRYPTED
        DEK-Info: AES-256-CBC,C151D19DA62D5861F7DC3ED6A5DDC280

        2m5RU1pYtl8VJFrnRkO7VyeIWuWh/txJgbYHvE4Z82qQu8bR+lSJvjdWTulRl8um
        HDmfLaelgpVjt+M7VbJkTDCB2aLOJhJ77tf4en4dgSqf+VWva0+nGVUsbEewPY3y
        BZchCPnpNytdXtvpNdma9LUr2X/VoMeYORujTAbjlHw=
        -----END EC PRIVATE KEY-----

        """

    func writePrivate(_ fixture: HardeningFixture, _ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let file = try fixture.write("bad/\(name)", text)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: fixture.path(file))
        return file
    }

    @Test func unusableKeysAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        try fixture.succeed(["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                             "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                             "--out", "reports/v1.0.0.json"] + HardeningFixture.trustEvidence)
        let p384 = try writePrivate(fixture, "p384.key", Self.p384Private)
        let p384Pub = try fixture.write("bad/p384.pub", Self.p384Public)
        let k1Pub = try fixture.write("bad/secp256k1.pub", Self.secp256k1Public)
        let encrypted = try writePrivate(fixture, "encrypted.key", Self.encryptedPKCS8)
        let legacy = try writePrivate(fixture, "legacy-encrypted.key", Self.encryptedLegacyEC)
        let worldReadable = try writePrivate(fixture, "world.key", fixture.tester.privateKeyPEM, mode: 0o644)
        let groupReadable = try writePrivate(fixture, "group.key", fixture.tester.privateKeyPEM, mode: 0o640)
        let notPEM = try writePrivate(fixture, "garbage.key", "this is not a key\n")

        // Commands that sign, with the key under test as --key; each must write nothing.
        func signing(_ key: String, _ n: Int) -> [(String, [String], [String])] {
            [
                ("record test", ["record", "test", "--repo", "widget", "--result", "passed", "--key", key, "--out", "out/\(n)-test.json", "--notes"],
                 ["out/\(n)-test.json"]),
                ("record build", ["record", "build", "--repo", "widget", "--rev", "v1.0.0", "--key", key, "--out", "out/\(n)-build.json"],
                 ["out/\(n)-build.json"]),
                ("gate --key", ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", key, "--test-evidence", "evidence/test.json",
                                "--build-evidence", "evidence/build.json", "--out", "out/\(n)/report.json", "--vsa", "out/\(n)/vsa.json"]
                    + HardeningFixture.trustEvidence, ["out/\(n)"]),
            ]
        }
        // Commands that verify, with the key under test as --trusted-key.
        func verifying(_ key: String, _ n: Int) -> [(String, [String], [String])] {
            [
                ("verify-evidence", ["verify-evidence", "evidence/test.json", "--trusted-key", key], []),
                ("verify", ["verify", "reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", key], []),
                ("gate --tester-key", ["gate", "--repo", "widget", "--release", "v1.0.0", "--key", "keys/auditor.key",
                                       "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                                       "--out", "out/\(n)/report.json", "--tester-key", key], ["out/\(n)"]),
            ]
        }

        let keys: [(label: String, key: String, signs: Bool, mentions: [String], env: [String: String])] = [
            ("P-384 private key", p384, true, ["P-384", "Ed25519 or ECDSA P-256"], [:]),
            ("P-384 public key", p384Pub, false, ["P-384"], [:]),
            ("secp256k1 public key", k1Pub, false, ["secp256k1"], [:]),
            ("public key as the signing key", "keys/ci.pub", true, ["this is a public key", "private key"], [:]),
            ("private key as a trusted key", "keys/ci.key", false, ["this is a private key", "-pubout"], [:]),
            ("encrypted PKCS#8 key", encrypted, true, ["encrypted", "passphrase"], [:]),
            ("legacy encrypted EC key", legacy, true, ["encrypted", "passphrase"], [:]),
            ("world-readable private key", worldReadable, true, ["mode 644", "chmod 600"], [:]),
            ("group-readable private key", groupReadable, true, ["mode 640", "chmod 600"], [:]),
            ("not PEM", notPEM, true, ["no PEM key found"], [:]),
            ("missing key file", "keys/nope.key", true, ["keys/nope.key"], [:]),
            ("env: variable not set", "env:RA_TEST_NO_SUCH_KEY", true, ["RA_TEST_NO_SUCH_KEY", "not set"], [:]),
            ("env: variable empty", "env:RA_TEST_EMPTY_KEY", false, ["RA_TEST_EMPTY_KEY", "empty"], ["RA_TEST_EMPTY_KEY": ""]),
        ]
        var count = 0
        for (index, entry) in keys.enumerated() {
            let commands = entry.signs ? signing(entry.key, index) : verifying(entry.key, index)
            for (command, arguments, outputs) in commands {
                let mentions = entry.key.hasPrefix("env:") ? entry.mentions : entry.mentions + [entry.key]
                try RefusalCase(label: "\(command): \(entry.label)", arguments: arguments, status: 2, mentions: mentions,
                                mustNotExist: outputs, environment: entry.env).check(in: fixture)
                count += 1
            }
        }
        #expect(count == 39)
        // `record --notes` wrote no note either.
        let notes = try fixture.git.run(["notes", "--ref=release-audit", "list"])
        #expect(notes.stdout.isEmpty, "a refused record left a note: \(notes.stdout)")
    }

    @Test func unusablePoliciesAreAOneLineErrorWithExitTwo() throws {
        let fixture = try HardeningFixture()
        try fixture.releasedRepository()
        let policies: [(name: String, text: String, mentions: [String])] = [
            ("unknown-key.yml", "version: 1\nsource:\n  match: exact-commit\n  mtach: same-tree\n", [":4:", "mtach", "unknown key"]),
            ("unknown-top-key.yml", "version: 1\ntrusted-keys: {}\n", [":2:", "trusted-keys", "unknown key"]),
            ("bad-glob.yml", "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [\"docs/[abc\"]\n", [":4:", "glob", "docs/[abc"]),
            ("absolute-glob.yml", "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [/VERSION]\n", [":4:", "/VERSION"]),
            ("wrong-type-match.yml", "version: 1\nsource:\n  match: 5\n", [":3:", "source.match", "integer"]),
            ("wrong-type-threshold.yml", "version: 1\ntrusted_keys:\n  tester:\n    threshold: two\n", [":4:", "threshold"]),
            ("wrong-type-required.yml", "version: 1\ntest:\n  required: maybe\n", [":3:", "test.required"]),
            ("empty.yml", "", ["empty"]),
            ("comments-only.yml", "# nothing here\n", ["empty"]),
            ("repeated-key.yml", "version: 1\nsource:\n  match: exact-commit\n  match: same-tree\n", [":4:", "repeated key"]),
            ("repeated-key.json", #"{"version": 1, "source": {"match": "exact-commit", "match": "same-tree"}}"#, ["repeated key"]),
            ("bad-yaml.yml", "version: 1\nsource: [unclosed\n", ["bad-yaml.yml"]),
            ("bad-version.yml", "version: 2\n", ["version", "2"]),
            ("bad-duration.yml", "version: 1\ntest:\n  max_age: soon\n", [":3:", "max_age"]),
            ("missing-key-file.yml", "version: 1\ntrusted_keys:\n  tester:\n    keys: [keys/nope.pub]\n", ["nope.pub"]),
        ]
        var count = 0
        for (index, policy) in policies.enumerated() {
            let file = try fixture.write("policies/\(policy.name)", policy.text)
            // The key file a policy names is only read by the gate; `policy check` validates the text.
            if policy.name != "missing-key-file.yml" {
                try RefusalCase(label: "policy check \(policy.name)", arguments: ["policy", "check", file], status: 2,
                                mentions: policy.mentions + [policy.name]).check(in: fixture)
                count += 1
            }
            try RefusalCase(label: "gate --policy \(policy.name)",
                            arguments: ["gate", "--repo", "widget", "--release", "v1.0.0", "--policy", file, "--key", "keys/auditor.key",
                                        "--test-evidence", "evidence/test.json", "--build-evidence", "evidence/build.json",
                                        "--out", "out/\(index)/report.json"] + HardeningFixture.trustEvidence,
                            status: 2, mentions: policy.mentions, mustNotExist: ["out/\(index)"]).check(in: fixture)
            count += 1
        }
        try RefusalCase(label: "policy check: no such preset or file", arguments: ["policy", "check", "exact-comit"], status: 2,
                        mentions: ["exact-comit", "not a preset"]).check(in: fixture)
        count += 1
        #expect(count == 30)
    }
}
