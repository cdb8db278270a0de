import GitFacts

/// What must hold for a release to pass the gate: how the released source may relate to the
/// tested source, which evidence is needed and whom to trust for it, and the tag rules.
///
/// `Policy()` is the `exact-commit` policy without its `test.max_age: 30d`: every field's default
/// is the documented default of its key (see `policies/README.md`). Policies are read with `Policy.load(nameOrPath:)`.
public struct Policy: Sendable, Equatable {
    /// The preset used when no policy is named.
    public static let defaultName = "exact-commit"
    /// The policy format version this release-audit reads (the `version` key).
    public static let formatVersion = 1

    /// `source`: how the release commit may differ from the tested commit.
    public var source: Source
    /// `test`: what the test evidence must say.
    public var test: TestEvidence
    /// `build`: what the build evidence must say.
    public var build: BuildEvidence
    /// `trusted_keys`: whose signatures count, per role.
    public var trustedKeys: TrustedKeys
    /// `tag`: the release tag's name and kind.
    public var tag: ReleaseTag
    /// `rc`: release-candidate tags and how a GA must relate to them.
    public var rc: CandidateRule
    /// `reports`: which stored reports `audit` and `verify --policy` accept.
    public var reports: ReportRule

    public init(source: Source = Source(), test: TestEvidence = TestEvidence(), build: BuildEvidence = BuildEvidence(),
                trustedKeys: TrustedKeys = TrustedKeys(), tag: ReleaseTag = ReleaseTag(), rc: CandidateRule = CandidateRule(),
                reports: ReportRule = ReportRule()) {
        self.source = source
        self.test = test
        self.build = build
        self.trustedKeys = trustedKeys
        self.tag = tag
        self.rc = rc
        self.reports = reports
    }

    /// The release stream's tag scheme: `tag.prefix`, `tag.pattern` and `rc.patterns`.
    public var tagScheme: ReleaseTagScheme {
        ReleaseTagScheme(checkedPrefix: tag.prefix, release: tag.pattern, candidates: rc.patterns)
    }
}

extension Policy {
    /// How the release commit must relate to the tested commit (`source.match`).
    public enum SourceMatch: String, Sendable, CaseIterable {
        /// The very same commit.
        case exactCommit = "exact-commit"
        /// Commits may differ if their trees are identical (re-committed, re-signed).
        case sameTree = "same-tree"
        /// Only paths matching `allowedPaths` may differ (and, by default, the release descends from the tested commit).
        case allowedDiff = "allowed-diff"
    }

    /// The `source` section.
    public struct Source: Sendable, Equatable {
        /// `match`; default `exact-commit`.
        public var match: SourceMatch
        /// `allowed_paths`: paths that may differ under `allowed-diff` (also used by `rc.match: allowed-diff`); default empty.
        public var allowedPaths: [AllowedPath]
        /// `require_descendant`: under `allowed-diff`, the release commit must descend from the tested commit; default true.
        public var requireDescendant: Bool
        /// `branches`: the tested commit must be reachable from a branch matching one of these globs; empty (the default) means no check.
        public var branches: [PathGlob]
        /// `repository`: the repository identity (URL) the evidence must name; nil (the default) means no check.
        public var repository: String?

        public init(match: SourceMatch = .exactCommit, allowedPaths: [AllowedPath] = [], requireDescendant: Bool = true,
                    branches: [PathGlob] = [], repository: String? = nil) {
            self.match = match
            self.allowedPaths = allowedPaths
            self.requireDescendant = requireDescendant
            self.branches = branches
            self.repository = repository
        }

        /// The `allowed_paths` entry that lets this change through, nil when none does.
        ///
        /// An entry allows a modified file by default; an added or deleted file only with `added: true`
        /// or `deleted: true` on that entry; a type change or a submodule move never (a new file can
        /// hold code that runs, a submodule move brings in another repository's history).
        public func allowance(for path: String, kind: ChangeKind) -> AllowedPath? {
            allowedPaths.first { $0.allows(path, kind: kind) }
        }

        /// Whether a branch name matches one of `branches`.
        public func includesBranch(_ name: String) -> Bool {
            branches.contains { $0.matches(name) }
        }
    }

    /// One `source.allowed_paths` entry: a glob, and which kinds of change it allows beyond modification.
    ///
    /// Written as a plain glob string (modifications only) or as a mapping
    /// `{path: GLOB, added: true, deleted: true}`.
    public struct AllowedPath: Sendable, Equatable {
        public var glob: PathGlob
        /// `added`: a new file matching the glob may appear; default false.
        public var added: Bool
        /// `deleted`: a file matching the glob may be removed; default false.
        public var deleted: Bool

        public init(glob: PathGlob, added: Bool = false, deleted: Bool = false) {
            self.glob = glob
            self.added = added
            self.deleted = deleted
        }

        /// The glob's text.
        public var pattern: String { glob.pattern }

