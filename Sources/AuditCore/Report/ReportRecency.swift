import Foundation

/// Which of several trusted reports about one release is judged: the newest. `auditedAt` has
/// one-second resolution and the order of note lines is whatever the notes' writer made it, so a
/// tie goes to the worse verdict (a re-gate that FAILED in the same second as a PASSED one must
/// not lose to it), and a report dated in the future cannot be trusted to be the newest at all.
public enum ReportRecency {
    /// How far ahead of this machine's clock a report's time may be (clock skew between runners).
    public static let allowedSkew: TimeInterval = 300

    /// Whether `a` is judged before `b`: later `auditedAt` first, then FAILED before PASSED.
    /// An unreadable time counts as the distant past.
    public static func isNewer(_ a: AuditReport, than b: AuditReport) -> Bool {
        let (da, db) = (Timestamp.date(a.auditedAt) ?? .distantPast, Timestamp.date(b.auditedAt) ?? .distantPast)
        if da != db { return da > db }
        return rank(a.verdict) > rank(b.verdict)
    }

    /// Whether the report claims a time after `now` (beyond the allowed skew).
    public static func isFromTheFuture(_ report: AuditReport, now: Date = Date()) -> Bool {
        guard let date = Timestamp.date(report.auditedAt) else { return false }
        return date > now.addingTimeInterval(allowedSkew)
    }

    private static func rank(_ verdict: AuditReport.Verdict) -> Int { verdict == .passed ? 0 : 1 }
}
