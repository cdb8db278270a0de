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

    /// Composes the single document of a policy text; an empty document, bad syntax, repeated keys,
    /// keys that are not plain scalars, anchors and aliases throw.
    ///
    /// Yams hashes every key of every mapping, so a key that is an alias of aliases of ... costs
    /// nine times more per level (a few hundred bytes took minutes), and keys that are lists or
    /// mappings holding more of them cost their depth times their size. Neither reaches Yams:
    /// `PolicyTextScreen` refuses anchors, aliases and such keys first. And no alias could be
    /// expanded anyway: libyaml reads `*` as an alias only where a token starts, so Yams is given
    /// the text with every `*` replaced by a character the text does not hold (`DefusedStars`),
    /// which has no alias left and otherwise the same tokens. Values get their `*` back.
    func compose(_ text: String) throws -> Node {
        try checkNesting(text)
        let resolver = try Self.resolver()
        let defused = DefusedStars(text)
        if let forbidden = PolicyTextScreen.firstForbidden(in: defused.text, star: defused.star) {
            let message: String
            switch forbidden.finding {
            case .anchorOrAlias: message = Self.anchorsAndAliases
            case .explicitKey: message = "a key must be a plain name, found an explicit key (? key); write key: value"
            case .collectionKey(let isMapping): message = "a key must be a plain name, found \(isMapping ? "a mapping" : "a list")"
            case .tooManyTokens:
                message = "more than \(PolicyTextScreen.maxTokens) names, values and marks (: - , [ ] { }); a policy is a short file"
            }
            throw PolicyError.invalid(file: file, line: forbidden.line, key: "", message: message)
        }
        var root: Node?
        var refused: (line: Int, key: String)?
        do {
            let parser = try Parser(yaml: defused.text, resolver: resolver)
            root = try parser.singleRoot()
            // Nodes hold their anchors weakly; the parser keeps them alive.
            refused = withExtendedLifetime(parser) { root.flatMap { firstAnchorOrAlias(in: $0, at: "", defused) } }
        } catch let error as YamlError {
            throw syntaxError(error, text: defused.text, resolver: resolver, defused)
        } catch {
            throw PolicyError.syntax(file: file, line: nil, message: defused.restore(oneLine(String(describing: error))))
        }
        // The screen refused these already; this holds even if it missed one.
        if let refused { throw PolicyError.invalid(file: file, line: refused.line, key: refused.key, message: Self.anchorsAndAliases) }
        // A bare `---` is a null document: as empty as no document at all.
        guard let root, !(root.tagName == .null && root.scalar != nil) else { throw PolicyError.empty(file: file) }
        return defused.restore(root)
    }

    private static let anchorsAndAliases = "anchors and aliases (&name, *name) are not allowed in a policy: write the value out"

    /// The line and the full key of the first node, in document order, that has an anchor or was an alias.
    private func firstAnchorOrAlias(in node: Node, at path: String, _ defused: DefusedStars) -> (line: Int, key: String)? {
        if node.anchor != nil || defused.wasAlias(node) { return (node.mark?.line ?? 1, defused.restore(path)) }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let found = firstAnchorOrAlias(in: key, at: path, defused) { return found }
                let name = key.scalar?.string ?? ""
                if let found = firstAnchorOrAlias(in: value, at: path.isEmpty ? name : "\(path).\(name)", defused) { return found }
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                if let found = firstAnchorOrAlias(in: item, at: "\(path)[\(index)]", defused) { return found }
            }
        case .scalar, .alias:
            break
        }
        return nil
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

    /// The policy error for a Yams error about `text` (the defused text: keys and messages get their `*` back).
    private func syntaxError(_ error: YamlError, text: String, resolver: Resolver, _ defused: DefusedStars) -> PolicyError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return .syntax(file: file, line: mark.line, message: defused.restore(oneLine(problem + detail)))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { 1 + text.prefix($0).count(where: { $0 == "\n" || $0 == "\r\n" }) }
            return .syntax(file: file, line: line, message: defused.restore(oneLine(problem)))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let name = duplicates.first ?? "?"
            if let repeated = locateRepeatedKey(name, firstAt: context.mark, in: text, resolver: resolver) {
                return .invalid(file: file, line: repeated.line, key: defused.restore(repeated.key),
                                message: "repeated key (first at line \(context.mark.line)); each key may appear once")
            }
            return .syntax(file: file, line: context.mark.line, message: "repeated key \"\(defused.restore(name))\"; each key may appear once")
        default:
            return .syntax(file: file, line: nil, message: defused.restore(oneLine(String(describing: error))))
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

/// A policy text with every `*` replaced by a character it does not hold, so that libyaml finds
/// no alias in it, and the way back for what Yams reads from it.
///
/// Everywhere but at the start of a token, `*` is an ordinary character, as the stand-in is: in
/// plain, quoted and block scalars, comments, and the tag and directive characters no policy
/// uses (where the stand-in, not ASCII, is refused). At the start of a token `*` is an alias, and
/// the stand-in starts a plain scalar instead.
struct DefusedStars {
    /// The text Yams reads.
    let text: String
    /// What stands for `*`, nil when the text has none.
    let star: Unicode.Scalar?

    init(_ original: String) {
        guard original.unicodeScalars.contains("*") else {
            text = original
            star = nil
            return
        }
        let unavailable = Self.charactersNamed(in: original)
        // Private-use characters, after U+E000 (the repeated-key marker); a text within
        // PolicyReader.maxBytes cannot hold them all.
        let candidates = [0xE001...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD].lazy.joined().compactMap(Unicode.Scalar.init)
        let star = candidates.first { !unavailable.contains($0) } ?? "\u{E001}"
        self.star = star
        text = String(String.UnicodeScalarView(original.unicodeScalars.map { $0 == "*" ? star : $0 }))
    }

    /// The characters a text holds, or names with a `\u` or `\U` escape (which a double-quoted
    /// scalar turns into the character).
    private static func charactersNamed(in text: String) -> Set<Unicode.Scalar> {
        let scalars = Array(text.unicodeScalars)
        var found = Set(scalars)
        for (index, scalar) in scalars.enumerated() where scalar == "\\" && index + 1 < scalars.count {
            let digits = scalars[index + 1] == "u" ? 4 : scalars[index + 1] == "U" ? 8 : 0
            guard digits > 0, index + 1 + digits < scalars.count else { continue }
            let hex = String(String.UnicodeScalarView(scalars[(index + 2)...(index + 1 + digits)]))
            if let value = UInt32(hex, radix: 16), let named = Unicode.Scalar(value) { found.insert(named) }
        }
        return found
    }

    /// Whether a node Yams read was an alias in the original text.
    func wasAlias(_ node: Node) -> Bool {
        guard let star, case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return scalar.string.unicodeScalars.first == star
    }

    /// A string read from `text` as it was in the original.
    func restore(_ string: String) -> String {
        guard let star, string.unicodeScalars.contains(star) else { return string }
        return String(String.UnicodeScalarView(string.unicodeScalars.map { $0 == star ? "*" : $0 }))
    }

    /// A node tree read from `text` as it would have been read from the original (which has no alias).
    func restore(_ node: Node) -> Node {
        guard star != nil else { return node }
        switch node {
        case .scalar(let scalar):
            // A new scalar, not a changed one: setting `string` would reset the tag to Yams' default resolver.
            return .scalar(Node.Scalar(restore(scalar.string), scalar.tag, scalar.style, scalar.mark))
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { (restore($0.key), restore($0.value)) }, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(restore), sequence.tag, sequence.style, sequence.mark))
        case .alias:
            return node
        }
    }
}
