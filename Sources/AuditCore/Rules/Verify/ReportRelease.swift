import Foundation
import GitFacts

/// A report's signature says who made it, not which release it is for: the tag, repository and
/// policy inside it must be the ones asked for (a file name is never evidence).
enum ReportRelease {
    /// `report.release`: the report is about this tag (and, when known, this repository).
    ///
    /// - Parameters:
    ///   - release: the tag the caller asks about (`verify --release`); `refs/tags/` is optional.
    ///   - expectedRepository: the identity the report must name; nil means no repository check,
    ///     and `requireRepository` makes that a failure (the repository could not be identified).
    static func judge(_ report: AuditReport, release: String, expectedRepository: String?,
                               requireRepository: Bool) -> CheckResult {
        let id = VerifyCheckID.release.rawValue, title = "The report is about the release asked for"
        let asked = release.hasPrefix("refs/tags/") ? String(release.dropFirst(10)) : release
        guard let tag = report.release.tag else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report audited a revision (\(report.release.commit ?? "-")), not the tag \(asked)")
        }
        if !GitName.same(tag, asked) {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report is about \(tag), not \(asked): it cannot vouch for another release",
                               facts: ["asked": asked, "reported": tag])
        }
        var facts = ["tag": tag]
        if let repository = report.release.repository { facts["repository"] = repository }
        guard let expected = expectedRepository else {
            if requireRepository {
                return CheckResult(id: id, title: title, status: .failed,
                                   reason: "cannot tell which repository this is (no origin remote): pass --repository URL", facts: facts)
            }
            return CheckResult(id: id, title: title, status: .passed, reason: "the report is about \(tag)", facts: facts)
        }
        facts["expected"] = expected
        guard let repository = report.release.repository, RepositoryIdentity.matches(repository, expected) else {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "the report is about \(tag) of \(report.release.repository ?? "an unnamed repository"), not of \(expected)",
                               facts: facts)
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "the report is about \(tag) of \(expected)", facts: facts)
    }
}

extension ReportRelease: VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult {
        judge(facts.report, release: facts.release, expectedRepository: facts.expectedRepository,
              requireRepository: facts.repository != nil)
    }
}
