import GitFacts
/// `build.source`: the build records name the release commit and its tree.
enum BuildSource: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The build evidence names the release commit"
        let buildRecords = facts.buildRecords
        guard !buildRecords.isEmpty else {
            let required = facts.policy.build.required
            return CheckResult(.buildSource, title: title, status: required ? .failed : .skipped,
                               reason: (required
                                   ? "no trusted build evidence about this repository: record it with `release-audit record build`"
                                   : "no build evidence (not required by the policy)")
                                   + (facts.buildsOfOtherTags.isEmpty ? "" : "; the notes hold builds of other tags only (\(facts.buildsOfOtherTags.joined(separator: ", "))), which do not count for this one"))
        }
        let used = buildRecords.map(\.sha256).sorted()
        guard let release = facts.releaseCommit else {
            return CheckResult(.buildSource, title: title, status: .failed, reason: "the release has no commit to compare (see release.tag)", evidence: used)
        }
        if let first = buildRecords.first(where: { $0.record.commit != release.id }) {
            return CheckResult(.buildSource, title: title, status: .failed,
                               reason: "the release was built from \(first.record.commit.short), but the release names \(release.id.short)",
                               evidence: used, facts: ["built": first.record.commit.hex, "release": release.id.hex])
        }
        if let tree = buildRecords.compactMap(\.record.tree).first(where: { $0 != release.tree }) {
            return CheckResult(.buildSource, title: title, status: .failed,
                               reason: "the build evidence records tree \(tree.short), but \(release.id.short) has tree \(release.tree.short): forged or corrupt evidence",
                               evidence: used)
        }
        return CheckResult(.buildSource, title: title, status: .passed,
                           reason: "\(buildRecords.count) build record(s) name \(release.id.short), \(facts.artifacts.count) artifact(s)",
                           evidence: used)
    }
}
