import GitFacts
/// `release.tag`: the release tag exists, is a GA tag of the policy's scheme, has the kind the
/// policy requires, is unambiguous, and is the tag the build was recorded for.
enum ReleaseTagCheck: GateRule {
    static func judge(_ facts: GateFacts) -> CheckResult {
        let title = "The release tag exists, matches the policy and names the build commit"
        let policy = facts.policy
        guard let requested = facts.requestedTag else {
            if policy.tag.required || policy.tag.signed {
                return CheckResult(.releaseTag, title: title, status: .failed,
                                   reason: "the policy requires a \(policy.tag.signed ? "signed " : "")release tag; audit with --release TAG")
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
        switch facts.tagSignature {
        case .bad(let reason)?:
            // A bad signature fails whether or not the policy requires one: the tag was tampered with.
            problems.append("\(tag.name) has a bad signature: \(reason)")
        case .good?:
            break
        case nil:
            // The reader checks every annotated tag's signature when the policy requires one.
            if policy.tag.signed && tag.isAnnotated { problems.append("\(tag.name)'s signature was not checked") }
        case let verdict?:
            if policy.tag.signed {
                switch verdict {
                case .unsigned: problems.append("\(tag.name) is not signed; the policy requires a tag signed by one of tag.signers")
                case .notChecked: problems.append("\(tag.name) carries a signature, but the policy lists no tag.signers to verify it with: tag.signed: true needs them")
                case .unknownSigner(let key, let reason): problems.append("\(tag.name) is signed by key \(key), which is not an allowed signer: \(reason)")
                case .good, .bad: break
                }
            }
        }
        if policy.tag.signed && !tag.isAnnotated && facts.tagSignature == nil {
            problems.append("\(tag.name) is lightweight, so it cannot be signed; the policy requires a signed tag")
        }
        var used: [String] = []
        for build in facts.buildRecords {
            if let name = build.record.tagName, !GitName.same(name, tag.name) {
                problems.append("the build evidence was recorded for tag \(name), not \(tag.name)")
                used.append(build.sha256)
            }
            // A build run for another tag of the same commit (a pushed look-alike, an RC) is not
            // this release's, whether the provenance or the keyless certificate says so.
            for (ref, who) in [(build.record.ref, "the build provenance names"), (build.record.workflowRef, "the signing workflow ran for")] {
                guard let ref, ref.hasPrefix("refs/tags/") else { continue }
                let name = String(ref.dropFirst("refs/tags/".count))
                if !GitName.same(name, tag.name) {
                    problems.append("\(who) tag \(name), not \(tag.name)")
                    used.append(build.sha256)
                }
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
        if let verdict = facts.tagSignature {
            tagFacts["signature"] = verdict.label
            if case .good(let signer, let key) = verdict { (tagFacts["signer"], tagFacts["signerKey"]) = (signer, key) }
            if case .unknownSigner(let key, _) = verdict { tagFacts["signerKey"] = key }
        }
        if !problems.isEmpty {
            return CheckResult(.releaseTag, title: title, status: .failed, reason: problems.joined(separator: "; "), evidence: used, facts: tagFacts)
        }
        let kind = !tag.isAnnotated ? "lightweight"
            : facts.tagSignature.map { $0 == .unsigned ? "annotated" : "annotated, \($0.detail)" }
            ?? (tag.isSigned ? "annotated, carries a signature block (not verified: the policy lists no tag.signers)" : "annotated")
        return CheckResult(.releaseTag, title: title, status: .passed, reason: "\(tag.name) (\(kind)) names \(tag.commit?.short ?? "")", facts: tagFacts)
    }
}
