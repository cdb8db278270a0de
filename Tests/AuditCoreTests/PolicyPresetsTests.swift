import AuditCore
import Foundation
import Testing

/// The embedded presets, the files in policies/ and the README never drift apart.
@Suite struct PolicyPresetsTests {
    @Test(arguments: Policy.presetNames)
    func embeddedTextEqualsTheFile(name: String) throws {
        let file = PolicyTestFiles.presetsFolder.appendingPathComponent("\(name).yml")
        let onDisk = try Data(contentsOf: file)
        let embedded = try #require(Policy.presetSource(named: name))
        #expect(Data(embedded.utf8) == onDisk, "Sources/AuditCore/Policy/PolicyPresets.swift differs from policies/\(name).yml")
    }

    @Test func everyPresetFileIsEmbedded() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: PolicyTestFiles.presetsFolder.path)
            .filter { $0.hasSuffix(".yml") }
            .map { String($0.dropLast(4)) }
        #expect(Set(files) == Set(Policy.presetNames))
    }

    @Test(arguments: Policy.presetNames)
    func everyPresetStartsWithAHeaderSayingWhenToUseIt(name: String) throws {
        let text = try #require(Policy.presetSource(named: name))
        #expect(text.hasPrefix("# \(name): "))
        #expect(text.contains("# Use it when"))
    }

    @Test func unknownPresetHasNoSource() {
        #expect(Policy.presetSource(named: "exact-commit.yml") == nil)
        #expect(Policy.presetSource(named: "") == nil)
    }

    /// Every key of the canonical form (which has them all) is documented in policies/README.md.
    @Test func theReadmeDocumentsEveryKey() throws {
        let readme = try String(contentsOf: PolicyTestFiles.presetsFolder.appendingPathComponent("README.md"), encoding: .utf8)
        var section = ""
        var keys: [String] = []
        for line in Policy().canonicalYAML().split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("    ") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  ") {
                keys.append(section == "trusted_keys" ? "trusted_keys.<role>" : "\(section).\(name)")
            } else {
                section = name
                keys.append(name)
            }
        }
        keys += ["trusted_keys.<role>.keys", "trusted_keys.<role>.threshold", "trusted_keys.<role>.identities",
                 "trusted_keys.trusted_roots", "trusted_keys.allow_shared_keys",
                 "issuer", "san", "source_repository", "source_ref", "build_signer", "build_signer_digest", "runner_environment"]
        #expect(keys.count > 20)
        for key in Set(keys) {
            #expect(readme.contains("`\(key)`"), "policies/README.md does not document `\(key)`")
        }
    }
}
