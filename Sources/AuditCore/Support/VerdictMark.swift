/// The one mark every output puts beside a verdict, a check status or a finding: an emoji where
/// Markdown is read (job summaries, issues), a plain symbol in HTML. Always next to the word it
/// marks, so nothing is told by the mark (or its colour) alone.
public enum VerdictMark: Sendable {
    case good, note, bad, neutral

    /// For Markdown: ✅ ⚠️ ❌ ➖.
    public var emoji: String {
        switch self {
        case .good: "✅"
        case .note: "⚠️"
        case .bad: "❌"
        case .neutral: "➖"
        }
    }

    /// For HTML and text: ✓ ! ✗ –.
    public var symbol: String {
        switch self {
        case .good: "✓"
        case .note: "!"
        case .bad: "✗"
        case .neutral: "–"
        }
    }
}

extension CheckStatus {
    public var mark: VerdictMark {
        switch self {
        case .passed: .good
        case .warned: .note
        case .failed: .bad
        case .skipped: .neutral
        }
    }
}

extension AuditReport.Verdict {
    public var mark: VerdictMark { self == .passed ? .good : .bad }
}

extension ReleaseVerdict {
    public var mark: VerdictMark {
        switch self {
        case .clean: .good
        case .noted: .note
        case .failed: .bad
        }
    }
}

extension Finding {
    /// A finding that fails its release, or one that only notes.
    public var mark: VerdictMark { fails ? .bad : .note }
}
