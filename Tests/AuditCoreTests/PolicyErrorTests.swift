import AuditCore
import Foundation
import Testing

/// Every way a policy can be wrong gives one line naming the file, the line and (where there is one) the key.
@Suite struct PolicyErrorTests {
    static let file = "policies/x.yml"

    /// (policy text, the whole error description)
    static let invalid: [(String, String)] = [
        // The issue's own example.
        ("""
         version: 1
         source:
           match: allowed-diff
           allowed_paths:
             - VERSION
             - "**/version.go"
             - "[abc"
         """, "policies/x.yml:7: source.allowed_paths[2]: invalid glob \"[abc\": unclosed bracket"),
        // Unknown keys, at every depth.
        ("version: 1\nsorce:\n  match: same-tree\n",
         "policies/x.yml:2: sorce: unknown key; allowed here: version, source, test, build, trusted_keys, tag, rc, reports"),
        ("version: 1\nsource:\n  mode: same-tree\n",
         "policies/x.yml:3: source.mode: unknown key; allowed here: match, allowed_paths, require_descendant, branches, repository"),
        ("version: 1\ntrusted_keys:\n  tester:\n    key: [a.pem]\n",
         "policies/x.yml:4: trusted_keys.tester.key: unknown key; allowed here: keys, threshold, identities"),
        ("version: 1\ntrusted_keys:\n  signer: {}\n",
         "policies/x.yml:3: trusted_keys.signer: unknown key; allowed here: tester, builder, auditor, allow_shared_keys, trusted_roots"),
        ("version: 1\n<<: {a: 1}\n",
         "policies/x.yml:2: <<: unknown key; allowed here: version, source, test, build, trusted_keys, tag, rc, reports"),
        // Keys that are not plain scalars are refused before Yams reads them (PolicyHostileYAMLTests has more).
        ("version: 1\n? [a]\n: 1\n",
         "policies/x.yml:2: a key must be a plain name, found an explicit key (? key); write key: value"),
        ("version: 1\n[a]: 1\n",
         "policies/x.yml:2: a key must be a plain name, found a list"),
        // Wrong types.
        ("version: 1\ntest:\n  required: yes\n",
         "policies/x.yml:3: test.required: expected true or false, found the string \"yes\""),
        ("version: 1\nbuild:\n  clean_worktree: 1\n",
         "policies/x.yml:3: build.clean_worktree: expected true or false, found the integer 1"),
        ("version: 1\nsource:\n  match: [exact-commit]\n",
         "policies/x.yml:3: source.match: expected one of exact-commit, same-tree, allowed-diff, found a list"),
        ("version: 1\nsource:\n  match: exact\n",
         "policies/x.yml:3: source.match: expected one of exact-commit, same-tree, allowed-diff, found the string \"exact\""),
        ("version: 1\nsource:\n  branches: main\n",
         "policies/x.yml:3: source.branches: expected a list of strings, found the string \"main\""),
        ("version: 1\nsource:\n  branches:\n    - main\n    - 1.0\n",
         "policies/x.yml:5: source.branches[1]: expected a string, found the number 1.0"),
        ("version: 1\nsource:\n  branches:\n",
         "policies/x.yml:3: source.branches: expected a list of strings, found null"),
        ("version: 1\nsource:\n",
         "policies/x.yml:2: source: expected a mapping of keys (match, allowed_paths, require_descendant, branches, repository), found null"),
        ("version: 1\ntest: true\n",
         "policies/x.yml:2: test: expected a mapping of keys (required, minimum_result, required_suites, clean_worktree, max_age), found the boolean true"),
        ("version: 1\ntag:\n  prefix: 7\n",
         "policies/x.yml:3: tag.prefix: expected a string, found the integer 7"),
        ("version: 1\ntag:\n  pattern: {version}\n",
         "policies/x.yml:3: tag.pattern: expected a string, found a mapping"),
        ("version: 1\nsource:\n  repository: !!binary aGVsbG8=\n",
         "policies/x.yml:3: source.repository: expected a string, found a value tagged tag:yaml.org,2002:binary"),
        ("version: 1\ntest:\n  max_age: 3600\n",
         "policies/x.yml:3: test.max_age: expected a duration such as \"7d\", \"36h\", \"90m\" or \"3600s\" (or null for no limit), found the integer 3600"),
        ("version: 1\ntrusted_keys:\n  builder:\n    threshold: \"2\"\n",
         "policies/x.yml:4: trusted_keys.builder.threshold: expected a whole number of at least 1, found the string \"2\""),
        ("version: 1\ntrusted_keys:\n  builder:\n    threshold: 0\n",
         "policies/x.yml:4: trusted_keys.builder.threshold: expected a whole number of at least 1, found the integer 0"),
        // Bad values.
        ("version: 1\nbuild:\n  max_age: 7x\n",
         "policies/x.yml:3: build.max_age: invalid duration \"7x\": write a positive whole number and a unit, s, m, h or d (\"90m\", \"36h\", \"7d\")"),
        ("version: 1\nrc:\n  patterns:\n    - \"v{version}-rc.{n}\"\n    - \"v{ver}-rc{n}\"\n",
         "policies/x.yml:5: rc.patterns[1]: invalid tag pattern \"v{ver}-rc{n}\": unknown placeholder {ver}; use {version} and {n}"),
        ("version: 1\nrc:\n  patterns: [\"v{version}-rc\"]\n",
         "policies/x.yml:3: rc.patterns[0]: an RC pattern needs {n} for the release-candidate number, as in \"v{version}-rc.{n}\""),
        ("version: 1\ntag:\n  pattern: \"release\"\n",
         "policies/x.yml:3: tag.pattern: invalid tag pattern \"release\": no {version} placeholder"),
        ("version: 1\ntag:\n  pattern: \"v{version}-rc{n}\"\n",
         "policies/x.yml:3: tag.pattern: a release (GA) pattern cannot have {n}; {n} belongs in rc.patterns"),
        ("version: 1\ntag:\n  prefix: \"my chart/\"\n",
         "policies/x.yml:3: tag.prefix: invalid prefix \"my chart/\": \" \" cannot appear in a tag name"),
        ("version: 1\nsource:\n  branches: [\"release/***\"]\n",
         "policies/x.yml:3: source.branches[0]: invalid glob \"release/***\": \"***\" is not a wildcard; use \"*\" within a segment or \"**\" across segments"),
        ("version: 1\ntest:\n  minimum_result: FAILED\n",
         "policies/x.yml:3: test.minimum_result: must be PASSED or WARNED (which also accepts PASSED), not the string \"FAILED\""),
        ("version: 1\ntest:\n  minimum_result: passed\n",
         "policies/x.yml:3: test.minimum_result: must be PASSED or WARNED (which also accepts PASSED), not the string \"passed\""),
        ("version: 1\ntest:\n  required_suites: [unit, \"\"]\n",
         "policies/x.yml:3: test.required_suites[1]: a suite name cannot be empty"),
        ("version: 1\nsource:\n  repository: \"https://x-token:abc@github.com/o/r\"\n",
         "policies/x.yml:3: source.repository: the URL holds credentials; write it without a user name or token"),
        ("version: 1\nsource:\n  repository: \"\"\n",
         "policies/x.yml:3: source.repository: expected a repository URL such as \"https://github.com/org/repo\" (or null for no check)"),
        ("version: 1\ntrusted_keys:\n  tester:\n    keys: [\"-----BEGIN PUBLIC KEY-----\"]\n",
         "policies/x.yml:4: trusted_keys.tester.keys[0]: an inline key must be a whole PEM block, from \"-----BEGIN ...-----\" to \"-----END ...-----\""),
        ("version: 1\ntrusted_keys:\n  tester:\n    keys: [\"\"]\n",
         "policies/x.yml:4: trusted_keys.tester.keys[0]: expected a PEM file path or an inline PEM key, found an empty string"),
        // Keys that contradict each other.
        ("version: 1\nsource:\n  match: allowed-diff\n",
         "policies/x.yml:3: source.match: allowed-diff needs at least one glob in source.allowed_paths"),
        ("version: 1\nrc:\n  match: allowed-diff\n",
         "policies/x.yml:3: rc.match: allowed-diff needs at least one glob in source.allowed_paths"),
        ("version: 1\nrc:\n  patterns: []\n  match: same-commit\n",
         "policies/x.yml:4: rc.match: same-commit needs at least one pattern in rc.patterns"),
        ("version: 1\ntrusted_keys:\n  tester:\n    keys: [a.pem, b.pem]\n    threshold: 3\n",
         "policies/x.yml:5: trusted_keys.tester.threshold: 3 signatures can never be met by the 2 key(s) listed in trusted_keys.tester.keys"),
        // The version.
        ("source:\n  match: same-tree\n",
         "policies/x.yml:1: version: missing; a policy starts with \"version: 1\""),
        ("version: 2\n",
         "policies/x.yml:1: version: unsupported version the integer 2; this release-audit reads version 1"),
        ("version: \"1\"\n",
         "policies/x.yml:1: version: unsupported version the string \"1\"; this release-audit reads version 1"),
        ("version: 1.0\n",
         "policies/x.yml:1: version: unsupported version the number 1.0; this release-audit reads version 1"),
        ("# a comment\n\nversion: 0x1\n",
         "policies/x.yml:3: version: unsupported version the integer 0x1; this release-audit reads version 1"),
        // Repeated keys, YAML and JSON, named by their full key and the second line.
        ("version: 1\nsource:\n  match: exact-commit\n  branches: []\n  match: same-tree\n",
         "policies/x.yml:5: source.match: repeated key (first at line 3); each key may appear once"),
        ("version: 1\nversion: 1\n",
         "policies/x.yml:2: version: repeated key (first at line 1); each key may appear once"),
        ("version: 1\ntrusted_keys:\n  tester:\n    threshold: 1\n    \"threshold\": 2\n",
         "policies/x.yml:5: trusted_keys.tester.threshold: repeated key (first at line 4); each key may appear once"),
        ("{\n  \"version\": 1,\n  \"source\": {\n    \"match\": \"same-tree\",\n    \"match\": \"exact-commit\"\n  }\n}\n",
         "policies/x.yml:5: source.match: repeated key (first at line 4); each key may appear once"),
        ("version: 1\n!t version: 1\n",
         "policies/x.yml:2: version: repeated key (first at line 1); each key may appear once"),
        ("{\"version\": 1, \"test\": {\"required\": true}, \"test\": {}}",
         "policies/x.yml:1: test: repeated key (first at line 1); each key may appear once"),
        // Not a mapping, or not one document.
        ("- version: 1\n",
         "policies/x.yml:1: a policy must be a mapping of keys (version, source, ...), found a list"),
        ("just text\n",
         "policies/x.yml:1: a policy must be a mapping of keys (version, source, ...), found the string \"just text\""),
        ("version: 1\n---\nversion: 1\n",
         "policies/x.yml:2: not valid YAML or JSON: but found another document (expected a single document in the stream at line 1)"),
        ("version: 1\nsource: [1\n",
         "policies/x.yml:3: not valid YAML or JSON: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"),
        // Aliases are refused before they are looked up (PolicyHostileYAMLTests has more).
        ("version: 1\nsource:\n  match: *nothing\n",
         "policies/x.yml:3: anchors and aliases (&name, *name) are not allowed in a policy: write the value out"),
        ("{\"version\": 1,\n \"source\": {\"match\": \"same-tree\"\n}\n",
         "policies/x.yml:4: not valid YAML or JSON: did not find expected ',' or '}' (while parsing a flow mapping at line 1)"),
        ("version: 1\nx: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "\n",
         "policies/x.yml:2: not valid YAML or JSON: nested deeper than 64 levels"),
        // Empty documents.
        ("", "policies/x.yml: the policy is empty; it needs at least \"version: 1\""),
        ("# only a comment\n\n", "policies/x.yml: the policy is empty; it needs at least \"version: 1\""),
        ("---\n", "policies/x.yml: the policy is empty; it needs at least \"version: 1\""),
    ]

