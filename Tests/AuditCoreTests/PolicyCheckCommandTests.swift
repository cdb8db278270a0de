import AuditCore
import Foundation
import Testing

/// `release-audit policy check`, run as the built binary: stdout, stderr and exit status.
@Suite struct PolicyCheckCommandTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary = PolicyTestFiles.packageRoot.appendingPathComponent(".build/debug/release-audit")

    func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            Issue.record("no built binary at \(Self.binary.path); run `swift build` first")
            return Result(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // Outside GitHub Actions, so errors are not doubled as workflow annotations on stdout.
        var environment = ProcessInfo.processInfo.environment
        environment["GITHUB_ACTIONS"] = nil
        process.environment = environment
        // Files rather than pipes: the child can never block on a full pipe nobody reads.
        return try PolicyTestFiles.withTemporaryDirectory { outputs in
            let stdoutURL = outputs.appendingPathComponent("stdout"), stderrURL = outputs.appendingPathComponent("stderr")
            try Data().write(to: stdoutURL)
            try Data().write(to: stderrURL)
            let stdout = try FileHandle(forWritingTo: stdoutURL), stderr = try FileHandle(forWritingTo: stderrURL)
            defer { try? stdout.close(); try? stderr.close() }
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            process.waitUntilExit()
            return Result(status: process.terminationStatus,
                          stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                          stderr: try String(contentsOf: stderrURL, encoding: .utf8))
        }
    }

    @Test(arguments: Policy.presetNames)
    func printsEachPresetWithEveryDefault(name: String) throws {
        let result = try run(["policy", "check", name])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == (try Policy.load(nameOrPath: name)).policy.canonicalYAML())
    }

    @Test func printsJSON() throws {
        let result = try run(["policy", "check", "version-bump", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == (try Policy.load(nameOrPath: "version-bump")).policy.canonicalJSON())
    }

    @Test func itsOutputChecksAgainToTheSameOutput() throws {
        try PolicyTestFiles.withTemporaryDirectory { dir in
            let path = try PolicyTestFiles.write("version: 1\nsource:\n  match: same-tree\n  branches: [main]\ntest:\n  max_age: 48h\n", to: "p.yml", in: dir)
            let first = try run(["policy", "check", path])
            #expect(first.status == 0)
            #expect(first.stdout.contains("max_age: \"2d\"\n"))
            for (name, json) in [("again.yml", false), ("again.json", true)] {
                let output = try run(["policy", "check", path] + (json ? ["--json"] : []))
                let again = try PolicyTestFiles.write(output.stdout, to: name, in: dir)
                #expect(try run(["policy", "check", again]).stdout == first.stdout)
            }
        }
    }

    @Test func anInvalidPolicyIsOneLineOnStderrAndExit2() throws {
        try PolicyTestFiles.withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("policies"), withIntermediateDirectories: true)
            try PolicyTestFiles.write("version: 1\nsource:\n  match: allowed-diff\n  allowed_paths:\n    - VERSION\n    - CHANGELOG.md\n    - \"[abc\"\n",
                                      to: "policies/x.yml", in: dir)
            let result = try run(["policy", "check", "policies/x.yml"], in: dir)
            #expect(result.status == 2)
            #expect(result.stdout == "")
            #expect(result.stderr == "release-audit: error: policies/x.yml:7: source.allowed_paths[2]: invalid glob \"[abc\": unclosed bracket\n")
        }
    }

    @Test func anUnknownNameIsExit2() throws {
        let result = try run(["policy", "check", "exact"])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("release-audit: error: no policy \"exact\": not a preset (exact-commit, same-tree, version-bump)"))
    }

    @Test func aPresetNameWinsOverAFileOfTheSameName() throws {
        try PolicyTestFiles.withTemporaryDirectory { dir in
            try PolicyTestFiles.write("version: 1\nsource:\n  match: same-tree\n", to: "exact-commit", in: dir)
            #expect(try run(["policy", "check", "exact-commit"], in: dir).stdout.contains("match: exact-commit\n"))
            #expect(try run(["policy", "check", "./exact-commit"], in: dir).stdout.contains("match: same-tree\n"))
        }
    }

    @Test(arguments: [["policy", "check"], ["policy", "check", "exact-commit", "--yaml"], ["policy", "check", "a", "b"]])
    func usageErrorsAreExit64(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("Usage: release-audit policy check <file-or-name> [--json]"))
    }
}
