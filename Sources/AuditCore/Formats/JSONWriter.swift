import Foundation

extension JSONValue {
    /// Compact, deterministic JSON bytes: object keys sorted by UTF-8 bytes, no whitespace, slashes unescaped.
    ///
    /// Strings escape only `"`, `\` and control characters; other characters are written as UTF-8.
    /// Numbers are written as their source text. The same value always gives the same bytes.
    public func jsonData() -> Data {
        var out = [UInt8]()
        JSONWriter.write(self, into: &out)
        return Data(out)
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

/// The serializer behind `JSONValue.jsonData()`.
private enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let text): out.append(contentsOf: Array(text.utf8))
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
