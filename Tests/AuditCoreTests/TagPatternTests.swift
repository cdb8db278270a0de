import AuditCore
import Testing

@Suite struct TagPatternTests {
    /// (pattern, tag, version, rc) — version nil means no match.
    static let matches: [(String, String, String?, Int?)] = [
        ("v{version}", "v1.2.3", "1.2.3", nil),
        ("v{version}", "v1", "1", nil),
        ("v{version}", "v1.2.3.4", "1.2.3.4", nil),
        ("v{version}", "v1.2.3-rc.1", nil, nil),
        ("v{version}", "v1.2.3-rc1", nil, nil),
        ("v{version}", "v1.2.", nil, nil),
        ("v{version}", "v.1", nil, nil),
        ("v{version}", "v1..2", nil, nil),
        ("v{version}", "1.2.3", nil, nil),
        ("v{version}", "xv1.2.3", nil, nil),
        ("v{version}", "v", nil, nil),
        ("{version}", "10.20.30", "10.20.30", nil),
        ("release-{version}-final", "release-2.0-final", "2.0", nil),
        ("v{version}-rc.{n}", "v1.2.3-rc.1", "1.2.3", 1),
        ("v{version}-rc.{n}", "v1.2.3-rc.12", "1.2.3", 12),
        ("v{version}-rc.{n}", "v1.2.3-rc.007", "1.2.3", 7),
        ("v{version}-rc.{n}", "v1.2.3-rc1", nil, nil),
        ("v{version}-rc.{n}", "v1.2.3-rc.", nil, nil),
        ("v{version}-rc.{n}", "v1.2.3-rc.1a", nil, nil),
        ("v{version}-rc.{n}", "v1.2.3-rc.99999999999999999999999", nil, nil),
        ("v{version}-rc{n}", "v1.2.3-rc4", "1.2.3", 4),
        ("v{version}-rc{n}", "v1.2.3-rc.4", nil, nil),
        // `.` after the version is literal text, so the version stops before it.
        ("v{version}.{n}", "v1.2.3.4", "1.2.3", 4),
        ("{n}-v{version}", "3-v1.0", "1.0", 3),
    ]

    @Test(arguments: matches)
    func match(pattern: String, tag: String, version: String?, rc: Int?) throws {
        let result = try TagPattern(pattern).match(tag)
        #expect(result?.version == version, "\(pattern) vs \(tag)")
        #expect(result?.rc == rc, "\(pattern) vs \(tag)")
    }

    /// (pattern, reason)
    static let invalid: [(String, String)] = [
        ("", "empty pattern"),
        ("v1.2.3", "no {version} placeholder"),
        ("rc{n}", "no {version} placeholder"),
        ("v{ver}", "unknown placeholder {ver}; use {version} and {n}"),
        ("v{}", "unknown placeholder {}; use {version} and {n}"),
        ("v{version", "unclosed \"{\""),
        ("v}{version}", "unmatched \"}\""),
        ("v{version}{n}", "placeholders must be separated by literal text"),
        ("{version}-{version}", "{version} appears twice"),
        ("v{version}-rc{n}.{n}", "{n} appears twice"),
        ("v {version}", "\" \" cannot appear in a tag name"),
        ("v{version}*", "\"*\" cannot appear in a tag name"),
        ("v{version}~1", "\"~\" cannot appear in a tag name"),
        ("v{version}\u{1}", "\"\\u{01}\" cannot appear in a tag name"),
    ]

    @Test(arguments: invalid)
    func rejects(pattern: String, reason: String) {
        #expect(throws: TagPatternError(pattern: pattern, reason: reason)) { try TagPattern(pattern) }
    }

