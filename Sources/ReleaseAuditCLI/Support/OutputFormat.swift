import ArgumentParser

/// `--format` for commands that print a report.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}
