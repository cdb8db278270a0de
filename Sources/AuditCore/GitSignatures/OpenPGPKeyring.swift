import Foundation

/// A temporary gpg home holding only the policy's OpenPGP keys, where signatures are verified as
/// git verifies them: `gpg --status-fd=1 --verify`, judged by the status lines, never the text.
final class OpenPGPKeyring: @unchecked Sendable {
    let program: String
    let home: URL

    /// Makes the home (mode 0700) and imports every key.
    ///
    /// - Throws: `InputProblem` when gpg cannot be run, or a key does not import.
    init(program: String, keys: [Data]) throws {
        self.program = program
        home = FileManager.default.temporaryDirectory.appendingPathComponent("release-audit-gpg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for (index, key) in keys.enumerated() {
            let file = home.appendingPathComponent("import-\(index).asc")
            try key.write(to: file)
            let result = try run(["--import", file.path])
            let imported = result.status.contains { $0.hasPrefix("IMPORT_OK") }
            guard result.exitCode == 0 || imported else {
                remove()
                throw InputProblem("an OpenPGP key of the policy's signers does not import into gpg: \(result.stderr.split(separator: "\n").first ?? "")")
            }
        }
    }

    /// Stops the agent gpg may have started for this home, then deletes it.
    func remove() {
        _ = try? ChildProcess.run("gpgconf", ["--homedir", home.path, "--kill", "all"], environment: Self.environment)
        try? FileManager.default.removeItem(at: home)
    }

    /// The environment gpg runs in: the process's, in the C locale, without a GNUPGHOME of its own.
    private static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment.removeValue(forKey: "GNUPGHOME")
        return environment
    }

    /// The verdict on an armoured signature over `data`.
    func verify(signature: String, data: Data, pinned: Set<String>) throws -> SignatureVerdict {
        let id = UUID().uuidString
        let sigFile = home.appendingPathComponent("\(id).sig"), dataFile = home.appendingPathComponent("\(id).data")
        try Data(signature.utf8).write(to: sigFile)
        try data.write(to: dataFile)
        defer {
            try? FileManager.default.removeItem(at: sigFile)
            try? FileManager.default.removeItem(at: dataFile)
        }
        let result = try run(["--verify", sigFile.path, dataFile.path])
        let verdict = Self.verdict(status: result.status, pinned: pinned)
        // gpg can report a good signature and still fail (more data after it, say): git then fails too.
        if verdict.isGood && result.exitCode != 0 {
            return .bad("gpg reported a good signature but exited \(result.exitCode): \(result.stderr.split(separator: "\n").last ?? "")")
        }
        return verdict
    }

    /// Reads gpg's status lines (`[GNUPG:] KEYWORD ARGS`), as git's `parse_gpg_output` does.
    static func verdict(status: [String], pinned: Set<String>) -> SignatureVerdict {
        var good: (key: String, uid: String)?
        var valid: (fingerprint: String, primary: String)?
        var newSignatures = 0
        var problem: String?
        var missing: String?
        for line in status {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard let keyword = fields.first else { continue }
            let arg = fields.count > 1 ? fields[1] : ""
            let rest = fields.count > 2 ? fields[2] : ""
            switch keyword {
            case "NEWSIG": newSignatures += 1
            case "GOODSIG": good = (arg, rest)
            case "VALIDSIG":
                let all = line.split(separator: " ").map(String.init)
                valid = (arg, all.count >= 11 ? all[10] : arg)
            case "BADSIG": problem = "the OpenPGP signature by key \(arg) does not verify"
            case "EXPKEYSIG": problem = "the OpenPGP signature was made by key \(arg), which has expired (git verify-tag refuses it too)"
            case "REVKEYSIG": problem = "the OpenPGP signature was made by key \(arg), which is revoked"
            case "EXPSIG": problem = "the OpenPGP signature has expired"
            case "NO_PUBKEY": missing = arg
            case "ERRSIG":
                let all = line.split(separator: " ").map(String.init)
                // ERRSIG <keyid> <pkalgo> <hashalgo> <sig_class> <time> <rc> [<fpr>]: rc 9 is a missing key.
                if all.count >= 7, all[6] == "9" { missing = missing ?? arg } else {
                    problem = problem ?? "gpg cannot check the OpenPGP signature by key \(arg) (error code \(all.count >= 7 ? all[6] : "?"))"
                }
            default: break
            }
        }
        if newSignatures > 1 { return .bad("the block holds \(newSignatures) OpenPGP signatures; git checks one") }
        if let problem { return .bad(problem) }
        if let missing { return .unknownSigner(key: missing, reason: "no OpenPGP key of the policy's signers made it") }
        guard let good, let valid else { return .bad("gpg reported no good signature") }
        if !pinned.isEmpty, !pinned.contains(valid.primary.uppercased()), !pinned.contains(valid.fingerprint.uppercased()) {
            return .unknownSigner(key: valid.primary, reason: "the key is in the policy's keyring but its fingerprint is not pinned")
        }
        return .good(signer: good.uid.isEmpty ? valid.primary : good.uid, key: valid.primary)
    }

    struct Result {
        var exitCode: Int32
        var status: [String]
        var stderr: String
    }

    /// Runs gpg in the temporary home, status lines on stdout.
    private func run(_ arguments: [String]) throws -> Result {
        let run: ChildProcess.Result
        do {
            run = try ChildProcess.run(program, ["--homedir", home.path, "--batch", "--no-tty", "--no-auto-key-retrieve", "--status-fd=1"] + arguments,
                                       environment: Self.environment)
        } catch {
            throw InputProblem("cannot run \(program) (\(error.localizedDescription)): OpenPGP signatures are verified with gpg; install it (apt-get install gnupg) or set RELEASE_AUDIT_GPG")
        }
        if run.notFound {
            throw InputProblem("\(program) is not installed: OpenPGP signatures are verified with gpg; install it (apt-get install gnupg) or set RELEASE_AUDIT_GPG")
        }
        let status = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("[GNUPG:] ") }.map { String($0.dropFirst("[GNUPG:] ".count)) }
        return Result(exitCode: run.status, status: status, stderr: String(decoding: run.stderr, as: UTF8.self))
    }
}
