/// Escaping for where a string from a repository or from evidence goes (paths, tag names, test
/// names, reasons that quote them). Each output medium has one escaper, and every such string
/// passes through it.
public enum Escape {
    /// For a terminal or a log line: control characters (C0, DEL, C1), line and paragraph
    /// separators and bidirectional overrides become visible `\n`, `\t`, `\r` or `\u{1B}`, so a
    /// string can neither start a new line (a fake `::error::` workflow command, a fake check) nor
    /// move the cursor, clear the screen or reorder what is shown.
    public static func terminal(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(c): out += "\\u{\(String(c.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// For HTML text and attribute values: terminal escaping (nothing invisible, no bidirectional
    /// override, no line break of its own), then `&`, `<`, `>`, `"` and `'` as entities, scalar by
    /// scalar (a quote followed by a combining mark is one Swift `Character` but still a quote to
    /// a browser).
    public static func html(_ s: String) -> String {
        replacing(terminal(s)) { c in
            switch c {
            case "&", "<", ">": entity(c)
            case "\"": "&quot;"
            case "'": "&#39;"
            default: nil
            }
        }
    }

    /// For Markdown text (a table cell, a list item): terminal escaping (so no new line, hence no
    /// heading or list of its own), then `&`, `<`, `>` as entities (no HTML), and backslashes before
    /// the characters that make links, images, emphasis, code, strike-through, math or a new table
    /// cell (`\ ` * _ [ ] | ~ $`).
    public static func markdown(_ s: String) -> String {
        replacing(terminal(s)) { c in
            switch c {
            case "&", "<", ">": entity(c)
            case "\\", "`", "*", "_", "[", "]", "|", "~", "$": "\\" + String(c)
            default: nil
            }
        }
    }

    private static func entity(_ c: Unicode.Scalar) -> String {
        c == "&" ? "&amp;" : c == "<" ? "&lt;" : "&gt;"
    }

    /// The string with every scalar for which `replacement` returns a string replaced by it.
    private static func replacing(_ s: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if let r = replacement(c) { out += r } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// Markdown inline code for a string when that is safe (no backtick, no `|`, nothing
    /// `terminal` would escape), else the string as escaped Markdown text.
    public static func markdownCode(_ s: String) -> String {
        if !s.isEmpty, !s.contains("`"), !s.contains("|"), !s.unicodeScalars.contains(where: needsEscape) { return "`\(s)`" }
        return markdown(s)
    }

    /// For the message of a GitHub Actions workflow command (`::error::MESSAGE`): terminal
    /// escaping (one line, nothing invisible), then `%`, CR and LF as the runner expects them.
    public static func workflowMessage(_ s: String) -> String {
        terminal(s).replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// For a property of a workflow command (`::error title=VALUE::`): as `workflowMessage`, and
    /// `:` and `,`, which would end the property.
    public static func workflowProperty(_ s: String) -> String {
        workflowMessage(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || c.value == 0x7F || (0x80...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
            || (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
    }
}

/// Names as git compares them: byte for byte. Swift's `==` on `String` is canonical equivalence
/// (`"café"` written with `é` equals `"cafe\u{301}"`), which git does not have: two such tag names
/// are two tags.
public enum GitName {
    public static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
    /// A dictionary key that keeps names apart exactly as git does.
    public static func key(_ name: String) -> [UInt8] { Array(name.utf8) }
}
