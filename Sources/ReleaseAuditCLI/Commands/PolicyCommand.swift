import ArgumentParser
import AuditCore

/// `release-audit policy`: work with gate policies.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check gate policies.",
        subcommands: [Check.self]
    )

    /// `release-audit policy check FILE|NAME`: validate a policy and print it with every default filled in.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a policy and print it with every default filled in.",
            discussion: """
                Reads a preset (\(Policy.presetNames.joined(separator: ", "))) or a policy file (YAML or JSON) \
                strictly: an unknown key, a wrong type, or a bad glob, tag pattern or duration is an error \
                naming the file, the line and the key, and the exit status is 2. The trusted keys are \
                loaded too: a key that cannot be read, one key in two roles, or a threshold that the \
                distinct keys can never meet is an error.

                Examples:
                  release-audit policy check exact-commit
                  release-audit policy check policies/release.yml
                  release-audit policy check release-policy.json --json
                """
        )

        @Argument(help: ArgumentHelp("A preset name or a policy file.", valueName: "file-or-name"))
        var policy: String

        @Flag(help: "Print JSON instead of YAML.")
        var json = false

        func run() throws {
            try reportingErrors {
                let loaded = try Policy.load(nameOrPath: policy)
                _ = try TrustStore.from(policy: loaded)  // the keys load, each role has its own, thresholds can be met
                _ = try GitSignerStore.from(loaded.policy.tag.signers)  // the signer files read and parse
                if loaded.policy.tag.signed && loaded.policy.tag.signers.isEmpty {
                    Diagnostics.warning("tag.signed: true cannot be met without tag.signers: release.tag always FAILS under this policy; list who may sign release tags")
                }
                print(json ? loaded.policy.canonicalJSON() : loaded.policy.canonicalYAML(), terminator: "")
            }
        }
    }
}
