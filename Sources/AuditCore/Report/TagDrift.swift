import GitFacts

/// Whether a release tag still names what an audit report says it named.
public enum TagDrift {
    /// The check `verify --repo` and `audit` add: the tag exists, peels to the audited commit and
    /// is the same tag object. A moved or re-created tag is FAILED.
    public static func check(_ report: AuditReport, in repo: Repository) throws -> CheckResult {
        let id = "release.tag-unmoved", title = "The tag still names the audited commit"
        guard let name = report.release.tag else {
            return CheckResult(id: id, title: title, status: .skipped, reason: "the report audited a revision, not a tag")
        }
        guard let tag = try repo.tag(named: name) else {
            return CheckResult(id: id, title: title, status: .failed, reason: "tag \(name) no longer exists (deleted since the audit)")
        }
        let now = tag.commit?.hex ?? "a \(tag.targetType.rawValue)"
        if tag.commit?.hex != report.release.commit {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "tag \(name) moved: it named \(report.release.commit ?? "-") when audited, now \(now)",
                               facts: ["audited": report.release.commit ?? "", "now": now])
        }
        if tag.tagObjectID?.hex != report.release.tagObject {
            return CheckResult(id: id, title: title, status: .failed,
                               reason: "tag \(name) was re-created: tag object \(report.release.tagObject ?? "none (lightweight)") when audited, now \(tag.tagObjectID?.hex ?? "none (lightweight)")")
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "tag \(name) still names \(tag.commit?.short ?? "") through the same tag object")
    }
}
