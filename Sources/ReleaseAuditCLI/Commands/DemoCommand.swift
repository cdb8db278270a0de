import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit demo`: the flow release-audit exists for, end to end, on a throwaway repository.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk the whole flow on a throwaway repository: a release that passes, one that fails, a moved tag.",
        discussion: """
            Builds a repository in a temporary directory and runs the real commands, printing each \
            one: CI records a passing test of a commit; the commit is tagged RC then GA; the release \
            is rebuilt and recorded; the gate PASSES. Then a second release whose GA was built from a \
            commit that was never tested: the gate FAILS and says why. Then a tag moved after its \
            audit: `verify` catches it, and `audit` of every release names both problems. Exits 0 \
            when every step behaved as expected.

            Example:
              release-audit demo
              release-audit demo --dir /tmp/ra-demo
            """
    )

    @Option(help: ArgumentHelp("Where to build the demo (default: a new temporary directory). It is kept so you can look around.", valueName: "dir"))
    var dir: String?

    func run() throws {
        try reportingErrors {
            let root = try makeRoot()
            // Work inside the demo directory, so every command reads as a user would type it.
            guard FileManager.default.changeCurrentDirectoryPath(root) else { throw InputProblem("cannot enter \(root)") }
            print("Working in \(root)")
            let project = "widget", keys = "keys", reports = "reports"
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
            let clock = DemoClock()

            section("Setup: throwaway keys (CI tester, release builder, auditor) and a repository")
            for name in ["ci", "release", "auditor"] {
                try expect(0, ["keygen", "--out", "\(keys)/\(name)"])
            }
            let policy = "release-policy.yml"
            try Data(Self.policyText.utf8).write(to: URL(fileURLWithPath: policy))
            note("policy \(policy): the exact-commit rule, the RC -> GA rule, and which key signs what")
            let repo = try Repository.create(at: project)
            try repo.addRemote(name: "origin", url: "https://github.com/example/widget.git")
            let c1 = try repo.commitFiles(["README.md": "# widget\n", "VERSION": "1.0.0\n", "src/widget.swift": "let speed = 1\n"],
                                          message: "Add the widget", author: clock.next())
            note("commit \(c1.short) \"Add the widget\" in \(project)")

            section("Release 1.0.0: tested in CI, tagged RC then GA on the same commit, rebuilt, gated")
            try expect(0, ["record", "test", "--repo", project, "--result", "passed", "--suite", "unit",
                           "--key", "\(keys)/ci.key", "--notes"])
            try repo.createTag("v1.0.0-rc.1", at: c1, message: "1.0.0 release candidate 1", tagger: clock.next())
            try repo.createTag("v1.0.0", at: c1, message: "1.0.0", tagger: clock.next())
            note("tagged v1.0.0-rc.1 and v1.0.0 on \(c1.short)")
            let artifact = try writeArtifact(name: "widget-1.0.0.tar.gz", contents: "widget 1.0.0 rebuilt at release time\n")
            try expect(0, ["record", "build", "--repo", project, "--rev", "v1.0.0", "--version", "1.0.0",
                           "--artifact-file", artifact, "--key", "\(keys)/release.key", "--notes"])
            try expect(0, ["gate", "--repo", project, "--release", "v1.0.0", "--policy", policy,
                           "--key", "\(keys)/auditor.key", "--out", "\(reports)/v1.0.0.json"])
            note("PASSED as expected: the release was built from exactly the commit CI tested.")

            section("Release 1.1.0: the GA is built from a commit CI never tested")
            let c2 = try repo.commitFiles(["VERSION": "1.1.0\n", "src/widget.swift": "let speed = 2\n"],
                                          message: "Make the widget faster", author: clock.next())
            try expect(0, ["record", "test", "--repo", project, "--result", "passed", "--suite", "unit",
                           "--key", "\(keys)/ci.key", "--notes"])
            try repo.createTag("v1.1.0-rc.1", at: c2, message: "1.1.0 release candidate 1", tagger: clock.next())
            let c3 = try repo.commitFiles(["src/widget.swift": "let speed = 3 // last-minute change\n"],
                                          message: "Last-minute tweak", author: clock.next())
            try repo.createTag("v1.1.0", at: c3, message: "1.1.0", tagger: clock.next())
            note("tested \(c2.short) and tagged it v1.1.0-rc.1; then committed \(c3.short) (never tested) and tagged it v1.1.0")
            let artifact2 = try writeArtifact(name: "widget-1.1.0.tar.gz", contents: "widget 1.1.0\n")
            try expect(0, ["record", "build", "--repo", project, "--rev", "v1.1.0", "--version", "1.1.0",
                           "--artifact-file", artifact2, "--key", "\(keys)/release.key", "--notes"])
            try expect(1, ["gate", "--repo", project, "--release", "v1.1.0", "--policy", policy,
                           "--key", "\(keys)/auditor.key", "--out", "\(reports)/v1.1.0.json"])
            note("FAILED as expected: \(c3.short) is not the commit CI tested (\(c2.short)).")

            section("After the fact: someone moves the v1.0.0 tag to the untested commit")
            try repo.createTag("v1.0.0", at: c3, message: "1.0.0", tagger: clock.next(), force: true)
            note("moved v1.0.0 from \(c1.short) to \(c3.short)")
            try expect(1, ["verify", "\(reports)/v1.0.0.json", "--release", "v1.0.0", "--auditor-key", "\(keys)/auditor.pub",
                           "--repo", project])
            note("FAILED as expected: the report is validly signed, but the tag no longer names the audited commit.")

            section("Audit every release so far, from git and the stored reports")
            try expect(1, ["audit", "--repo", project, "--policy", policy, "--reports", reports,
                           "--auditor-key", "\(keys)/auditor.pub"])
            note("FAILED as expected: v1.0.0 moved since its audit, and v1.1.0's report is FAILED.")

            section("Done")
            note("everything is in \(root): the repository, the keys, the signed reports (\(reports)).")
            note("look at the evidence:  git -C \(root)/\(project) notes --ref=release-audit show v1.1.0^")
        }
    }

    /// The demo's policy: exact commit, annotated GA tags on the commit of their last RC, a key per role.
    static let policyText = """
        # The demo's release policy: the exact-commit rule, plus the RC -> GA rule and a key per role.
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
        tag:
          annotated: true
        rc:
          match: same-commit

        """

    private func makeRoot() throws -> String {
        if let dir {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let contents = try FileManager.default.contentsOfDirectory(atPath: dir)
            if !contents.isEmpty { throw InputProblem("\(dir) is not empty: give an empty or new directory") }
            return (dir as NSString).standardizingPath
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("release-audit-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base.path
    }

    private func writeArtifact(name: String, contents: String) throws -> String {
        let path = "dist/" + name
        try FileManager.default.createDirectory(atPath: "dist", withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs one command in-process, as a user would type it, and stops the demo if its exit status is unexpected.
    private func expect(_ status: Int32, _ arguments: [String]) throws {
        print("\n$ release-audit " + arguments.map(Self.shellQuoted).joined(separator: " "))
        // Keep stdout (buffered when piped) in step with the commands' stderr lines.
        fflush(nil)
        defer { fflush(nil) }
        let actual: Int32
        do {
            var command = try ReleaseAuditCommand.parseAsRoot(arguments)
            try command.run()
            actual = 0
        } catch {
            actual = ReleaseAuditCommand.exitCode(for: error).rawValue
            if actual != 0 && !(error is ExitCode) {
                Diagnostics.printError(ReleaseAuditCommand.fullMessage(for: error))
            }
        }
        print("(exit status \(actual))")
        guard actual == status else {
            throw InputProblem("the demo expected exit status \(status) from `release-audit \(arguments.joined(separator: " "))` and got \(actual)")
        }
    }

    private func section(_ title: String) { print("\n== \(title)") }
    private func note(_ text: String) { print("   \(text)") }

    static func shellQuoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Distinct, increasing timestamps for the demo's commits and tags (one minute apart, ending now).
final class DemoClock {
    private var time = Int64(Date().timeIntervalSince1970) - 3_600

    func next() -> Person {
        time += 60
        return Person(name: "Demo Maintainer", email: "maintainer@example.com", time: time, offsetMinutes: 0)
    }
}
