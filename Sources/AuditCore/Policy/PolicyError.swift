/// Why a policy could not be used. Every description is one line that starts with the file
/// (and, where there is one, the line and the key), so the user can go straight to the problem.
public enum PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name is not a preset and no file exists at that path.
    case notFound(String)
    /// The file exists but could not be read, or is not UTF-8 text.
    case unreadable(file: String, reason: String)
    /// The file holds no YAML or JSON document (it is empty, or only comments).
    case empty(file: String)
    /// The text is not well-formed YAML or JSON (including a repeated key).
    case syntax(file: String, line: Int?, message: String)
    /// A key or value is not what the policy format allows: an unknown key, a wrong type, a bad
    /// glob, tag pattern or duration, a missing `version`, or keys that contradict each other.
    case invalid(file: String, line: Int, key: String, message: String)

    public var description: String {
        switch self {
        case .notFound(let name):
            let presets = PolicyPresets.names.joined(separator: ", ")
            return "no policy \"\(name)\": not a preset (\(presets)) and no such file; give a preset name or a path to a .yml, .yaml or .json file"
        case .unreadable(let file, let reason):
            return "\(file): cannot read the policy: \(reason)"
        case .empty(let file):
            return "\(file): the policy is empty; it needs at least \"version: 1\""
        case .syntax(let file, let line, let message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): not valid YAML or JSON: \(message)"
        case .invalid(let file, let line, let key, let message):
            return key.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(key): \(message)"
        }
    }
}
