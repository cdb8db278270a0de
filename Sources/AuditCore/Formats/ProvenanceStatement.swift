import Foundation
import GitFacts

/// Build evidence as SLSA Provenance: written as v1, read from v1 (ours, GitHub's, slsa-github-generator's) and v0.2.
///
/// Our statements use the build type `https://release-audit.dev/build/v1`:
/// - subjects: the artifacts `{name, digest: {sha256}}`, or the source commit
///   `{name: <repository identity or "_">, digest: {gitCommit, gitTree}}` when there are none;
/// - `buildDefinition.externalParameters`: `{repository, ref, version}` (each when known);
/// - `buildDefinition.resolvedDependencies[0]`: `{"uri": "git+<repository>@<ref>", "digest": {gitCommit, gitTree}}`;
/// - `runDetails.builder.id`: the record's builder id, else `defaultBuilderID`;
///   `runDetails.metadata.invocationId`: the CI run URL, when known;
/// - `releaseaudit_context` (see `ReleaseAuditExtension`): tag, dirty paths, CI, tool version, record time.
public enum ProvenanceStatement {
    /// SLSA Provenance v1 (SLSA 1.0 to 1.2 share it).
    public static let predicateTypeV1 = "https://slsa.dev/provenance/v1"
    /// SLSA Provenance v0.2 (read only).
    public static let predicateTypeV02 = "https://slsa.dev/provenance/v0.2"
    /// The build type of release-audit's own provenance: parameters `repository`, `ref`, `version`; the
    /// source commit is the first resolved dependency.
    public static let buildType = "https://release-audit.dev/build/v1"
    /// The builder id written when the record names none: a build run by hand with release-audit, outside
    /// any trusted build platform. Policies should not grant it a SLSA build level.
    public static let defaultBuilderID = ToolInfo.uri + "/local"

    // MARK: Writing

    /// The SLSA Provenance v1 statement for a build record (always v1, whatever `record.format` says).
    public static func make(record: BuildRecord) -> Statement {
        var commitDigest = ["gitCommit": record.commit.hex]
        if let tree = record.tree { commitDigest["gitTree"] = tree.hex }

        let subjects = record.artifacts.isEmpty
            ? [ResourceDescriptor(name: record.repository ?? "_", digest: commitDigest)]
            : record.artifacts.map { ResourceDescriptor(name: $0.name, digest: ["sha256": $0.sha256]) }
        let sourceURI = record.repository.map { "git+\($0)" + (record.ref.map { "@\($0)" } ?? "") }
        let source = ResourceDescriptor(uri: sourceURI, digest: commitDigest)
        let context = ReleaseAuditContext(
            tagName: record.tagName, tagObject: record.tagObject, tagAnnotated: record.tagAnnotated,
            dirtyPaths: record.dirtyPaths, ci: record.ci, toolVersion: record.toolVersion, recordedAt: record.recordedAt)

        let metadata: JSONValue? = record.ci?.runURL.map { .object([(key: "invocationId", value: .string($0))]) }
        let predicate = JSONValue.object(dropping: [
            "buildDefinition": .object(dropping: [
                "buildType": .string(buildType),
                "externalParameters": .object(dropping: [
                    "repository": .optional(record.repository),
                    "ref": .optional(record.ref),
                    "version": .optional(record.version),
                ]),
                "resolvedDependencies": .array([source.jsonValue]),
            ]),
            "runDetails": .object(dropping: [
                "builder": .object([(key: "id", value: .string(record.builderID ?? defaultBuilderID))]),
                "metadata": metadata,
            ]),
            ReleaseAuditExtension.key: context.jsonValue(includeSuites: false, includeTag: true),
        ])
        return Statement(subjects: subjects, predicateType: predicateTypeV1, predicate: predicate)
    }

    // MARK: Reading

    /// Reads the build record from SLSA Provenance v1 or v0.2.
    ///
    /// The source commit is, for v1, the first `resolvedDependencies` entry with a `git+` uri and a
    /// `gitCommit` (or `sha1`) digest, else `externalParameters.source` (slsa-github-generator BYOB);
    /// for v0.2, `invocation.configSource`, else the first such entry in `materials`. Any other place
    /// naming a different commit of the same source (or a commit subject that differs) is an error.
    public static func read(_ statement: Statement) throws -> BuildRecord {
        try statement.requirePredicateType(predicateTypeV1, predicateTypeV02)
        let predicate = statement.predicateField
        var record: BuildRecord
        if statement.predicateType == predicateTypeV1 {
            record = try readV1(predicate)
        } else {
            record = try readV02(predicate)
        }
        for (index, subject) in statement.subjects.enumerated() {
            if let hex = subject.digest["gitCommit"], hex != record.commit.hex {
                throw FormatError.ambiguousSourceCommit("subject[\(index)] names commit \(hex) but the build source is \(record.commit.hex)")
            }
        }
        record.artifacts = statement.subjects.compactMap { subject in
            subject.digest["sha256"].map { Artifact(name: subject.name ?? "_", sha256: $0) }
        }
        if let context = try ReleaseAuditContext.read(from: predicate) {
            record.tagName = context.tagName
            record.tagObject = context.tagObject
            record.tagAnnotated = context.tagAnnotated
            record.dirtyPaths = context.dirtyPaths
            record.ci = context.ci
            record.toolVersion = context.toolVersion
            record.recordedAt = context.recordedAt
        } else {
            record.dirtyPaths = nil  // another tool's provenance says nothing about the work tree
        }
        return record
    }

