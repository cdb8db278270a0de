import Foundation
import GitFacts
import Testing
@testable import AuditCore

@Suite("SLSA Provenance statements")
struct ProvenanceStatementTests {
    static let commit = try! ObjectID(hex: "1111111111111111111111111111111111111111")
    static let tree = try! ObjectID(hex: "2222222222222222222222222222222222222222")
    static let tagObject = try! ObjectID(hex: "3333333333333333333333333333333333333333")
    static let sha256A = String(repeating: "a", count: 64)
    static let sha256B = String(repeating: "b", count: 64)

    static var fullRecord: BuildRecord {
        BuildRecord(
            commit: commit, tree: tree, repository: "https://github.com/example/app", ref: "refs/tags/v1.2.0",
            tagName: "v1.2.0", tagObject: tagObject, tagAnnotated: true, version: "1.2.0",
            artifacts: [Artifact(name: "app-1.2.0.tar.gz", sha256: sha256A), Artifact(name: "app-1.2.0.zip", sha256: sha256B)],
            builderID: "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.0",
            recordedAt: Date(timeIntervalSince1970: 1_767_323_045), dirtyPaths: [],
            ci: CIContext(provider: "github-actions", runID: "99", runURL: "https://github.com/example/app/actions/runs/99"),
            toolVersion: "0.1.0")
    }

    static func roundTrip(_ record: BuildRecord) throws -> BuildRecord {
        try ProvenanceStatement.read(Statement.parse(ProvenanceStatement.make(record: record).jsonData()))
    }

    // MARK: Our own provenance

    @Test func roundTripsAFullRecord() throws {
        #expect(try Self.roundTrip(Self.fullRecord) == Self.fullRecord)
    }

    @Test func roundTripsARecordWithoutArtifactsOrRepository() throws {
        let record = BuildRecord(commit: Self.commit, tree: Self.tree, builderID: "https://builder.test/x",
                                 dirtyPaths: ["a.txt"], toolVersion: "0.1.0")
        let statement = ProvenanceStatement.make(record: record)
        #expect(statement.subjects == [ResourceDescriptor(name: "_", digest: ["gitCommit": Self.commit.hex, "gitTree": Self.tree.hex])])
        #expect(try Self.roundTrip(record) == record)
    }

