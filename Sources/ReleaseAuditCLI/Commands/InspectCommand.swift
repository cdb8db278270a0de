import ArgumentParser
import AuditCore
import Foundation
import GitFacts

/// `release-audit inspect`: the facts the auditor sees for a revision.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the facts the auditor sees for a revision.",
        discussion: """
            Shows the commit, its tree and parents, the tags that point at it (annotated or not), \
            the dirty paths of the work tree, and repository facts: shallow, bare, remotes \
            (credentials removed), current branch, and whether refs/replace/* exists.

            Examples:
              release-audit inspect
              release-audit inspect v1.2.0 --repo ../my-project
              release-audit inspect HEAD~2 --json
            """
    )

    @Argument(help: "The revision to inspect: HEAD, a branch, a tag, an id, X~2, X^{commit}.")
    var revision: String = "HEAD"

    @OptionGroup var repository: RepositoryOptions

    @Flag(help: "Print JSON (sorted keys) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Check tag signatures against this policy's tag.signers (a preset name or a file).", valueName: "policy"))
    var policy: String?

    func run() throws {
        try reportingErrors {
            let signers = try policy.map { try GitSignerStore.from(try Policy.load(nameOrPath: $0).policy.tag.signers) } ?? GitSignerStore()
            let repo = try repository.open()
            let report = try InspectReport.gather(repo, revision: revision, signers: signers)
            print(json ? try report.jsonString() : report.text)
        }
    }
}
