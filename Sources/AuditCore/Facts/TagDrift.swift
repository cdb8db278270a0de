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
}
