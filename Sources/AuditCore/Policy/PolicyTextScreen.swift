/// Finds, before Yams composes a policy text, the first thing in it a policy may not hold: an
/// anchor, an alias, an explicit key (`? key`), a list or mapping used as a key (`[a, b]: v`,
/// `{[a]}`), or more tokens than any policy needs.
///
/// Yams hashes every key of every mapping, a list or mapping key with all it holds, so an alias
/// of aliases of ... used as a key costs nine times more per level, and keys nested in keys cost
/// their depth times their size: a few hundred bytes took minutes, 64 KiB of nested keys seconds.
/// A policy's keys are plain names and it needs no anchors, so all of these are refused first.
///
/// This follows libyaml 0.2.5's scanner (the one Yams builds, `scanner.c`), keeping only what
/// decides where tokens start and end: flow level, block indentation, simple keys. It runs on the
/// text Yams is given, and has to be exact only until libyaml's first error (libyaml reads no
/// further); it stops where it sees one.
struct PolicyTextScreen {
    /// What was found.
    enum Finding: Equatable {
        /// `&name` or `*name`.
        case anchorOrAlias
        /// `? key`.
        case explicitKey
        /// A flow list (`[`) or mapping (`{`) as a key.
        case collectionKey(isMapping: Bool)
        /// More than `maxTokens` tokens.
        case tooManyTokens
    }

    /// Yams takes some microseconds a node, so a policy has at most this many tokens (names,
    /// values, and `:`, `-`, `,`, `[`, `]`, `{`, `}`), which keeps any text read in milliseconds.
    /// Real policies have a few hundred.
    static let maxTokens = 5_000

    /// A place where a simple key (`key: value` without `?`) may start, one per flow level.
    private struct SimpleKey {
        var possible = false
        var index = 0, line = 0, column = 0
        /// The token it starts at.
        var token = 0
        /// Whether that token (or the one after its tag or anchor) opens a list (false) or mapping (true).
        var collection: Bool?
    }

    private let text: [Unicode.Scalar]
    /// What stands for `*` in the text (`DefusedStars`): a plain scalar that starts with it was an alias.
    private let star: Unicode.Scalar?
    private var index = 0, line = 0, column = 0
    /// One per open flow collection: whether it is a mapping.
    private var flows: [Bool] = []
    private var indent = -1
    private var indents: [Int] = []
    private var simpleKeyAllowed = true
    private var simpleKeys = [SimpleKey()]
    private var tokens = 0
    private var failed = false

    private init(_ text: String, star: Unicode.Scalar?) {
        self.text = Array(text.unicodeScalars)
        self.star = star
    }

    /// The first anchor, alias or key that is not a plain scalar, and its line (1-based); nil when
    /// there is none before the end or libyaml's first error.
    static func firstForbidden(in text: String, star: Unicode.Scalar?) -> (finding: Finding, line: Int)? {
        var screen = PolicyTextScreen(text, star: star)
        return screen.run()
    }

