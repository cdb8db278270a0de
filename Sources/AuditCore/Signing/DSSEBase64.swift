import Foundation

/// Base64 as DSSE reads it: standard or URL-safe alphabet, padded or not (FORMATS.md §1.4).
enum DSSEBase64 {
    /// Decodes standard, URL-safe and unpadded base64; nil for anything else (whitespace, stray
    /// or excess `=`, characters outside the alphabets).
    static func decode(_ text: String) -> Data? {
        let equals = UInt8(ascii: "=")
        var body = Array(text.utf8)
        var padding = 0
        while body.last == equals {
            body.removeLast()
            padding += 1
        }
        guard padding == 0 || (padding <= 2 && (body.count + padding) % 4 == 0), body.count % 4 != 1 else { return nil }
        for index in body.indices {
            switch body[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                continue
            case UInt8(ascii: "-"): body[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): body[index] = UInt8(ascii: "/")
            default: return nil
            }
        }
        body += Array(repeating: equals, count: (4 - body.count % 4) % 4)
        return Data(base64Encoded: Data(body))
    }

    /// Standard, padded base64: what every DSSE verifier accepts (securesystemslib rejects the rest).
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
    }
}
