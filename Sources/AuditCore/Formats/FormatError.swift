import Foundation

/// Why a statement, predicate or test report was rejected: one line naming the field or file at fault.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is bigger than the limit for its kind (`what` says which kind).
    case tooLarge(what: String, size: Int, limit: Int)
    /// The payload is not JSON (the strict parser's message).
    case invalidJSON(String)
    /// A required field is absent (or null).
    case missingField(path: String)
    /// A field has the wrong JSON type.
    case wrongType(path: String, expected: String, found: String)
    /// A field has a value that is not allowed; `reason` says what is expected.
    case invalidValue(path: String, reason: String)
    /// The evidence names no git commit, so it cannot be tied to a source.
    case noGitCommit(what: String)
    /// Two places in one statement name different source commits.
    case ambiguousSourceCommit(String)
    /// A JUnit XML file cannot be used; `line` is where the problem is, when known.
    case invalidJUnit(file: String, line: Int?, reason: String)
    /// A well-formed JUnit XML file holds no test case: nothing ran, so nothing passed.
    case noTestCases(file: String)

    public var description: String {
        switch self {
        case .tooLarge(let what, let size, let limit):
            return "\(what) is \(size) bytes, over the limit of \(limit) bytes"
        case .invalidJSON(let message):
            return "statement payload is not valid JSON: \(message)"
        case .missingField(let path):
            return "\(path): missing required field"
        case .wrongType(let path, let expected, let found):
            return "\(path): expected \(expected), found \(found)"
        case .invalidValue(let path, let reason):
            return "\(path): \(reason)"
        case .noGitCommit(let what):
            return "\(what) names no git commit: it cannot be tied to a source revision"
        case .ambiguousSourceCommit(let detail):
            return "ambiguous source commit: \(detail); refusing to pick one"
        case .invalidJUnit(let file, let line, let reason):
            if let line { return "\(file):\(line): \(reason)" }
            return "\(file): \(reason)"
        case .noTestCases(let file):
            return "no test cases in \(file): check that the test run wrote its report there"
        }
    }
}