    private static func readV1(_ predicate: JSONField) throws -> BuildRecord {
        let definition = try predicate["buildDefinition"].requireObject()
        let type = try definition["buildType"].string()
        let parameters = try definition["externalParameters"].requireObject(required: false)
        let dependencies = try definition["resolvedDependencies"].optionalElements()
        let dependencySources = try dependencies.compactMap { try GitSource(ResourceDescriptor.parse($0), path: $0.path) }

        // slsa-github-generator BYOB also names the source in externalParameters.source.
        var declared: GitSource?
        let sourceParameter = parameters["source"]
        if sourceParameter.value?.objectValue != nil {
            declared = try GitSource(ResourceDescriptor.parse(sourceParameter), path: sourceParameter.path, isDeclared: true)
        }
        guard let source = dependencySources.first ?? declared else {
            throw FormatError.noGitCommit(what: "the build provenance")
        }
        try requireAgreement(source, with: (declared.map { [$0] } ?? []) + dependencySources)

        let isOurs = type == buildType
        var repository = source.repository
        var ref = source.ref
        if isOurs {
            if repository == nil, let named = try parameters["repository"].optionalString() {
                repository = RepositoryIdentity.normalize(named)
            }
            if ref == nil { ref = try parameters["ref"].optionalString() }
        }
        let runDetails = try predicate["runDetails"].requireObject(required: false)
        let builder = try runDetails["builder"].requireObject(required: false)
        return BuildRecord(
            commit: source.commit, tree: source.tree, repository: repository, ref: ref,
            version: isOurs ? try parameters["version"].optionalString() : nil,
            builderID: try builder["id"].optionalString(), format: .slsaV1)
    }

    private static func readV02(_ predicate: JSONField) throws -> BuildRecord {
        let invocation = try predicate["invocation"].requireObject(required: false)
        let configSource = try invocation["configSource"].requireObject(required: false)
        let declared = configSource.isPresent
            ? try GitSource(ResourceDescriptor.parse(configSource), path: configSource.path, isDeclared: true) : nil
        let materials = try predicate["materials"].optionalElements()
        let materialSources = try materials.compactMap { try GitSource(ResourceDescriptor.parse($0), path: $0.path) }
        guard let source = declared ?? materialSources.first else {
            throw FormatError.noGitCommit(what: "the build provenance")
        }
        try requireAgreement(source, with: materialSources)
        let builder = try predicate["builder"].requireObject(required: false)
        return BuildRecord(
            commit: source.commit, tree: source.tree, repository: source.repository, ref: source.ref,
            builderID: try builder["id"].optionalString(), format: .slsaV02)
    }

    /// Throws when another git source names the same repository at a different commit, or when the
    /// builder-declared source (BYOB `externalParameters.source`) differs from the dependency read first.
    private static func requireAgreement(_ source: GitSource, with others: [GitSource]) throws {
        for other in others where other.commit != source.commit {
            let sameRepository = other.repository == nil || source.repository == nil
                || RepositoryIdentity.matches(other.repository ?? "", source.repository ?? "")
            if sameRepository || other.isDeclared {
                throw FormatError.ambiguousSourceCommit("\(source.path) says \(source.commit.hex) but \(other.path) says \(other.commit.hex)")
            }
        }
    }
}

/// A git source named by a resource descriptor: `git+<repository>[@<ref>]` with a commit digest.
private struct GitSource {
    var commit: ObjectID
    var tree: ObjectID?
    var repository: String?
    var ref: String?
    /// Where it was found, for messages.
    var path: String
    /// Whether the builder declared it as *the* source (configSource, externalParameters.source).
    var isDeclared: Bool

    /// The git source a descriptor names, nil when it names none.
    ///
    /// A descriptor names one when its uri starts with `git+` and it has a `gitCommit` or `sha1` digest,
    /// or when it has no uri and a `gitCommit` digest (release-audit's own record of a repository without an identity).
    init?(_ descriptor: ResourceDescriptor, path: String, isDeclared: Bool = false) throws {
        let commitHex: String
        switch (descriptor.digest["gitCommit"], descriptor.digest["sha1"]) {
        case (let gitCommit?, let sha1?) where gitCommit != sha1:
            throw FormatError.ambiguousSourceCommit("\(path).digest has gitCommit \(gitCommit) but sha1 \(sha1)")
        case (let gitCommit?, _): commitHex = gitCommit
        case (nil, let sha1?): commitHex = sha1
        case (nil, nil): return nil
        }
        if let uri = descriptor.uri {
            guard uri.lowercased().hasPrefix("git+") else { return nil }
            let (repository, ref) = Self.split(uri)
            self.repository = RepositoryIdentity.normalize(repository)
            self.ref = ref
        } else {
            guard descriptor.digest["gitCommit"] != nil else { return nil }
        }
        self.commit = try DigestSet.objectID(commitHex, path: "\(path).digest")
        self.tree = try descriptor.digest["gitTree"].map { try DigestSet.objectID($0, path: "\(path).digest.gitTree") }
        self.path = path
        self.isDeclared = isDeclared
    }

    /// Splits `git+https://host/org/repo@refs/tags/v1` into the repository URL and the ref.
    ///
    /// The ref starts at the first `@` after the host part, so `ssh://git@host/...` keeps its login, and
    /// runs to the end (`#` is allowed in branch names; it is not taken as a fragment here).
    static func split(_ uri: String) -> (repository: String, ref: String?) {
        let rest = Substring(uri.dropFirst(4))
        var pathStart = rest.startIndex
        if let scheme = rest.range(of: "://") {
            pathStart = rest[scheme.upperBound...].firstIndex(of: "/") ?? rest.endIndex
        } else if let colon = rest.firstIndex(of: ":") {
            pathStart = colon  // scp form: user@host:path
        }
        guard let at = rest[pathStart...].firstIndex(of: "@") else { return (String(rest), nil) }
        let ref = rest[rest.index(after: at)...]
        return (String(rest[..<at]), ref.isEmpty ? nil : String(ref))
    }
}
