import ArgumentParser
import AuditCore
import Foundation

/// `release-audit record build`: signed SLSA provenance for the commit a release was built from.
struct RecordBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Record which commit a release was built from, and its artifacts.",
        discussion: """
            Writes SLSA Provenance v1 signed in a DSSE envelope: the subjects are the artifacts (the \
            commit when none is named); the first resolved dependency is git+<repository>@<ref> with \
            {gitCommit, gitTree}. When --rev names a tag, the tag's name, object id and kind are \
            recorded, so the gate can tell if the tag moved after the build.

            Examples:
              release-audit record build --rev v1.4.0 --version 1.4.0 \\
                  --artifact-file dist/app.tar.gz --key env:RELEASE_AUDIT_BUILD_KEY --notes
              release-audit record build --rev v1.4.0 --key release.key \\
                  --artifact "app.tar.gz@sha256:$(sha256sum app.tar.gz | cut -c1-64)" \\
                  --out evidence/build.json
            """
    )

    @OptionGroup var options: RecordOptions

    @Option(help: ArgumentHelp("The release version (e.g. 1.4.0).", valueName: "version"))
    var version: String?

    @Option(help: ArgumentHelp("An artifact as NAME@sha256:HEX; repeatable.", valueName: "artifact"))
    var artifact: [String] = []

    @Option(help: ArgumentHelp("An artifact file to hash (SHA-256); repeatable.", valueName: "path"))
    var artifactFile: [String] = []

    @Option(help: ArgumentHelp("The builder's identity (a URI).", valueName: "uri"))
    var builderID: String?

    func validate() throws {
        try OutputGuard.refuse(outputs: [("--out", options.out)], inputs: artifactFile.map { ("--artifact-file", $0) })
        for text in artifact {
            do { _ = try Recorder.parseArtifact(text) } catch { throw ValidationError(String(describing: error)) }
        }
    }

    func run() throws {
        try reportingErrors {
            let signer = try options.loadSigner()
            let artifacts = try artifact.map(Recorder.parseArtifact) + artifactFile.map(Recorder.artifact(file:))

            let (repo, recorder, source, ci) = try options.prepare()
            let record = try recorder.buildRecord(source: source, version: version, artifacts: artifacts,
                                                  builderID: builderID, ci: ci)
            if record.tagAnnotated == false, let name = record.tagName {
                Diagnostics.warning(CheckoutAdvice.lightweightTag(name) + "; the gate will see what this record names")
            }
            let statement = ProvenanceStatement.make(record: record)
            try options.write(statement: statement.jsonData(), signer: signer, repo: repo, commit: record.commit,
                              what: "build evidence")
        }
    }
}