        /// Whether this entry allows this change of this path.
        public func allows(_ path: String, kind: ChangeKind) -> Bool {
            guard glob.matches(path) else { return false }
            switch kind {
            case .modified: return true
            case .added: return added
            case .deleted: return deleted
            case .typeChanged, .submodule: return false
            }
        }
    }

    /// The `test` section.
    public struct TestEvidence: Sendable, Equatable {
        /// `required`: test evidence must be present; default true.
        public var required: Bool
        /// `minimum_result`: `PASSED` (the default) or `WARNED` (which accepts PASSED and WARNED).
        public var minimumResult: TestOutcome
        /// `required_suites`: suite names the test evidence must cover (all of them); default empty.
        public var requiredSuites: [String]
        /// `clean_worktree`: the work tree must have been clean when tests ran; default true.
        public var cleanWorktree: Bool
        /// `max_age`: the test evidence may be at most this old; nil (the default) means no limit.
        public var maxAge: PolicyDuration?

        public init(required: Bool = true, minimumResult: TestOutcome = .passed, requiredSuites: [String] = [],
                    cleanWorktree: Bool = true, maxAge: PolicyDuration? = nil) {
            self.required = required
            self.minimumResult = minimumResult
            self.requiredSuites = requiredSuites
            self.cleanWorktree = cleanWorktree
            self.maxAge = maxAge
        }

        /// Whether a recorded test outcome meets `minimumResult` (FAILED never does).
        public func accepts(_ outcome: TestOutcome) -> Bool {
            switch outcome {
            case .passed: return true
            case .warned: return minimumResult == .warned
            case .failed: return false
            }
        }
    }

    /// The `build` section.
    public struct BuildEvidence: Sendable, Equatable {
        /// `required`: build evidence must be present; default true.
        public var required: Bool
        /// `clean_worktree`: the work tree must have been clean at build time; default true.
        public var cleanWorktree: Bool
        /// `max_age`: the build evidence may be at most this old; nil (the default) means no limit.
        public var maxAge: PolicyDuration?

        public init(required: Bool = true, cleanWorktree: Bool = true, maxAge: PolicyDuration? = nil) {
            self.required = required
            self.cleanWorktree = cleanWorktree
            self.maxAge = maxAge
        }
    }

    /// One trusted public key, as the policy names it; loading it is the signing layer's job.
    public enum TrustedKey: Sendable, Hashable {
        /// A PEM file, as an absolute path (relative paths are resolved against the policy file's directory).
        case file(String)
        /// A PEM text written in the policy itself.
        case pem(String)
    }

    /// A keyless signer trusted for a role: who the Fulcio certificate of a Sigstore bundle must
    /// name. Every field that is set must match; `issuer` and `san` always are.
    public struct TrustedIdentity: Sendable, Hashable {
        /// `issuer`: the OIDC issuer, exactly (`https://token.actions.githubusercontent.com`).
        public var issuer: String
        /// `san`: the certificate's subject alternative name, for GitHub Actions the workflow
        /// (`https://github.com/ORG/REPO/.github/workflows/release.yml@refs/tags/v*`), as an
        /// `IdentityPattern`.
        public var san: IdentityPattern
        /// `source_repository`: the source repository URI (Fulcio extension 12), exactly.
        public var sourceRepository: String?
        /// `source_ref`: the source repository ref (extension 14), as an `IdentityPattern`.
        public var sourceRef: IdentityPattern?
        /// `build_signer`: the build signer URI (extension 9), as an `IdentityPattern`.
        public var buildSigner: IdentityPattern?
        /// `build_signer_digest`: the build signer digest (extension 10), exactly.
        public var buildSignerDigest: String?
        /// `runner_environment`: `github-hosted` or `self-hosted` (extension 11), exactly.
        public var runnerEnvironment: String?

        public init(issuer: String, san: IdentityPattern, sourceRepository: String? = nil, sourceRef: IdentityPattern? = nil,
                    buildSigner: IdentityPattern? = nil, buildSignerDigest: String? = nil, runnerEnvironment: String? = nil) {
            self.issuer = issuer
            self.san = san
            self.sourceRepository = sourceRepository
            self.sourceRef = sourceRef
            self.buildSigner = buildSigner
            self.buildSignerDigest = buildSignerDigest
            self.runnerEnvironment = runnerEnvironment
        }
    }

    /// The keys and keyless identities trusted for one role, and how many keys must have signed.
    public struct RoleTrust: Sendable, Equatable {
        /// `keys`; default empty.
        public var keys: [TrustedKey]
        /// `threshold`: how many distinct trusted keys must have signed; default 1. A keyless
        /// bundle carries one signature, so it is accepted only where the threshold is 1.
        public var threshold: Int
        /// `identities`: keyless signers (Sigstore bundles with a Fulcio certificate); default empty.
        public var identities: [TrustedIdentity]

        public init(keys: [TrustedKey] = [], threshold: Int = 1, identities: [TrustedIdentity] = []) {
            self.keys = keys
            self.threshold = threshold
            self.identities = identities
        }
    }

