import ArgumentParser
import AuditCore
import Foundation

/// `release-audit keygen`: make a signing key pair.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a signing key pair: PREFIX.key (private) and PREFIX.pub (public).",
        discussion: """
            Writes PREFIX.key, the private key as unencrypted PKCS#8 PEM with mode 0600, and \
            PREFIX.pub, the public key as SPKI PEM with mode 0644, then prints the key id on \
            stdout (the securesystemslib key id, which in-toto and Python tools compute too). \
            Existing files are never replaced without --force; both names are checked before \
            either file is written.

            Keep PREFIX.key secret, for example as a CI secret passed as env:NAME; publish \
            PREFIX.pub and trust it in the policy. Both work with openssl \
            (openssl pkey -in PREFIX.key -noout -text).

            Examples:
              release-audit keygen --out ci
              release-audit keygen --out release --algorithm ecdsa-p256
              KEYID=$(release-audit keygen --out ci --force)
            """
    )

    @Option(help: ArgumentHelp("Where to write: PREFIX.key and PREFIX.pub.", valueName: "prefix"))
    var out: String

    @Option(help: ArgumentHelp("The key algorithm: ed25519 or ecdsa-p256.", valueName: "algorithm"))
    var algorithm: String = KeyAlgorithm.ed25519.rawValue

    @Flag(help: "Replace PREFIX.key and PREFIX.pub if they exist.")
    var force = false

    func validate() throws {
        guard KeyAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("unknown --algorithm '\(algorithm)': use ed25519 or ecdsa-p256")
        }
        guard !out.isEmpty, !out.hasSuffix("/") else {
            throw ValidationError("--out needs a file name prefix: `--out ci` writes ci.key and ci.pub")
        }
        guard !out.hasSuffix(".key"), !out.hasSuffix(".pub") else {
            throw ValidationError("--out is a prefix without extension: `--out ci` writes ci.key and ci.pub")
        }
    }

    func run() throws {
        try reportingErrors {
            let key = SigningKey.generate(KeyAlgorithm(rawValue: algorithm) ?? .ed25519)
            let files = KeyPairFiles(prefix: out)
            // A key folder of its own (`--out ~/keys/ci`) is made private (0700) when it is new.
            let directory = PathText.parent(out)
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o700])
                } catch {
                    throw InputProblem("cannot create the directory \(directory) for the keys: \((error as NSError).localizedDescription)")
                }
            }
            try files.write(key, overwrite: force)
            Diagnostics.printError("release-audit: wrote \(files.privateKeyPath) (private key, mode 0600: keep it secret) and \(files.publicKeyPath) (public key)")
            print(key.publicKey.keyID)
        }
    }
}
