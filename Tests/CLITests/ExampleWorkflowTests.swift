import Foundation
import TestSupport
import Testing

/// The seed's flow, end to end, through the example workflows themselves (examples/github-actions,
/// run by `WorkflowRunner`): CI on an RC tag with two test jobs in parallel, twice each; the
/// release job on the GA tag in a fresh clone; a second release whose checkout re-created the tag
/// lightweight (the gate names the cause); then the scheduled audit in another fresh clone.
@Suite struct ExampleWorkflowTests {
    @Test func theSeedsFlowRunsAsTheExampleWorkflowsSayAndLosesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "release-audit-workflows")
        let root = directory.url
        let binary = try releaseAuditBinary
        let env = toolEnvironment(home: root)

        // One key per role; the public keys are committed with the policy that names their roles.
        var secrets: [String: String] = [:]
        let seed = try GitRepo.create(in: root, name: "seed")
        try FileManager.default.createDirectory(at: seed.url.appendingPathComponent(".release-audit"), withIntermediateDirectories: true)
        for (role, secret) in [("tester", "RELEASE_AUDIT_TESTER_KEY"), ("builder", "RELEASE_AUDIT_BUILDER_KEY"), ("auditor", "RELEASE_AUDIT_AUDITOR_KEY")] {
            let made = try runProcess(binary, ["keygen", "--out", root.appendingPathComponent("keys/\(role)").path], environment: env)
            try #require(made.status == 0, "\(made.stderr)")
            secrets[secret] = try String(contentsOf: root.appendingPathComponent("keys/\(role).key"), encoding: .utf8)
            try FileManager.default.copyItem(at: root.appendingPathComponent("keys/\(role).pub"),
                                             to: seed.url.appendingPathComponent(".release-audit/\(role).pub"))
        }
        try seed.commit("The widget, its tests and its release policy", files: [
            "Dockerfile": "FROM scratch\n",
            "VERSION": "1.0.0\n",
            "Makefile": "test:\n\tmkdir -p $(dir $(JUNIT))\n\tprintf '<testsuite name=\"$(SUITE)\" tests=\"1\" failures=\"0\"><testcase name=\"works\"/></testsuite>\\n' > $(JUNIT)\n",
            ".release-audit/policy.yml": """
                version: 1
                source:
                  match: exact-commit
                  branches: [main]
                test:
                  required_suites: [unit, integration]
                trusted_keys:
                  tester: {keys: [tester.pub]}
                  builder: {keys: [builder.pub]}
                  auditor: {keys: [auditor.pub]}
                tag:
                  annotated: true
                rc:
                  match: same-commit

                """,
        ])
        let origin = root.appendingPathComponent("origin.git").path
        try seed.git("clone", "-q", "--bare", seed.path, origin)
        let runner = try WorkflowRunner(root: root, origin: origin, secrets: secrets)
        func tagAndPush(_ name: String) throws -> WorkflowRunner.Push {
            try seed.tag(name, message: name)
            try seed.git("push", "-q", origin, "refs/tags/\(name)")
            return .init(ref: "refs/tags/\(name)", sha: try seed.revParse("\(name)^{commit}"))
        }

        // CI on the RC tag: the two test jobs of the matrix at once, twice.
        let rc = try tagAndPush("v1.0.0-rc.1")
        for round in 1...2 {
            let results = Locked<[String: WorkflowRunner.JobResult]>([:])
            let errors = Locked<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let suite = ["unit", "integration"][index]
                do {
                    let result = try runner.run("ci.yml", job: "test", push: rc, matrix: ["suite": suite], name: "ci-\(suite)-\(round)")
                    results.mutate { $0[suite] = result }
                } catch {
                    errors.mutate { $0.append("\(error)") }
                }
            }
            #expect(errors.value.isEmpty, "\(errors.value)")
            for (suite, result) in results.value {
                #expect(result.succeeded, "ci \(suite) round \(round):\n\(result.log)")
            }
        }
        #expect(try noteLines(origin, rc.sha).count == 4)

        // The release workflow on the GA tag, each job in a fresh clone: PASSED, and only then
        // published, with the signed report attached.
        let ga = try tagAndPush("v1.0.0")
        let release = try releaseRun(runner, push: ga, name: "release-1.0.0")
        #expect(release.gate.succeeded, "\(release.build.log)\n\(release.gate.log)")
        #expect(release.gate.jobOutputs["verdict"] == "PASSED")
        #expect(release.publish.succeeded && !release.publish.skipped, "\(release.publish.log)")
        let published = try String(contentsOfFile: runner.shimLog, encoding: .utf8)
        #expect(published.contains("docker load --input"))
        #expect(published.contains("docker push ghcr.io/example/widget:1.0.0"))
        #expect(published.contains("gh release create v1.0.0"))
        #expect(published.contains("/artifacts/report/v1.0.0.json"))
        #expect(release.gate.summary.contains("release-audit: `v1.0.0` PASSED"))

        // A second release whose checkout re-created the tag lightweight (and no step fetched the
        // real tag objects): the gate FAILS and says why and what to do; nothing is published.
        try seed.commit("Faster widget", files: ["VERSION": "1.1.0\n", "src/widget.c": "int speed = 2;\n"])
        try seed.git("push", "-q", origin, "HEAD:refs/heads/main")
        let main = WorkflowRunner.Push(ref: "refs/heads/main", sha: try seed.revParse("HEAD"))
        for suite in ["unit", "integration"] {
            let ci = try runner.run("ci.yml", job: "test", push: main, matrix: ["suite": suite], name: "ci-main-\(suite)")
            #expect(ci.succeeded, "\(ci.log)")
        }
        _ = try tagAndPush("v1.1.0-rc.1")
        let ga11 = try tagAndPush("v1.1.0")
        let pitfall = try releaseRun(runner, push: ga11, lightweightTag: true, skipping: ["real-tags"], name: "release-1.1.0")
        #expect(!pitfall.gate.succeeded)
        #expect(pitfall.gate.jobOutputs["verdict"] == "FAILED")
        #expect(pitfall.gate.log.contains("v1.1.0 is lightweight in this clone"), "\(pitfall.gate.log)")
        #expect(pitfall.gate.log.contains("git fetch --force --tags origin"))
        #expect(pitfall.publish.skipped)
        #expect(!(try String(contentsOfFile: runner.shimLog, encoding: .utf8)).contains("docker push ghcr.io/example/widget:1.1.0"), "published after a FAILED gate")

        // Nothing was lost: every record and report reached the origin.
        #expect(try noteLines(origin, rc.sha).count == 6)  // 4 test records, the build, the report
        #expect(try noteLines(origin, main.sha).count == 4)  // 2 test records, the build, the FAILED report

        // The scheduled audit in another fresh clone: the release that passed is CLEAN.
        let audit = try runner.run("audit.yml", job: "audit", push: main, name: "audit")
        #expect(!audit.succeeded, "v1.1.0 FAILED, so the audit job fails")
        #expect(audit.log.contains("wrote the audit of 2 release(s)"), "\(audit.log)")
        let html = try String(contentsOfFile: root.appendingPathComponent("jobs/audit/temp/release-audit.html").path, encoding: .utf8)
        #expect(html.contains("v1.0.0"))
        #expect(audit.summary.contains("release-audit audit"))
        let clone = root.appendingPathComponent("jobs/audit/workspace/project").path
        let json = try runProcess(binary, ["audit", "--repo", clone, "--policy", "\(clone)/.release-audit/policy.yml", "--format", "json"],
                                  environment: env)
        let releases = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["releases"] as? [[String: Any]])
        let verdicts = Dictionary(uniqueKeysWithValues: releases.map { ($0["tag"] as? String ?? "", $0["verdict"] as? String ?? "") })
        #expect(verdicts == ["v1.0.0": "CLEAN", "v1.1.0": "FAILED"], "\(json.stdout)")
    }

    /// The jobs of release.yml in order, as the runner would run them for one tag push.
    private func releaseRun(_ runner: WorkflowRunner, push: WorkflowRunner.Push, lightweightTag: Bool = false,
                            skipping: Set<String> = [], name: String)
        throws -> (build: WorkflowRunner.JobResult, gate: WorkflowRunner.JobResult, publish: WorkflowRunner.JobResult) {
        let build = try runner.run("release.yml", job: "build", push: push, lightweightTag: lightweightTag, skipping: skipping,
                                   run: name, name: "\(name)-build")
        #expect(build.succeeded, "\(build.log)")
        let gate = try runner.run("release.yml", job: "gate", push: push, needs: ["build": build], lightweightTag: lightweightTag,
                                  skipping: skipping, run: name, name: "\(name)-gate")
        let publish = try runner.run("release.yml", job: "publish", push: push, needs: ["build": build, "gate": gate],
                                     run: name, name: "\(name)-publish")
        return (build, gate, publish)
    }

    /// The lines of the origin's evidence note on `commit`.
    private func noteLines(_ origin: String, _ commit: String) throws -> [String] {
        let result = try runProcess("git", ["--git-dir", origin, "notes", "--ref=release-audit", "show", commit], environment: GitRepo.environment())
        return result.status == 0 ? result.stdout.split(separator: "\n").map(String.init) : []
    }
}