    private mutating func run() -> (finding: Finding, line: Int)? {
        var properties: Int?  // the first of the tags just before, when the previous token was one
        var mappingEntry = false  // the next node starts an entry of a flow mapping: a key
        while !failed {
            scanToNextToken()
            staleSimpleKeys()
            unrollIndent(column)
            guard let c = at(0) else { return nil }
            if tokens == Self.maxTokens { return (.tooManyTokens, line + 1) }
            let propertiesBefore = properties, atEntry = mappingEntry
            properties = nil
            mappingEntry = false
            defer { tokens += 1 }

            if column == 0 && c == "%" {
                // A directive runs to the end of its line, break included.
                unrollIndent(-1)
                simpleKeys[simpleKeys.count - 1].possible = false
                simpleKeyAllowed = false
                while !isBreakZ(0) { skip() }
                if isBreak(0) { skipLine() }
            } else if column == 0 && (isRepeated("-") || isRepeated(".")) && isBlankZ(3) {
                unrollIndent(-1)
                simpleKeys[simpleKeys.count - 1].possible = false
                simpleKeyAllowed = false
                skip(); skip(); skip()
            } else if c == "[" || c == "{" {
                if atEntry { return (.collectionKey(isMapping: c == "{"), line + 1) }
                let top = simpleKeys.count - 1
                if simpleKeyAllowed {
                    saveSimpleKey(collection: c == "{")
                } else if let first = propertiesBefore, simpleKeys[top].possible, simpleKeys[top].token == first {
                    simpleKeys[top].collection = c == "{"  // `!tag [a]: b`: the key starts at the tag
                }
                flows.append(c == "{")
                simpleKeys.append(SimpleKey())
                simpleKeyAllowed = true
                mappingEntry = c == "{"
                skip()
            } else if c == "]" || c == "}" {
                simpleKeys[simpleKeys.count - 1].possible = false
                if !flows.isEmpty {
                    flows.removeLast()
                    simpleKeys.removeLast()
                }
                simpleKeyAllowed = false
                skip()
            } else if c == "," {
                simpleKeys[simpleKeys.count - 1].possible = false
                simpleKeyAllowed = true
                mappingEntry = flows.last == true
                skip()
            } else if c == "-" && isBlankZ(1) {
                if flows.isEmpty { rollIndent(column) }
                simpleKeys[simpleKeys.count - 1].possible = false
                simpleKeyAllowed = true
                skip()
            } else if c == "?" && (!flows.isEmpty || isBlankZ(1)) {
                return (.explicitKey, line + 1)
            } else if c == ":" && (!flows.isEmpty || isBlankZ(1)) {
                let key = simpleKeys[simpleKeys.count - 1]
                if key.possible {
                    if let isMapping = key.collection { return (.collectionKey(isMapping: isMapping), key.line + 1) }
                    rollIndent(key.column)
                    simpleKeys[simpleKeys.count - 1].possible = false
                    simpleKeyAllowed = false
                } else {
                    if flows.isEmpty { rollIndent(column) }
                    simpleKeyAllowed = flows.isEmpty
                }
                skip()
            } else if c == "&" || c == "*" || c == star {
                return (.anchorOrAlias, line + 1)
            } else if c == "!" {
                // A tag belongs to the node after it.
                saveSimpleKey(collection: nil)
                simpleKeyAllowed = false
                skipTag()
                properties = propertiesBefore ?? tokens
                mappingEntry = atEntry
            } else if (c == "|" || c == ">") && flows.isEmpty {
                simpleKeys[simpleKeys.count - 1].possible = false
                simpleKeyAllowed = true
                skipBlockScalar()
            } else if c == "'" || c == "\"" {
                saveSimpleKey(collection: nil)
                simpleKeyAllowed = false
                skipQuotedScalar(single: c == "'")
            } else if startsPlainScalar(c) {
                saveSimpleKey(collection: nil)
                simpleKeyAllowed = false
                skipPlainScalar()
            } else {
                return nil  // "found character that cannot start any token"
            }
        }
        return nil
    }

    // MARK: Characters

    /// The character `offset` ahead, nil at the end (libyaml also ends at a NUL).
    private func at(_ offset: Int) -> Unicode.Scalar? {
        let i = index + offset
        guard i < text.count, text[i] != "\0" else { return nil }
        return text[i]
    }

    private func isBlank(_ offset: Int) -> Bool { at(offset) == " " || at(offset) == "\t" }
    private func isBreak(_ offset: Int) -> Bool {
        guard let c = at(offset) else { return false }
        return c == "\r" || c == "\n" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }
    private func isBreakZ(_ offset: Int) -> Bool { at(offset) == nil || isBreak(offset) }
    private func isBlankZ(_ offset: Int) -> Bool { isBlank(offset) || isBreakZ(offset) }
    private func isRepeated(_ c: Unicode.Scalar) -> Bool { at(0) == c && at(1) == c && at(2) == c }

    private mutating func skip() {
        index += 1
        column += 1
    }

    private mutating func skipLine() {
        index += at(0) == "\r" && at(1) == "\n" ? 2 : 1
        column = 0
        line += 1
    }

    // MARK: Simple keys and indentation

    private mutating func saveSimpleKey(collection: Bool?) {
        guard simpleKeyAllowed else { return }
        simpleKeys[simpleKeys.count - 1] = SimpleKey(possible: true, index: index, line: line, column: column,
                                                     token: tokens, collection: collection)
    }

    /// A simple key ends with its line and after 1024 characters.
    private mutating func staleSimpleKeys() {
        for k in simpleKeys.indices where simpleKeys[k].possible
            && (simpleKeys[k].line < line || simpleKeys[k].index + 1024 < index) {
            simpleKeys[k].possible = false
        }
    }

    private mutating func rollIndent(_ to: Int) {
        guard flows.isEmpty, indent < to else { return }
        indents.append(indent)
        indent = to
    }

    private mutating func unrollIndent(_ to: Int) {
        guard flows.isEmpty else { return }
        while indent > to { indent = indents.removeLast() }
    }

    // MARK: Skipping tokens

    private mutating func scanToNextToken() {
        while true {
            if column == 0 && at(0) == "\u{FEFF}" { skip() }
            while at(0) == " " || ((!flows.isEmpty || !simpleKeyAllowed) && at(0) == "\t") { skip() }
            if at(0) == "#" { while !isBreakZ(0) { skip() } }
            guard isBreak(0) else { return }
            skipLine()
            if flows.isEmpty { simpleKeyAllowed = true }
        }
    }

