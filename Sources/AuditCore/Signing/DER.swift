import Foundation

/// One DER element: its tag byte and the bytes of its value.
struct DERElement {
    var tag: UInt8
    var value: ArraySlice<UInt8>

    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let objectIdentifier: UInt8 = 0x06
    static let sequence: UInt8 = 0x30

    /// The elements inside this one, read in order.
    var children: DERReader { DERReader(value) }

    /// The payload of a BIT STRING with no unused bits (how keys are stored).
    func bitStringBytes() throws -> ArraySlice<UInt8> {
        guard tag == Self.bitString, value.first == 0 else { throw DERError("expected a BIT STRING") }
        return value.dropFirst()
    }
}

/// Why bytes are not the DER structure a key needs; the message is for `KeyError.malformedKey`.
struct DERError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// A minimal reader of DER TLV elements: enough to tell key types apart and find key bytes.
///
/// It never reads past its input: every length is checked against what is left.
struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    var isAtEnd: Bool { bytes.isEmpty }

    /// The next element, whatever its tag.
    mutating func next() throws -> DERElement {
        guard let tag = bytes.first else { throw DERError("unexpected end of data") }
        guard tag & 0x1F != 0x1F else { throw DERError("unsupported multi-byte tag") }
        var rest = bytes.dropFirst()
        guard let first = rest.first else { throw DERError("missing length") }
        rest = rest.dropFirst()
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            // 0x80 is BER's indefinite length; more than 4 length bytes is never a key.
            guard count >= 1, count <= 4, rest.count >= count else { throw DERError("invalid length") }
            for byte in rest.prefix(count) { length = length << 8 | Int(byte) }
            rest = rest.dropFirst(count)
        }
        guard length <= rest.count else { throw DERError("length runs past the end of the data") }
        let value = rest.prefix(length)
        bytes = rest.dropFirst(length)
        return DERElement(tag: tag, value: value)
    }

    /// The next element, which must have this tag.
    mutating func next(_ tag: UInt8, _ what: String) throws -> DERElement {
        let element = try next()
        guard element.tag == tag else { throw DERError("expected \(what)") }
        return element
    }

    /// The next element when it has this tag; otherwise nothing is consumed.
    mutating func optional(_ tag: UInt8) throws -> DERElement? {
        guard bytes.first == tag else { return nil }
        return try next()
    }
}

/// The object identifiers that name key algorithms and curves, as DER value bytes.
enum KeyOID {
    static let ed25519: [UInt8] = [0x2B, 0x65, 0x70]
    static let ecPublicKey: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    static let prime256v1: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]

    /// A readable name for an algorithm or curve we do not support, for error messages.
    static func name(_ oid: ArraySlice<UInt8>) -> String {
        switch Array(oid) {
        case [0x2B, 0x65, 0x71]: return "Ed448"
        case [0x2B, 0x65, 0x6E]: return "X25519"
        case [0x2B, 0x65, 0x6F]: return "X448"
        case [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]: return "RSA"
        case [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]: return "RSA-PSS"
        case [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]: return "DSA"
        case [0x2B, 0x81, 0x04, 0x00, 0x22]: return "ECDSA secp384r1 (P-384)"
        case [0x2B, 0x81, 0x04, 0x00, 0x23]: return "ECDSA secp521r1 (P-521)"
        case [0x2B, 0x81, 0x04, 0x00, 0x0A]: return "ECDSA secp256k1"
        default: return "with OID \(dotted(oid))"
        }
    }

    /// The dotted decimal form of an OID (`1.2.840.10045.2.1`).
    static func dotted(_ oid: ArraySlice<UInt8>) -> String {
        var subidentifiers: [Int] = []
        var value = 0
        for byte in oid {
            guard value < (Int.max >> 8) else { return "(invalid)" }
            value = value << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 {
                subidentifiers.append(value)
                value = 0
            }
        }
        guard let head = subidentifiers.first else { return "(invalid)" }
        let arcs = (head < 80 ? [head / 40, head % 40] : [2, head - 80]) + subidentifiers.dropFirst()
        return arcs.map(String.init).joined(separator: ".")
    }
}
