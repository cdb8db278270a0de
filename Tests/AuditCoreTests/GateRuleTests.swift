@testable import AuditCore
import Foundation
import GitFacts
import Testing

/// Every gate check judged on plain values (`RuleKit`): no process, no repository.
@Suite struct GateRuleTests {
    typealias K = RuleKit

    func judge(_ id: GateCheckID, _ facts: GateFacts) -> CheckResult { id.rule.judge(facts) }

    @Test func theBaselineReleasePassesEveryCheck() {
        let results = GateCheckID.judgeAll(K.gate())
        #expect(results.map(\.id) == GateCheckID.allCases.map(\.rawValue))
        for result in results {
            #expect([.passed, .skipped].contains(result.status), "\(result.id): \(result.reason)")
        }
    }

    @Test func evidenceSignatures() {
        #expect(judge(.evidenceSignatures, K.gate()).status == .passed)
        #expect(judge(.evidenceSignatures, K.gate(evidence: [])).status == .failed)
        let stranger = judge(.evidenceSignatures, K.gate(evidence: [K.testItem(by: K.stranger), K.buildItem()]))
        #expect(stranger.status == .failed && stranger.reason.contains("1 of 2 envelope(s) cannot be used"))
        // Build evidence signed by the tester's key: a key out of its role.
        #expect(judge(.evidenceSignatures, K.gate(evidence: [K.testItem(), K.buildItem(by: K.tester)])).status == .failed)
    }

    @Test func evidenceRepository() {
        #expect(judge(.evidenceRepository, K.gate()).status == .passed)
        let fork = judge(.evidenceRepository, K.gate(evidence: [K.testItem(repository: "https://github.com/fork/widget"), K.buildItem()]))
        #expect(fork.status == .failed && fork.reason.contains("fork/widget"))
        #expect(judge(.evidenceRepository, K.gate(evidence: [K.testItem(repository: nil), K.buildItem()])).status == .failed)
    }

    @Test func testResult() {
        #expect(judge(.testResult, K.gate()).status == .passed)
        let failed = judge(.testResult, K.gate(evidence: [K.testItem(result: .failed), K.buildItem()]))
        #expect(failed.status == .failed && failed.reason.contains("widget_spins"))
        #expect(judge(.testResult, K.gate(evidence: [K.buildItem()])).status == .failed)
        let required = K.policy { $0.test.requiredSuites = ["unit", "e2e"] }
        let missing = judge(.testResult, K.gate(policy: required, evidence: [K.testItem(suites: ["unit"]), K.buildItem()]))
        #expect(missing.status == .failed && missing.reason.contains("e2e"))
        // A newer passing re-run decides the suite.
        let rerun = K.gate(evidence: [K.testItem(result: .failed, recordedAt: K.now.addingTimeInterval(-7200)), K.testItem(), K.buildItem()])
        #expect(judge(.testResult, rerun).status == .passed)
    }

    @Test func sourceMatch() {
        #expect(judge(.sourceMatch, K.gate()).status == .passed)
        let other = K.gate(evidence: [K.testItem(commit: 2), K.buildItem()], tested: 2,
                           relation: K.relation(.descendant, between: 1, paths: [K.changed("VERSION")]))
        #expect(judge(.sourceMatch, other).status == .failed)
        let bump = K.gate(policy: K.policy("version-bump"), evidence: [K.testItem(commit: 2), K.buildItem()], tested: 2,
                          relation: K.relation(.descendant, between: 1, paths: [K.changed("VERSION")]))
        #expect(judge(.sourceMatch, bump).status == .passed)
        var code = bump
        code.tested?.relation = K.relation(.descendant, between: 1, paths: [K.changed("VERSION"), K.changed("src/widget.c")])
        let disallowed = judge(.sourceMatch, code)
        #expect(disallowed.status == .failed && disallowed.reason.contains("src/widget.c"))
        var exportSubst = bump
        exportSubst.releaseExportSubst = [".gitattributes"]
        #expect(judge(.sourceMatch, exportSubst).status == .failed)
        // The tested commit is not in the repository.
        var absent = K.gate()
        absent.tested = nil
        #expect(judge(.sourceMatch, absent).reason.contains("not in this repository"))
        // A record naming another tree than the commit's own: forged.
        let forged = judge(.sourceMatch, K.gate(evidence: [K.testItem(tree: 4242), K.buildItem()]))
        #expect(forged.status == .failed && forged.reason.contains("forged"))
    }

    @Test func buildSource() {
        #expect(judge(.buildSource, K.gate()).status == .passed)
        let elsewhere = judge(.buildSource, K.gate(evidence: [K.testItem(), K.buildItem(commit: 3)]))
        #expect(elsewhere.status == .failed && elsewhere.facts?["built"] == K.id(3).hex)
        #expect(judge(.buildSource, K.gate(evidence: [K.testItem(), K.buildItem(tree: 4242)])).status == .failed)
        #expect(judge(.buildSource, K.gate(evidence: [K.testItem()])).status == .failed)
    }

    @Test func releaseTag() {
        #expect(judge(.releaseTag, K.gate()).status == .passed)
        var lightweight = K.gate(policy: K.policy { $0.tag.annotated = true })
        lightweight.releaseTag = K.tag("v1.0.0", on: 1, annotated: false)
        #expect(judge(.releaseTag, lightweight).status == .failed)
        var shadowed = K.gate()
        shadowed.tagShadows = ["refs/heads/v1.0.0"]
        #expect(judge(.releaseTag, shadowed).status == .failed)
        // Re-created after the build: the build recorded another tag object.
        let recreated = K.gate(evidence: [K.testItem(), K.buildItem(tag: K.tag("v1.0.0", on: 77))])
        #expect(judge(.releaseTag, recreated).reason.contains("re-created after the build"))
        var missing = K.gate()
        missing.releaseTag = nil
        #expect(judge(.releaseTag, missing).status == .failed)
        #expect(judge(.releaseTag, K.gate(policy: K.policy { $0.tag.signed = true })).status == .failed)
    }