    /// libyaml's rule for the start of a plain scalar.
    private func startsPlainScalar(_ c: Unicode.Scalar) -> Bool {
        let indicators: Set<Unicode.Scalar> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]
        if !isBlankZ(0) && !indicators.contains(c) { return true }
        if c == "-" && !isBlank(1) { return true }
        return flows.isEmpty && (c == "?" || c == ":") && !isBlankZ(1)
    }

    /// A tag, to white space (or a `,` in a flow collection); `!<...>` to its `>`.
    private mutating func skipTag() {
        skip()
        if at(0) == "<" {
            while let n = at(0), n != ">", !isBlankZ(0) { skip() }
            if at(0) == ">" { skip() }
            return
        }
        while !isBlankZ(0) && !(!flows.isEmpty && at(0) == ",") { skip() }
    }

    private mutating func skipQuotedScalar(single: Bool) {
        let quote: Unicode.Scalar = single ? "'" : "\""
        skip()
        while true {
            if at(0) == nil || (column == 0 && (isRepeated("-") || isRepeated(".")) && isBlankZ(3)) {
                failed = true
                return
            }
            while !isBlankZ(0) {
                if single && at(0) == "'" && at(1) == "'" {
                    skip(); skip()
                } else if at(0) == quote {
                    break
                } else if !single && at(0) == "\\" && isBreak(1) {
                    skip()
                    skipLine()
                    break
                } else if !single && at(0) == "\\" {
                    let digits = at(1) == "x" ? 2 : at(1) == "u" ? 4 : at(1) == "U" ? 8 : 0
                    skip(); skip()
                    for _ in 0..<digits { skip() }
                } else {
                    skip()
                }
            }
            if at(0) == quote { break }
            while isBlank(0) || isBreak(0) {
                if isBlank(0) { skip() } else { skipLine() }
            }
        }
        skip()
    }

    private mutating func skipPlainScalar() {
        let minimumColumn = indent + 1
        var leadingBlanks = false
        scanning: while true {
            if column == 0 && (isRepeated("-") || isRepeated(".")) && isBlankZ(3) { break }
            if at(0) == "#" { break }
            while !isBlankZ(0) {
                let c = at(0)
                if !flows.isEmpty && c == ":", let n = at(1), [",", "?", "[", "]", "{", "}"].contains(n) {
                    failed = true  // "found unexpected ':'"
                    return
                }
                if (c == ":" && isBlankZ(1)) || (!flows.isEmpty && (c == "," || c == "[" || c == "]" || c == "{" || c == "}")) {
                    break scanning
                }
                skip()
                leadingBlanks = false
            }
            guard isBlank(0) || isBreak(0) else { break }
            while isBlank(0) || isBreak(0) {
                if isBlank(0) {
                    skip()
                } else {
                    skipLine()
                    leadingBlanks = true
                }
            }
            if flows.isEmpty && column < minimumColumn { break }
        }
        if leadingBlanks { simpleKeyAllowed = true }
    }

    private mutating func skipBlockScalar() {
        skip()
        // The header: chomping (+ or -) and indentation (1-9) indicators in either order.
        var increment = 0
        func digit() -> Int? { at(0).flatMap { ("1"..."9").contains($0) ? Int($0.value) - 48 : nil } }
        if at(0) == "+" || at(0) == "-" {
            skip()
            if let d = digit() { increment = d; skip() }
        } else if let d = digit() {
            increment = d
            skip()
            if at(0) == "+" || at(0) == "-" { skip() }
        }
        while isBlank(0) { skip() }
        if at(0) == "#" { while !isBreakZ(0) { skip() } }
        guard isBreakZ(0) else {
            failed = true  // "did not find expected comment or line break" (a 0 indicator, too)
            return
        }
        if isBreak(0) { skipLine() }
        var contentIndent = increment > 0 ? (indent >= 0 ? indent + increment : increment) : 0
        skipBlockScalarBreaks(&contentIndent)
        while column == contentIndent && at(0) != nil {
            while !isBreakZ(0) { skip() }
            if isBreak(0) { skipLine() }
            skipBlockScalarBreaks(&contentIndent)
        }
    }

    /// The empty lines and indentation before a block scalar's next line; fixes its indentation
    /// from the first non-empty line when no indicator did.
    private mutating func skipBlockScalarBreaks(_ contentIndent: inout Int) {
        var maxIndent = 0
        while true {
            while (contentIndent == 0 || column < contentIndent) && at(0) == " " { skip() }
            maxIndent = max(maxIndent, column)
            guard isBreak(0) else { break }
            skipLine()
        }
        if contentIndent == 0 { contentIndent = max(maxIndent, indent + 1, 1) }
    }
}
