@testable import AuditCore
import Foundation
import GitFacts
import Testing

/// The small rules behind the trust fixes, with plain values.
@Suite struct TrustRuleTests {
    @Test func anAllowedPathAllowsModificationsOnlyUnlessItSaysMore() throws {
        let plain = Policy.AllowedPath(glob: try PathGlob("**/version.go"))
        #expect(plain.allows("cmd/version.go", kind: .modified))
        for kind in [ChangeKind.added, .deleted, .typeChanged, .submodule] {
            #expect(!plain.allows("cmd/version.go", kind: kind), "\(kind)")
        }
        let adding = Policy.AllowedPath(glob: try PathGlob("docs/*.md"), added: true)
        #expect(adding.allows("docs/new.md", kind: .added))
        #expect(!adding.allows("docs/new.md", kind: .deleted))
        #expect(!adding.allows("src/new.md", kind: .added))
        let deleting = Policy.AllowedPath(glob: try PathGlob("old/**"), deleted: true)
        #expect(deleting.allows("old/a/b", kind: .deleted) && !deleting.allows("old/a/b", kind: .typeChanged))
        // Never a type change or a submodule move, whatever the entry says.
        let all = Policy.AllowedPath(glob: try PathGlob("**"), added: true, deleted: true)
        #expect(!all.allows("vendor/lib", kind: .submodule) && !all.allows("bin/tool", kind: .typeChanged))
    }

    @Test func aReportIsBoundToItsTagAndRepository() throws {
        let report = try Self.report(tag: "v1.0.0", repository: "https://github.com/example/widget")
        #expect(ReportRelease.judge(report, release: "v1.0.0", expectedRepository: nil, requireRepository: false).status == .passed)
        #expect(ReportRelease.judge(report, release: "refs/tags/v1.0.0", expectedRepository: "https://github.com/example/widget",
                                      requireRepository: true).status == .passed)
        #expect(ReportRelease.judge(report, release: "v2.0.0", expectedRepository: nil, requireRepository: false).status == .failed)
        #expect(ReportRelease.judge(report, release: "v1.0.0", expectedRepository: "https://github.com/mallory/widget",
                                      requireRepository: true).status == .failed)
        #expect(ReportRelease.judge(report, release: "v1.0.0", expectedRepository: nil, requireRepository: true).status == .failed)
        let unnamed = try Self.report(tag: "v1.0.0", repository: nil)
        #expect(ReportRelease.judge(unnamed, release: "v1.0.0", expectedRepository: "https://github.com/example/widget",
                                      requireRepository: true).status == .failed)
    }

    @Test func aReportCountsOnlyUnderItsPolicyOrOneAcceptedByDigest() throws {
        let weak = try Policy.load(nameOrPath: "same-tree")
        let strict = try Policy.load(nameOrPath: "exact-commit")
        var report = try Self.report(tag: "v1.0.0", repository: nil)
        report.policy = weak.reportInfo
        #expect(ReportPolicy.judge(report, demanded: weak).status == .passed)
        #expect(ReportPolicy.judge(report, demanded: strict).status == .failed)
        #expect(ReportPolicy.judge(report, demanded: nil).status == .skipped)
        var accepting = strict
        accepting.policy.reports.acceptedPolicies = [weak.sha256]
        #expect(ReportPolicy.judge(report, demanded: accepting).status == .passed)
        // A policy text that is not what its digest says is never believed.
        report.policy.content += "\n# edited"
        #expect(ReportPolicy.judge(report, demanded: nil).status == .failed)
    }

    @Test func verifyJudgesTheTagAndTheRefsAsTheyAreNow() throws {
        let report = try Self.report(tag: "v1.0.0", repository: nil)
        let audited = try ObjectID(hex: String(repeating: "1", count: 40)), other = try ObjectID(hex: String(repeating: "2", count: 40))
        func tag(_ target: ObjectID) -> GitFacts.Tag {
            GitFacts.Tag(name: "v1.0.0", isAnnotated: false, referenceTarget: target, tagger: nil, message: nil, isSigned: false,
                chainLength: 0, targetType: .commit, targetID: target)
        }
        func checks(_ state: VerifyFacts.RepositoryState?) -> [String: CheckStatus] {
            let facts = VerifyFacts(report: report, release: "v1.0.0", expectedRepository: nil, demandedPolicy: nil,
                                    evidenceTrust: nil, repository: state)
            return Dictionary(uniqueKeysWithValues: VerifyCheckID.judgeAll(facts).map { ($0.id, $0.status) })
        }
        let intact = ReleaseIntegrity(replaced: [], shadows: [])
        // Without a repository the repository's checks are not run, and not reported as passed.
        #expect(checks(nil)["release.tag-unmoved"] == nil && checks(nil)["release.unaltered"] == nil)
        #expect(checks(.init(tagNow: tag(audited), integrity: intact))["release.tag-unmoved"] == .passed)
        #expect(checks(.init(tagNow: tag(audited), integrity: intact))["release.unaltered"] == .passed)
        #expect(checks(.init(tagNow: tag(other), integrity: intact))["release.tag-unmoved"] == .failed)
        #expect(checks(.init(tagNow: nil, integrity: intact))["release.tag-unmoved"] == .failed)
        let replaced = ReleaseIntegrity(replaced: ["refs/replace/\(audited.hex)"], shadows: [])
        #expect(checks(.init(tagNow: tag(audited), integrity: replaced))["release.unaltered"] == .failed)
        #expect(VerifyCheckID.allCases.map(\.rawValue)
                    == ["report.release", "report.policy", "report.signers", "report.artifact", "release.tag-unmoved", "release.unaltered"])
    }

    /// `report.artifact`: only when artifacts are asked about; by SHA-256 (any case), never by name.
    @Test func verifyVouchesOnlyForTheArtifactsTheReportGated() throws {
        var report = try Self.report(tag: "v1.0.0", repository: nil)
        let gated = Artifact(name: "app.tar.gz", sha256: String(repeating: "ab", count: 32))
        report.artifacts = [gated]
        func artifactCheck(_ asked: [Artifact]) -> CheckResult? {
            VerifyCheckID.judgeAll(VerifyFacts(report: report, release: "v1.0.0", expectedRepository: nil, demandedPolicy: nil,
                                               evidenceTrust: nil, repository: nil, artifacts: asked))
                .first { $0.id == "report.artifact" }
        }
        #expect(artifactCheck([]) == nil)
        #expect(artifactCheck([Artifact(name: "renamed.tgz", sha256: gated.sha256.uppercased())])?.status == .passed)
        #expect(artifactCheck([gated, Artifact(name: "app.tar.gz", sha256: String(repeating: "cd", count: 32))])?.status == .failed)
        report.artifacts = []
        #expect(artifactCheck([gated])?.status == .failed)
        #expect(artifactCheck([gated])?.reason.contains("names no artifact") == true)
    }

    static func report(tag: String, repository: String?) throws -> AuditReport {
        let json = """
            {"formatVersion":1,"verdict":"PASSED","release":{"tag":"\(tag)","commit":"\(String(repeating: "1", count: 40))"\(repository.map { ",\"repository\":\"\($0)\"" } ?? "")},
             "artifacts":[],"checks":[],"inputs":[],"policy":{"name":"p","sha256":"\(sha256Hex(Data("version: 1\n".utf8)))","content":"version: 1\\n"},
             "tool":{"name":"release-audit","version":"0"},"auditedAt":"2026-01-01T00:00:00Z"}
            """
        return try JSONDecoder().decode(AuditReport.self, from: Data(json.utf8))
    }
}
