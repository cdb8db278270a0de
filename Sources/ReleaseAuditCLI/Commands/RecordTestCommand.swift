import ArgumentParser
import AuditCore
import Foundation

/// `release-audit record test`: signed test-result evidence for the commit CI tested.
struct RecordTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Record which commit (and tree) was tested and how the tests went.",
        discussion: """
            Writes an in-toto Statement v1 with the test-result v0.1 predicate, signed in a DSSE \
            envelope. The subject is the commit ({gitCommit, gitTree}), named by the repository. \
            The outcome comes from JUnit XML files (FAILED if any test failed or errored) or from \
            --result. CI runs (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins) are recognised \
            and their run URL, ref and event recorded.

            Examples:
              release-audit record test --junit build/junit/*.xml --suite unit \\
                  --key env:RELEASE_AUDIT_TEST_KEY --notes
              release-audit record test --result passed --suite e2e \\
                  --key ci.key --out evidence/test.json
            """
    )

    @OptionGroup var options: RecordOptions

    @Option(parsing: .upToNextOption, help: ArgumentHelp("JUnit XML files with the results.", valueName: "file"))
    var junit: [String] = []

    @Option(help: ArgumentHelp("The outcome, when there is no JUnit XML: passed, failed or warned.", valueName: "result"))
    var result: String?

    @Option(help: ArgumentHelp("Which test run this is (e.g. unit, e2e); repeatable.", valueName: "name"))
    var suite: [String] = []

    @Option(help: ArgumentHelp("A link to the test run (default: the CI run's URL).", valueName: "url"))
    var runURL: String?

    func validate() throws {
        try OutputGuard.refuse(outputs: [("--out", options.out)], inputs: junit.map { ("--junit", $0) })
        if junit.isEmpty == (result == nil) { throw ValidationError("give the outcome with --junit FILE... or --result passed|failed|warned (one of them)") }
        if let result, TestOutcome(rawValue: result.uppercased()) == nil {
            throw ValidationError("--result must be passed, failed or warned (got '\(result)')")
        }
    }

    func run() throws {
        try reportingErrors {
            // Read every input before touching the repository or writing anything.
            let signer = try options.loadSigner()
            let report = junit.isEmpty ? nil : JUnitReport.merge(try junit.map { try JUnitReport.parse(contentsOf: $0) })
            let outcome = report?.outcome ?? TestOutcome(rawValue: result?.uppercased() ?? "") ?? .failed

            let (repo, recorder, source, ci) = try options.prepare()
            let record = recorder.testRecord(source: source, outcome: outcome, junit: report, suites: suite,
                                             runURL: runURL, ci: ci)
            let statement = TestResultStatement.make(record: record)
            try options.write(statement: statement.jsonData(), signer: signer, repo: repo, commit: record.commit,
                              what: "test evidence (\(outcome.rawValue))")
        }
    }
}
