/// Identity of this tool, as written into every record and report it produces.
public enum ToolInfo {
    /// The tool's name.
    public static let name = "release-audit"
    /// The tool's version (semantic versioning).
    public static let version = "0.1.0"
    /// The URI that identifies this tool as a verifier or recorder in attestations.
    public static let uri = "https://github.com/release-audit/release-audit"
}
