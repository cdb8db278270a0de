import Foundation

/// One PEM block (RFC 7468): its label, any RFC 1421 header lines, and the DER bytes it carries.
struct PEMBlock {
    var label: String
    var headers: [String]
    var der: [UInt8]

    /// Every PEM block in the text, in order. Text outside blocks is ignored, as OpenSSL does.
    static func parseAll(_ text: String) throws(KeyError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 else { continue }
            let label = String(line.dropFirst(11).dropLast(5))
            var headers: [String] = []
            var body = ""
            var ended = false
            while let inner = lines.popFirst() {
                if inner == "-----END \(label)-----" {
                    ended = true
                    break
                }
                if inner.hasPrefix("-----") { throw .malformedPEM("the \(label) block has no matching END line") }
                if body.isEmpty, inner.contains(":") {
                    headers.append(inner)
                } else {
                    body += inner
                }
            }
            guard ended else { throw .malformedPEM("the \(label) block has no END line") }
            guard let der = Data(base64Encoded: body), !der.isEmpty else {
                throw .malformedPEM("the base64 text of the \(label) block is invalid")
            }
            blocks.append(PEMBlock(label: label, headers: headers, der: [UInt8](der)))
        }
        return blocks
    }

    /// PEM text as OpenSSL and pyca/cryptography write it: 64-character lines and a final newline.
    static func encode(label: String, der: some Sequence<UInt8>) -> String {
        let base64 = Data(der).base64EncodedString()
        var text = "-----BEGIN \(label)-----\n"
        var rest = Substring(base64)
        while !rest.isEmpty {
            text += rest.prefix(64) + "\n"
            rest = rest.dropFirst(64)
        }
        return text + "-----END \(label)-----\n"
    }
}