    @Test func roundTripsARecordWithARepositoryButNoRef() throws {
        var record = Self.fullRecord
        record.ref = nil
        record.artifacts = []
        #expect(try Self.roundTrip(record) == record)
        let statement = ProvenanceStatement.make(record: record)
        #expect(statement.predicate["buildDefinition"]?["resolvedDependencies"]
                == .array([.object([(key: "uri", value: .string("git+https://github.com/example/app")),
                                    (key: "digest", value: .stringMap(["gitCommit": Self.commit.hex, "gitTree": Self.tree.hex]))])]))
    }

    @Test func roundTripsALocalRepositoryWithAnAtSignAndABranchWithAHash() throws {
        var record = Self.fullRecord
        record.repository = RepositoryIdentity.normalize("/home/me/work@home/app")
        record.ref = "refs/heads/fix#12@v2"
        #expect(record.repository == "file:///home/me/work%40home/app")
        #expect(try Self.roundTrip(record) == record)
    }

    @Test func writesTheDocumentedShape() throws {
        let text = String(decoding: ProvenanceStatement.make(record: Self.fullRecord).jsonData(), as: UTF8.self)
        let expected = #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"buildDefinition":{"buildType":"https://release-audit.dev/build/v1","externalParameters":{"ref":"refs/tags/v1.2.0","repository":"https://github.com/example/app","version":"1.2.0"},"resolvedDependencies":[{"digest":{"gitCommit":"1111111111111111111111111111111111111111","gitTree":"2222222222222222222222222222222222222222"},"uri":"git+https://github.com/example/app@refs/tags/v1.2.0"}]},"releaseaudit_context":{"ci":{"provider":"github-actions","runId":"99","runUrl":"https://github.com/example/app/actions/runs/99"},"dirtyPaths":[],"recordedAt":"2026-01-02T03:04:05Z","tag":{"annotated":true,"name":"v1.2.0","object":"3333333333333333333333333333333333333333"},"toolVersion":"0.1.0","version":1},"runDetails":{"builder":{"id":"https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.0"},"metadata":{"invocationId":"https://github.com/example/app/actions/runs/99"}}},"predicateType":"https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":"\#(Self.sha256A)"},"name":"app-1.2.0.tar.gz"},{"digest":{"sha256":"\#(Self.sha256B)"},"name":"app-1.2.0.zip"}]}"#
        #expect(text == expected)
    }

    @Test func usesTheDefaultBuilderIDWhenNoneIsGiven() throws {
        var record = Self.fullRecord
        record.builderID = nil
        #expect(ProvenanceStatement.defaultBuilderID == "https://github.com/release-audit/release-audit/local")
        #expect(try Self.roundTrip(record).builderID == ProvenanceStatement.defaultBuilderID)
    }

    // MARK: Other generators

    @Test func readsTheRealGitHubAttestation() throws {
        let record = try ProvenanceStatement.read(Fixtures.statement("provenance-github-attest-v1.json"))
        #expect(record == BuildRecord(
            commit: try ObjectID(hex: "a6c23b9806c593664f68637c8f9d45dfcf98b2db"), repository: "https://github.com/actions/attest-demo",
            ref: "refs/heads/main",
            artifacts: [Artifact(name: "github_provenance_demo-0.0.12-py3-none-any.whl", sha256: "ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b")],
            builderID: "https://github.com/actions/runner/github-hosted", dirtyPaths: nil, format: .slsaV1))
    }

    @Test func readsTheAttestActionSnapshot() throws {
        let record = try ProvenanceStatement.read(Fixtures.statement("provenance-github-attest-snapshot.json"))
        #expect(record.commit.hex == "babca52ab0c93ae16539e5923cb0d7403b9a093b")
        #expect(record.repository == "https://github.com/owner/repo")
        #expect(record.ref == "refs/heads/main")
        #expect(record.builderID == "https://github.com/owner/workflows/.github/workflows/publish.yml@main")
        #expect(record.artifacts.map(\.name) == ["my-artifact-1.0.0.tgz"])
        #expect(record.version == nil && record.tagName == nil && record.recordedAt == nil && record.ci == nil)
    }

    @Test func readsSLSAGitHubGeneratorBYOB() throws {
        let record = try ProvenanceStatement.read(Fixtures.statement("provenance-byob-v1.json"))
        #expect(record.commit.hex == "8f2c1f4b7a9e0d3c5b6a7f8e9d0c1b2a3f4e5d6c")
        #expect(record.repository == "https://github.com/example-org/hello")
        #expect(record.ref == "refs/tags/v2.3.1")
        #expect(record.builderID == "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v2.0.0")
        #expect(record.artifacts.map(\.name) == ["hello-linux-amd64", "hello-darwin-arm64"])
        #expect(record.format == .slsaV1)
    }

    @Test func readsBYOBSourceWhenThereAreNoResolvedDependencies() throws {
        let text = String(decoding: try Fixtures.data("provenance-byob-v1.json"), as: UTF8.self)
        let start = try #require(text.range(of: #""resolvedDependencies": ["#))
        let end = try #require(text.range(of: "]\n    },\n    \"runDetails\""))
        let edited = text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: #""resolvedDependencies": ["#)
        let record = try ProvenanceStatement.read(Statement.parse(payload(edited)))
        #expect(record.commit.hex == "8f2c1f4b7a9e0d3c5b6a7f8e9d0c1b2a3f4e5d6c")
        #expect(record.ref == "refs/tags/v2.3.1")
    }

    @Test func readsSLSAProvenanceV02() throws {
        let statement = try Fixtures.statement("provenance-slsa-v0.2.json")
        #expect(statement.type == Statement.typeV01)
        let record = try ProvenanceStatement.read(statement)
        #expect(record == BuildRecord(
            commit: try ObjectID(hex: "dcd26fed2ccf37087005539ad8e8ce4db23b501d"),
            repository: "https://github.com/slsa-framework/example-package", ref: "refs/tags/v14",
            artifacts: [Artifact(name: "binary-linux-amd64", sha256: "2e0390eb024a52963db7b95e84a9c2b12c004054a7bad9a97ec0c7c89d4681d2")],
            builderID: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.0",
            dirtyPaths: nil, format: .slsaV02))
    }

    @Test func readsV02FromMaterialsAlone() throws {
        let json = #"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"x","digest":{"sha256":"\#(Self.sha256A)"}}],"predicate":{"builder":{"id":"https://b.test"},"buildType":"https://t.test","materials":[{"uri":"pkg:docker/golang@1.22","digest":{"sha256":"\#(Self.sha256B)"}},{"uri":"git+ssh://git@gitlab.example.com/group/app.git@refs/heads/main","digest":{"sha1":"\#(Self.commit.hex)"}}]}}"#
        let record = try ProvenanceStatement.read(Statement.parse(payload(json)))
        #expect(record.commit == Self.commit)
        #expect(record.repository == "https://gitlab.example.com/group/app")
        #expect(record.ref == "refs/heads/main")
    }

    @Test func firstGitDependencyIsTheSourceWhenOthersAreOtherRepositories() throws {
        let json = #"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[{"name":"x","digest":{"sha256":"\#(Self.sha256A)"}}],"predicate":{"buildDefinition":{"buildType":"https://t.test","externalParameters":{},"resolvedDependencies":[{"uri":"oci://ghcr.io/x/builder","digest":{"sha256":"\#(Self.sha256B)"}},{"uri":"git+https://github.com/example/app@refs/tags/v1","digest":{"gitCommit":"\#(Self.commit.hex)"}},{"uri":"git+https://github.com/example/tools@main","digest":{"gitCommit":"\#(Self.tree.hex)"}}]},"runDetails":{"builder":{"id":"https://b.test"}}}}"#
        let record = try ProvenanceStatement.read(Statement.parse(payload(json)))
        #expect(record.commit == Self.commit)
        #expect(record.repository == "https://github.com/example/app")
        #expect(record.ref == "refs/tags/v1")
        #expect(record.version == nil)
    }

    // MARK: Errors

    static func v1(dependencies: String, parameters: String = "{}", subject: String? = nil) -> Data {
        let subjectJSON = subject ?? #"{"name":"x","digest":{"sha256":"\#(sha256A)"}}"#
        return payload(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[\#(subjectJSON)],"predicate":{"buildDefinition":{"buildType":"https://t.test","externalParameters":\#(parameters),"resolvedDependencies":\#(dependencies)},"runDetails":{"builder":{"id":"https://b.test"}}}}"#)
    }

    @Test(arguments: [
        (v1(dependencies: "[]"), "the build provenance names no git commit: it cannot be tied to a source revision"),
        (v1(dependencies: #"[{"uri":"https://github.com/example/app","digest":{"sha1":"\#(commit.hex)"}}]"#),
         "the build provenance names no git commit: it cannot be tied to a source revision"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app@main"}]"#),
         "the build provenance names no git commit: it cannot be tied to a source revision"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app@main","digest":{"gitCommit":"\#(commit.hex)"}},{"uri":"git+git@github.com:example/app.git@v2","digest":{"gitCommit":"\#(tree.hex)"}}]"#),
         "ambiguous source commit: predicate.buildDefinition.resolvedDependencies[0] says \(commit.hex) but predicate.buildDefinition.resolvedDependencies[1] says \(tree.hex); refusing to pick one"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app@main","digest":{"gitCommit":"\#(commit.hex)"}}]"#,
            parameters: #"{"source":{"uri":"git+https://github.com/example/app@main","digest":{"gitCommit":"\#(tree.hex)"}}}"#),
         "ambiguous source commit: predicate.buildDefinition.resolvedDependencies[0] says \(commit.hex) but predicate.buildDefinition.externalParameters.source says \(tree.hex); refusing to pick one"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app","digest":{"gitCommit":"\#(commit.hex)","sha1":"\#(tree.hex)"}}]"#),
         "ambiguous source commit: predicate.buildDefinition.resolvedDependencies[0].digest has gitCommit \(commit.hex) but sha1 \(tree.hex); refusing to pick one"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app","digest":{"gitCommit":"\#(commit.hex)"}}]"#,
            subject: #"{"name":"https://github.com/example/app","digest":{"gitCommit":"\#(tree.hex)"}}"#),
         "ambiguous source commit: subject[0] names commit \(tree.hex) but the build source is \(commit.hex); refusing to pick one"),
        (v1(dependencies: #"{"uri":"git+https://github.com/example/app"}"#),
         "predicate.buildDefinition.resolvedDependencies: expected an array, found object"),
        (v1(dependencies: #"[{"uri":"git+https://github.com/example/app","digest":{"gitCommit":"\#(String(repeating: "c", count: 64))"}}]"#),
         "predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit: SHA-256 git object ids are not supported (release-audit reads SHA-1 repositories only)"),
        (payload(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":"\#(sha256A)"}}],"predicate":{"runDetails":{}}}"#),
         "predicate.buildDefinition: missing required field"),
        (payload(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":"\#(sha256A)"}}],"predicate":{"buildDefinition":{"resolvedDependencies":[]}}}"#),
         "predicate.buildDefinition.buildType: missing required field"),
        (payload(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1.1","subject":[{"digest":{"sha256":"\#(sha256A)"}}]}"#),
         #"predicateType: expected https://slsa.dev/provenance/v1 or https://slsa.dev/provenance/v0.2, found "https://slsa.dev/provenance/v1.1""#),
    ])
    func rejectsProvenanceWithoutOneClearSource(data: Data, message: String) {
        #expect(errorMessage { _ = try ProvenanceStatement.read(Statement.parse(data)) } == message)
    }

    @Test func rejectsV02WhereConfigSourceAndMaterialsDisagree() throws {
        let text = String(decoding: try Fixtures.data("provenance-slsa-v0.2.json"), as: UTF8.self)
        let materialsStart = try #require(text.range(of: #""materials""#))
        let edited = text.replacingOccurrences(of: "dcd26fed2ccf37087005539ad8e8ce4db23b501d", with: Self.tree.hex,
                                               range: materialsStart.upperBound..<text.endIndex)
        #expect(errorMessage { _ = try ProvenanceStatement.read(Statement.parse(payload(edited))) }
                == "ambiguous source commit: predicate.invocation.configSource says dcd26fed2ccf37087005539ad8e8ce4db23b501d but predicate.materials[0] says \(Self.tree.hex); refusing to pick one")
    }

    @Test func rejectsABadTagObjectInOurExtension() {
        let text = String(decoding: ProvenanceStatement.make(record: Self.fullRecord).jsonData(), as: UTF8.self)
        let edited = text.replacingOccurrences(of: #""object":"\#(Self.tagObject.hex)""#, with: #""object":"v1.2.0""#)
        #expect(errorMessage { _ = try ProvenanceStatement.read(Statement.parse(payload(edited))) }
                == #"predicate.releaseaudit_context.tag.object: expected 40 hexadecimal characters, found "v1.2.0""#)
    }
}
