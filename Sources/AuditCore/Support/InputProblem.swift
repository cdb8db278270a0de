/// A problem with a command's own input (a file, a flag, the repository's state) that stops it
/// before it can audit: one line on stderr and exit status 2, with what to do about it.
/// Used by the core and the CLI alike; "the audit found a problem" is never this type.
public struct InputProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
