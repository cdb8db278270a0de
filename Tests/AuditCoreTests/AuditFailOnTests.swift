import AuditCore
import Testing

/// `--fail-on`: parsing, and which findings fail under which policy by default.
@Suite struct AuditFailOnTests {
    @Test func findingIdsAreStable() {
        // docs/audit.md documents these ids; renaming one breaks every --fail-on in the wild.
        #expect(FindingKind.allCases.map(\.rawValue) == [
            "missing-report", "untrusted-report", "failed-report", "tag-moved", "tag-recreated", "policy-changed",
            "report-other-repository", "untrusted-evidence", "no-rc", "rc-after-ga", "rc-diverged", "rc-disallowed-paths", "rc-mismatch",
            "lightweight-tag", "unsigned-tag", "unverified-tag-signature", "bad-tag-signature", "release-altered", "tag-not-commit",
            "not-on-release-branch",
        ])
    }

    @Test func theDefaultLeavesOutInformationalFindings() throws {
        let plain = Policy()
        let failing = FailOn.default.failing(under: plain)
        #expect(failing == Set(FindingKind.allCases).subtracting([.rcAfterGA, .noRC, .lightweightTag, .unverifiedTagSignature]))

        var strict = Policy()
        strict.rc.match = .sameCommit
        strict.tag.annotated = true
        let strictFailing = FailOn.default.failing(under: strict)
        #expect(strictFailing.contains(.noRC))
        #expect(strictFailing.contains(.lightweightTag))
        #expect(!strictFailing.contains(.rcAfterGA))
        // A report under a policy the audit's does not accept never counts quietly.
        #expect(strictFailing.contains(.policyChanged) && failing.contains(.policyChanged))
    }

    @Test func parsesListsAllNoneAndDefault() throws {
        #expect(try FailOn(parsing: "all").failing(under: Policy()) == Set(FindingKind.allCases))
        #expect(try FailOn(parsing: "none").failing(under: Policy()).isEmpty)
        #expect(try FailOn(parsing: "missing-report, tag-moved").failing(under: Policy()) == [.missingReport, .tagMoved])
        let withDefault = try FailOn(parsing: "default,policy-changed").failing(under: Policy())
        #expect(withDefault.contains(.policyChanged) && withDefault.contains(.missingReport) && !withDefault.contains(.rcAfterGA))
        for bad in ["", "nope", "missing-report,", "none,default", "Missing-Report"] {
            #expect(throws: InputProblem.self, "\(bad)") { try FailOn(parsing: bad) }
        }
    }
}
