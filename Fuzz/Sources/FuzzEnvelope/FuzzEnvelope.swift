import AuditCore
import Foundation

/// libFuzzer entry point: evidence as the gate reads it, from untrusted bytes.
///
/// The bytes go through the strict JSON parser, then the DSSE envelope reader, then the in-toto
/// Statement reader and both predicate readers (test result, SLSA provenance). Bytes that are not
/// an envelope are also read as a bare statement, so the fuzzer reaches the statement readers
/// without having to find base64. Any crash is a bug; so is a value that does not survive being
/// written and read back (checked with `fatalError`, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()

    if let value = try? StrictJSON.parse(data) {
        let written = value.jsonData()
        guard let reread = try? StrictJSON.parse(written), reread.jsonData() == written else {
            fatalError("StrictJSON: a parsed value does not read back from its own JSON")
        }
    }

    if let envelope = try? DSSEEnvelope(parsing: data) {
        guard let reread = try? DSSEEnvelope(parsing: envelope.jsonData()), reread == envelope else {
            fatalError("DSSEEnvelope: an envelope does not read back from its own JSON")
        }
        readStatement(envelope.payload)
    } else {
        readStatement(data)
    }
    return 0
}

/// Reads a statement and its predicate the way the gate does after verification.
private func readStatement(_ payload: Data) {
    guard let statement = try? Statement.parse(payload) else { return }
    let written = statement.jsonData()
    guard let reread = try? Statement.parse(written), reread.jsonData() == written else {
        fatalError("Statement: a statement does not read back from its own JSON")
    }
    _ = try? TestResultStatement.read(statement)
    _ = try? ProvenanceStatement.read(statement)
}
