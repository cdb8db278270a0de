import Foundation
import TestSupport
import Testing

/// The outputs of `gate`, `verify` and `audit` in every format on fixed fixtures, compared byte for
/// byte with the files in `Golden/`. They guard refactorings: a change to any output shows here as a
/// diff to review. What differs between runs (temporary paths, times, ages, random keys and the
/// digests and signatures that depend on them) is replaced by placeholders first.
///
/// To accept a deliberate change: `RELEASE_AUDIT_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests`,
/// then review `git diff Tests/CLITests/Golden`.
@Suite struct GoldenOutputTests {
    @Test func auditOutputs() throws {
        let fixture = try AuditFixture.shared.get()
        var outputs: [(String, ProcessOutput)] = []
        for format in ["table", "json", "markdown", "html"] {
            outputs.append(("audit --format \(format)", try fixture.audit(["--format", format])))
        }
        outputs.append(("audit --fail-on all --since v1.9.0", try fixture.audit(["--fail-on", "all", "--since", "v1.9.0"])))
        try Golden.expect("audit", outputs, roots: [AuditFixture.root.path])
    }

    @Test func gateAndVerifyOutputsOfAPassingRelease() throws {
        let f = try GateFixture()
        try f.git.tag("v1.0.0-rc.1", message: "rc 1")
        try f.testedRelease()
        var outputs: [(String, ProcessOutput)] = []
        var reports: [String] = []
        for format in ["text", "json", "markdown"] {
            let run = try f.gate("v1.0.0", ["--format", format])
            outputs.append(("gate --format \(format)", (status: run.status, stdout: run.stdout, stderr: run.stderr)))
            reports.append(run.reportPath)
        }
        outputs.append(("report payload", try Golden.payload(of: reports[0])))
        let summary = f.path("summary.md"), output = f.path("output.txt")
        let github = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output]
        try f.file("summary.md", ""); try f.file("output.txt", "")
        let annotated = try f.gate("v1.0.0", environment: github)
        outputs.append(("gate under GitHub Actions", (status: annotated.status, stdout: annotated.stdout, stderr: annotated.stderr)))
        outputs.append(("step summary", try Golden.file(summary)))
        outputs.append(("GITHUB_OUTPUT", try Golden.file(output)))
        for format in ["text", "json", "markdown"] {
            outputs.append(("verify --format \(format)", try f.tool(
                ["verify", reports[0], "--release", "v1.0.0", "--auditor-key", f.keys.pub("auditor"),
                 "--tester-key", f.keys.pub("ci"), "--builder-key", f.keys.pub("release"), "--repo", f.repo, "--format", format])))
        }
        try Golden.expect("gate-passed", outputs, roots: [f.root.path, f.keys.directory])
    }

    /// A failing release with every kind of detail: changed paths (one with characters that mean
    /// something in Markdown and HTML), an RC relation, a lightweight tag, a stale record.
    @Test func gateAndVerifyOutputsOfAFailingRelease() throws {
        let f = try GateFixture()
        try f.git.tag("v1.1.0-rc.1", message: "rc 1")
        try f.recordTest()
        try f.git.commit("Release 1.1.0", files: ["VERSION": "1.1.0\n", "src/widget.swift": "let speed = 2\n",
                                                  "docs/a|b `c` <d>.md": "*x*\n"])
        try f.git.git("tag", "v1.1.0")
        try f.recordBuild("v1.1.0")
        let policy = try f.policy("""
            version: 1
            source:
              match: allowed-diff
              require_descendant: true
              allowed_paths: [VERSION, {path: CHANGELOG.md, added: true}]
              branches: [main]
            test:
              max_age: 30d
            rc:
              match: allowed-diff
            tag:
              annotated: true

            """)
        var outputs: [(String, ProcessOutput)] = []
        var reports: [String] = []
        for format in ["text", "json", "markdown"] {
            let run = try f.gate("v1.1.0", policy: policy, ["--format", format])
            outputs.append(("gate --format \(format)", (status: run.status, stdout: run.stdout, stderr: run.stderr)))
            reports.append(run.reportPath)
        }
        outputs.append(("report payload", try Golden.payload(of: reports[0])))
        let summary = try f.file("summary.md", "")
        let annotated = try f.gate("v1.1.0", policy: policy, environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
        outputs.append(("gate under GitHub Actions", (status: annotated.status, stdout: annotated.stdout, stderr: annotated.stderr)))
        outputs.append(("step summary", try Golden.file(summary)))
        for format in ["text", "json", "markdown"] {
            outputs.append(("verify --format \(format)", try f.tool(
                ["verify", reports[0], "--release", "v1.1.0", "--auditor-key", f.keys.pub("auditor"), "--policy", policy, "--format", format])))
        }
        try Golden.expect("gate-failed", outputs, roots: [f.root.path, f.keys.directory])
    }
}

