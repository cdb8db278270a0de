import ArgumentParser

/// `release-audit record`: the parent of `record test` and `record build`.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record signed evidence: what CI tested, or what a release was built from.",
        subcommands: [RecordTestCommand.self, RecordBuildCommand.self]
    )
}
