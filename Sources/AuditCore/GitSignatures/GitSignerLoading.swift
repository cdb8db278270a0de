import Foundation

extension GitSignerStore {
    /// The policy's `tag.signers`, read: allowed-signers entries parsed, OpenPGP keys read as bytes.
    ///
    /// - Throws: `InputProblem` (exit 2) when a file is missing or an allowed-signers line does not parse.
    public static func from(_ signers: [Policy.GitSigner]) throws -> GitSignerStore {
        var store = GitSignerStore()
        for (index, signer) in signers.enumerated() {
            let text: Data, source: String
            switch signer.source {
            case .file(let path):
                do {
                    text = try EvidenceSource.readBounded(path: path, limit: 1024 * 1024)
                } catch {
                    throw InputProblem("tag.signers[\(index)]: cannot read \(path): \(error)")
                }
                source = path
            case .inline(let value):
                text = Data(value.utf8)
                source = "tag.signers[\(index)]"
            }
            switch signer.kind {
            case .ssh:
                do {
                    store.ssh += try AllowedSigner.parse(String(decoding: text, as: UTF8.self), source: source)
                } catch {
                    throw InputProblem("\(error)")
                }
            case .openpgp:
                store.openpgpKeys.append(text)
                store.openpgpFingerprints.formUnion(signer.fingerprints)
            }
        }
        return store
    }
}
