import Foundation
import TestSupport
import Testing

/// The README's and the guides' examples, run as written: the README's "Using it" block on a
/// fresh repository with a bare origin (only what a real CI run provides is added between its
/// paragraphs: the secrets, the tag push, the JUnit file and the build output), the same block
/// with a build record signed by the tester key (the gate must fail), every policy in docs/
/// through `policy check`, and the guides' `keygen` blocks.
@Suite struct DocumentationBlocksTests {
    /// The fenced blocks of a Markdown file with their language.
    static func blocks(_ path: String, absolute: Bool = false) throws -> [(language: String, text: String)] {
        let url = absolute ? URL(fileURLWithPath: path) : packageRoot.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        var blocks: [(String, String)] = []
        var current: (String, [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let open = current { blocks.append((open.0, open.1.joined(separator: "\n"))); current = nil }
                else { current = (String(line.dropFirst(3)), []) }
            } else {
                current?.1.append(line)
            }
        }
        return blocks
    }

    /// The "Using it" block, in its paragraphs (split at blank lines).
    static func usingIt() throws -> [String] {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Using it\n").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "\n```").first)
        return block.components(separatedBy: "\n\n")
    }

    /// A sandbox as a CI runner has it: HOME, RUNNER_TEMP with the test results and the build
    /// output, and a clone of a bare origin with one commit on main.
    struct Sandbox {
        let directory: TemporaryDirectory
        let work: URL
        let env: [String: String]

        init() throws {
            directory = try TemporaryDirectory(prefix: "readme")
            let root = directory.url
            let seed = try GitRepo.create(in: root, name: "seed")
            try seed.commit("The widget", files: ["README.md": "# widget\n"])
            let origin = root.appendingPathComponent("origin.git").path
            try seed.git("clone", "-q", "--bare", seed.path, origin)
            work = root.appendingPathComponent("widget")
            var env = toolEnvironment(home: root.appendingPathComponent("home"))
            try FileManager.default.createDirectory(at: root.appendingPathComponent("home"), withIntermediateDirectories: true)
            let clone = try runProcess("git", ["clone", "-q", origin, work.path], environment: env)
            try #require(clone.status == 0, "\(clone.stderr)")
            let temp = root.appendingPathComponent("runner-temp")
            for (path, text) in ["junit/unit.xml": "<testsuite name=\"unit\" tests=\"1\" failures=\"0\"><testcase name=\"works\"/></testsuite>\n",
                                 "dist/app.tar.gz": "the release\n"] {
                let url = temp.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            env["RUNNER_TEMP"] = temp.path
            let binaryDirectory = URL(fileURLWithPath: try releaseAuditBinary).deletingLastPathComponent().path
            env["PATH"] = "\(binaryDirectory):\(env["PATH"] ?? "/usr/bin:/bin")"
            self.env = env
        }

        func bash(_ script: String) throws -> ProcessOutput {
            try runProcess("bash", ["--noprofile", "--norc", "-c", "set -euo pipefail\n" + script], environment: env,
                           currentDirectory: work, timeout: 300)
        }
    }

    /// What CI provides between the paragraphs: the secrets (from the keys the first paragraph
    /// made), and the GA tag pushed before the release workflow runs.
    static func secrets(builder: String = "release") -> String {
        """
        export RELEASE_AUDIT_TESTER_KEY="$(cat ~/keys/ci.key)"
        export RELEASE_AUDIT_BUILDER_KEY="$(cat ~/keys/\(builder).key)"
        export RELEASE_AUDIT_AUDITOR_KEY="$(cat ~/keys/auditor.key)"
        """
    }
    static let tagPush = "git -c user.name=Maintainer -c user.email=m@example.com tag -a v1.4.0 -m v1.4.0 && git push -q origin v1.4.0"

    @Test func theReadmesUsingItRunsAsWritten() throws {
        let paragraphs = try Self.usingIt()
        let openings = paragraphs.map { $0.split(separator: "\n").first.map(String.init) ?? "" }
        try #require(paragraphs.count == 5, "the test expects the five paragraphs of Using it: \(openings)")
        #expect(openings[0].hasPrefix("# Once") && openings[1].hasPrefix("# In CI") && openings[2].hasPrefix("# In the release")
                    && openings[3].hasPrefix("# The gate") && openings[4].hasPrefix("# Any time later"), "\(openings)")
        let sandbox = try Sandbox()
        let script = [paragraphs[0], Self.secrets(), paragraphs[1], Self.tagPush, paragraphs[2], paragraphs[3], paragraphs[4]]
            .joined(separator: "\n")
        let result = try sandbox.bash(script)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        // The gate, the verify of the file, of the notes, and of the downloaded artifact.
        #expect(result.stdout.components(separatedBy: "verdict: PASSED").count - 1 == 4, "\(result.stdout)")
        #expect(result.stdout.contains("PASSED  report.artifact"))
        #expect(try sandbox.bash("git status --porcelain").stdout.isEmpty, "the flow left files in the work tree")
        let notes = try sandbox.bash("git --git-dir \"$(git rev-parse --git-dir)\" ls-remote origin refs/notes/release-audit")
        #expect(notes.stdout.contains("refs/notes/release-audit"), "the notes reached the origin")
    }

    @Test func aBuildRecordSignedByTheTesterKeyFailsTheReadmesGate() throws {
        let paragraphs = try Self.usingIt()
        try #require(paragraphs.count == 5)
        let sandbox = try Sandbox()
        // The release job was handed the tester's key as its builder secret.
        let before = try sandbox.bash([paragraphs[0], Self.secrets(builder: "ci"), paragraphs[1], Self.tagPush, paragraphs[2]].joined(separator: "\n"))
        try #require(before.status == 0, "\(before.stderr)")
        let gate = try sandbox.bash(Self.secrets(builder: "ci") + "\n" + paragraphs[3])
        #expect(gate.status == 1, "\(gate.stdout)\n\(gate.stderr)")
        #expect(gate.stdout.contains("FAILED  evidence.signatures"), "\(gate.stdout)")
        #expect(gate.stdout.contains("verdict: FAILED"))
    }

    @Test func everyPolicyInTheGuidesIsValid() throws {
        let directory = try TemporaryDirectory(prefix: "doc-policies")
        let env = toolEnvironment(home: directory.url)
        for role in ["tester", "builder", "auditor"] {
            let made = try runProcess(try releaseAuditBinary, ["keygen", "--out", directory.url.appendingPathComponent(role).path], environment: env)
            try #require(made.status == 0)
        }
        var checked = 0
        for file in ["docs/policies.md", "docs/github-actions.md", "docs/keys.md", "README.md"] {
            for (index, block) in try Self.blocks(file).enumerated() where block.language == "yaml" {
                // Fragments (a trusted_keys mapping) are checked inside a minimal policy.
                guard block.text.contains("version: 1") || block.text.hasPrefix("trusted_keys:") else { continue }
                let text = block.text.contains("version: 1") ? block.text : "version: 1\n" + block.text
                let path = directory.url.appendingPathComponent("policy-\(checked).yml")
                try Data(text.utf8).write(to: path)
                for name in ["builder-2025", "builder-2026"] where text.contains(name) {
                    try? FileManager.default.copyItem(at: directory.url.appendingPathComponent("builder.pub"),
                                                      to: directory.url.appendingPathComponent("\(name).pub"))
                }
                let result = try runProcess(try releaseAuditBinary, ["policy", "check", path.path], environment: env)
                #expect(result.status == 0, "\(file) yaml block \(index): \(result.stderr)")
                checked += 1
            }
        }
        #expect(checked >= 6, "the guides' policies were not found")
    }

    /// Every other `release-audit` command line in the README's and the guides' shell blocks, run
    /// in the demo's world (`demo --dir`: a repository with releases, reports, keys and a policy,
    /// linked in under the names the docs use), must run and judge: exit 0 or 1, never a usage
    /// error or an input it cannot read. The blocks the tests above run whole are left out, as
    /// are the benchmark and scale scripts (docs/performance.md), which take minutes.
    @Test func everyOtherCommandInTheDocsRunsInTheDemosWorld() throws {
        let directory = try TemporaryDirectory(prefix: "doc-commands")
        let root = directory.url
        var env = toolEnvironment(home: root)
        let binaryDirectory = URL(fileURLWithPath: try releaseAuditBinary).deletingLastPathComponent().path
        env["PATH"] = "\(binaryDirectory):\(env["PATH"] ?? "/usr/bin:/bin")"
        let demo = try runProcess(try releaseAuditBinary, ["demo", "--dir", root.appendingPathComponent("demo").path], environment: env)
        try #require(demo.status == 0, "\(demo.stderr)")
        let world = root.appendingPathComponent("demo")
        let work = world.appendingPathComponent("widget")
        // The docs' names for the demo's files; an origin the notes commands can reach.
        let links = ["release-policy.yml": "../release-policy.yml", "release.yml": "../release-policy.yml", "auditor.pub": "../keys/auditor.pub",
                     "reports": "../reports", "keys": "../keys",
                     ".release-audit/policy.yml": "../../release-policy.yml", ".release-audit/keys": "../../keys"]
        try FileManager.default.createDirectory(at: work.appendingPathComponent(".release-audit"), withIntermediateDirectories: true)
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent(name).path, withDestinationPath: target)
        }
        let origin = root.appendingPathComponent("origin.git").path
        #expect(try runProcess("git", ["clone", "-q", "--bare", work.path, origin], environment: env).status == 0)
        #expect(try runProcess("git", ["-C", work.path, "remote", "set-url", "origin", origin], environment: env).status == 0)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Downloads"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: world.appendingPathComponent("dist/widget-1.0.0.tar.gz"),
                                        to: root.appendingPathComponent("Downloads/app.tar.gz"))

        let covered = ["## Using it"]  // run whole by theReadmesUsingItRunsAsWritten
        var ran = 0
        for file in ["README.md", "docs/audit.md", "docs/github-actions.md", "docs/keys.md", "docs/policies.md", "docs/gitlab-ci.md"] {
            var text = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
            for heading in covered where text.contains(heading) {
                // Drop the section's first block.
                let parts = text.components(separatedBy: heading)
                if let rest = parts.last, let start = rest.range(of: "```sh\n"), let end = rest[start.upperBound...].range(of: "\n```") {
                    text = parts.dropLast().joined(separator: heading) + heading + rest[..<start.lowerBound] + rest[end.upperBound...]
                }
            }
            try Data(text.utf8).write(to: root.appendingPathComponent("doc.md"))
            for block in try Self.blocks(root.appendingPathComponent("doc.md").path, absolute: true) where block.language == "sh" {
                let joined = block.text.replacingOccurrences(of: "\\\n", with: " ")
                for line in joined.split(separator: "\n").map(String.init) where line.hasPrefix("release-audit ") {
                    if line.contains(" keygen ") || line.contains("[") { continue }  // run above; a synopsis
                    let command = line.replacingOccurrences(of: "v1.4.0", with: "v1.0.0").replacingOccurrences(of: "v3.0.0", with: "v1.0.0")
                    let result = try runProcess("bash", ["--noprofile", "--norc", "-c", command], environment: env, currentDirectory: work, timeout: 120)
                    #expect(result.status == 0 || result.status == 1, "\(file): \(command)\nexit \(result.status): \(result.stderr)")
                    ran += 1
                }
            }
        }
        #expect(ran >= 7, "only \(ran) commands found")
    }

    @Test func theGuidesKeygenBlocksRunAsWritten() throws {
        for file in ["docs/keys.md", "docs/github-actions.md"] {
            let block = try #require(try Self.blocks(file).first { $0.language == "sh" && $0.text.contains("keygen") })
            let sandbox = try Sandbox()
            let result = try sandbox.bash(block.text)
            #expect(result.status == 0, "\(file): \(result.stderr)")
            for role in ["tester", "builder", "auditor"] {
                #expect(FileManager.default.fileExists(atPath: sandbox.directory.url.appendingPathComponent("home/keys/\(role).key").path), "\(file): \(role)")
            }
        }
    }
}
