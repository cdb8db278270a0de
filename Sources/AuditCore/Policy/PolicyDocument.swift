import Yams

/// Turning a policy's text into one YAML node tree, with Yams' errors told as policy errors.
extension PolicyReader {
    /// The YAML 1.2 core schema: only `true`/`false` are Booleans (YAML 1.1 also took `yes`, `no`,
    /// `on` and `off`), and no timestamps or merge keys.
    static func resolver() throws -> Resolver {
        try Resolver.default
            .replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$")
            .removing(.timestamp)
            .removing(.merge)
            .removing(.value)
    }

    /// Composes the single document of a policy text; an empty document, bad syntax and repeated keys throw.
    func compose(_ text: String) throws -> Node {
        try checkNesting(text)
        let resolver = try Self.resolver()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, resolver)
        } catch let error as YamlError {
            throw syntaxError(error, text: text, resolver: resolver)
        } catch {
            throw PolicyError.syntax(file: file, line: nil, message: oneLine(String(describing: error)))
        }
        // A bare `---` is a null document: as empty as no document at all.
        guard let root, !(root.tagName == .null && root.scalar != nil) else { throw PolicyError.empty(file: file) }
        return root
    }

    /// Refuses flow nesting (`[` and `{`) deeper than `maxNesting` with a plain message.
    ///
    /// Brackets inside double-quoted scalars are text, not nesting, and are not counted: so the
    /// canonical JSON of an accepted policy (`policy check --json`, every string double-quoted)
    /// always reads back, whatever its globs and paths hold. Elsewhere quoting is ignored, which
    /// over-counts; a stray `"` in a plain scalar or comment can make it under-count, and then
    /// libyaml's own limit (1,000 levels) still refuses the text.
    private func checkNesting(_ text: String) throws {
        var depth = 0
        var line = 1
        var inDoubleQuotes = false
        var escaped = false
        for c in text.unicodeScalars {
            if c == "\n" { line += 1 }
            if inDoubleQuotes {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inDoubleQuotes = false }
                continue
            }
            switch c {
            case "\"": inDoubleQuotes = true
            case "[", "{":
                depth += 1
                if depth > Self.maxNesting {
                    throw PolicyError.syntax(file: file, line: line, message: "nested deeper than \(Self.maxNesting) levels")
                }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
    }

    private func syntaxError(_ error: YamlError, text: String, resolver: Resolver) -> PolicyError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return .syntax(file: file, line: mark.line, message: oneLine(problem + detail))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { 1 + text.prefix($0).count(where: { $0 == "\n" || $0 == "\r\n" }) }
            return .syntax(file: file, line: line, message: oneLine(problem))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let name = duplicates.first ?? "?"
            if let repeated = locateRepeatedKey(name, firstAt: context.mark, in: text, resolver: resolver) {
                return .invalid(file: file, line: repeated.line, key: repeated.key,
                                message: "repeated key (first at line \(context.mark.line)); each key may appear once")
            }
            return .syntax(file: file, line: context.mark.line, message: "repeated key \"\(name)\"; each key may appear once")
        default:
            return .syntax(file: file, line: nil, message: oneLine(String(describing: error)))
        }
    }

    /// Finds the full key (`source.match`) and the line of the second occurrence of a repeated key.
    ///
    /// Yams reports only the first occurrence's position. Marking that key with a character no
    /// policy uses and composing again shows where it sits in the tree; the unmarked key of the same
    /// name in that mapping is the repetition. Nil when that does not work out.
    private func locateRepeatedKey(_ name: String, firstAt mark: Mark, in text: String, resolver: Resolver) -> (key: String, line: Int)? {
        let marker: Unicode.Scalar = "\u{E000}"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        guard (1...lines.count).contains(mark.line) else { return nil }
        var column = mark.column - 1
        guard (0..<lines[mark.line - 1].count).contains(column) else { return nil }
        if lines[mark.line - 1][column] == "\"" || lines[mark.line - 1][column] == "'" { column += 1 }
        lines[mark.line - 1].insert(marker, at: column)
        let marked = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
        guard let root = try? Yams.compose(yaml: marked, resolver) else { return nil }

        var budget = 10_000  // aliases can make a small text a huge tree; stop early rather than walk it all
        func find(_ node: Node, _ path: String) -> (key: String, line: Int)? {
            budget -= 1
            guard budget > 0 else { return nil }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    let keyName = key.string ?? ""
                    let full = path.isEmpty ? keyName : "\(path).\(keyName)"
                    if keyName.unicodeScalars.first == marker {
                        let repetition = mapping.first { $0.key.string == name }
                        return (path.isEmpty ? name : "\(path).\(name)", repetition?.key.mark?.line ?? mark.line)
                    }
                    if let found = find(value, full) { return found }
                }
            case .sequence(let items):
                for (index, item) in items.enumerated() {
                    if let found = find(item, "\(path)[\(index)]") { return found }
                }
            case .scalar, .alias:
                break
            }
            return nil
        }
        return find(root, "")
    }

    private func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension Node {
    /// The node's resolved tag name, such as `tag:yaml.org,2002:str` (Yams keeps `Tag.name` internal).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
