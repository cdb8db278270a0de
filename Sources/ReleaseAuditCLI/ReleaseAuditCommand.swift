import ArgumentParser
import AuditCore

/// The root command: lists every subcommand.
public struct ReleaseAuditCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "release-audit",
        abstract: "Prove that a release was built from exactly the Git commit that CI tested.",
        discussion: """
            Record signed evidence in CI (what was tested) and at release time (what was built), \
            then gate the release on a policy and keep the signed audit report.

            Exit codes: 0 passed, 1 the audit found a problem, 2 could not audit (bad input), 64 usage.
            """,
        version: ToolInfo.version,
        subcommands: [
            InspectCommand.self,
            KeygenCommand.self,
            RecordCommand.self,
            NotesCommand.self,
            VerifyEvidenceCommand.self,
            PolicyCommand.self,
            GateCommand.self,
            VerifyCommand.self,
            AuditCommand.self,
            DemoCommand.self,
        ]
    )

    public init() {}
}
