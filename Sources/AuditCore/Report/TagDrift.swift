import GitFacts

/// Whether a release tag still names what an audit report says it named.
public enum TagDrift {
    /// What became of the tag a report audited.
    public enum Outcome: Equatable, Sendable {
        /// The report audited a revision, not a tag.
        case noTag
        /// The tag names the audited commit through the same tag object (or is still the same lightweight tag).
        case unmoved
        /// The tag no longer exists.
        case deleted
        /// The tag names another commit (or a tree or blob) now.
        case moved(audited: String?, now: String)
        /// The tag names the audited commit through another tag object (or changed kind).
        case recreated(audited: String?, now: String?)
    }

    /// Compares a report with the tag as it is now (`tag`: the tag of that name, nil when there is none).
    public static func outcome(of report: AuditReport, tag: Tag?) -> Outcome {
        guard report.release.tag != nil else { return .noTag }
        guard let tag else { return .deleted }
        let now = tag.commit?.hex ?? "a \(tag.targetType.rawValue)"
        if tag.commit?.hex != report.release.commit { return .moved(audited: report.release.commit, now: now) }
        if tag.tagObjectID?.hex != report.release.tagObject {
            return .recreated(audited: report.release.tagObject, now: tag.tagObjectID?.hex)
        }
        return .unmoved
    }

    /// The check `verify --repo` adds beside `release.tag-unmoved`: git, asked for the tag now,
    /// builds what was audited (no replace ref on the commits, their files or the tag object; no
    /// ref that shadows the tag's name).
    public static func integrityCheck(_ report: AuditReport, in repo: Repository, replaceRefs: [String]) throws -> CheckResult {
        let id = "release.unaltered", title = "No replace ref or look-alike ref changes what git builds for the tag"
        // The tag object audited, and the chain the tag has now.
        var tagObjects = report.release.tagObject.flatMap { try? ObjectID(hex: $0) }.map { [$0] } ?? []
        if !replaceRefs.isEmpty, let name = report.release.tag, let now = try repo.tag(named: name) { tagObjects += now.tagObjects }
        var scanner = ReplaceRefs.Scanner(refs: replaceRefs)
        let integrity = try ReleaseIntegrity.check(
            tag: report.release.tag, commits: [report.release.commit, report.tested?.commit].compactMap { $0.flatMap { try? ObjectID(hex: $0) } },
            tagObjects: tagObjects, in: repo, replaceRefs: &scanner)
        if let problem = integrity.problem {
            return CheckResult(id: id, title: title, status: .failed, reason: "\(report.release.tag ?? "the release"): \(problem)")
        }
        return CheckResult(id: id, title: title, status: .passed, reason: "no replace ref touches the audited objects, and no other ref answers to the tag's name")
    }

    /// The check `verify --repo` and `audit` add: the tag exists, peels to the audited commit and
    /// is the same tag object. A moved or re-created tag is FAILED.
    public static func check(_ report: AuditReport, in repo: Repository) throws -> CheckResult {
        let id = "release.tag-unmoved", title = "The tag still names the audited commit"
        let name = report.release.tag ?? ""
        let tag = report.release.tag == nil ? nil : try repo.tag(named: name)
        switch outcome(of: report, tag: tag) {
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
