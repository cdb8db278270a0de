import Foundation

extension JSONValue {
    /// Compact, deterministic JSON bytes (`JSONStyle.canonical`): object keys sorted by UTF-8 bytes,
    /// no whitespace, slashes unescaped; strings escape only `"`, `\` and control characters, other
    /// characters are written as UTF-8; numbers as their source text. The same value always gives
    /// the same bytes: what is signed.
    public func jsonData() -> Data { jsonData(.canonical) }

    /// The value as JSON bytes in a style: the one writer of every JSON release-audit outputs.
    public func jsonData(_ style: JSONStyle) -> Data {
        var writer = JSONWriter(style: style)
        writer.write(self, indent: 0)
        return Data(writer.out)
    }

    /// An object from key/value pairs, leaving out the pairs whose value is nil.
    static func object(dropping pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        .object(pairs.compactMap { pair in pair.value.map { (key: pair.key, value: $0) } })
    }

    /// A string value, or nil for nil.
    static func optional(_ s: String?) -> JSONValue? { s.map(JSONValue.string) }

    /// An array of strings.
    static func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }

    /// An integer.
    static func int(_ n: Int) -> JSONValue { .number(String(n)) }

    /// A map of strings, as an object with its keys in sorted order (so equal maps give equal values).
    static func stringMap(_ map: [String: String]) -> JSONValue {
        .object(map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (key: $0.key, value: .string($0.value)) })
    }
}

/// How `JSONValue.jsonData(_:)` lays JSON out and escapes strings.
public struct JSONStyle: Sendable {
    /// Indented, one member per line; else no whitespace at all.
    var pretty: Bool
    /// Object keys sorted by their UTF-8 bytes; else in the value's own order.
    var sortKeys: Bool
    /// Between a key and its value in pretty output.
    var keySeparator: String
    /// Empty arrays and objects are written open, over two lines (`[\n\n  ]`), as Foundation's
    /// pretty printer writes them; else `[]`.
    var openEmptyContainers: Bool
    var escaping: Escaping

    public enum Escaping: Sendable {
        /// `"`, `\` and C0 controls (short forms where JSON has them): canonical JSON (RFC 8785).
        case controls
        /// Also DEL, C1 controls, U+2028/U+2029 and U+FEFF, which terminals and YAML readers
        /// take for something else: for output read by people and by YAML parsers.
        case invisible
        /// Only `"` and `\`, every other byte raw: OLPC canonical JSON, as securesystemslib hashes
        /// for key ids.
        case olpc
    }

    /// What is signed and hashed: compact, sorted, minimal escapes.
    public static let canonical = JSONStyle(pretty: false, sortKeys: true, keySeparator: ":", openEmptyContainers: false, escaping: .controls)
    /// OLPC canonical JSON (securesystemslib key ids).
    public static let olpc = JSONStyle(pretty: false, sortKeys: true, keySeparator: ":", openEmptyContainers: false, escaping: .olpc)
    /// Reports and audits on stdout and in files: indented, sorted, in the layout they always had.
    public static let output = JSONStyle(pretty: true, sortKeys: true, keySeparator: " : ", openEmptyContainers: true, escaping: .invisible)
    /// A document whose keys come in a documented order (`policy check --format json`).
    public static let document = JSONStyle(pretty: true, sortKeys: false, keySeparator: ": ", openEmptyContainers: false, escaping: .invisible)
}

/// The serializer behind `JSONValue.jsonData(_:)`.
private struct JSONWriter {
    let style: JSONStyle
    var out: [UInt8] = []

    init(style: JSONStyle) { self.style = style }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let text): append(text)
        case .string(let s): writeString(s)
        case .array(let elements):
            container("[", "]", count: elements.count, indent: indent) { writer, index in
                writer.write(elements[index], indent: indent + 1)
            }
        case .object(let members):
            let ordered = style.sortKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            container("{", "}", count: ordered.count, indent: indent) { writer, index in
                writer.writeString(ordered[index].key)
                writer.append(writer.style.pretty ? writer.style.keySeparator : ":")
                writer.write(ordered[index].value, indent: indent + 1)
            }
        }
    }

    private mutating func container(_ open: String, _ close: String, count: Int, indent: Int,
                                    element: (inout JSONWriter, Int) -> Void) {
        append(open)
        guard style.pretty else {
            for index in 0..<count {
                if index > 0 { append(",") }
                element(&self, index)
            }
            append(close)
            return
        }
        if count == 0 {
            if style.openEmptyContainers { append("\n\n" + String(repeating: "  ", count: indent)) }
            append(close)
            return
        }
        for index in 0..<count {
            append(index > 0 ? ",\n" : "\n")
            append(String(repeating: "  ", count: indent + 1))
            element(&self, index)
        }
        append("\n" + String(repeating: "  ", count: indent) + close)
    }

    private mutating func append(_ text: String) { out.append(contentsOf: text.utf8) }

    mutating func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case _ where style.escaping == .olpc: out.append(contentsOf: String(scalar).utf8)
            case "\n": append("\\n")
            case "\r": append("\\r")
            case "\t": append("\\t")
            case "\u{08}": append("\\b")
            case "\u{0C}": append("\\f")
            case _ where scalar.value < 0x20: unicodeEscape(scalar)
            case _ where style.escaping == .invisible && Self.isInvisible(scalar): unicodeEscape(scalar)
            default: out.append(contentsOf: String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func unicodeEscape(_ scalar: Unicode.Scalar) {
        let hex = String(scalar.value, radix: 16)
        append("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex)
    }

    /// DEL, C1 controls, the Unicode line and paragraph separators and the byte order mark.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            || scalar.value == 0xFEFF
    }
}
