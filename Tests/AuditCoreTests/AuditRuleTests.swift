@testable import AuditCore
import Foundation
import GitFacts
import Testing

/// Every audit finding judged on plain values (`RuleKit`): no process, no repository. The baseline
/// is a clean release (GA v1.0.0 on its RC's commit, a passing trusted report); each test changes one fact.
@Suite struct AuditRuleTests {
    typealias K = RuleKit

    static let loaded: LoadedPolicy = {
        var loaded = try! Policy.load(nameOrPath: "exact-commit")
        loaded.policy.rc.match = .allowedDiff
        loaded.policy.source.allowedPaths = [Policy.AllowedPath(glob: try! PathGlob("VERSION"))]
        loaded.policy.source.branches = [try! PathGlob("main")]
        return loaded
    }()
    static let evidenceTrust = K.trust

    static func report(verdict: AuditReport.Verdict = .passed, tag: GitFacts.Tag = K.tag("v1.0.0", on: 1), commit: Int = 1,
                       repository: String = K.identity, policy: LoadedPolicy = loaded, signers: [String] = [K.tester.publicKey.keyID],
                       auditedAt: String = "2024-12-31T00:00:00Z") -> AuditReport {
        AuditReport(
            formatVersion: 1, verdict: verdict,
            release: .init(repository: repository, tag: tag.name, tagObject: tag.tagObjectID?.hex, tagAnnotated: tag.isAnnotated,
                           commit: K.id(commit).hex, tree: K.id(1000 + commit).hex, ref: "refs/tags/\(tag.name)"),
            tested: .init(commit: K.id(commit).hex, tree: nil), artifacts: [],
            checks: verdict == .failed ? [CheckResult(id: "source.match", title: "t", status: .failed, reason: "r")] : [],
            inputs: [.init(kind: "test", source: "notes#1", sha256: String(repeating: "a", count: 64), signers: signers, verified: true),
                     .init(kind: "build", source: "notes#2", sha256: String(repeating: "b", count: 64),
                           signers: [K.builder.publicKey.keyID], verified: true)],
            policy: .init(name: policy.name, sha256: policy.sha256, content: String(decoding: policy.source, as: UTF8.self)),
            tool: .init(name: "release-audit", version: "0.1.0"), auditedAt: auditedAt)
    }

    static func stored(_ report: AuditReport?, source: String = "reports/v1.0.0.json") -> StoredReport {
        StoredReport(source: source, sha256: String(repeating: "c", count: 64), tag: "v1.0.0",
                     verified: report.map { ReportStatement.Verified(report: $0, subjects: [], signerKeyIDs: ["auditor"], sha256: "") },
                     signatureProblem: report == nil ? "signed by no trusted key" : nil)
    }

    /// GA v1.0.0 on commit 1, its RC v1.0.0-rc.1 on the same commit, on main, with a passing report.
    static func release(ga: ReleaseTag = K.releaseTag("v1.0.0", on: 1), rcOn: Int? = 1, relation: SourceRelation? = K.relation(.sameCommit),
                        reports: [StoredReport] = [stored(report())], policy: LoadedPolicy = loaded,
                        branches: BranchFacts? = BranchFacts(candidates: ["refs/heads/main"], reaching: "refs/heads/main"),
                        expectedRepository: String? = K.identity, integrityProblem: String? = nil,
                        exportSubst: [String] = []) -> ReleaseAuditFacts {
        let rc = rcOn.map { K.releaseTag("v1.0.0-rc.1", on: $0, rc: 1, at: K.now.addingTimeInterval(-7200)) }
        let selection = RCSelection(chosen: rc, reason: rc == nil ? "no release candidate of 1.0.0 exists" : "v1.0.0-rc.1 is the highest", taggedAfterGA: [])
        return ReleaseAuditFacts(policy: policy, ga: ga, selection: selection, candidates: rc.map { [$0] } ?? [],
                                 integrityProblem: integrityProblem, relation: rc == nil ? nil : relation, releaseExportSubst: exportSubst,
                                 branches: branches, expectedRepository: expectedRepository, evidenceTrust: evidenceTrust, reports: reports)
    }

    func findings(_ facts: ReleaseAuditFacts) -> [FindingKind] { FindingKind.findAll(facts).map(\.0) }
    func finds(_ kind: FindingKind, _ facts: ReleaseAuditFacts) -> Bool { !kind.rule.find(facts).isEmpty }

    @Test func theBaselineReleaseIsClean() {
        #expect(findings(Self.release()).isEmpty)
        let judged = AuditedRelease.judge(Self.release(), failing: FailOn.default.failing(under: Self.loaded.policy))
        #expect(judged.verdict == .clean && judged.onReleaseBranch == true && judged.report?.signature == "valid")
    }

    @Test func everyKindHasARuleAndAPlaceInTheOrder() {
        #expect(Set(FindingKind.evaluationOrder) == Set(FindingKind.allCases))
        #expect(FindingKind.evaluationOrder.count == FindingKind.allCases.count)
    }

    @Test func missingAndUntrustedReports() {
        #expect(findings(Self.release(reports: [])) == [.missingReport])
        #expect(findings(Self.release(reports: [Self.stored(nil)])) == [.untrustedReport])
        #expect(!finds(.missingReport, Self.release()) && !finds(.untrustedReport, Self.release()))
    }

