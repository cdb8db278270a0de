import ArgumentParser
import AuditCore
import Foundation

/// Writes diagnostics to stderr, and GitHub Actions workflow commands when running there.
enum Diagnostics {
    /// Whether we run inside GitHub Actions (annotations and step summaries are written).
    static var inGitHubActions: Bool {
        ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
    }

    /// Prints one line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A one-line error on stderr (`release-audit: error: ...`), plus an `::error::` annotation under GitHub Actions.
    static func error(_ message: String) {
        let oneLine = Escape.terminal(message.replacingOccurrences(of: "\n", with: " "))
        printError("release-audit: error: \(oneLine)")
        if inGitHubActions { workflowCommand("::error::\(Escape.workflowMessage(oneLine))") }
    }

    /// A one-line warning on stderr, plus a `::warning::` annotation under GitHub Actions.
    static func warning(_ message: String) {
        let oneLine = Escape.terminal(message.replacingOccurrences(of: "\n", with: " "))
        printError("release-audit: warning: \(oneLine)")
        if inGitHubActions { workflowCommand("::warning::\(Escape.workflowMessage(oneLine))") }
    }

    /// Prints a GitHub Actions workflow command (`::error ...::message`). The runner reads workflow
    /// commands from stderr as well as stdout; stderr keeps stdout for the command's own output
    /// (the JSON of `--format json`, the envelope of `--out -`), which annotations would corrupt.
    static func workflowCommand(_ line: String) {
        printError(line)
    }

    /// Under GitHub Actions: an `::error` annotation per FAILED check and a `::warning` per WARNED one.
    static func annotate(_ checks: [CheckResult]) {
        guard inGitHubActions else { return }
        for check in checks where check.status == .failed || check.status == .warned {
            let kind = check.status == .failed ? "error" : "warning"
            workflowCommand("::\(kind) title=\(Escape.workflowProperty("release-audit \(check.id)"))::\(Escape.workflowMessage(check.reason))")
        }
    }

    /// Appends step outputs to `$GITHUB_OUTPUT` when it is set, in GitHub's multi-line form
    /// (`name<<DELIMITER`, the value, `DELIMITER`) with a random delimiter, so no value (a tag
    /// name, a path) can end its own entry and add outputs of its own. Failures are warnings.
    static func setOutputs(_ outputs: KeyValuePairs<String, String>) {
        guard let path = ProcessInfo.processInfo.environment["GITHUB_OUTPUT"], !path.isEmpty else { return }
        var text = ""
        for (name, value) in outputs {
            var delimiter = "release_audit_\(UUID().uuidString)"
            while value.contains(delimiter) { delimiter = "release_audit_\(UUID().uuidString)" }
            text += "\(name)<<\(delimiter)\n\(value)\n\(delimiter)\n"
        }
        append(text, toFileIn: "GITHUB_OUTPUT", at: path)
    }

    /// Appends Markdown to `$GITHUB_STEP_SUMMARY` when it is set; failures to write are warnings.
    static func appendStepSummary(_ markdown: String) {
        guard let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        append(markdown + "\n", toFileIn: "GITHUB_STEP_SUMMARY", at: path)
    }

    /// Appends to a file the runner named in `variable`. The throwing FileHandle calls, so a
    /// failed write (a full disk, a directory) is a warning, not a crash.
    private static func append(_ text: String, toFileIn variable: String, at path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            warning("cannot append to \(variable) at \(path)")
            return
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            warning("cannot append to \(variable) at \(path): \(error.localizedDescription)")
        }
    }
}

/// Runs a command body, turning errors into a one-line message and the documented exit code.
///
/// `ExitCode` and ArgumentParser errors pass through unchanged; every other error means the
/// command's input could not be used, so it becomes exit status 2.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ValidationError {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        Diagnostics.error(String(describing: error))
        throw ExitCode(ExitStatus.cannotAudit)
    }
}