    @Test func rcToGA() {
        let on = K.policy { $0.rc.match = .sameCommit }
        #expect(judge(.rcToGA, K.gate()).status == .skipped)
        var facts = K.gate(policy: on)
        let rc = K.releaseTag("v1.0.0-rc.1", on: 1, rc: 1)
        facts.rc = RCFacts(selection: RCSelection(chosen: rc, reason: "rc.1", taggedAfterGA: []), relation: K.relation(.sameCommit))
        #expect(judge(.rcToGA, facts).status == .passed)
        facts.rc?.relation = K.relation(.descendant, between: 2, paths: [K.changed("VERSION")])
        #expect(judge(.rcToGA, facts).status == .failed)
        facts.policy.rc.match = .allowedDiff
        facts.policy.source.allowedPaths = [Policy.AllowedPath(glob: try! PathGlob("VERSION"))]
        #expect(judge(.rcToGA, facts).status == .passed)
        facts.rc?.relation = K.relation(.diverged, between: 2, behind: 1, paths: [K.changed("VERSION")])
        #expect(judge(.rcToGA, facts).status == .failed)
        facts.rc = RCFacts(selection: RCSelection(chosen: nil, reason: "no release candidate of 1.0.0 exists", taggedAfterGA: []), relation: nil)
        #expect(judge(.rcToGA, facts).reason == "no release candidate of 1.0.0 exists")
    }

    @Test func worktreeClean() {
        #expect(judge(.worktreeClean, K.gate()).status == .passed)
        let dirty = judge(.worktreeClean, K.gate(evidence: [K.testItem(dirty: ["src/hack.c"]), K.buildItem()]))
        #expect(dirty.status == .failed && dirty.reason.contains("src/hack.c"))
        let noClaim = judge(.worktreeClean, K.gate(evidence: [K.testItem(), K.buildItem(dirty: nil)]))
        #expect(noClaim.status == .failed && noClaim.reason.contains("no clean-work-tree claim"))
    }

    @Test func protectedBranch() {
        let protected = K.policy { $0.source.branches = [try! PathGlob("main")] }
        #expect(judge(.protectedBranch, K.gate()).status == .skipped)
        var facts = K.gate(policy: protected)
        facts.branches = BranchFacts(candidates: ["refs/heads/main"], reaching: "refs/heads/main")
        #expect(judge(.protectedBranch, facts).status == .passed)
        facts.branches = BranchFacts(candidates: ["refs/heads/main"], reaching: nil)
        #expect(judge(.protectedBranch, facts).status == .failed)
        facts.branches = BranchFacts(candidates: [], reaching: nil)
        #expect(judge(.protectedBranch, facts).reason.contains("fetch the branches"))
        facts.branches = nil
        #expect(judge(.protectedBranch, facts).reason.contains("not in this repository"))
    }

    @Test func evidenceFreshness() {
        #expect(judge(.evidenceFreshness, K.gate()).status == .passed)
        let stale = K.gate(evidence: [K.testItem(recordedAt: K.now.addingTimeInterval(-40 * 86_400)), K.buildItem()])
        #expect(judge(.evidenceFreshness, stale).reason.contains("old; the policy allows 30d0h"))
        let future = K.gate(evidence: [K.testItem(recordedAt: K.now.addingTimeInterval(3600)), K.buildItem(recordedAt: K.now.addingTimeInterval(7200))])
        #expect(judge(.evidenceFreshness, future).reason.contains("in the future"))
        let afterBuild = K.gate(evidence: [K.testItem(recordedAt: K.now.addingTimeInterval(-60)), K.buildItem()])
        #expect(judge(.evidenceFreshness, afterBuild).reason.contains("after the build"))
        #expect(judge(.evidenceFreshness, K.gate(evidence: [K.testItem(recordedAt: nil), K.buildItem()])).status == .failed)
    }

    @Test func repositorySafety() {
        #expect(judge(.repositorySafety, K.gate()).status == .passed)
        var shallow = K.gate()
        shallow.isShallow = true
        #expect(judge(.repositorySafety, shallow).status == .failed)
        var replaced = K.gate()
        replaced.replaceRefCount = 3
        #expect(judge(.repositorySafety, replaced).status == .warned)
        replaced.replacedInRelease = ["refs/replace/" + K.id(1).hex]
        #expect(judge(.repositorySafety, replaced).status == .failed)
    }

    @Test func theRCJudgementIsTheGatesAndTheAuditsAlike() {
        let policy = K.policy { $0.rc.match = .sameTree }
        let sameTree = RCJudgement(relation: K.relation(.sameTree, between: 1), policy: policy, releaseExportSubst: [".gitattributes"])
        #expect(!sameTree.passes && sameTree.exportSubstFiles == [".gitattributes"])
        let plain = RCJudgement(relation: K.relation(.sameTree, between: 1), policy: policy, releaseExportSubst: [])
        #expect(plain.passes && !plain.modeMismatch)
        let same = RCJudgement(relation: K.relation(.sameCommit), policy: policy, releaseExportSubst: [".gitattributes"])
        #expect(same.passes)
    }
}
