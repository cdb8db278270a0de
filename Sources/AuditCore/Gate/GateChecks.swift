import Foundation
import GitFacts

/// The gate's working state: the facts gathered once, and one method per check.
struct GateContext {
    let repo: Repository
    let request: GateRequest
    let facts: RepositoryFacts
    let releaseTag: Tag?
    let releaseCommit: Commit?
    let evidence: GateEvidence
    let expectedRepository: String?
    /// The expected identity is the repository's path (no origin remote, no `repository` named).
    let expectedIsPath: Bool

    /// Verified test records about this repository (or all, when the identity is unknown).
    var testRecords: [(record: TestRecord, sha256: String)] = []
    var buildRecords: [(record: BuildRecord, sha256: String)] = []
    /// The tested commit, when the test evidence names exactly one (or the release commit among several).
    var testedCommit: ObjectID?
    var testedTree: ObjectID?
    /// Why no tested commit could be chosen, when several are named.
    var testedAmbiguity: String?
    var artifacts: [Artifact] = []
    /// The replace refs that touch the release or tested commit (or anything in their trees) or the tag object.
    var replacedInRelease: [String] = []
    /// Tags whose build records the notes hold beside this release's (skipped).
    var buildsOfOtherTags: [String] = []
    /// Refs that answer to the release tag's name beside `refs/tags/<name>`.
    var tagShadows: [String] = []

    var policy: Policy { request.policy }

    init(repo: Repository, request: GateRequest, facts: RepositoryFacts, releaseTag: Tag?, releaseCommit: Commit?,
         evidence: GateEvidence, expectedRepository: String?, expectedIsPath: Bool = false) {
        self.expectedIsPath = expectedIsPath
        self.repo = repo
        self.request = request
        self.facts = facts
        self.releaseTag = releaseTag
        self.releaseCommit = releaseCommit
        self.evidence = evidence
        self.expectedRepository = expectedRepository
    }

    func isOurs(_ repository: String?) -> Bool {
        guard let expectedRepository else { return true }
        guard let repository else { return false }
        return RepositoryIdentity.matches(repository, expectedRepository)
    }

    /// Chooses the tested commit and the build records from the verified evidence about this repository.
    mutating func selectRecords() throws {
        testRecords = evidence.testRecords.filter { isOurs($0.record.repository) }
        // In the notes, a build of another tag of the same commit (its RC, say) is not this release's
        // build: skipped. A file named on the command line is used as given (and fails if it is for another tag).
        let forOtherTags = evidence.items.filter { item in
            guard item.noteCommit != nil, let name = item.verified.buildRecord?.tagName, let release = releaseTag else { return false }
            return !GitName.same(name, release.name)
        }
        buildsOfOtherTags = Set(forOtherTags.compactMap { $0.verified.buildRecord?.tagName }).sorted()
        let otherTags = Set(forOtherTags.map(\.verified.loaded.sha256))
        buildRecords = evidence.buildRecords.filter { isOurs($0.record.repository) && !otherTags.contains($0.sha256) }
        let commits = Set(testRecords.map(\.record.commit))
        if commits.count == 1 {
            testedCommit = commits.first
        } else if commits.count > 1 {
            if let release = releaseCommit?.id, commits.contains(release) {
                testedCommit = release
            } else {
                testedAmbiguity = "the test evidence names \(commits.count) different commits (\(commits.sorted().map(\.short).joined(separator: ", "))) and none is the release commit: pass the evidence of one tested commit"
            }
        }
        if let testedCommit, repo.objectType(testedCommit) == .commit { testedTree = try repo.commit(testedCommit).tree }
        let built = [releaseCommit?.id, testedTree == nil ? nil : testedCommit].compactMap { $0 }
        var scanner = ReplaceRefs.Scanner(refs: facts.replaceRefs)
        let integrity = try ReleaseIntegrity.check(tag: releaseTag?.name, commits: built, tagObjects: releaseTag?.tagObjects ?? [],
                                                   in: repo, replaceRefs: &scanner)
        (replacedInRelease, tagShadows) = (integrity.replaced, integrity.shadows)
        suiteDecisions = decideSuites()
        var seen = Set<Artifact>()
        artifacts = buildRecords.flatMap(\.record.artifacts).filter { seen.insert($0).inserted }
    }