/// Reading, normalising and comparing golden outputs.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares the outputs, normalised and joined, with `Golden/<name>.txt` (or writes it in record mode).
    static func expect(_ name: String, _ outputs: [(String, ProcessOutput)], roots: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        var text = ""
        for (title, output) in outputs {
            text += "=== \(title): exit \(output.status)\n--- stdout\n\(output.stdout)\n--- stderr\n\(output.stderr)\n"
        }
        let actual = normalise(text, roots: roots)
        let file = directory.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["RELEASE_AUDIT_RECORD_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if actual != expected {
            let (a, e) = (actual.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
            let line = Array(zip(a, e)).firstIndex { $0.0 != $0.1 } ?? min(a.count, e.count)
            Issue.record("""
                \(name): output differs from Golden/\(name).txt at line \(line + 1):
                  expected: \(line < e.count ? String(e[line]) : "<end>")
                  actual:   \(line < a.count ? String(a[line]) : "<end>")
                (re-record with RELEASE_AUDIT_RECORD_GOLDEN=1 if the change is deliberate)
                """, sourceLocation: sourceLocation)
        }
    }

    /// A file's text as an output.
    static func file(_ path: String) throws -> ProcessOutput {
        (status: 0, stdout: try String(contentsOfFile: path, encoding: .utf8), stderr: "")
    }

    /// The decoded payload of the single DSSE envelope in `path` (the signature varies run to run).
    static func payload(of path: String) throws -> ProcessOutput {
        let envelope = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let encoded = try #require(envelope?["payload"] as? String)
        let payload = try #require(Data(base64Encoded: encoded))
        // Pretty-printed: keys named by digests then sort on lines of their own (see `normalise`).
        let pretty = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: payload),
                                                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return (status: 0, stdout: String(decoding: pretty, as: UTF8.self), stderr: "")
    }

    /// Replaces what differs between runs: the fixture's paths, times, ages, SHA-256 digests (of
    /// random keys, and of records that hold times) with their prefixes, and base64 signatures.
    static func normalise(_ text: String, roots: [String]) -> String {
        var text = text
        for (index, root) in roots.enumerated() {
            text = text.replacingOccurrences(of: root, with: "<root\(index)>")
        }
        text = replace(#"release_audit_[0-9A-F-]{36}"#, in: text) { _ in "<delimiter>" }
        text = replace(#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"#, in: text) { _ in "<time>" }
        text = replace(#"\b\d+(d\d+h|h\d+m|m|s)( ago| old)"#, in: text) { match in
            "<age>" + (match.hasSuffix(" ago") ? " ago" : " old")
        }
        let digests = Set(matches(#"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])"#, in: text))
        let prefixes = Set(digests.flatMap { digest in (7...63).map { String(digest.prefix($0)) } })
        text = replace(#"(?<![0-9a-fA-F])[0-9a-f]{7,64}(?![0-9a-fA-F])"#, in: text) { hex in
            hex.count == 64 ? "<sha256>" : prefixes.contains(hex) ? "<sha256:\(hex.count)>"
                : hex.count == 16 ? "<keyid>" : hex
        }
        text = replace(#"[A-Za-z0-9+/]{40,}={0,2}"#, in: text) { run in
            run.allSatisfy(\.isHexDigit) ? run : "<base64>"
        }
        // Lists ordered by a digest come out in another order each run: sorted within each run of
        // adjacent lines that hold one.
        var lines: [Substring] = []
        var run: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("<sha256") || line.contains("<keyid>") {
                run.append(line)
            } else {
                lines += run.sorted()
                run = []
                lines.append(line)
            }
        }
        return (lines + run.sorted()).joined(separator: "\n")
    }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    private static func replace(_ pattern: String, in text: String, with transform: (String) -> String) -> String {
        let regex = try! NSRegularExpression(pattern: pattern)
        var result = ""
        var last = text.startIndex
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            result += text[last..<range.lowerBound]
            result += transform(String(text[range]))
            last = range.upperBound
        }
        return result + text[last...]
    }
}
