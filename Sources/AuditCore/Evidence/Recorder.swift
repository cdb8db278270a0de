import Foundation
import GitFacts

/// Turns the state of a repository (and the CI environment) into test and build records.
public struct Recorder {
    public let repo: Repository
    public let environment: [String: String]
    public let now: Date

    public init(repo: Repository, environment: [String: String], now: Date = Date()) {
        self.repo = repo
        self.environment = environment
        self.now = now
    }

    /// The commit a record is about, and the facts a record needs from it.
    public struct Source: Sendable {
        public var revision: String
        public var commit: Commit
        /// The dirty paths of the work tree the record vouches for; nil when it vouches for none
        /// (`--no-worktree`, or a bare repository).
        public var dirtyPaths: [String]?
        public var repository: String
        /// Warnings for the user (stderr), e.g. the CI tested another commit.
        public var warnings: [String]
    }

    /// Resolves the revision, checks the work tree, and works out the repository identity.
    ///
    /// The record says what ran in this work tree, so the work tree's HEAD must be the recorded
    /// commit; with `workTreeIsNotTheBuilds` (`--no-worktree`) the record makes no clean-tree claim
    /// at all instead.
    ///
    /// - Throws: `RecordError.dirtyWorkTree` when the work tree is dirty and `allowDirty` is false;
    ///   `RecordError.notCheckedOut` when HEAD is another commit; `RecordError.replaced` when a
    ///   replace ref changes what git shows of the commit.
    public func source(revision: String, allowDirty: Bool, repositoryOverride: String?, ci: CIContext,
                       workTreeIsNotTheBuilds: Bool = false) throws -> Source {
        let id = try repo.resolveCommit(revision)
        let commit = try repo.commit(id)
        let facts = try repo.facts()
        let tagObjects = try repo.tag(named: revision.hasPrefix("refs/tags/") ? String(revision.dropFirst(10)) : revision)?.tagObjects ?? []
        let replaced = try ReplaceRefs.touching(commits: [id], objects: tagObjects, refs: facts.replaceRefs, in: repo)
        if !replaced.isEmpty {
            throw RecordError.replaced(refs: replaced, commit: id)
        }
        var dirtyPaths: [String]?
        if !workTreeIsNotTheBuilds {
            let status = try repo.status()
            if status.hasWorkTree {
                let head = try? repo.resolveCommit("HEAD")
                if head != id {
                    throw RecordError.notCheckedOut(recorded: id, revision: revision, head: head)
                }
                if !status.isClean && !allowDirty {
                    throw RecordError.dirtyWorkTree(paths: status.dirtyPaths)
                }
                dirtyPaths = status.dirtyPaths
            }
        }
        var warnings: [String] = []
        if dirtyPaths == nil {
            warnings.append(workTreeIsNotTheBuilds
                ? "--no-worktree: the record makes no clean-work-tree claim; a policy with clean_worktree: true will not accept it"
                : "a bare repository has no work tree: the record makes no clean-work-tree claim")
        }
        if facts.isShallow { warnings.append(CheckoutAdvice.shallowClone + "; a gate in a clone like this FAILS repository.safety") }
        if let ciCommit = ci.ciCommit, ciCommit.lowercased() != id.hex {
            warnings.append("\(ci.provider) reports commit \(ciCommit) but the recorded commit is \(id.hex): \(CIEnvironment.mismatchExplanation(ci)); both are recorded")
        }
        let identity = try repositoryIdentity(override: repositoryOverride, remotes: facts.remotes, warnings: &warnings)
        return Source(revision: revision, commit: commit, dirtyPaths: dirtyPaths, repository: identity, warnings: warnings)
    }

    /// The repository identity: `--repository`, else the `origin` remote (or the only remote), normalised.
    public func repositoryIdentity(override: String?, remotes: [Remote], warnings: inout [String]) throws -> String {
        if let override, !override.isEmpty { return RepositoryIdentity.normalize(override) }
        if let origin = RepositoryIdentity.origin(of: remotes) { return origin }
        warnings.append("the repository has no origin remote: naming it by its path; pass --repository URL so the gate can match it")
        return RepositoryIdentity.byPath(of: repo)
    }

    /// A test record for a source and an outcome.
    public func testRecord(source: Source, outcome: TestOutcome, junit: JUnitReport?, suites: [String],
                           runURL: String?, ci: CIContext) -> TestRecord {
        TestRecord(
            commit: source.commit.id, tree: source.commit.tree, repository: source.repository, result: outcome,
            passedTests: junit?.passed ?? [], warnedTests: [], failedTests: junit?.failed ?? [],
            suites: suites, url: runURL ?? ci.runURL, recordedAt: now, dirtyPaths: source.dirtyPaths,
            ci: ci, toolVersion: ToolInfo.version)
    }

