import Foundation
import GitFacts

/// An audit report read from the reports directory or a git note, verified or not.
public struct StoredReport: Sendable {
    /// Where it was read: a file path (`path#line` in a bundle), or `notes:<commit>#<line>`.
    public var source: String
    public var sha256: String
    /// The tag the report names. For an unverified report this is read from the unverified
    /// payload, only to say which release it claims to be about; nothing else in it is used.
    public var tag: String
    /// The verified report, or nil when the signature was not accepted.
    public var verified: ReportStatement.Verified?
    /// Why the signature was not accepted.
    public var signatureProblem: String?
}

/// Finds audit reports: every envelope in `*.json` files of a directory, and the report lines of
/// the git note on a commit. Envelopes are attributed to tags by the tag their report names, never
/// by file name.
public struct StoredReports {
    /// The keys whose signatures make a report trusted (the policy's auditor keys and `--trusted-key`).
    public var keys: [PublicKey]
    public var threshold: Int

    public init(keys: [PublicKey], threshold: Int) {
        self.keys = keys
        self.threshold = threshold
    }

    /// Every report in the `*.json` files directly in `directory`, and what was not a report.
    ///
    /// - Throws: `InputProblem` when the directory cannot be listed.
    public func read(directory: String) throws -> (reports: [StoredReport], ignored: [ReleaseHistory.IgnoredReport]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw InputProblem("cannot read the reports directory \(directory): \((error as NSError).localizedDescription)")
        }
        var reports: [StoredReport] = []
        var ignored: [ReleaseHistory.IgnoredReport] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let envelopes: [LoadedEnvelope]
            do {
                envelopes = try EvidenceSource.load(path: path)
            } catch {
                ignored.append(.init(source: path, reason: String(describing: error)))
                continue
            }
            for loaded in envelopes {
                switch classify(loaded) {
                case .report(let report): reports.append(report)
                case .notAReport(let reason): ignored.append(.init(source: loaded.source, reason: reason))
                }
            }
        }
        return (reports, ignored)
    }

    /// The reports in the git note on a commit; lines that are not audit reports (evidence, or not
    /// an envelope at all) are skipped.
    public func read(notesOn commit: ObjectID, in repo: Repository) throws -> [StoredReport] {
        guard let note = try repo.note(on: commit) else { return [] }
        var reports: [StoredReport] = []
        for (index, line) in note.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Data(line.utf8)
            guard line.contains("payload"), let envelope = try? DSSEEnvelope(parsing: bytes) else { continue }
            let loaded = LoadedEnvelope(source: "notes:\(commit.hex)#\(index + 1)", bytes: bytes, sha256: sha256Hex(bytes), envelope: envelope)
            if case .report(let report) = classify(loaded) { reports.append(report) }
        }
        return reports
    }

    enum Classified {
        case report(StoredReport)
        case notAReport(String)
    }

    /// Verifies an envelope as an audit report with the trusted keys; when the signature is not
    /// accepted, reads which tag it claims to be about (and nothing else) from the unverified payload.
    func classify(_ loaded: LoadedEnvelope) -> Classified {
        guard loaded.envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            return .notAReport("a \(loaded.envelope.payloadType) payload, not an in-toto statement")
        }
        do {
            let verified = try ReportStatement.verify(loaded, trustedKeys: keys, threshold: threshold)
            guard let tag = verified.report.release.tag else { return .notAReport("an audit report of a revision, not of a tag") }
            return .report(StoredReport(source: loaded.source, sha256: loaded.sha256, tag: tag, verified: verified))
        } catch ReportStatement.Failure.signature(let why) {
            guard let statement = try? Statement.parse(loaded.envelope.payload) else { return .notAReport("not an in-toto statement") }
            guard statement.predicateType == AuditReport.predicateType else {
                return .notAReport("a \(statement.predicateType) statement, not an audit report")
            }
            guard let tag = statement.predicate["release"]?["tag"]?.stringValue else {
                return .notAReport("an audit report of a revision, not of a tag")
            }
            return .report(StoredReport(source: loaded.source, sha256: loaded.sha256, tag: tag, verified: nil, signatureProblem: why))
        } catch {
            // Signed by trusted keys, but not a report this version reads (evidence, say).
            return .notAReport(String(describing: error))
        }
    }
}
