import Foundation

/// Turns an audit report into a signed in-toto statement, and reads one back.
public enum ReportStatement {
    /// The statement's subjects: the release commit (named `git+<repository>@<ref>`) and the artifacts.
    public static func subjects(for report: AuditReport) -> [ResourceDescriptor] {
        var subjects: [ResourceDescriptor] = []
        if let commit = report.release.commit {
            var digest = ["gitCommit": commit]
            if let tree = report.release.tree { digest["gitTree"] = tree }
            let repository = report.release.repository ?? "_"
            let name = report.release.ref.map { "git+\(repository)@\($0)" } ?? "git+\(repository)"
            subjects.append(ResourceDescriptor(name: name, digest: digest))
        }
        for artifact in report.artifacts {
            subjects.append(ResourceDescriptor(name: artifact.name, digest: ["sha256": artifact.sha256]))
        }
        return subjects
    }

    /// The statement to sign: the subjects, our predicate type, and the report as the predicate.
    public static func statement(for report: AuditReport) throws -> Statement {
        let subjects = subjects(for: report)
        guard !subjects.isEmpty else { throw InputProblem("the release has no commit: nothing to make a report about") }
        // Encode the report once, then carry it as a JSON value so the statement has one serializer.
        let predicate = try JSONOutput.tree(report)
        return Statement(subjects: subjects, predicateType: AuditReport.predicateType, predicate: predicate)
    }

    /// Signs a report into a DSSE envelope (one line of JSON).
    public static func sign(_ report: AuditReport, with key: SigningKey) throws -> DSSEEnvelope {
        try DSSEEnvelope.sign(payload: try statement(for: report).jsonData(), keys: [key])
    }

    /// A verified report: the envelope checked, then exactly the verified bytes parsed.
    public struct Verified: Sendable {
        public var report: AuditReport
        public var subjects: [ResourceDescriptor]
        public var signerKeyIDs: [String]
        public var sha256: String
    }

    /// Why a report could not be accepted.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case signature(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .signature(let why): return "the report's signature does not verify: \(why)"
            case .malformed(let why): return "the report is malformed: \(why)"
            }
        }
    }

    /// Verifies a report envelope with trusted keys and reads it.
    ///
    /// - Throws: `Failure.signature` (a finding: exit 1) or `Failure.malformed`.
    public static func verify(_ loaded: LoadedEnvelope, trustedKeys: [PublicKey], threshold: Int = 1) throws -> Verified {
        let verification = loaded.envelope.verify(trustedKeys: trustedKeys, threshold: threshold)
        guard verification.isValid, let payload = verification.verifiedPayload else {
            throw Failure.signature(EvidenceVerifier.describeFailure(loaded.envelope, verification, trustedKeys: trustedKeys, threshold: threshold))
        }
        let statement: Statement
        do {
            statement = try Statement.parse(payload)
        } catch {
            throw Failure.malformed(String(describing: error))
        }
        guard statement.predicateType == AuditReport.predicateType else {
            throw Failure.malformed("predicateType is \(statement.predicateType), expected \(AuditReport.predicateType)")
        }
        do {
            // StrictJSON already accepted these exact bytes (no duplicate keys), so the decoder reads the same values.
            struct Body: Decodable { var predicate: AuditReport }
            let body = try JSONDecoder().decode(Body.self, from: payload)
            return Verified(report: body.predicate, subjects: statement.subjects,
                            signerKeyIDs: verification.acceptedKeys.map(\.keyID), sha256: loaded.sha256)
        } catch {
            throw Failure.malformed("the predicate is not an audit report: \(error)")
        }
    }
}
