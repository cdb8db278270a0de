import GitFacts
/// `release.tag`: the release tag exists, is a GA tag of the policy's scheme, has the kind the
/// policy requires, is unambiguous, and is the tag the build was recorded for.
enum ReleaseTagCheck: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The release tag exists, matches the policy and names the build commit"
        let policy = facts.policy
        guard let requested = facts.requestedTag else {
            if policy.tag.required {
                return CheckResult(.releaseTag, title: title, status: .failed, reason: "the policy requires a release tag; audit with --release TAG")
            }
            return CheckResult(.releaseTag, title: title, status: .skipped, reason: "no release tag given (--release-rev)")
        }
        guard let tag = facts.releaseTag else {
            return CheckResult(.releaseTag, title: title, status: .failed, reason: "tag \(requested) does not exist in this repository (fetch tags: git fetch --tags)")
        }
        guard tag.commit != nil else {
            return CheckResult(.releaseTag, title: title, status: .failed, reason: "tag \(tag.name) names a \(tag.targetType.rawValue), not a commit")
        }
        var problems: [String] = []
        if policy.tagScheme.classify(tag.name)?.rcNumber != nil || policy.tagScheme.classify(tag.name) == nil {
            problems.append("\(tag.name) is not a GA tag under the policy's release pattern \(policy.tagScheme.prefix)\(policy.tagScheme.release.pattern)")
        }
        if policy.tag.annotated && !tag.isAnnotated {
            problems.append("\(tag.name) is lightweight; the policy requires an annotated tag. " + CheckoutAdvice.lightweightTag(tag.name))
        }
        if !facts.tagShadows.isEmpty {
            problems.append(ReleaseIntegrity.ambiguity(facts.tagShadows, name: "the name \(tag.name)"))
        }
        if policy.tag.signed {
            // Nothing here verifies a tag signature yet: a pasted block of garbage would "carry a signature".
            problems.append(tag.isSigned
                ? "\(tag.name) carries a signature, but the signature is not verified: tag.signed: true cannot be met until release-audit verifies tag signatures (configure signers); check it with git verify-tag and set tag.signed: false"
                : "\(tag.name) is not signed; the policy requires a signed tag (and release-audit cannot verify tag signatures yet)")
        }
        var used: [String] = []
        for build in facts.buildRecords {
            if let name = build.record.tagName, !GitName.same(name, tag.name) {
                problems.append("the build evidence was recorded for tag \(name), not \(tag.name)")
                used.append(build.sha256)
            }
            if build.record.tagAnnotated != nil, build.record.tagObject != tag.tagObjectID {
                var problem = "tag \(tag.name) was re-created after the build (tag object \(build.record.tagObject?.short ?? "none") then, \(tag.tagObjectID?.short ?? "none") now)"
                if build.record.tagObject != nil, !tag.isAnnotated, tag.commit == build.record.commit {
                    problem += ": it names the same commit, but " + CheckoutAdvice.lightweightTag(tag.name)
                }
                problems.append(problem)
                used.append(build.sha256)
            }
        }
        var tagFacts = ["tag": tag.name, "annotated": String(tag.isAnnotated), "signed": String(tag.isSigned)]
        if let object = tag.tagObjectID { tagFacts["tagObject"] = object.hex }
        if !problems.isEmpty {
            return CheckResult(.releaseTag, title: title, status: .failed, reason: problems.joined(separator: "; "), evidence: used, facts: tagFacts)
        }
        let kind = tag.isAnnotated ? (tag.isSigned ? "annotated, carries a signature block (not verified)" : "annotated") : "lightweight"
        return CheckResult(.releaseTag, title: title, status: .passed, reason: "\(tag.name) (\(kind)) names \(tag.commit?.short ?? "")", facts: tagFacts)
    }
}
