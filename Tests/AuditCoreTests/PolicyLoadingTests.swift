import AuditCore
import Foundation
import Testing

@Suite struct PolicyLoadingTests {
    // MARK: Presets

    @Test func presetsAreListedDefaultFirst() {
        #expect(Policy.presetNames == ["exact-commit", "same-tree", "version-bump"])
        #expect(Policy.defaultName == Policy.presetNames.first)
    }

    @Test func exactCommitIsTheDefaultPolicy() throws {
        let loaded = try Policy.load(nameOrPath: "exact-commit")
        var expected = Policy()
        expected.test.maxAge = try PolicyDuration(parsing: "30d")  // the presets let an old pass go stale
        #expect(loaded.policy == expected)
        #expect(loaded.name == "exact-commit")
        #expect(loaded.path == nil)
        #expect(loaded.source == Data(try #require(Policy.presetSource(named: "exact-commit")).utf8))
    }

    @Test func sameTreePreset() throws {
        let loaded = try Policy.load(nameOrPath: "same-tree")
        var expected = Policy()
        expected.source.match = .sameTree
        expected.test.maxAge = try PolicyDuration(parsing: "30d")
        #expect(loaded.policy == expected)
    }

    @Test func versionBumpPreset() throws {
        let loaded = try Policy.load(nameOrPath: "version-bump")
        var expected = Policy()
        expected.source.match = .allowedDiff
        expected.source.requireDescendant = true
        expected.source.allowedPaths = try ["VERSION", "CHANGELOG.md"].map { Policy.AllowedPath(glob: try PathGlob($0)) }
        expected.test.maxAge = try PolicyDuration(parsing: "30d")
        #expect(loaded.policy == expected)
        let source = loaded.policy.source
        #expect(source.allowance(for: "VERSION", kind: .modified) != nil)
        #expect(source.allowance(for: "CHANGELOG.md", kind: .modified) != nil)
        // Only modifications: a new, deleted or retyped bookkeeping file is not a version bump.
        #expect(source.allowance(for: "VERSION", kind: .added) == nil)
        #expect(source.allowance(for: "VERSION", kind: .deleted) == nil)
        #expect(source.allowance(for: "VERSION", kind: .typeChanged) == nil)
        #expect(source.allowance(for: "internal/build/version.go", kind: .modified) == nil)
        #expect(source.allowance(for: "main.go", kind: .modified) == nil)
        #expect(source.allowance(for: "sub/VERSION", kind: .modified) == nil)
    }

    @Test(arguments: Policy.presetNames)
    func presetDigestIsTheFilesSHA256(name: String) throws {
        let loaded = try Policy.load(nameOrPath: name)
        let file = PolicyTestFiles.presetsFolder.appendingPathComponent("\(name).yml").path
        let output = try run("/usr/bin/env", ["sha256sum", file])
        #expect(output.split(separator: " ").first.map(String.init) == loaded.sha256)
    }

    @Test(arguments: Policy.presetNames)
    func canonicalFormsRoundTrip(name: String) throws {
        let policy = try Policy.load(nameOrPath: name).policy
        try expectRoundTrip(policy)
    }

    // MARK: Every key

    static let everyKey = """
        # Every key, none at its default.
        version: 1
        source:
          match: allowed-diff
          allowed_paths: [VERSION, "**/version.go"]
          require_descendant: false
          branches:
            - main
            - "release/*"
          repository: https://github.com/example/project
        test:
          required: false
          minimum_result: WARNED
          required_suites: [unit, e2e]
          clean_worktree: false
          max_age: 36h
        build:
          required: false
          clean_worktree: false
          max_age: 3600s
        trusted_keys:
          tester:
            keys: [keys/ci.pub.pem, ../shared/ci2.pub.pem]
            threshold: 2
          builder:
            keys:
              - /etc/release/builder.pub.pem
              - |
                -----BEGIN PUBLIC KEY-----
                MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
                -----END PUBLIC KEY-----
          auditor:
            threshold: 1
        tag:
          prefix: chart/
          pattern: "v{version}"
          required: true
          annotated: true
          signed: true
        rc:
          patterns: ["v{version}-rc.{n}", "v{version}-RC{n}"]
          match: allowed-diff

        """

    @Test func readsEveryKey() throws {
        try PolicyTestFiles.withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("conf"), withIntermediateDirectories: true)
            let path = try PolicyTestFiles.write(Self.everyKey, to: "conf/release.yml", in: dir)
            let loaded = try Policy.load(nameOrPath: path)
            let p = loaded.policy
            #expect(loaded.name == "release.yml")
            #expect(loaded.path == path)
            #expect(loaded.source == Data(Self.everyKey.utf8))

            #expect(p.source.match == .allowedDiff)
            #expect(p.source.allowedPaths.map(\.pattern) == ["VERSION", "**/version.go"])
            #expect(p.source.requireDescendant == false)
            #expect(p.source.branches.map(\.pattern) == ["main", "release/*"])
            #expect(p.source.includesBranch("release/2.1"))
            #expect(!p.source.includesBranch("feature/x"))
            #expect(p.source.repository == "https://github.com/example/project")

            #expect(p.test.required == false)
            #expect(p.test.minimumResult == .warned)
            #expect(p.test.accepts(.warned) && p.test.accepts(.passed) && !p.test.accepts(.failed))
            #expect(p.test.requiredSuites == ["unit", "e2e"])
            #expect(p.test.cleanWorktree == false)
            #expect(p.test.maxAge?.seconds == 36 * 3600)

            #expect(p.build.required == false)
            #expect(p.build.cleanWorktree == false)
            #expect(p.build.maxAge?.seconds == 3600)