    @Test(arguments: invalid)
    func rejects(text: String, expected: String) {
        do {
            let policy = try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/work")
            Issue.record("accepted: \(policy)")
        } catch {
            #expect(String(describing: error) == expected)
            #expect(!String(describing: error).contains("\n"))
            #expect(error is PolicyError)
        }
    }

    @Test func invalidErrorsCarryFileLineAndKey() {
        #expect(throws: PolicyError.invalid(file: Self.file, line: 3, key: "test.required", message: "expected true or false, found the string \"on\"")) {
            try Policy.parse(Data("version: 1\ntest:\n  required: on\n".utf8), file: Self.file, baseDirectory: "/")
        }
    }

    @Test func bytesThatAreNotUTF8() {
        #expect(throws: PolicyError.unreadable(file: Self.file, reason: "not UTF-8 text")) {
            try Policy.parse(Data([0x76, 0x3A, 0x20, 0xFF, 0xFE]), file: Self.file, baseDirectory: "/")
        }
    }

    @Test func oversizedFiles() {
        let text = "version: 1\n" + String(repeating: "# padding\n", count: 30_000)
        #expect(throws: PolicyError.unreadable(file: Self.file, reason: "larger than 64 KiB; a policy is a short file")) {
            try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/")
        }
    }

    @Test func deepBlockNestingIsAnErrorNotACrash() {
        let text = "version: 1\nx:\n" + String(repeating: "- ", count: 50_000) + "a\n"
        #expect(throws: PolicyError.self) { try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/") }
    }

    @Test func aliasBombsAreNotExpanded() throws {
        // Each level refers to the previous one nine times: fully expanded it would be 9^8 nodes.
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        text += "version: 2\n"
        let start = ContinuousClock.now
        #expect(throws: PolicyError.self) { try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/") }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
