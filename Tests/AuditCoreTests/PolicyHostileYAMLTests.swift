import Foundation
import Testing
import Yams
@testable import AuditCore

/// YAML a policy needs none of, refused before Yams composes it: anchors and aliases (an alias of
/// aliases used as a mapping key made a few hundred bytes cost minutes: Yams hashes the expanded
/// key, nine times more per level), explicit keys, and lists or mappings as keys (nested, 64 KiB
/// of them cost seconds). Every policy-sized text is read quickly.
@Suite struct PolicyHostileYAMLTests {
    static let file = "policies/x.yml"
    static let refusal = "anchors and aliases (&name, *name) are not allowed in a policy: write the value out"

    /// `levels` lists, each naming the previous one nine times, and the last one used as a key.
    static func aliasBomb(levels: Int) -> String {
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        return text + "? *a\(levels)\n: v\n"
    }

    /// (policy text, line of the first anchor or alias).
    static let refused: [(String, Int)] = [
        ("version: 1\nsource:\n  match: *nothing\n", 3),
        ("version: 1\nsource: &s\n  match: same-tree\n", 2),
        ("version: 1\ntest:\n  required_suites: [&u unit, *u]\n", 3),
        ("version: 1\ntest:\n  required_suites:\n    - unit\n    - &e e2e\n    - *e\n", 5),
        ("{\"version\": 1,\n \"test\": {\"required_suites\": [*u]}}\n", 2),
        ("{\"version\": 1, \"test\":*t}", 1),
        ("version: 1\n*k : v\n", 2),
        ("version: 1\ntest: !!map &t {}\n", 2),
        ("version: &v 1\n", 1),
        ("version: 1\ntest:\n  required_suites: |\n    text\n  max_age: &a 1d\n", 5),
        (aliasBomb(levels: 2), 2),
        (aliasBomb(levels: 8), 2),
    ]

