import AuditCore
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
        #expect(ReportBinding.release(report, release: "v1.0.0", expectedRepository: nil, requireRepository: false).status == .passed)
        #expect(ReportBinding.release(report, release: "refs/tags/v1.0.0", expectedRepository: "https://github.com/example/widget",
                                      requireRepository: true).status == .passed)
        #expect(ReportBinding.release(report, release: "v2.0.0", expectedRepository: nil, requireRepository: false).status == .failed)
        #expect(ReportBinding.release(report, release: "v1.0.0", expectedRepository: "https://github.com/mallory/widget",
                                      requireRepository: true).status == .failed)
        #expect(ReportBinding.release(report, release: "v1.0.0", expectedRepository: nil, requireRepository: true).status == .failed)
        let unnamed = try Self.report(tag: "v1.0.0", repository: nil)
        #expect(ReportBinding.release(unnamed, release: "v1.0.0", expectedRepository: "https://github.com/example/widget",
                                      requireRepository: true).status == .failed)
    }

    @Test func aReportCountsOnlyUnderItsPolicyOrOneAcceptedByDigest() throws {
        let weak = try Policy.load(nameOrPath: "same-tree")
        let strict = try Policy.load(nameOrPath: "exact-commit")
        var report = try Self.report(tag: "v1.0.0", repository: nil)
        report.policy = weak.reportInfo
        #expect(ReportBinding.policy(report, demanded: weak).status == .passed)
        #expect(ReportBinding.policy(report, demanded: strict).status == .failed)
        #expect(ReportBinding.policy(report, demanded: nil).status == .skipped)
        var accepting = strict
        accepting.policy.reports.acceptedPolicies = [weak.sha256]
        #expect(ReportBinding.policy(report, demanded: accepting).status == .passed)
        // A policy text that is not what its digest says is never believed.
        report.policy.content += "\n# edited"
        #expect(ReportBinding.policy(report, demanded: nil).status == .failed)
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
