import AuditCore
import Foundation
import TestSupport
import Testing

/// `release-audit demo`: the whole flow in a fresh directory, as `make demo` runs it.
@Suite struct DemoCommandTests {
    @Test func runsInAFreshDirectoryAndShowsAPassAFailAndAMovedTag() throws {
        let scratch = try TemporaryDirectory(prefix: "release-audit-demo-test")
        let dir = scratch.appending("demo").path
        let result = try runProcess(try releaseAuditBinary, ["demo", "--dir", dir], environment: toolEnvironment(home: scratch.url))
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.hasPrefix("Working in \(dir)\n"))
        #expect(result.stdout.contains("verdict: PASSED  (signed report: reports/v1.0.0.json)"))
        #expect(result.stdout.contains("verdict: FAILED  (signed report: reports/v1.1.0.json)"))
        #expect(result.stdout.contains("FAILED  source.match"))
        #expect(result.stdout.contains("FAILED  release.tag-unmoved      tag v1.0.0 moved"))
        #expect(result.stdout.contains("(exit status 0)") && result.stdout.contains("(exit status 1)"))
        #expect(!result.stdout.contains("(exit status 2)"))

        // What it leaves behind is real: the reports verify with the demo's auditor key.
        let key = "\(dir)/keys/auditor.pub"
        let passed = try runProcess(try releaseAuditBinary, ["verify", "\(dir)/reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", key],
                                    environment: toolEnvironment(home: scratch.url))
        #expect(passed.status == 0)
        let moved = try runProcess(try releaseAuditBinary, ["verify", "\(dir)/reports/v1.0.0.json", "--release", "v1.0.0", "--trusted-key", key,
                                                             "--repo", "\(dir)/widget"], environment: toolEnvironment(home: scratch.url))
        #expect(moved.status == 1)
        let failed = try runProcess(try releaseAuditBinary, ["verify", "\(dir)/reports/v1.1.0.json", "--release", "v1.1.0", "--trusted-key", key],
                                    environment: toolEnvironment(home: scratch.url))
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("verdict: FAILED"))
        // Its keys are made like any other: private keys are 0600.
        let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/keys/auditor.key")[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o600)
    }

    @Test func refusesADirectoryThatIsNotEmpty() throws {
        let scratch = try TemporaryDirectory(prefix: "release-audit-demo-test")
        try Data("mine\n".utf8).write(to: scratch.appending("keep.txt"))
        let result = try runProcess(try releaseAuditBinary, ["demo", "--dir", scratch.path], environment: toolEnvironment(home: scratch.url))
        #expect(result.status == 2)
        #expect(result.stderr == "release-audit: error: \(scratch.path) is not empty: give an empty or new directory\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["keep.txt"])
    }
}
