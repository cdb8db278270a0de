import GitFacts
/// `tag-moved`: the tag names another commit than its report audited.
enum TagMoved: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        guard let chosen = facts.choice.trusted, case .moved(let was, let now) = chosen.drift else { return [] }
        return ["\(facts.name) moved since its report (\(chosen.stored.source)): it named \(was.map { String($0.prefix(7)) } ?? "-") when audited, now \(now.prefix(7))"]
    }
}