    @Test func failedReport() {
        #expect(findings(Self.release(reports: [Self.stored(Self.report(verdict: .failed))])) == [.failedReport])
    }

    @Test func tagMovedAndRecreated() {
        let moved = Self.release(reports: [Self.stored(Self.report(commit: 2))])
        #expect(findings(moved) == [.tagMoved])
        let recreated = Self.release(reports: [Self.stored(Self.report(tag: K.tag("v1.0.0", on: 1, annotated: false)))])
        #expect(findings(recreated) == [.tagRecreated])
        // An unmoved report wins over a later one of the moved tag.
        let both = Self.release(reports: [Self.stored(Self.report(commit: 2, auditedAt: "2025-01-01T00:00:00Z")), Self.stored(Self.report())])
        #expect(findings(both).isEmpty)
    }

    @Test func policyChanged() {
        var other = Self.loaded
        other.source = Data("# another\n".utf8) + other.source
        other.sha256 = sha256Hex(other.source)
        #expect(findings(Self.release(reports: [Self.stored(Self.report(policy: other))])) == [.policyChanged])
        var lying = Self.report()
        lying.policy.content += "# edited\n"
        #expect(PolicyChanged.find(Self.release(reports: [Self.stored(lying)])).first?.contains("does not have the digest") == true)
    }

    @Test func reportOtherRepository() {
        #expect(findings(Self.release(reports: [Self.stored(Self.report(repository: "https://github.com/fork/widget"))])) == [.reportOtherRepository])
        #expect(finds(.reportOtherRepository, Self.release(expectedRepository: nil)))
    }

    @Test func untrustedEvidence() {
        let report = Self.report(signers: [K.stranger.publicKey.keyID])
        #expect(findings(Self.release(reports: [Self.stored(report)])) == [.untrustedEvidence])
    }

    @Test func noRC() {
        #expect(findings(Self.release(rcOn: nil)) == [.noRC])
        var notACommit = Self.release()
        notACommit.selection.chosen?.tag.targetType = .tree
        #expect(NoRC.find(notACommit).first?.contains("not a commit") == true)
    }

    @Test func rcAfterGA() {
        var facts = Self.release()
        facts.selection.taggedAfterGA = [K.releaseTag("v1.0.0-rc.2", on: 1, rc: 2)]
        #expect(findings(facts) == [.rcAfterGA])
    }

    @Test func rcDivergedAndDisallowedPaths() {
        let diverged = Self.release(relation: K.relation(.diverged, between: 2, behind: 1, paths: [K.changed("VERSION")]))
        #expect(findings(diverged) == [.rcDiverged])
        let code = Self.release(relation: K.relation(.descendant, between: 1, paths: [K.changed("VERSION"), K.changed("src/widget.c")]))
        #expect(findings(code) == [.rcDisallowedPaths])
        let bump = Self.release(relation: K.relation(.descendant, between: 1, paths: [K.changed("VERSION")]))
        #expect(findings(bump).isEmpty)
    }

    @Test func rcMismatch() {
        var sameCommit = Self.loaded
        sameCommit.policy.rc.match = .sameCommit
        let bump = K.relation(.descendant, between: 1, paths: [K.changed("VERSION")])
        #expect(findings(Self.release(relation: bump, policy: sameCommit)) == [.rcMismatch])
        let exportSubst = Self.release(relation: K.relation(.sameTree, between: 1), exportSubst: [".gitattributes"])
        #expect(findings(exportSubst) == [.rcMismatch])
        #expect(findings(Self.release(relation: K.relation(.sameTree, between: 1))).isEmpty)
    }

    @Test func tagKinds() {
        let lightweight = Self.release(ga: K.releaseTag("v1.0.0", on: 1, annotated: false),
                                       reports: [Self.stored(Self.report(tag: K.tag("v1.0.0", on: 1, annotated: false)))])
        #expect(findings(lightweight) == [.lightweightTag])
        var signedPolicy = Self.loaded
        signedPolicy.policy.tag.signed = true
        let accepted = [Self.stored(Self.report(policy: signedPolicy))]
        #expect(findings(Self.release(reports: accepted, policy: signedPolicy)) == [.unsignedTag])
        var signedTag = K.releaseTag("v1.0.0", on: 1)
        signedTag.tag.isSigned = true
        #expect(findings(Self.release(ga: signedTag, reports: accepted, policy: signedPolicy)) == [.unverifiedTagSignature])
    }

    @Test func releaseAltered() {
        #expect(findings(Self.release(integrityProblem: "refs/replace/abc replaces the release commit")) == [.releaseAltered])
    }

    @Test func tagNotCommitSilencesTheCommitFindings() {
        var tree = K.releaseTag("v1.0.0", on: 1)
        tree.tag.targetType = .tree
        let facts = Self.release(ga: tree, rcOn: nil, branches: BranchFacts(candidates: [], reaching: nil))
        #expect(findings(facts) == [.tagNotCommit, .tagMoved])
    }

    @Test func notOnReleaseBranch() {
        #expect(findings(Self.release(branches: BranchFacts(candidates: ["refs/heads/main"], reaching: nil))) == [.notOnReleaseBranch])
        #expect(NotOnReleaseBranch.find(Self.release(branches: BranchFacts(candidates: [], reaching: nil))).first?.contains("fetch the branches") == true)
    }
}
