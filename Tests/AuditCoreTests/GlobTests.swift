import AuditCore
import Testing

@Suite struct GlobTests {
    /// (pattern, path, matches)
    static let cases: [(String, String, Bool)] = [
        // Literal names match only the whole path: no .gitignore-style matching at any depth.
        ("VERSION", "VERSION", true),
        ("VERSION", "sub/VERSION", false),
        ("VERSION", "VERSION.txt", false),
        ("CHANGELOG.md", "CHANGELOG.md", true),
        ("CHANGELOG.md", "CHANGELOGxmd", false),
        // `*` stays within a segment.
        ("*.md", "README.md", true),
        ("*.md", ".md", true),
        ("*.md", "docs/README.md", false),
        ("docs/*", "docs/a.md", true),
        ("docs/*", "docs/a/b.md", false),
        ("docs/*", "docs", false),
        ("*", ".github", true),
        ("a*b*c", "abc", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("a*b*c", "a/b/c", false),
        ("release/*", "release/1.2", true),
        ("release/*", "release/1.2/hotfix", false),
        ("release/*", "release", false),
        // `**/` matches zero or more directories.
        ("**/version.go", "version.go", true),
        ("**/version.go", "cmd/version.go", true),
        ("**/version.go", "a/b/c/version.go", true),
        ("**/version.go", "a/b/c/version.go.bak", false),
        ("**/version.go", "a/myversion.go", false),
        ("docs/**/versions.yml", "docs/versions.yml", true),
        ("docs/**/versions.yml", "docs/v1/versions.yml", true),
        ("docs/**/versions.yml", "docs/a/b/versions.yml", true),
        ("docs/**/versions.yml", "other/docs/versions.yml", false),
        ("docs/**/versions.yml", "docs/versions.yaml", false),
        ("a/**/b/**/c", "a/b/c", true),
        ("a/**/b/**/c", "a/x/b/y/z/c", true),
        ("a/**/b/**/c", "a/x/c", false),
        // A trailing `/**` matches everything inside, not the directory itself.
        ("a/**", "a/x", true),
        ("a/**", "a/x/y", true),
        ("a/**", "a", false),
        ("a/**", "ab/x", false),
        ("**", "anything/at/all", true),
        ("**", "x", true),
        // `?` and classes match one character, never `/`.
        ("v?.txt", "v1.txt", true),
        ("v?.txt", "v10.txt", false),
        ("a?b", "a/b", false),
        ("[abc].txt", "b.txt", true),
        ("[abc].txt", "d.txt", false),
        ("[a-z]1", "q1", true),
        ("[a-z]1", "Q1", false),
        ("[!x]y", "zy", true),
        ("[!x]y", "xy", false),
        ("[^x]y", "xy", false),
        ("[]]", "]", true),
        ("[a-]", "-", true),
        ("[!a-c]*", "d.go", true),
        ("[!a-c]*", "b.go", false),
        // Escapes make wildcards literal.
        ("\\*.md", "*.md", true),
        ("\\*.md", "a.md", false),
        ("a\\?", "a?", true),
        // Matching is case-sensitive and compares Unicode scalars.
        ("Readme.md", "README.md", false),
        ("caf\u{E9}", "caf\u{E9}", true),
        ("caf\u{E9}", "cafe\u{301}", false),
        // Paths are compared as given.
        ("docs/a", "docs//a", false),
        ("docs/a", "/docs/a", false),
        ("*", "", false),
    ]

    @Test(arguments: cases)
    func matching(pattern: String, path: String, expected: Bool) throws {
        let glob = try PathGlob(pattern)
        #expect(glob.matches(path) == expected, "\(pattern) vs \(path)")
    }

    /// (pattern, reason)
    static let invalid: [(String, String)] = [
        ("", "empty pattern"),
        ("[abc", "unclosed bracket"),
        ("a/[!", "unclosed bracket"),
        ("[]", "unclosed bracket"),
        ("a/***", "\"***\" is not a wildcard; use \"*\" within a segment or \"**\" across segments"),
        ("a**", "\"**\" must be a whole path segment, as in \"**/x\", \"a/**\" or \"a/**/b\""),
        ("**a/b", "\"**\" must be a whole path segment, as in \"**/x\", \"a/**\" or \"a/**/b\""),
        ("a/**b", "\"**\" must be a whole path segment, as in \"**/x\", \"a/**\" or \"a/**/b\""),
        ("/VERSION", "a leading \"/\" never matches; paths are relative to the repository root"),
        ("docs/", "a trailing \"/\" never matches a file; write \"docs/**\" for everything inside"),
        ("a//b", "empty path segment (\"//\")"),
        ("./VERSION", "\".\" and \"..\" segments never match a repository path"),
        ("a/../b", "\".\" and \"..\" segments never match a repository path"),
        ("[a/b]", "a character class cannot contain \"/\""),
        ("[z-a]", "reversed range \"z-a\" in a character class"),
        ("abc\\", "ends with an escaping backslash"),
        ("a\\/b", "\"/\" cannot be escaped; it always separates segments"),
    ]

    @Test(arguments: invalid)
    func rejects(pattern: String, reason: String) {
        #expect(throws: GlobError(pattern: pattern, reason: reason)) { try PathGlob(pattern) }
    }

    @Test func errorDescriptionNamesThePattern() {
        let error = GlobError(pattern: "[abc", reason: "unclosed bracket")
        #expect(error.description == "invalid glob \"[abc\": unclosed bracket")
    }

    @Test func dotNamesThatAreNotDotSegmentsAreFine() throws {
        #expect(try PathGlob(".github/**").matches(".github/workflows/ci.yml"))
        #expect(try PathGlob("...").matches("..."))
        #expect(try PathGlob(".?").matches(".a"))
    }

    @Test func manyGlobstarsStayFast() throws {
        // A naive backtracking matcher is exponential here; the table-driven one is not.
        let glob = try PathGlob(Array(repeating: "**", count: 30).joined(separator: "/") + "/z")
        let path = Array(repeating: "a", count: 200).joined(separator: "/")
        let start = ContinuousClock.now
        #expect(!glob.matches(path))
        #expect(ContinuousClock.now - start < .seconds(2))
        let star = try PathGlob(String(repeating: "a*", count: 40) + "b")
        #expect(!star.matches(String(repeating: "a", count: 2000)))
    }

    @Test func equalityIsByPattern() throws {
        #expect(try PathGlob("a/*") == PathGlob("a/*"))
        #expect(try PathGlob("a/*") != PathGlob("a/?"))
        #expect(try Set([PathGlob("x"), PathGlob("x")]).count == 1)
    }
}
