import Foundation
import TestSupport
import Testing

/// `release-audit inspect`, run as the built binary, against the git CLI on the same repository.
@Suite struct InspectTests {
    @Test func jsonAgreesWithGitOnACleanRepository() throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir)
            let report = try inspectJSON(git, "HEAD")
            try expectReport(report, matches: git, revision: "HEAD")
            #expect(report["dirty"] as? [String] == [])
            #expect(report["currentBranch"] as? String == "main")
            #expect(report["detachedHead"] as? Bool == false)
            #expect(report["shallow"] as? Bool == false)
            #expect(report["bare"] as? Bool == false)
            #expect(report["signed"] as? Bool == false)
            #expect(report["summary"] as? String == "second")
            #expect(report["revision"] as? String == "HEAD")
            let remotes = report["remotes"] as? [[String: Any]]
            #expect(remotes?.first?["url"] as? String == "https://example.com/org/x.git")
            #expect(report["replaceRefs"] as? [String] == [])

            // The default revision is HEAD and the default repository the working directory.
            let fromInside = try runTool(["inspect", "--json"], in: git.url.appendingPathComponent("src"))
            #expect(fromInside.status == 0)
            #expect(try object(fromInside.stdout)["commit"] as? String == (try git.revParse("HEAD")))
        }
    }

    @Test func jsonAgreesWithGitOnADirtyRepository() throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir)
            try git.write("src/main.txt", "edited\n")
            try git.write("staged.txt", "staged\n")
            try git.git("add", "staged.txt")
            try git.remove("README")
            try git.write("new/deep/file.txt", "untracked\n")
            try git.write("ignored.log", "ignored\n")
            let report = try inspectJSON(git, "HEAD")
            try expectReport(report, matches: git, revision: "HEAD")
            #expect(report["dirty"] as? [String] == ["README", "new/deep/file.txt", "src/main.txt", "staged.txt"])

            // Another revision: its own commit and tags, the same work tree.
            let older = try inspectJSON(git, "v1")
            try expectReport(older, matches: git, revision: "v1")
            #expect(older["commit"] as? String == (try git.revParse("HEAD~1")))
        }
    }

    @Test func textOutputNamesTheCommitAndTheDirtyPaths() throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir)
            try git.write("untracked.txt", "u\n")
            let result = try runTool(["inspect", "--repo", git.path], in: dir)
            #expect(result.status == 0)
            #expect(result.stdout.contains(try git.revParse("HEAD")))
            #expect(result.stdout.contains("untracked.txt"))
            #expect(result.stdout.contains("release (annotated)"))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func badRepositoriesAndRevisionsExitTwoWithOneLine() throws {
        try withTemporaryDirectory { dir in
            let git = try makeRepository(in: dir)
            let empty = try GitRepo.create(in: dir, name: "empty")
            let plain = dir.appendingPathComponent("plain")
            try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
            let cases: [(args: [String], mentions: String)] = [
                (["inspect", "--repo", plain.path], "not a git repository"),
                (["inspect", "--repo", dir.appendingPathComponent("missing").path], "not a git repository"),
                (["inspect", "no-such-branch", "--repo", git.path], "no-such-branch"),
                (["inspect", "HEAD^{tree}", "--repo", git.path], "not a commit"),
                (["inspect", "--repo", empty.path], "no commits"),
            ]
            for item in cases {
                let result = try runTool(item.args, in: dir)
                #expect(result.status == 2, "\(item.args)")
                #expect(result.stdout.isEmpty, "\(item.args)")
                let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == 2 && lines[1].isEmpty, "one line: \(result.stderr)")
                #expect(result.stderr.hasPrefix("release-audit: error: "), "\(result.stderr)")
                #expect(result.stderr.contains(item.mentions), "\(result.stderr)")
            }
        }
    }

    @Test func usageErrorsExit64() throws {
        try withTemporaryDirectory { dir in
            for args in [["inspect", "--no-such-flag"], ["no-such-command"], ["inspect", "HEAD", "extra"], ["inspect", "--repo"]] {
                let result = try runTool(args, in: dir)
                #expect(result.status == 64, "\(args): \(result.stderr)")
                #expect(!result.stderr.isEmpty, "\(args)")
                #expect(result.stdout.isEmpty, "\(args)")
            }
        }
    }

    @Test func versionAndHelp() throws {
        try withTemporaryDirectory { dir in
            let version = try runTool(["--version"], in: dir)
            #expect(version.status == 0)
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil)
            let help = try runTool(["--help"], in: dir)
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE: release-audit"))
            #expect(help.stdout.contains("inspect"))
            let inspectHelp = try runTool(["inspect", "--help"], in: dir)
            #expect(inspectHelp.status == 0)
            #expect(inspectHelp.stdout.contains("--repo"))
            #expect(inspectHelp.stdout.contains("--json"))
        }
    }

    // MARK: Helpers

    /// A repository with two commits, an annotated tag on the older one and two tags on HEAD,
    /// an ignore file, and a remote whose URL carries a token.
    private func makeRepository(in dir: URL) throws -> GitRepo {
        let git = try GitRepo.create(in: dir)
        try git.commit("first", files: ["README": "read me\n", ".gitignore": "*.log\n"])
        try git.tag("v1", message: "version 1")
        try git.commit("second", files: ["src/main.txt": "main\n"])
        try git.tag("release", message: "release")
        try git.tag("latest")
        try git.git("remote", "add", "origin", "https://user:token@example.com/org/x.git")
        return git
    }

    /// Runs the built binary in `directory` with the isolated git environment (HOME included).
    private func runTool(_ arguments: [String], in directory: URL) throws -> ProcessOutput {
        var env = GitRepo.environment()
        env["HOME"] = directory.path
        env.removeValue(forKey: "GITHUB_ACTIONS")
        return try runProcess(try releaseAuditBinary, arguments, environment: env, currentDirectory: directory)
    }

    /// `release-audit inspect <revision> --repo <repo> --json`, parsed.
    private func inspectJSON(_ git: GitRepo, _ revision: String) throws -> [String: Any] {
        let result = try runTool(["inspect", revision, "--repo", git.path, "--json"], in: git.url.deletingLastPathComponent())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        return try object(result.stdout)
    }

    private func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// The report's commit, tree, parents, tags and dirty paths are what git prints.
    private func expectReport(_ report: [String: Any], matches git: GitRepo, revision: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let commit = try git.revParse("\(revision)^{commit}")
        #expect(report["commit"] as? String == commit, sourceLocation: sourceLocation)
        #expect(report["tree"] as? String == (try git.revParse("\(commit)^{tree}")), sourceLocation: sourceLocation)
        let parents = try git.git("log", "-1", "--format=%P", commit).split(separator: " ").map(String.init)
        #expect(report["parents"] as? [String] == parents, sourceLocation: sourceLocation)
        let tags = (report["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let gitTags = try git.git("tag", "--points-at", commit).split(separator: "\n").map(String.init)
        #expect(tags == gitTags.sorted(), sourceLocation: sourceLocation)
        for tag in report["tags"] as? [[String: Any]] ?? [] {
            let name = tag["name"] as? String ?? ""
            let annotated = try git.git("cat-file", "-t", "refs/tags/\(name)") == "tag"
            #expect(tag["annotated"] as? Bool == annotated, sourceLocation: sourceLocation)
            #expect(tag["tagObject"] as? String == (annotated ? try git.revParse("refs/tags/\(name)") : nil), sourceLocation: sourceLocation)
        }
        let entries = try git.git("status", "--porcelain", "-z", "--no-renames", "--untracked-files=all")
            .split(separator: "\0").map { String($0.dropFirst(3)) }
        #expect(report["dirty"] as? [String] == Array(Set(entries)).sorted(), sourceLocation: sourceLocation)
        #expect(report["repository"] as? String == git.path + "/", sourceLocation: sourceLocation)
    }
}