    /// The `trusted_keys` section: one `RoleTrust` per role.
    public struct TrustedKeys: Sendable, Equatable {
        public var tester: RoleTrust
        public var builder: RoleTrust
        public var auditor: RoleTrust
        /// `allow_shared_keys`: one key may be trusted for more than one role; default false, so a
        /// key that signs test evidence can never also pass for a build record or a report.
        public var allowSharedKeys: Bool
        /// `trusted_roots`: Sigstore `trusted_root.json` files (absolute paths) trusted besides the
        /// built-in public-good root, e.g. GitHub's own instance or a private one; default empty.
        public var trustedRoots: [String]

        public init(tester: RoleTrust = RoleTrust(), builder: RoleTrust = RoleTrust(), auditor: RoleTrust = RoleTrust(),
                    allowSharedKeys: Bool = false, trustedRoots: [String] = []) {
            self.tester = tester
            self.builder = builder
            self.auditor = auditor
            self.allowSharedKeys = allowSharedKeys
            self.trustedRoots = trustedRoots
        }

        /// The trust for a role.
        public subscript(role: Role) -> RoleTrust {
            get {
                switch role {
                case .tester: return tester
                case .builder: return builder
                case .auditor: return auditor
                }
            }
            set {
                switch role {
                case .tester: tester = newValue
                case .builder: builder = newValue
                case .auditor: auditor = newValue
                }
            }
        }
    }

    /// The `tag` section.
    public struct ReleaseTag: Sendable, Equatable {
        /// `prefix`: literal text in front of every release and RC tag (a stream, e.g. `chart/`); default empty.
        public var prefix: String
        /// `pattern`: the GA tag pattern (after the prefix); default `v{version}`.
        public var pattern: TagPattern
        /// `required`: the release must be identified by a tag matching the scheme; default false.
        public var required: Bool
        /// `annotated`: the release tag must be an annotated tag; default false.
        public var annotated: Bool
        /// `signed`: the release tag must carry a valid signature by one of `signers`.
        public var signed: Bool
        /// `signers`: who may sign release tags (SSH allowed signers, OpenPGP keys); default empty.
        public var signers: [GitSigner]

        public init(prefix: String = "", pattern: TagPattern = .defaultRelease, required: Bool = false,
                    annotated: Bool = false, signed: Bool = false, signers: [GitSigner] = []) {
            self.prefix = prefix
            self.pattern = pattern
            self.required = required
            self.annotated = annotated
            self.signed = signed
            self.signers = signers
        }
    }

    /// One entry of `tag.signers`.
    public struct GitSigner: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            /// An SSH allowed-signers file or lines (git's `gpg.ssh.allowedSignersFile` format).
            case ssh
            /// OpenPGP public keys (armored or binary), verified with gpg.
            case openpgp
        }
        /// Where the keys are: a file (absolute; relative paths are resolved against the policy
        /// file's directory) or the text itself.
        public enum Source: Sendable, Hashable {
            case file(String)
            case inline(String)
        }
        public var kind: Kind
        public var source: Source
        /// `fingerprints` (OpenPGP only): when set, only keys with these fingerprints count.
        public var fingerprints: [String]

        public init(kind: Kind, source: Source, fingerprints: [String] = []) {
            self.kind = kind
            self.source = source
            self.fingerprints = fingerprints
        }
    }

    /// How a GA release must relate to the release candidates of its version (`rc.match`).
    public enum CandidateMatch: String, Sendable, CaseIterable {
        /// No RC rule.
        case off
        /// The GA commit is the commit of an RC of the same version.
        case sameCommit = "same-commit"
        /// The GA tree is the tree of an RC of the same version.
        case sameTree = "same-tree"
        /// The GA differs from an RC of the same version only in `source.allowed_paths`.
        case allowedDiff = "allowed-diff"
    }

    /// The `rc` section.
    public struct CandidateRule: Sendable, Equatable {
        /// `patterns`: RC tag patterns (after `tag.prefix`), each with `{n}`; default `v{version}-rc.{n}`, `v{version}-rc{n}`.
        public var patterns: [TagPattern]
        /// `match`; default `off`.
        public var match: CandidateMatch

        public init(patterns: [TagPattern] = TagPattern.defaultReleaseCandidates, match: CandidateMatch = .off) {
            self.patterns = patterns
            self.match = match
        }
    }
}

extension Policy {
    /// The `reports` section: which stored reports count for `audit` and `verify --policy`.
    public struct ReportRule: Sendable, Equatable {
        /// `accepted_policies`: SHA-256 digests (lowercase hex) of earlier policies whose reports still
        /// count. A report made under any other policy than this one or these fails `policy-changed`.
        public var acceptedPolicies: [String]

        public init(acceptedPolicies: [String] = []) {
            self.acceptedPolicies = acceptedPolicies
        }
    }
}
