import ArgumentParser
import GitFacts

/// `--repo DIR`, shared by every command that reads a repository.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: ArgumentHelp("The git repository (a work tree or a bare repository).", valueName: "dir"))
    var path: String = "."

    /// Opens the repository; a path that is not a repository is an input error (exit 2).
    func open() throws -> Repository {
        try Repository(at: path)
    }
}
