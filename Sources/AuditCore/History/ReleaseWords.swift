/// How a release's RC -> GA relation is put into words, once for every output.
extension AuditedRelease {
    /// In a few characters, for table cells: `descendant +2`, `diverged +1/-3`, `-` without an RC.
    public var relationCell: String {
        guard let kind = relation else { return "-" }
        switch kind {
        case .descendant: return "descendant +\(commitsBetween ?? 0)"
        case .diverged: return "diverged +\(commitsBetween ?? 0)/-\(commitsBehind ?? 0)"
        case .sameCommit, .sameTree: return kind.rawValue
        }
    }

    /// As a phrase: `descends from v1.2.0-rc.1, 2 commit(s) later`, `no RC` without one.
    public var relationPhrase: String {
        guard let kind = relation, let rc else { return "no RC" }
        switch kind {
        case .sameCommit: return "same commit as \(rc.tag)"
        case .sameTree: return "same tree as \(rc.tag), \(commitsBetween ?? 0) commit(s) apart"
        case .descendant: return "descends from \(rc.tag), \(commitsBetween ?? 0) commit(s) later"
        case .diverged: return "diverged from \(rc.tag): \(commitsBetween ?? 0) commit(s) on the GA side, \(commitsBehind ?? 0) on the RC side"
        }
    }
}

extension ReleaseHistory {
    /// The worst verdict among the releases (CLEAN when there are none).
    public var worstVerdict: ReleaseVerdict {
        summary.failed > 0 ? .failed : summary.noted > 0 ? .noted : .clean
    }
}
