import GitFacts
/// `no-rc`: no release candidate (with a commit) to compare the GA with.
enum NoRC: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard facts.ga.tag.commit != nil else { return [] }
        guard let rc = facts.selection.chosen else { return [facts.selection.reason] }
        guard rc.tag.commit == nil else { return [] }
        return ["\(rc.tag.name), the last release candidate, names a \(rc.tag.targetType.rawValue), not a commit"]
    }
}