    /// A build record for a source: the tag named by the revision (when it is a tag), the version and artifacts.
    public func buildRecord(source: Source, version: String?, artifacts: [Artifact], builderID: String?,
                            ci: CIContext) throws -> BuildRecord {
        let revision = source.revision.hasPrefix("refs/tags/") ? String(source.revision.dropFirst(10)) : source.revision
        let tag = try repo.tag(named: revision)
        var ref: String?
        if let tag {
            ref = "refs/tags/\(tag.name)"
        } else if try repo.resolveReference("refs/heads/\(source.revision)") != nil {
            ref = "refs/heads/\(source.revision)"
        } else if source.revision.hasPrefix("refs/") {
            ref = source.revision
        }
        return BuildRecord(
            commit: source.commit.id, tree: source.commit.tree, repository: source.repository, ref: ref,
            tagName: tag?.name, tagObject: tag?.tagObjectID, tagAnnotated: tag?.isAnnotated, version: version,
            artifacts: artifacts, builderID: builderID, recordedAt: now, dirtyPaths: source.dirtyPaths,
            format: .slsaV1, ci: ci, toolVersion: ToolInfo.version)
    }

    /// Parses `NAME@sha256:HEX`.
    public static func parseArtifact(_ text: String) throws -> Artifact {
        guard let at = text.range(of: "@sha256:", options: .backwards) else {
            throw RecordError.badArtifact(text, "expected NAME@sha256:HEX")
        }
        let name = String(text[..<at.lowerBound])
        let hex = text[at.upperBound...].lowercased()
        guard !name.isEmpty else { throw RecordError.badArtifact(text, "the artifact name is empty") }
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
            throw RecordError.badArtifact(text, "the digest must be 64 hexadecimal characters")
        }
        return Artifact(name: name, sha256: hex)
    }

    /// Hashes a file (streaming, so memory stays bounded) into an artifact named by its file name.
    public static func artifact(file path: String) throws -> Artifact {
        var isDirectory: ObjCBool = false
        // On Linux a directory opens for reading and fails only at read(2): refuse it up front.
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw RecordError.unreadableArtifact(path, "it is a directory; name the artifact file")
        }
        // Only a regular file (a symbolic link is followed): a FIFO would block the read forever,
        // and a device or /dev/stdin has no content anyone else can hash again.
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw RecordError.unreadableArtifact(path, "it is not a regular file (a FIFO, device or socket); name the artifact file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RecordError.missingArtifact(path) }
        defer { try? handle.close() }
        var hasher = StreamingSHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? error.localizedDescription
            throw RecordError.unreadableArtifact(path, "read failed: \(reason)")
        }
        return Artifact(name: (path as NSString).lastPathComponent, sha256: hasher.finalizeHex())
    }
}

/// Errors making a record; each is one line that says what to do.
public enum RecordError: Error, CustomStringConvertible, Equatable {
    case dirtyWorkTree(paths: [String])
    /// The work tree's HEAD is not the commit being recorded.
    case notCheckedOut(recorded: ObjectID, revision: String, head: ObjectID?)
    /// Replace refs change what the git CLI shows of the recorded commit.
    case replaced(refs: [String], commit: ObjectID)
    case badArtifact(String, String)
    case missingArtifact(String)
    case unreadableArtifact(String, String)

    public var description: String {
        switch self {
        case .dirtyWorkTree(let paths):
            let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", ..." : "")
            return "the work tree is dirty (\(paths.count) path(s): \(shown)); commit or stash them, or pass --allow-dirty to record them"
        case .notCheckedOut(let recorded, let revision, let head):
            return "\(revision) is \(recorded.short), but the work tree has \(head.map(\.short) ?? "no commit") checked out: the record would vouch for a work tree that is not the recorded commit's; check out \(revision) first, or pass --no-worktree if this work tree is not the one that was built or tested"
        case .replaced(let refs, let commit):
            let shown = refs.prefix(3).joined(separator: ", ") + (refs.count > 3 ? ", ..." : "")
            return "\(refs.count) replace ref(s) (\(shown)) change what git shows of \(commit.short) or its files: a build from the git CLI would not read the recorded objects; delete them (git replace -d) and fetch again"
        case .badArtifact(let text, let why): return "bad --artifact '\(text)': \(why)"
        case .missingArtifact(let path): return "artifact file not found or unreadable: \(path)"
        case .unreadableArtifact(let path, let why): return "cannot hash artifact file \(path): \(why)"
        }
    }
}
