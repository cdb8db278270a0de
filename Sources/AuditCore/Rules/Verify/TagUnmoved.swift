/// `release.tag-unmoved` (`verify --repo`, and the audit's `tag-moved` / `tag-recreated`): the tag
/// exists, peels to the audited commit and is the same tag object. A moved or re-created tag is FAILED.
enum TagUnmoved: VerifyRule {
    static func judge(_ facts: VerifyFacts) -> CheckResult {
        let id = VerifyCheckID.tagUnmoved.rawValue, title = "The tag still names the audited commit"
        let report = facts.report
        let name = report.release.tag ?? ""
        let tag = facts.repository?.tagNow
        switch TagDrift.outcome(of: report, tag: tag) {
        case .noTag:
            return CheckResult(id: id, title: title, status: .skipped, reason: "the report audited a revision, not a tag")
        case .deleted:
            return CheckResult(id: id, title: title, status: .failed, reason: "tag \(name) no longer exists (deleted since the audit)")
        case .moved(let audited, let now):
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "tag \(name) moved: it named \(audited ?? "-") when audited, now \(now)",
                               facts: ["audited": audited ?? "", "now": now])
        case .recreated(let audited, let now):
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "tag \(name) was re-created: tag object \(audited ?? "none (lightweight)") when audited, now \(now ?? "none (lightweight)")")
        case .unmoved:
            return CheckResult(id: id, title: title, status: .passed, reason: "tag \(name) still names \(tag?.commit?.short ?? "") through the same tag object")
        }
    }
}