    @Test func defaultsAreWhatTheyParseTo() throws {
        #expect(TagPattern.defaultRelease.pattern == "v{version}")
        #expect(TagPattern.defaultRelease.match("v1.2.3")?.version == "1.2.3")
        #expect(TagPattern.defaultReleaseCandidates.map(\.pattern) == ["v{version}-rc.{n}", "v{version}-rc{n}"])
        for pattern in [TagPattern.defaultRelease] + TagPattern.defaultReleaseCandidates {
            let parsed = try TagPattern(pattern.pattern)
            for tag in ["v1.2.3", "v1.2.3-rc.2", "v1.2.3-rc2", "v1.2.3-rc.x"] {
                #expect(parsed.match(tag)?.version == pattern.match(tag)?.version)
                #expect(parsed.match(tag)?.rc == pattern.match(tag)?.rc)
            }
        }
    }

    // MARK: Scheme

    static func scheme(prefix: String = "") throws -> ReleaseTagScheme {
        try ReleaseTagScheme(
            prefix: prefix,
            release: TagPattern("v{version}"),
            candidates: [TagPattern("v{version}-rc.{n}"), TagPattern("v{version}-rc{n}")]
        )
    }

    /// (tag, class) for the plain scheme.
    static let plainCases: [(String, TagClass?)] = [
        ("v1.2.3", .ga(version: "1.2.3")),
        ("v1.2.3-rc.1", .rc(version: "1.2.3", number: 1, patternIndex: 0)),
        ("v1.2.3-rc2", .rc(version: "1.2.3", number: 2, patternIndex: 1)),
        ("v2.0-rc.10", .rc(version: "2.0", number: 10, patternIndex: 0)),
        ("v1.2.3-beta.1", nil),
        ("v1.2.3-rc", nil),
        ("1.2.3", nil),
        ("chart/v1.2.3", nil),
        ("latest", nil),
        ("", nil),
    ]

    @Test(arguments: plainCases)
    func classifiesPlain(tag: String, expected: TagClass?) throws {
        #expect(try Self.scheme().classify(tag) == expected)
    }

    /// (tag, class) for a `chart/` stream.
    static let chartCases: [(String, TagClass?)] = [
        ("chart/v1.2.3", .ga(version: "1.2.3")),
        ("chart/v1.2.3-rc.1", .rc(version: "1.2.3", number: 1, patternIndex: 0)),
        ("chart/v1.2.3-rc1", .rc(version: "1.2.3", number: 1, patternIndex: 1)),
        ("v1.2.3", nil),
        ("app/v1.2.3", nil),
        ("chart/", nil),
        ("chart/chart/v1.2.3", nil),
    ]

    @Test(arguments: chartCases)
    func classifiesStream(tag: String, expected: TagClass?) throws {
        #expect(try Self.scheme(prefix: "chart/").classify(tag) == expected)
    }

    @Test func versionOfAClass() {
        #expect(TagClass.ga(version: "1.0").version == "1.0")
        #expect(TagClass.rc(version: "2.0", number: 3, patternIndex: 0).version == "2.0")
    }

    @Test func schemeRejectsMisplacedPlaceholders() throws {
        #expect(throws: TagPatternError(pattern: "v{version}-rc{n}", reason: "a release (GA) pattern cannot have {n}; {n} belongs in RC patterns")) {
            try ReleaseTagScheme(release: TagPattern("v{version}-rc{n}"))
        }
        #expect(throws: TagPatternError(pattern: "v{version}-beta", reason: "an RC pattern needs {n} for the release-candidate number")) {
            try ReleaseTagScheme(release: TagPattern("v{version}"), candidates: [TagPattern("v{version}-beta")])
        }
        #expect(throws: TagPatternError(pattern: "my chart/", reason: "\" \" cannot appear in a tag name")) {
            try ReleaseTagScheme(prefix: "my chart/", release: TagPattern("v{version}"))
        }
        #expect(throws: TagPatternError(pattern: "{x}/", reason: "a prefix is literal text and cannot hold \"{\" or \"}\"")) {
            try ReleaseTagScheme(prefix: "{x}/", release: TagPattern("v{version}"))
        }
    }
}
