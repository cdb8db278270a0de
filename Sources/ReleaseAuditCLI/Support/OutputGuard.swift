import ArgumentParser
import Foundation

/// Keeps a run from writing over its own inputs: `--force` replaces an earlier output, never the
/// evidence, policy or key the same run reads (which would lose them, or leave a key world-readable).
enum OutputGuard {
    /// Throws a usage error when an output path names the same file as an input path (symbolic
    /// links and `..` resolved). `env:NAME` keys and preset names are not files and never match.
    static func refuse(outputs: [(flag: String, path: String?)], inputs: [(flag: String, path: String)]) throws {
        let files = inputs.filter { !$0.path.hasPrefix("env:") && !$0.path.isEmpty }.map { ($0.flag, canonical($0.path)) }
        for output in outputs {
            guard let path = output.path, path != "-", !path.isEmpty else { continue }
            let target = canonical(path)
            if let input = files.first(where: { $0.1 == target }) {
                throw ValidationError("\(output.flag) \(path) is this run's own \(input.0) input: write the output somewhere else")
            }
        }
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
