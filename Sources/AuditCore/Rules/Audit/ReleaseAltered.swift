import GitFacts
/// `release-altered`: a replace ref or a look-alike ref changes what git builds for the tag.
enum ReleaseAltered: FindingRule {
    static func find(_ facts: ReleaseAuditFacts) -> [String] {
        facts.integrityProblem.map { ["\(facts.name): \($0)"] } ?? []
    }
}
