import ArgumentParser

/// The exit codes every command uses; documented in the README.
public enum ExitStatus {
    /// The audit passed (or the command did what it was asked).
    public static let passed: Int32 = 0
    /// The audit ran and found a problem.
    public static let problem: Int32 = 1
    /// The audit could not run: the command's own input is unusable.
    public static let cannotAudit: Int32 = 2
    /// The command line itself is wrong (ArgumentParser's validation failure, EX_USAGE).
    public static let usage: Int32 = 64
}