            // Relative key paths resolve against the policy file's directory.
            #expect(p.trustedKeys.tester.keys == [
                .file(dir.appendingPathComponent("conf/keys/ci.pub.pem").path),
                .file(dir.appendingPathComponent("shared/ci2.pub.pem").path),
            ])
            #expect(p.trustedKeys.tester.threshold == 2)
            #expect(p.trustedKeys[.builder].keys.count == 2)
            #expect(p.trustedKeys.builder.keys.first == .file("/etc/release/builder.pub.pem"))
            #expect(p.trustedKeys.builder.keys.last == .pem("""
                -----BEGIN PUBLIC KEY-----
                MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
                -----END PUBLIC KEY-----

                """))
            #expect(p.trustedKeys.auditor == Policy.RoleTrust())

            #expect(p.tag.prefix == "chart/")
            #expect(p.tag.pattern.pattern == "v{version}")
            #expect(p.tag.required && p.tag.annotated && p.tag.signed)
            #expect(p.rc.patterns.map(\.pattern) == ["v{version}-rc.{n}", "v{version}-RC{n}"])
            #expect(p.rc.match == .allowedDiff)
            #expect(p.tagScheme.classify("chart/v2.0.1") == .ga(version: "2.0.1"))
            #expect(p.tagScheme.classify("chart/v2.0.1-RC3") == .rc(version: "2.0.1", number: 3, patternIndex: 1))
            #expect(p.tagScheme.classify("v2.0.1") == nil)

            try expectRoundTrip(p)
        }
    }

    @Test func roleTrustBySubscript() {
        var keys = Policy.TrustedKeys()
        keys[.auditor] = Policy.RoleTrust(keys: [.pem("x")], threshold: 1)
        #expect(keys.auditor.keys == [.pem("x")])
        #expect(keys[.tester] == Policy.RoleTrust())
    }

    @Test func oddStringsRoundTrip() throws {
        var policy = Policy()
        policy.test.requiredSuites = [
            "unit", "e2e tests", "yes", "off", "No", "null", "~", "123", "1.5", "0x1F", "a: b", "#x", "- y", "\"q\"", "it's",
            "tab\there", "new\nline", "caf\u{E9}", "line\u{2028}sep", "bell\u{7}", "c1\u{85}", "{version}", "[x]", "*", "&a", "!t", "%p", "@", "`",
            " lead", "trail ", "back\\slash", "2024-01-01",
        ]
        policy.source.repository = "git@github.com:org/repo.git"
        policy.tag.prefix = "off/"
        try expectRoundTrip(policy)
    }

    // MARK: JSON

    @Test func readsJSON() throws {
        let json = #"{"version":1,"source":{"match":"same-tree","branches":["main"]},"test":{"max_age":"7d","required":false}}"#
        let policy = try Policy.parse(Data(json.utf8), file: "p.json", baseDirectory: "/")
        #expect(policy.source.match == .sameTree)
        #expect(policy.source.branches.map(\.pattern) == ["main"])
        #expect(policy.test.maxAge?.description == "7d")
        #expect(policy.test.required == false)
    }

    @Test func readsAPolicyFileWithABOMAndCRLF() throws {
        let text = "\u{FEFF}version: 1\r\nsource:\r\n  match: same-tree\r\n"
        let policy = try Policy.parse(Data(text.utf8), file: "p.yml", baseDirectory: "/")
        #expect(policy.source.match == .sameTree)
    }

    // MARK: Names and paths

    @Test func aFileWithoutAnExtensionIsAPath() throws {
        try PolicyTestFiles.withTemporaryDirectory { dir in
            let path = try PolicyTestFiles.write("version: 1\n", to: "policy", in: dir)
            let loaded = try Policy.load(nameOrPath: path)
            #expect(loaded.name == "policy")
            #expect(loaded.policy == Policy())
        }
    }

    @Test(arguments: ["no-such-preset", "missing.yml", "dir/missing.json", ""])
    func unknownNamesAreNotFound(name: String) {
        #expect(throws: PolicyError.notFound(name)) { try Policy.load(nameOrPath: name) }
    }

    @Test func notFoundListsThePresets() {
        #expect(PolicyError.notFound("x").description
            == "no policy \"x\": not a preset (exact-commit, same-tree, version-bump) and no such file; give a preset name or a path to a .yml, .yaml or .json file")
    }

    @Test func aDirectoryIsNotAPolicy() throws {
        _ = try PolicyTestFiles.withTemporaryDirectory { dir in
            #expect(throws: PolicyError.unreadable(file: dir.path, reason: "it is a directory")) {
                try Policy.load(nameOrPath: dir.path)
            }
        }
    }

    // MARK: Helpers

    /// Both canonical forms read back as the same policy, and writing again gives the same text.
    private func expectRoundTrip(_ policy: Policy, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let yaml = policy.canonicalYAML()
        let fromYAML = try Policy.parse(Data(yaml.utf8), file: "canonical.yml", baseDirectory: "/")
        #expect(fromYAML == policy, sourceLocation: sourceLocation)
        #expect(fromYAML.canonicalYAML() == yaml, sourceLocation: sourceLocation)
        let json = policy.canonicalJSON()
        let fromJSON = try Policy.parse(Data(json.utf8), file: "canonical.json", baseDirectory: "/")
        #expect(fromJSON == policy, sourceLocation: sourceLocation)
        #expect(fromJSON.canonicalJSON() == json, sourceLocation: sourceLocation)
        // The JSON form is real JSON, not only YAML.
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any], sourceLocation: sourceLocation)
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
