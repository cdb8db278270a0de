import AuditCore
import Foundation

/// The directory relative trusted-key paths resolve against: a temporary directory of this process.
/// Reading a policy never opens key files, so it stays empty.
private let baseDirectory: String = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-policy-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}()

/// libFuzzer entry point: a policy file (YAML or JSON) from untrusted bytes.
///
/// Any crash is a bug; so is a policy whose canonical YAML or JSON form (`policy check`) does not
/// read back as an equal policy (checked with `fatalError`, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let policy = try? Policy.parse(data, file: "fuzz.yml", baseDirectory: baseDirectory) else { return 0 }
    for (form, text) in [("YAML", policy.canonicalYAML()), ("JSON", policy.canonicalJSON())] {
        let reread: Policy
        do {
            reread = try Policy.parse(Data(text.utf8), file: "canonical", baseDirectory: baseDirectory)
        } catch {
            fatalError("Policy: the canonical \(form) form does not read back: \(error)\n\(text)")
        }
        guard reread == policy else { fatalError("Policy: the canonical \(form) form reads back as another policy\n\(text)") }
    }
    return 0
}