    @Test(arguments: refused)
    func anchorsAndAliasesAreRefused(text: String, line: Int) {
        #expect(throws: PolicyError.invalid(file: Self.file, line: line, key: "", message: Self.refusal)) {
            try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/")
        }
    }

    @Test func theRefusalIsOneLineNamingTheLine() {
        #expect(PolicyError.invalid(file: Self.file, line: 2, key: "", message: Self.refusal).description
                == "policies/x.yml:2: anchors and aliases (&name, *name) are not allowed in a policy: write the value out")
    }

    /// (policy text, line, what the key is) of the first key that is not a plain scalar.
    static let complexKeys: [(String, Int, String)] = [
        ("version: 1\n? a\n: 1\n", 2, "an explicit key (? key); write key: value"),
        ("version: 1\ntest: {? required: true}\n", 2, "an explicit key (? key); write key: value"),
        ("version: 1\n[a, b]: 1\n", 2, "a list"),
        ("version: 1\n{a: b}: 1\n", 2, "a mapping"),
        ("version: 1\n!!seq [a]: 1\n", 2, "a list"),
        ("version: 1\ntest:\n  - x\n  - [a]  : b\n", 4, "a list"),
        ("version: 1\nx: {{a: b}: c}\n", 2, "a mapping"),
        ("{\"version\": 1, [a]: 1}", 1, "a list"),
        ("{\"version\": 1, {a}}", 1, "a mapping"),
        ("{\"version\": 1,\n # a comment\n !t [a]}", 3, "a list"),
        ("version: 1\nx: [{a: 1}, [b]: 2]\n", 2, "a list"),
    ]

    @Test(arguments: complexKeys)
    func keysThatAreNotPlainScalarsAreRefused(text: String, line: Int, found: String) {
        #expect(throws: PolicyError.invalid(file: Self.file, line: line, key: "", message: "a key must be a plain name, found \(found)")) {
            try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/")
        }
    }

    /// A key ends after 1024 characters (libyaml's limit for a key without `?`): a longer list is
    /// no key, and Yams reports the `:` after it, not the screen.
    @Test func aListLongerThanAKeyIsNoKey() {
        let long = "version: 1\n[" + Array(repeating: "x", count: 600).joined(separator: ", ") + "]: v\n"
        #expect(throws: PolicyError.syntax(file: Self.file, line: 2, message: "could not find expected ':' (while scanning a simple key at line 2)")) {
            try Policy.parse(Data(long.utf8), file: Self.file, baseDirectory: "/")
        }
    }

    /// Yams takes microseconds a node: a policy has at most 5,000 tokens, which real ones are far from.
    @Test func aPolicyHasAtMostFiveThousandTokens() throws {
        // version : 1 test : required_suites : [ are 8 tokens; each suite 2 with its comma, the last 1 and ].
        func suites(_ count: Int) -> Data {
            Data(("version: 1\ntest:\n  required_suites: [" + Array(repeating: "s", count: count).joined(separator: ",") + "]\n").utf8)
        }
        #expect(try Policy.parse(suites(2_496), file: Self.file, baseDirectory: "/").test.requiredSuites.count == 2_496)
        #expect(throws: PolicyError.invalid(file: Self.file, line: 3, key: "",
                                            message: "more than 5000 names, values and marks (: - , [ ] { }); a policy is a short file")) {
            try Policy.parse(suites(2_497), file: Self.file, baseDirectory: "/")
        }
    }

    /// What only looks like an explicit key, a list key or an anchor is text, and reads as before.
    @Test func lookalikesInScalarsAndCommentsAreText() throws {
        let text = """
            version: 1 # ? x, [a]: b, &c *d
            test:
              required_suites:
                - "[a]: b"
                - '? x'
                - a ? b
                - ?x
                - -[a]
                - |
                  ? x
                  [a]: b
                  &anchor *alias
                - >2-
                    {a}: b
                - "multi
                  line: [a]"
                - plain
                  continued [a]
              max_age: 7d
            source:
              branches: [main, "release/*", {x}]
            """
        // The reader refuses the mapping inside branches, after composing: no key there is complex.
        #expect(throws: PolicyError.self) { try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/") }
        let accepted = text.replacingOccurrences(of: ", {x}]", with: "]")
        let policy = try Policy.parse(Data(accepted.utf8), file: Self.file, baseDirectory: "/")
        #expect(policy.test.requiredSuites == ["[a]: b", "? x", "a ? b", "?x", "-[a]", "? x\n[a]: b\n&anchor *alias\n",
                                               "  {a}: b", "multi line: [a]", "plain continued [a]"])
    }
    /// `*` and `&` in quoted, plain (not first), block scalars and comments are text, and stay as written.
    @Test func starsAndAmpersandsInsideValuesAreText() throws {
        let text = """
            version: 1 # &not *an alias
            source:
              match: allowed-diff
              allowed_paths: ["**/version.go", docs/**, 'src/[a-c]*.ttx', charts/*/Chart.yaml, "*", '&x', "\\u002a"]
            test:
              required_suites:
                - unit & e2e
                - a *b
                - x&y*z
                - "*quoted"
                - '&single'
                - |-
                  *block
                  &scalar
                - >-
                  *folded &too
              max_age: 7d
            """
        let policy = try Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/")
        #expect(policy.source.allowedPaths.map(\.pattern)
                == ["**/version.go", "docs/**", "src/[a-c]*.ttx", "charts/*/Chart.yaml", "*", "&x", "*"])
        #expect(policy.test.requiredSuites
                == ["unit & e2e", "a *b", "x&y*z", "*quoted", "&single", "*block\n&scalar", "*folded &too"])
        for canonical in [policy.canonicalJSON(), policy.canonicalYAML()] {
            #expect(try Policy.parse(Data(canonical.utf8), file: "canonical", baseDirectory: "/") == policy)
        }
    }

    /// Errors that quote a key or value keep its `*` (the text Yams is given has it replaced).
    @Test func errorsQuoteKeysAsWritten() {
        #expect(throws: PolicyError.invalid(file: Self.file, line: 2, key: "a*b",
                                            message: "unknown key; allowed here: version, source, test, build, trusted_keys, tag, rc, reports")) {
            try Policy.parse(Data("version: 1\na*b: 1\n".utf8), file: Self.file, baseDirectory: "/")
        }
        #expect(throws: PolicyError.invalid(file: Self.file, line: 3, key: "test.required",
                                            message: "expected true or false, found the string \"x*\"")) {
            try Policy.parse(Data("version: 1\ntest:\n  required: x*\n".utf8), file: Self.file, baseDirectory: "/")
        }
        #expect(throws: PolicyError.invalid(file: Self.file, line: 3, key: "a*",
                                            message: "repeated key (first at line 2); each key may appear once")) {
            try Policy.parse(Data("version: 1\na*: 1\na*: 2\n".utf8), file: Self.file, baseDirectory: "/")
        }
    }

    /// The stand-in for `*` is a character the text neither holds nor names with an escape.
    @Test func theStandInForStarsIsNotInTheText() throws {
        #expect(DefusedStars("version: 1\n").star == nil)
        let plain = DefusedStars("a: [\"**\", x*]\n")
        let star = try #require(plain.star)
        #expect(star == "\u{E001}")
        #expect(!plain.text.contains("*") && plain.text.unicodeScalars.filter { $0 == star }.count == 3)
        #expect(plain.restore(plain.text) == "a: [\"**\", x*]\n")
        let taken = DefusedStars("*: \"\\uE002\\U0000E003\u{E001}\u{E004}\"")
        #expect(taken.star == "\u{E005}")
    }

    /// Random documents (block and flow collections, list and mapping keys, explicit keys,
    /// anchors, aliases, tags, comments, quoted and block scalars holding YAML's punctuation, at
    /// random indentation), the same with a few characters changed, and random strings of YAML's
    /// punctuation: wherever Yams reads the text it is given without error, the screen finds an
    /// anchor, an alias or a list or mapping key exactly when there is one (explicit keys it
    /// refuses whatever they hold).
    @Test func theScreenAgreesWithYams() throws {
        let pieces = ["a", "b", " ", "  ", "\n", "\n  ", "\n    ", ": ", ":", "- ", "-", "? ", "?", "[", "]", "{", "}", ", ", ",",
                      "\"x\"", "'y'", "\"", "'", "#c", " #c", "|\n", ">-\n", "|2\n", "!t ", "!!str ", "&a ", "*a", "*", "&",
                      "--- ", "...\n", "\t", "k: ", "\\", "%YAML 1.1\n", "\r\n"]
        var random = SplitMix64(seed: 20_240_101)
        var checked = 0, found = 0
        for round in 0..<24_000 {
            var text: String
            switch round % 3 {
            case 0: text = (0..<Int.random(in: 1...24, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            default:
                var generator = RandomYAML(random: random)
                text = generator.document()
                random = generator.random
                if round % 3 == 2 {
                    var scalars = Array(text.unicodeScalars)
                    for _ in 0..<Int.random(in: 1...3, using: &random) where !scalars.isEmpty {
                        let at = Int.random(in: 0..<scalars.count, using: &random)
                        let piece = Array(pieces.randomElement(using: &random)!.unicodeScalars)
                        if Bool.random(using: &random) { scalars.replaceSubrange(at...at, with: piece) } else { scalars.insert(contentsOf: piece, at: at) }
                    }
                    text = String(String.UnicodeScalarView(scalars))
                }
            }
            let defused = DefusedStars(text)
            let finding = PolicyTextScreen.firstForbidden(in: defused.text, star: defused.star)?.finding
            let parser = try Parser(yaml: defused.text, resolver: PolicyReader.resolver())
            guard let root = try? parser.singleRoot() else { continue }
            checked += 1
            if finding != nil { found += 1 }
            let (anchors, collectionKeys) = withExtendedLifetime(parser) { Self.census(root, star: defused.star) }
            switch finding {
            case nil: #expect(!anchors && !collectionKeys, "missed in \(text.debugDescription)")
            case .anchorOrAlias: #expect(anchors, "no anchor or alias in \(text.debugDescription)")
            case .collectionKey: #expect(collectionKeys, "no list or mapping key in \(text.debugDescription)")
            case .explicitKey, .tooManyTokens: break
            }
        }
        print("screen vs Yams: \(checked) texts were YAML, \(found) of them refused")
        #expect(checked > 6_000 && found > 1_500, "\(checked) texts were YAML, \(found) refused")
    }

    /// Whether a tree has an anchor or an alias (a plain scalar starting with `star`), and a list or mapping key.
    private static func census(_ node: Node, star: Unicode.Scalar?) -> (anchors: Bool, collectionKeys: Bool) {
        var anchors = node.anchor != nil
        if case .scalar(let scalar) = node, scalar.style == .plain, let star, scalar.string.unicodeScalars.first == star { anchors = true }
        var collectionKeys = false
        var children: [Node] = []
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if key.scalar == nil { collectionKeys = true }
                children += [key, value]
            }
        case .sequence(let items): children = Array(items)
        case .scalar, .alias: break
        }
        for child in children {
            let found = census(child, star: star)
            anchors = anchors || found.anchors
            collectionKeys = collectionKeys || found.collectionKeys
        }
        return (anchors, collectionKeys)
    }

    /// Hostile texts of up to 64 KiB, each read or refused in well under a second (under 100 ms in a
    /// release build; a debug build gets ten times that). The times are printed.
    @Test func hostilePolicyTextsAreReadQuickly() {
        let limit = 64 * 1024
        func fill(_ head: String, _ unit: String, _ tail: String = "") -> String {
            let count = (limit - head.utf8.count - tail.utf8.count) / unit.utf8.count
            return head + String(repeating: unit, count: count) + tail
        }
        let deepFlow = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let texts: [(String, String)] = [
            ("alias bomb", Self.aliasBomb(levels: 8)),
            ("wide alias bomb", fill("version: 1\na: &a [x]\nb: [", "*a, ", "*a]\n")),
            ("deep flow nesting, many times", fill("version: 1\n", "k: \(deepFlow)\n")),
            ("deep block nesting", fill("version: 1\nx:\n", "- ", "a\n")),
            ("deep block mappings", (0..<358).map { String(repeating: " ", count: $0) + "k:\n" }.joined()),
            ("nested explicit keys around a long list", fill("version: 1\n" + String(repeating: "? ", count: 990) + "[", "x, ", "x]\n")),
            ("nested flow keys around a long list",
             fill("version: 1\n" + String(repeating: "{", count: 60) + "[", "x, ", "x]" + String(repeating: ": v}", count: 60) + ": v\n")),
            ("many keys", "version: 1\n" + (0..<6_000).map { "k\($0): v\n" }.joined()),
            // Just under the token limit: the slowest texts that are read to the end.
            ("keys up to the token limit, then one repeated",
             "version: 1\n" + (0..<1_660).map { "k\($0): \"\(String(repeating: "x", count: 30))\"\n" }.joined() + "k1: 1\n"),
            ("globs up to the token limit",
             "version: 1\nsource:\n  match: allowed-diff\n  allowed_paths:\n" + (0..<2_490).map { "    - src/**/dir\($0)/*.go\n" }.joined()),
            ("many repeated keys", fill("version: 1\n", "version: 1\n")),
            ("many list items", fill("version: 1\nsource:\n  match: allowed-diff\n  allowed_paths:\n", "    - a/**/b*.go\n")),
            ("many suites", fill("version: 1\ntest:\n  required_suites:\n", "    - s\n")),
            ("one long string", fill("version: 1\ntest:\n  required_suites: [\"", "x", "\"]\n")),
            ("one long glob", fill("version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [\"", "*", "\"]\n")),
            ("a glob of many **", fill("version: 1\nsource:\n  match: allowed-diff\n  allowed_paths: [\"", "**/", "x\"]\n")),
            ("a long tag pattern", fill("version: 1\ntag:\n  pattern: \"v{version}", "x", "\"\n")),
            ("many RC patterns", fill("version: 1\nrc:\n  patterns:\n", "    - v{version}-rc.{n}\n")),
            ("a long duration", fill("version: 1\ntest:\n  max_age: ", "9", "d\n")),
            ("a long key", fill("version: 1\n", "k", ": v\n")),
            ("long comments", fill("version: 1\n", "# \(String(repeating: "&*", count: 40))\n")),
            ("many quoted stars", fill("version: 1\nsource:\n  match: allowed-diff\n  allowed_paths:\n", "    - \"**/*\"\n")),
        ]
        for (name, text) in texts {
            #expect(text.utf8.count <= limit, "\(name): \(text.utf8.count) bytes")
            // The better of two runs: other tests share the machine.
            let elapsed = (0..<2).map { _ in
                ContinuousClock().measure { _ = try? Policy.parse(Data(text.utf8), file: Self.file, baseDirectory: "/") }
            }.min()!
            print("policy parse, \(name) (\(text.utf8.count) bytes): \(elapsed)")
            #if DEBUG
            #expect(elapsed < .seconds(1), "\(name): \(elapsed)")
            #else
            #expect(elapsed < .milliseconds(100), "\(name): \(elapsed)")
            #endif
        }
    }
}

