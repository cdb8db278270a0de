import AuditCore
import Foundation
import TestSupport
import Testing

/// The gate end to end on `test.result`: the outcome of the tested commit's tests, under the policy.
@Suite struct GateTestResultTests {
    /// A release of HEAD whose build is recorded; the test evidence is up to each test.
    private func release(_ f: GateFixture) throws {
        try f.git.tag("v1.0.0", message: "1.0.0")
        try f.recordBuild("v1.0.0", ["--out", f.path("build.json")])
    }

    @Test func aFailedTestRunFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--result", "failed", "--suite", "unit"])
        try release(f)
        let run = try f.gate("v1.0.0", ["--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "test.result", .failed, mentioning: "(suite unit)", "is FAILED")
        // The rest of the audit still ran: the source matches.
        expectCheck(run, "source.match", .passed)
    }

    @Test func aJUnitReportWithAFailureFailsAndNamesTheTest() throws {
        let f = try GateFixture()
        let junit = try f.file("junit.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="unit" tests="2" failures="1">
                <testcase classname="Widget" name="speed"/>
                <testcase classname="Widget" name="brakes"><failure message="too slow"/></testcase>
              </testsuite>
            </testsuites>
            """)
        let recorded = try f.recordTest("HEAD", ["--junit", junit, "--suite", "unit"])
        #expect(recorded.stderr.contains("(FAILED)"))
        try release(f)
        let run = try f.gate("v1.0.0", ["--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "test.result", .failed, mentioning: "is FAILED", "Widget.brakes")
    }

    @Test func aPassingJUnitReportPasses() throws {
        let f = try GateFixture()
        let junit = try f.file("junit.xml", #"<testsuite name="unit"><testcase classname="Widget" name="speed"/></testsuite>"#)
        try f.recordTest("HEAD", ["--junit", junit, "--suite", "unit"])
        try release(f)
        let run = try f.gate("v1.0.0", ["--build-evidence", f.path("build.json")])
        expectVerdict(run, 0)
        expectCheck(run, "test.result", .passed, mentioning: "PASSED", "unit")
    }

    @Test func aWarnedResultPassesOnlyWhenThePolicyAllowsIt() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--result", "warned"])
        try release(f)
        let strict = try f.gate("v1.0.0", ["--build-evidence", f.path("build.json")])
        expectVerdict(strict, 1)
        expectCheck(strict, "test.result", .failed, mentioning: "is WARNED")

        let lenient = try f.policy("version: 1\ntest:\n  minimum_result: WARNED\n")
        let allowed = try f.gate(policy: lenient, ["--build-evidence", f.path("build.json")])
        expectVerdict(allowed, 0)
        expectCheck(allowed, "test.result", .passed, mentioning: "WARNED")
    }

    @Test func aFailedResultFailsEvenWhenWarnedIsAllowed() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--result", "failed"])
        try release(f)
        let lenient = try f.policy("version: 1\ntest:\n  minimum_result: WARNED\n")
        let run = try f.gate(policy: lenient, ["--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "test.result", .failed, mentioning: "is FAILED")
    }

    @Test func aRequiredSuiteWithoutARecordFails() throws {
        let f = try GateFixture()
        let policy = try f.policy("version: 1\ntest:\n  required_suites: [unit, e2e]\n")
        try f.recordTest("HEAD", ["--suite", "unit", "--out", f.path("unit.json")])
        try f.recordTest("HEAD", ["--suite", "e2e", "--out", f.path("e2e.json")])
        try release(f)
        let missing = try f.gate(policy: policy, ["--test-evidence", f.path("unit.json"),
                                                  "--build-evidence", f.path("build.json")])
        expectVerdict(missing, 1)
        expectCheck(missing, "test.result", .failed, mentioning: "required suite(s)", "e2e")
        #expect(missing.check("test.result")?.reason.contains("unit") == false)

        let both = try f.gate(policy: policy, ["--test-evidence", f.path("unit.json"), f.path("e2e.json"),
                                               "--build-evidence", f.path("build.json")])
        expectVerdict(both, 0)
        expectCheck(both, "test.result", .passed, mentioning: "2 test run(s)", "e2e, unit")
    }

    /// A flaky suite re-run: the latest record of a suite decides, whatever order the files are given in.
    @Test func theLatestRecordOfASuiteWins() throws {
        let f = try GateFixture()
        let now = Date()
        try f.writeTestRecord("failed-first.json", result: .failed, suites: ["unit"], recordedAt: now.addingTimeInterval(-120))
        try f.writeTestRecord("passed-later.json", result: .passed, suites: ["unit"], recordedAt: now.addingTimeInterval(-60))
        try f.writeTestRecord("failed-last.json", result: .failed, suites: ["unit"], recordedAt: now.addingTimeInterval(-30))
        try release(f)

        // Failed, then passed on the re-run: PASSED (the files given latest first).
        let rerun = try f.gate("v1.0.0", ["--test-evidence", f.path("passed-later.json"), f.path("failed-first.json"),
                                "--build-evidence", f.path("build.json")])
        expectVerdict(rerun, 0)
        expectCheck(rerun, "test.result", .passed, mentioning: "1 test run(s)")
        #expect(rerun.check("test.result")?.evidence.count == 1)

        // Passed, then failed on a later run: FAILED.
        let regressed = try f.gate("v1.0.0", ["--test-evidence", f.path("failed-last.json"), f.path("passed-later.json"),
                                    "--build-evidence", f.path("build.json")])
        expectVerdict(regressed, 1)
        expectCheck(regressed, "test.result", .failed, mentioning: "is FAILED")
    }

    /// Test evidence about two other commits: the gate does not pick one.
    @Test func testEvidenceAboutSeveralOtherCommitsFails() throws {
        let f = try GateFixture()
        try f.recordTest("HEAD", ["--out", f.path("first.json")])
        try f.git.commit("Second", files: ["README.md": "# widget 2\n"])
        try f.recordTest("HEAD", ["--out", f.path("second.json")])
        try f.git.commit("Release", files: ["VERSION": "1.0.1\n"])
        try release(f)
        let run = try f.gate("v1.0.0", policy: "version-bump", ["--test-evidence", f.path("first.json"), f.path("second.json"),
                                                                 "--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "test.result", .failed, mentioning: "names 2 different commits", "none is the release commit")
        expectCheck(run, "source.match", .failed)
        #expect(run.report?.tested == nil)
    }

    /// Another suite's later pass does not hide a failed suite.
    @Test func aPassOfAnotherSuiteDoesNotReplaceAFailure() throws {
        let f = try GateFixture()
        let now = Date()
        try f.writeTestRecord("unit.json", result: .failed, suites: ["unit"], recordedAt: now.addingTimeInterval(-120))
        try f.writeTestRecord("e2e.json", result: .passed, suites: ["e2e"], recordedAt: now.addingTimeInterval(-60))
        try release(f)
        let run = try f.gate("v1.0.0", ["--test-evidence", f.path("unit.json"), f.path("e2e.json"),
                              "--build-evidence", f.path("build.json")])
        expectVerdict(run, 1)
        expectCheck(run, "test.result", .failed, mentioning: "(suite unit)", "is FAILED")
    }
}