    mutating func runChecks() throws -> [CheckResult] {
        [
            signatures(),
            repository(),
            testResult(),
            try sourceMatch(),
            buildSource(),
            releaseTagCheck(),
            try rcToGA(),
            workTree(),
            try protectedBranch(),
            freshness(),
            safety(),
        ]
    }

    // MARK: 1. Signatures

    func signatures() -> CheckResult {
        let id = "evidence.signatures", title = "Evidence signatures are valid and trusted, each key in its role"
        let all = evidence.items.map(\.verified.loaded.sha256)
        let skipped = evidence.unreadable.isEmpty ? ""
            : "; skipped \(evidence.unreadable.count) unreadable note line(s), which can never be evidence: "
                + evidence.unreadable.prefix(3).map { "\($0.source): \($0.reason)" }.joined(separator: "; ")
        if evidence.items.isEmpty {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "no evidence found: pass --test-evidence/--build-evidence, or record with --notes" + skipped)
        }
        let problems = evidence.problems
        if !problems.isEmpty {
            let list = problems.prefix(3).map { "\($0.verified.loaded.source): \($0.problem ?? "")" }.joined(separator: "; ")
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "\(problems.count) of \(evidence.items.count) envelope(s) cannot be used: \(list)" + skipped,
                               evidence: problems.map(\.verified.loaded.sha256))
        }
        // Who signed what, per role: `tester: ci.json by 1a2b3c4d5e6f`.
        var facts: [String: String] = [:]
        var parts: [String] = []
        for role in [Role.tester, .builder] {
            let signed = evidence.items.filter { $0.role == role }
            guard !signed.isEmpty else { continue }
            let keys = Set(signed.flatMap(\.verified.signerKeyIDs)).sorted().map { String($0.prefix(12)) }
            facts[role.rawValue] = keys.joined(separator: ",")
            parts.append("\(role.rawValue) key(s) \(keys.joined(separator: ", ")) signed \(signed.count) \(role == .tester ? "test" : "build") record(s)")
        }
        for item in evidence.items {
            facts["signers.\(item.verified.loaded.sha256.prefix(12))"] = "\(item.role?.rawValue ?? "-"): \(item.verified.signerKeyIDs.map { String($0.prefix(12)) }.joined(separator: ","))"
        }
        return CheckResult(id: id, title: title, status: evidence.unreadable.isEmpty ? .passed : .warned,
                           reason: parts.joined(separator: "; ") + skipped, evidence: all, facts: facts)
    }

    // MARK: 2. Repository identity

    func repository() -> CheckResult {
        let id = "evidence.repository", title = "The evidence is about this repository"
        let named: [(String?, String)] = evidence.testRecords.map { ($0.record.repository, $0.sha256) }
            + evidence.buildRecords.map { ($0.record.repository, $0.sha256) }
        if named.isEmpty {
            return CheckResult(id: id, title: title, status: .skipped, reason: "no verified evidence to check")
        }
        let unnamed = named.filter { $0.0 == nil || $0.0 == "_" }
        if !unnamed.isEmpty {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "\(unnamed.count) record(s) do not name their repository: record with --repository URL",
                               evidence: unnamed.map(\.1))
        }
        guard let expected = expectedRepository else {
            let identities = Set(named.compactMap(\.0).map(RepositoryIdentity.normalize))
            if identities.count > 1 {
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "the evidence names \(identities.count) repositories (\(identities.sorted().joined(separator: ", ")))",
                                   evidence: named.map(\.1))
            }
            return CheckResult(id: id, title: title, status: .warned,
                               reason: "no expected repository: the repository has no origin remote; set `repository` in the policy",
                               evidence: named.map(\.1), facts: ["recorded": identities.first ?? ""])
        }
        let foreign = named.filter { !RepositoryIdentity.matches($0.0 ?? "", expected) }
        if expectedIsPath {
            if !foreign.isEmpty {
                let names = Set(foreign.compactMap(\.0)).sorted().joined(separator: ", ")
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "the repository has no origin remote, so it is known by its path (\(expected)), and \(foreign.count) record(s) name another repository (\(names)): set `repository` in the policy or pass --repository URL",
                                   evidence: foreign.map(\.1), facts: ["expected": expected])
            }
            return CheckResult(id: id, title: title, status: .warned,
                               reason: "the repository has no origin remote: the evidence names it by its path (\(expected)); set `repository` in the policy, or record and gate with --repository URL",
                               evidence: named.map(\.1), facts: ["expected": expected])
        }
        if !foreign.isEmpty {
            let names = Set(foreign.compactMap(\.0)).sorted().joined(separator: ", ")
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "\(foreign.count) record(s) are about another repository (\(names)), not \(expected)",
                               evidence: foreign.map(\.1), facts: ["expected": expected])
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "all evidence names \(expected)",
                           evidence: named.map(\.1), facts: ["expected": expected])
    }

    // MARK: 3. Test result

    func testResult() -> CheckResult {
        let id = "test.result", title = "The tests of the tested commit passed, every required suite"
        guard let testedCommit else {
            let reason = testedAmbiguity ?? (policy.test.required
                ? "no trusted test evidence about this repository: record it in CI with `release-audit record test`"
                : "no test evidence (not required by the policy)")
            return CheckResult(id: id, title: title, status: policy.test.required || testedAmbiguity != nil ? .failed : .skipped, reason: reason)
        }
        let decisions = suiteDecisions
        let used = Set(decisions.compactMap { $0.record?.sha256 }).sorted()
        let facts = Self.recordFacts(decisions)
        let missing = decisions.filter { $0.record == nil }.map(\.suite)
        if !missing.isEmpty {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "required suite(s) without a record for \(testedCommit.short): \(missing.joined(separator: ", "))",
                               evidence: used, facts: facts)
        }
        let bad = decisions.filter { $0.record.map { !policy.test.accepts($0.record.result) } ?? false }
        if let first = bad.first, let record = first.record?.record {
            let failed = record.failedTests.prefix(3).joined(separator: ", ")
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the latest test run\(first.suite.isEmpty ? "" : " (suite \(first.suite))") of \(testedCommit.short) is \(record.result.rawValue)" + (failed.isEmpty ? "" : ": \(failed)")
                                   + (bad.count > 1 ? " (and \(bad.count - 1) more suite(s))" : ""),
                               evidence: used, facts: facts)
        }
        let results = Set(decisions.compactMap { $0.record?.record.result.rawValue }).sorted().joined(separator: "/")
        let named = decisions.map(\.suite).filter { !$0.isEmpty }
        let suites = named.isEmpty ? "" : " (suites: \(named.joined(separator: ", ")))"
        return CheckResult(id: id, title: title, status: .passed,
                           reason: "\(used.count) test run(s) of \(testedCommit.short) \(results)\(suites)", evidence: used, facts: facts)
    }

    /// One suite of the tested commit and the record that decides it: the latest record covering that
    /// suite (a re-run replaces a flaky failure; at the same time the worse result wins). Every suite
    /// any record names is judged, and every required suite, so no failing or stale suite hides
    /// behind a passing one. `suite` is empty for records that name no suite.
    struct SuiteDecision {
        var suite: String
        var record: (record: TestRecord, sha256: String)?
        /// How the freshness messages name the deciding record.
        var recordLabel: String { suite.isEmpty ? "the newest test evidence" : "the record of suite \(suite)" }
    }

    /// Chosen once by `selectRecords`, judged by `test.result`, `worktree.clean` and `evidence.freshness`.
    var suiteDecisions: [SuiteDecision] = []

    func decideSuites() -> [SuiteDecision] {
        guard let testedCommit else { return [] }
        let records = testRecords.filter { $0.record.commit == testedCommit }
        var names = Set(records.flatMap { $0.record.suites.isEmpty ? [""] : $0.record.suites })
        names.formUnion(policy.test.requiredSuites)
        // With required suites, the unnamed records are not one of them: they count only on their own.
        let severity: [TestOutcome: Int] = [.passed: 0, .warned: 1, .failed: 2]
        return names.sorted().map { name in
            let covering = records.filter { name.isEmpty ? $0.record.suites.isEmpty : $0.record.suites.contains(name) }
            let deciding = covering.max { a, b in
                let (ta, tb) = (a.record.recordedAt ?? .distantPast, b.record.recordedAt ?? .distantPast)
                if ta != tb { return ta < tb }
                let (sa, sb) = (severity[a.record.result, default: 2], severity[b.record.result, default: 2])
                return sa != sb ? sa < sb : a.sha256 > b.sha256
            }
            return SuiteDecision(suite: name, record: deciding)
        }
    }

    /// `record.<suite>`: the envelope digest of the record that decided each suite.
    static func recordFacts(_ decisions: [SuiteDecision]) -> [String: String] {
        var facts: [String: String] = [:]
        for decision in decisions {
            facts["record.\(decision.suite.isEmpty ? "(no suite)" : decision.suite)"] = decision.record?.sha256 ?? "none"
        }
        return facts
    }

    // MARK: 4. Source match

    func sourceMatch() throws -> CheckResult {
        let id = "source.match", title = "The release was built from the tested source (\(policy.source.match.rawValue))"
        guard let release = releaseCommit else {
            return CheckResult(id: id, title: title, status: .failed, reason: "the release has no commit to compare (see release.tag)")
        }
        guard let testedCommit else {
            let required = policy.test.required || testedAmbiguity != nil
            return CheckResult(id: id, title: title, status: required ? .failed : .skipped,
                               reason: testedAmbiguity ?? "no trusted test evidence names a tested commit to compare with")
        }
        let used = testRecords.filter { $0.record.commit == testedCommit }.map(\.sha256).sorted()
        guard let tested = try? repo.commit(testedCommit) else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the tested commit \(testedCommit.hex) is not in this repository: fetch it (git fetch origin \(testedCommit.hex))",
                               evidence: used)
        }
        if let recordedTree = testRecords.first(where: { $0.record.commit == testedCommit && $0.record.tree != nil })?.record.tree,
           recordedTree != tested.tree {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the test evidence records tree \(recordedTree.short) for \(testedCommit.short), but its tree is \(tested.tree.short): the evidence is forged or corrupt",
                               evidence: used)
        }
        let relation = try SourceRelation.between(tested, release, in: repo)
        var facts = ["tested": tested.id.hex, "release": release.id.hex, "relation": relation.kind.rawValue,
                     "commitsBetween": String(relation.commitsBetween)]
        if let base = relation.mergeBase { facts["mergeBase"] = base.hex }
        let decisions = policy.source.decisions(for: relation.changedPaths)
        let relationText = Self.describe(relation, from: tested.id, to: release.id)
        if relation.kind != .sameCommit, policy.source.match != .exactCommit,
           let problem = try Self.exportSubstProblem(release.id, other: "the tested commit", in: repo) {
            return CheckResult(id: id, title: title, status: .failed, reason: problem, evidence: used, facts: facts,
                               paths: decisions.isEmpty ? nil : decisions)
        }
        switch policy.source.match {
        case .exactCommit:
            if relation.kind == .sameCommit {
                return CheckResult(id: id, title: title, status: .passed,
                                   reason: "the release commit \(release.id.short) is exactly the tested commit", evidence: used, facts: facts)
            }
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the release commit \(release.id.short) is not the tested commit \(tested.id.short): \(relationText)",
                               evidence: used, facts: facts, paths: decisions.isEmpty ? nil : decisions)
        case .sameTree:
            if relation.kind == .sameCommit || relation.kind == .sameTree {
                return CheckResult(id: id, title: title, status: .passed,
                                   reason: relation.kind == .sameCommit ? "the release commit is the tested commit"
                                       : "the release commit \(release.id.short) has the tested tree \(tested.tree.short)",
                                   evidence: used, facts: facts)
            }
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the release tree differs from the tested tree: \(relationText)",
                               evidence: used, facts: facts, paths: decisions)
        case .allowedDiff:
            if policy.source.requireDescendant && relation.kind == .diverged {
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "the release commit \(release.id.short) does not descend from the tested commit \(tested.id.short): \(relationText)",
                                   evidence: used, facts: facts, paths: decisions)
            }
            let disallowed = decisions.filter { $0.allowedBy == nil }
            if !disallowed.isEmpty {
                let list = disallowed.prefix(5).map { "\($0.path) (\($0.kind))" }.joined(separator: ", ")
                let allowedPaths = policy.source.allowedPaths
                let why = disallowed.contains { decision in
                    decision.kind != ChangeKind.modified.rawValue && allowedPaths.contains { $0.glob.matches(decision.path) }
                }
                    ? "; an allowed_paths entry allows only modifications unless it says added: true or deleted: true, and never a type change or a submodule move" : ""
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "\(disallowed.count) changed path(s) not allowed by the policy: \(list)\(why)",
                                   evidence: used, facts: facts, paths: decisions)
            }
            return CheckResult(id: id, title: title, status: .passed,
                               reason: decisions.isEmpty ? "\(relationText); no path differs"
                                   : "\(relationText); all \(decisions.count) changed path(s) are allowed",
                               evidence: used, facts: facts, paths: decisions.isEmpty ? nil : decisions)
        }
    }

    /// Why two different commits cannot stand for each other when the release's tree sets
    /// `export-subst`; nil when it does not.
    static func exportSubstProblem(_ release: ObjectID, other: String, in repo: Repository) throws -> String? {
        let files = try ExportSubst.attributeFiles(in: release, repo: repo)
        guard !files.isEmpty else { return nil }
        return "the release commit is not \(other), and \(files.prefix(3).joined(separator: ", ")) sets export-subst: git archive of the release expands its own commit's message, author and date into files, so the same tree does not mean the same shipped source; release the tested commit itself, or remove export-subst"
    }

    static func describe(_ relation: SourceRelation, from: ObjectID, to: ObjectID) -> String {
        switch relation.kind {
        case .sameCommit: return "same commit"
        case .sameTree: return "different commits with the same tree"
        case .descendant:
            return "\(to.short) is \(relation.commitsBetween) commit(s) after \(from.short), \(relation.changedPaths.count) path(s) differ"
        case .diverged:
            let base = relation.mergeBase.map { "merge base \($0.short)" } ?? "no common history"
            return "the histories diverged (\(base); \(relation.commitsBetween) commit(s) on the release side, \(relation.commitsBehind) on the tested side)"
        }
    }

    // MARK: 5. Build source

    func buildSource() -> CheckResult {
        let id = "build.source", title = "The build evidence names the release commit"
        guard !buildRecords.isEmpty else {
            return CheckResult(id: id, title: title, status: policy.build.required ? .failed : .skipped,
                               reason: (policy.build.required
                                   ? "no trusted build evidence about this repository: record it with `release-audit record build`"
                                   : "no build evidence (not required by the policy)")
                                   + (buildsOfOtherTags.isEmpty ? "" : "; the notes hold builds of other tags only (\(buildsOfOtherTags.joined(separator: ", "))), which do not count for this one"))
        }
        let used = buildRecords.map(\.sha256).sorted()
        guard let release = releaseCommit else {
            return CheckResult(id: id, title: title, status: .failed, reason: "the release has no commit to compare (see release.tag)", evidence: used)
        }
        let other = buildRecords.filter { $0.record.commit != release.id }
        if let first = other.first {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the release was built from \(first.record.commit.short), but the release names \(release.id.short)",
                               evidence: used, facts: ["built": first.record.commit.hex, "release": release.id.hex])
        }
        if let tree = buildRecords.compactMap(\.record.tree).first(where: { $0 != release.tree }) {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the build evidence records tree \(tree.short), but \(release.id.short) has tree \(release.tree.short): forged or corrupt evidence",
                               evidence: used)
        }
        return CheckResult(id: id, title: title, status: .passed,
                           reason: "\(buildRecords.count) build record(s) name \(release.id.short), \(artifacts.count) artifact(s)",
                           evidence: used)
    }

    // MARK: 6. Release tag

    func releaseTagCheck() -> CheckResult {
        let id = "release.tag", title = "The release tag exists, matches the policy and names the build commit"
        guard case .tag(let requested) = request.release else {
            if policy.tag.required {
                return CheckResult(id: id, title: title, status: .failed, reason: "the policy requires a release tag; audit with --release TAG")
            }
            return CheckResult(id: id, title: title, status: .skipped, reason: "no release tag given (--release-rev)")
        }
        guard let tag = releaseTag else {
            return CheckResult(id: id, title: title, status: .failed, reason: "tag \(requested) does not exist in this repository (fetch tags: git fetch --tags)")
        }
        guard tag.commit != nil else {
            return CheckResult(id: id, title: title, status: .failed, reason: "tag \(tag.name) names a \(tag.targetType.rawValue), not a commit")
        }
        var problems: [String] = []
        if policy.tagScheme.classify(tag.name)?.rcNumber != nil || policy.tagScheme.classify(tag.name) == nil {
            problems.append("\(tag.name) is not a GA tag under the policy's release pattern \(policy.tagScheme.prefix)\(policy.tagScheme.release.pattern)")
        }
        if policy.tag.annotated && !tag.isAnnotated { problems.append("\(tag.name) is lightweight; the policy requires an annotated tag") }
        if !tagShadows.isEmpty {
            problems.append("the name \(tag.name) is ambiguous: \(tagShadows.joined(separator: ", ")) also answer to it, and git checkout \(tag.name) would take a branch first; delete them")
        }
        if policy.tag.signed {
            // Nothing here verifies a tag signature yet: a pasted block of garbage would "carry a signature".
            problems.append(tag.isSigned
                ? "\(tag.name) carries a signature, but the signature is not verified: tag.signed: true cannot be met until release-audit verifies tag signatures (configure signers); check it with git verify-tag and set tag.signed: false"
                : "\(tag.name) is not signed; the policy requires a signed tag (and release-audit cannot verify tag signatures yet)")
        }
        var used: [String] = []
        for build in buildRecords {
            if let name = build.record.tagName, !GitName.same(name, tag.name) {
                problems.append("the build evidence was recorded for tag \(name), not \(tag.name)")
                used.append(build.sha256)
            }
            if build.record.tagAnnotated != nil, build.record.tagObject != tag.tagObjectID {
                problems.append("tag \(tag.name) was re-created after the build (tag object \(build.record.tagObject?.short ?? "none") then, \(tag.tagObjectID?.short ?? "none") now)")
                used.append(build.sha256)
            }
        }
        var facts = ["tag": tag.name, "annotated": String(tag.isAnnotated), "signed": String(tag.isSigned)]
        if let object = tag.tagObjectID { facts["tagObject"] = object.hex }
        if !problems.isEmpty {
            return CheckResult(id: id, title: title, status: .failed, reason: problems.joined(separator: "; "), evidence: used, facts: facts)
        }
        let kind = tag.isAnnotated ? (tag.isSigned ? "annotated, carries a signature block (not verified)" : "annotated") : "lightweight"
        return CheckResult(id: id, title: title, status: .passed, reason: "\(tag.name) (\(kind)) names \(tag.commit?.short ?? "")", facts: facts)
    }

    // MARK: 7. RC -> GA

    func rcToGA() throws -> CheckResult {
        let id = "release.rc-to-ga", title = "The GA matches its last release candidate"
        let mode = policy.rc.match
        if mode == .off {
            return CheckResult(id: id, title: title, status: .skipped, reason: "the policy's RC -> GA rule is off")
        }
        guard let tag = releaseTag, let gaCommitID = tag.commit, let release = releaseCommit,
              let kind = policy.tagScheme.classify(tag.name), kind.rcNumber == nil else {
            return CheckResult(id: id, title: title, status: .failed, reason: "no GA release tag to compare with its release candidates (see release.tag)")
        }
        let sameVersion = try ReleaseCandidates.releaseTags(in: repo, scheme: policy.tagScheme, version: kind.version)
        let ga = ReleaseTag(tag: tag, version: kind.version, rcNumber: nil, createdAt: try ReleaseCandidates.createdAt(tag, in: repo))
        let selection = ReleaseCandidates.lastRC(for: ga, among: sameVersion)
        var facts = ["why": selection.reason]
        guard let rc = selection.chosen, let rcCommitID = rc.tag.commit else {
            return CheckResult(id: id, title: title, status: .failed, reason: selection.reason, facts: facts)
        }
        facts["rc"] = rc.tag.name
        facts["rcCommit"] = rcCommitID.hex
        let relation = try SourceRelation.between(try repo.commit(rcCommitID), release, in: repo)
        facts["relation"] = relation.kind.rawValue
        let decisions = policy.source.decisions(for: relation.changedPaths)
        let text = Self.describe(relation, from: rcCommitID, to: gaCommitID)
        if relation.kind != .sameCommit, mode != .sameCommit,
           let problem = try Self.exportSubstProblem(gaCommitID, other: rc.tag.name, in: repo) {
            return CheckResult(id: id, title: title, status: .failed, reason: "\(tag.name) against \(rc.tag.name): \(problem)",
                               facts: facts, paths: decisions.isEmpty ? nil : decisions)
        }
        let ok: Bool
        switch mode {
        case .off, .sameCommit: ok = relation.kind == .sameCommit
        case .sameTree: ok = relation.kind == .sameCommit || relation.kind == .sameTree
        case .allowedDiff: ok = relation.kind != .diverged && decisions.allSatisfy { $0.allowedBy != nil }
        }
        return CheckResult(id: id, title: title, status: ok ? .passed : .failed,
                           reason: "\(tag.name) against \(rc.tag.name) (\(mode.rawValue)): \(text)",
                           facts: facts, paths: decisions.isEmpty ? nil : decisions)
    }

    // MARK: 8. Clean work trees

    func workTree() -> CheckResult {
        let id = "worktree.clean", title = "The work tree was clean at test and build time"
        if !policy.test.cleanWorktree && !policy.build.cleanWorktree {
            return CheckResult(id: id, title: title, status: .skipped, reason: "the policy does not require clean work trees")
        }
        var problems: [String] = []
        var used: [String] = []
        var checked = (test: 0, build: 0)
        func judge(_ dirty: [String]?, _ sha256: String, _ what: String, _ key: String) {
            if what == "test" { checked.test += 1 } else { checked.build += 1 }
            guard let dirty else {
                problems.append("the \(what) record makes no clean-work-tree claim (recorded with --no-worktree, in a bare repository, or by another tool): record it in the work tree that ran, or set \(key): false")
                used.append(sha256)
                return
            }
            if !dirty.isEmpty {
                problems.append("\(what == "test" ? "tests" : "the build") ran on a dirty tree (\(dirty.prefix(3).joined(separator: ", ")))")
                used.append(sha256)
            }
        }
        if policy.test.cleanWorktree {
            for decision in suiteDecisions {
                if let r = decision.record { judge(r.record.dirtyPaths, r.sha256, "test", "test.clean_worktree") }
            }
        }
        if policy.build.cleanWorktree {
            for r in buildRecords { judge(r.record.dirtyPaths, r.sha256, "build", "build.clean_worktree") }
        }
        if !problems.isEmpty {
            var seen = Set<String>()
            return CheckResult(id: id, title: title, status: .failed,
                               reason: problems.filter { seen.insert($0).inserted }.joined(separator: "; "), evidence: Array(Set(used)).sorted())
        }
        if checked.test + checked.build == 0 {
            return CheckResult(id: id, title: title, status: .skipped, reason: "no test or build record to check")
        }
        var parts: [String] = []
        if checked.test > 0 { parts.append("\(checked.test) test record(s)") }
        if checked.build > 0 { parts.append("\(checked.build) build record(s)") }
        return CheckResult(id: id, title: title, status: .passed,
                           reason: "no dirty paths were recorded at test or build time (\(parts.joined(separator: " and ")) checked)")
    }

    // MARK: 9. Protected branch

    func protectedBranch() throws -> CheckResult {
        let id = "source.protected-branch", title = "The tested commit is on a protected branch"
        guard !policy.source.branches.isEmpty else {
            return CheckResult(id: id, title: title, status: .skipped, reason: "the policy names no protected branches")
        }
        guard let testedCommit else {
            return CheckResult(id: id, title: title, status: .failed, reason: "no tested commit to look for (see test.result)")
        }
        // Reachability cannot be asked of a commit the repository lacks (libgit2 fails the walk).
        guard (try? repo.commit(testedCommit)) != nil else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the tested commit \(testedCommit.hex) is not in this repository (see source.match)")
        }
        let candidates = try PolicyBranches.matching(policy.source.branches, remotes: facts.remotes, in: repo)
        let patterns = policy.source.branches.map(\.pattern).joined(separator: ", ")
        if candidates.isEmpty {
            return CheckResult(id: id, title: title, status: .failed, reason: "no branch matching \(patterns) exists here: fetch the branches")
        }
        for ref in candidates where repo.objectType(ref.target) == .commit {
            if try repo.isAncestor(testedCommit, of: ref.target) {
                return CheckResult(id: id, title: title, status: .passed, reason: "\(testedCommit.short) is reachable from \(ref.name)",
                                   facts: ["branch": ref.name])
            }
        }
        return CheckResult(id: id, title: title, status: .failed,
                           reason: "\(testedCommit.short) is not reachable from any branch matching \(patterns) (\(candidates.map(\.name).joined(separator: ", ")))")
    }

    // MARK: 10. Freshness

    func freshness() -> CheckResult {
        let id = "evidence.freshness", title = "Each suite's test record is fresh and predates the build"
        let decisions = suiteDecisions.filter { $0.record != nil }
        guard !decisions.isEmpty else {
            return CheckResult(id: id, title: title, status: .skipped, reason: "no test evidence (see test.result)")
        }
        var problems: [String] = []
        let firstBuild = buildRecords.compactMap(\.record.recordedAt).min()
        for decision in decisions {
            guard let record = decision.record?.record else { continue }
            guard let recorded = record.recordedAt else {
                if policy.test.maxAge != nil || firstBuild != nil {
                    problems.append("\(decision.recordLabel) has no recording time, so its age and its order before the build cannot be proven")
                }
                continue
            }
            let age = request.now.timeIntervalSince(recorded)
            if age < -Self.allowedClockSkew {
                // A record dated in the future would never grow old enough to fail max_age.
                problems.append("\(decision.recordLabel) is dated \(Timestamp.string(recorded)), in the future: its age cannot be proven (is the recording clock wrong?)")
            } else if let maxAge = policy.test.maxAge?.timeInterval, age > maxAge {
                problems.append("\(decision.recordLabel) is \(Self.duration(age)) old; the policy allows \(Self.duration(maxAge))")
            }
            if let firstBuild, recorded > firstBuild {
                problems.append("\(decision.recordLabel) was made (\(Timestamp.string(recorded))) after the build (\(Timestamp.string(firstBuild))): tests after the build do not vouch for it")
            }
        }
        if let maxAge = policy.build.maxAge?.timeInterval, !buildRecords.isEmpty {
            if let newestBuild = buildRecords.compactMap(\.record.recordedAt).max() {
                if request.now.timeIntervalSince(newestBuild) > maxAge {
                    problems.append("the build evidence is \(Self.duration(request.now.timeIntervalSince(newestBuild))) old; the policy allows \(Self.duration(maxAge))")
                } else if request.now.timeIntervalSince(newestBuild) < -Self.allowedClockSkew {
                    problems.append("the build evidence is dated \(Timestamp.string(newestBuild)), in the future: its age cannot be proven (is the recording clock wrong?)")
                }
            } else {
                problems.append("the build evidence has no recording time, so its age cannot be proven")
            }
        }
        let used = Set(decisions.compactMap { $0.record?.sha256 }).sorted()
        let facts = Self.recordFacts(decisions)
        if !problems.isEmpty {
            return CheckResult(id: id, title: title, status: .failed, reason: problems.joined(separator: "; "), evidence: used, facts: facts)
        }
        let ordered = firstBuild != nil
        if policy.test.maxAge == nil && policy.build.maxAge == nil && !ordered {
            return CheckResult(id: id, title: title, status: .skipped,
                               reason: "no maximum age in the policy, and no build record with a time to order the tests before", evidence: used, facts: facts)
        }
        let oldest = decisions.compactMap { $0.record?.record.recordedAt }.min()
        var parts: [String] = []
        if let oldest { parts.append("test evidence recorded \(Self.duration(request.now.timeIntervalSince(oldest))) ago") }
        if ordered { parts.append("every suite before the build") }
        let reason = parts.joined(separator: ", ") + (policy.test.maxAge == nil ? " (no maximum age in the policy)" : "")
        return CheckResult(id: id, title: title, status: .passed, reason: reason, evidence: used, facts: facts)
    }

    /// How far in the future a recording time may be (clocks of CI machines and the gate differ).
    static let allowedClockSkew: TimeInterval = 5 * 60

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s >= 86_400 { return "\(s / 86_400)d\((s % 86_400) / 3_600)h" }
        if s >= 3_600 { return "\(s / 3_600)h\((s % 3_600) / 60)m" }
        if s >= 60 { return "\(s / 60)m" }
        return "\(max(s, 0))s"
    }

    // MARK: 11. Repository safety

    func safety() -> CheckResult {
        let id = "repository.safety", title = "The repository can prove ancestry, and no replace ref changes what is built"
        if facts.isShallow {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "this is a shallow clone: ancestry cannot be proven; fetch the full history (git fetch --unshallow)")
        }
        if !replacedInRelease.isEmpty {
            let shown = replacedInRelease.prefix(5).joined(separator: ", ") + (replacedInRelease.count > 5 ? ", ..." : "")
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "\(replacedInRelease.count) of \(facts.replaceRefs.count) replace ref(s) replace the release or tested commit, its tree, a file in it, or the tag (\(shown)): a git CLI build reads the replacements, not the audited objects; delete them (git replace -d) and build again",
                               facts: ["replaceRefs": String(facts.replaceRefs.count), "relevant": replacedInRelease.joined(separator: " ")])
        }
        if !facts.replaceRefs.isEmpty {
            return CheckResult(id: id, title: title, status: .warned,
                               reason: "\(facts.replaceRefs.count) replace ref(s) present, none touching the release or tested commit, their files or the tag: the original objects were audited",
                               facts: ["replaceRefs": String(facts.replaceRefs.count)])
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "full history, no replacement refs")
    }
}