/// A small seeded generator (SplitMix64), so the random texts are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random YAML documents, for checking the screen against Yams.
struct RandomYAML {
    var random: SplitMix64
    private var depth = 0

    init(random: SplitMix64) { self.random = random }

    mutating func document() -> String {
        (chance(4) ? "--- " + (chance(2) ? "\n" : "") : "") + block(indent: 0) + (chance(6) ? "...\n" : "")
    }

    private mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &random) == 0 }
    private mutating func pick(_ choices: [String]) -> String { choices.randomElement(using: &random)! }

    private mutating func properties() -> String {
        (chance(8) ? pick(["!t ", "!!str ", "!<tag:x,y> "]) : "") + (chance(8) ? pick(["&a ", "&b1 "]) : "")
    }

    private mutating func comment() -> String { chance(5) ? pick([" # [a]: *b", " #? x, &y", " # {z}"]) : "" }

    private mutating func scalar(inFlow: Bool) -> String {
        if chance(10) { return pick(["*a", "*b1"]) }
        let plain = inFlow ? ["a", "b c", "x-y", "?q", "-d", "e*f", "g&h", "i?j"] : ["a", "b c", "x-y", "?q", "-d", "e*f", "g&h", "i [j]: k", "l {m}", "n, o"]
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return pick(["\"q # [a]: *b\"", "\"\\\"x\\\" ? y\"", "\"{a}\"", "\"\""])
        case 1: return pick(["'s ? [t]: u'", "'it''s &v'", "''"])
        default: return properties() + pick(plain)
        }
    }

    private mutating func flow() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 4 || chance(3) { return scalar(inFlow: true) }
        let count = Int.random(in: 0...3, using: &random)
        if chance(2) {
            let items = (0..<count).map { _ in chance(5) ? flow() + ": " + flow() : flow() }
            return properties() + "[" + items.joined(separator: pick([", ", ",", " ,\n  "])) + "]"
        }
        let items = (0..<count).map { _ -> String in
            switch Int.random(in: 0..<6, using: &random) {
            case 0: return flow()
            case 1: return "? " + flow()
            default: return (chance(3) ? flow() : scalar(inFlow: true)) + ": " + flow()
            }
        }
        return properties() + "{" + items.joined(separator: pick([", ", ",\n "])) + "}"
    }

    private mutating func block(indent: Int) -> String {
        depth += 1
        defer { depth -= 1 }
        let pad = String(repeating: " ", count: indent)
        let step = Int.random(in: 1...3, using: &random)
        if depth > 4 || chance(4) { return pad + value(indent: indent, step: step) + "\n" }
        var lines = ""
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            if chance(2) {
                lines += pad + "-" + (chance(3) ? "\n" + block(indent: indent + step) : " " + value(indent: indent, step: step) + comment() + "\n")
            } else if chance(6) {
                lines += pad + "? " + value(indent: indent, step: step) + "\n" + pad + ": " + value(indent: indent, step: step) + "\n"
            } else {
                let key = chance(5) ? flow() : scalar(inFlow: false)
                lines += pad + key + ":" + (chance(3) ? comment() + "\n" + block(indent: indent + step) : " " + value(indent: indent, step: step) + comment() + "\n")
            }
        }
        return lines
    }

    private mutating func value(indent: Int, step: Int) -> String {
        if chance(12) { return pick(["|", ">"]) }  // empty: the next line is the next entry
        if chance(6) {
            let pad = String(repeating: " ", count: indent + step)
            return pick(["|", ">-", "|+", "|2"]) + "\n" + pad + pick(["? x", "[a]: b", "&c *d", "{e}"]) + "\n" + pad + "\"f"
        }
        return chance(3) ? flow() : scalar(inFlow: false)
    }
}
