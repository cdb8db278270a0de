import GitFacts
/// `tag-recreated`: the tag names the audited commit through another tag object.
enum TagRecreated: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let chosen = facts.choice.trusted, case .recreated(let was, let now) = chosen.drift else { return [] }
        return ["\(facts.name) was re-created since its report (\(chosen.stored.source)): tag object \(was.map { String($0.prefix(7)) } ?? "none") when audited, now \(now.map { String($0.prefix(7)) } ?? "none (lightweight)")"]
    }
}
