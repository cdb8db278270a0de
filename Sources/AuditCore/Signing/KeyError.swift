/// Why a key could not be loaded or used. Each description is one line that says what to do.
public enum KeyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The text holds no PEM block at all.
    case notPEM
    /// A PEM block is broken (no END line, bad base64).
    case malformedPEM(String)
    /// The DER inside the PEM block is not a well-formed key of its kind.
    case malformedKey(String)
    /// More than one key block was found.
    case multipleKeys(Int)
    /// A well-formed key of a type we do not sign or verify with (RSA, P-384, ...).
    case unsupportedKeyType(String)
    /// A public key was given where a private (signing) key is needed.
    case publicKeyInsteadOfPrivate
    /// A private key was given where a public key is expected.
    case privateKeyInsteadOfPublic
    /// An X.509 certificate was given where a public key is expected.
    case certificateInsteadOfPublicKey
    /// The private key is encrypted with a passphrase (PKCS#8 or legacy PEM encryption).
    case encrypted
    /// The private key is in cosign's (sigstore's) own encrypted format.
    case cosignEncrypted
    /// The public key stored inside a private key does not belong to it.
    case mismatchedPublicKey
    /// A private key file can be read or written by group or others.
    case insecurePermissions(path: String, mode: Int)
    /// A key file could not be read.
    case cannotRead(path: String, reason: String)
    /// The key source is larger than any key could be.
    case tooLarge(source: String, limit: Int)
    /// `env:NAME` names a variable that is not set.
    case environmentVariableMissing(String)
    /// `env:NAME` names a variable that is set but empty.
    case environmentVariableEmpty(String)
    /// The cryptographic library refused to sign.
    case signingFailed(String)
    /// An error about the key read from a file path or `env:NAME`.
    indirect case inSource(String, KeyError)

    public var description: String { message(source: nil) }

    /// The message, with commands that name the key's file when it has one.
    private func message(source: String?) -> String {
        let key = source.flatMap { $0.hasPrefix("env:") ? nil : $0 } ?? "KEY"
        switch self {
        case .notPEM:
            return "no PEM key found (expected a block such as -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)"
        case .malformedPEM(let detail):
            return "malformed PEM: \(detail); check that the key was copied completely"
        case .malformedKey(let detail):
            return "malformed key: \(detail); check that the key was copied completely, or make a new one with `release-audit keygen`"
        case .multipleKeys(let count):
            return "found \(count) keys; give exactly one key"
        case .unsupportedKeyType(let name):
            return "unsupported key type \(name): use an Ed25519 or ECDSA P-256 key (make one with `release-audit keygen --out NAME`)"
        case .publicKeyInsteadOfPrivate:
            return "this is a public key, but signing needs the private key (the .key file from `release-audit keygen`, not the .pub file)"
        case .privateKeyInsteadOfPublic:
            return "this is a private key, but a public key is expected here; extract it with `openssl pkey -in \(key) -pubout -out \(key).pub` and keep the private key secret"
        case .certificateInsteadOfPublicKey:
            return "this is an X.509 certificate, not a public key; extract the key with `openssl x509 -in \(key) -pubkey -noout > key.pub`"
        case .encrypted:
            return "the private key is encrypted with a passphrase; decrypt it with `openssl pkey -in \(key) -out \(key).plain` (then `chmod 600 \(key).plain`) and keep the plain key in a secret store"
        case .cosignEncrypted:
            return "this is a cosign encrypted private key, which release-audit cannot read; make a key with `release-audit keygen --out NAME`"
        case .mismatchedPublicKey:
            return "the public key stored inside the private key does not match it; the key is corrupt, make a new one with `release-audit keygen`"
        case .insecurePermissions(let path, let mode):
            return "private key file \(path) can be read or written by group or others (mode \(String(mode & 0o777, radix: 8))); run `chmod 600 \(path)`"
        case .cannotRead(let path, let reason):
            return "cannot read key file \(path): \(reason)"
        case .tooLarge(let source, let limit):
            return "\(source) is larger than \(limit) bytes, too large to be a key; check the path"
        case .environmentVariableMissing(let name) where name.isEmpty:
            return "env: needs the name of an environment variable, as in env:SIGNING_KEY"
        case .environmentVariableMissing(let name):
            return "environment variable \(name) is not set; set it to the key's PEM text (for example from a CI secret)"
        case .environmentVariableEmpty(let name):
            return "environment variable \(name) is empty; set it to the key's PEM text (for example from a CI secret)"
        case .signingFailed(let detail):
            return "signing failed: \(detail)"
        case .inSource(let source, let inner):
            return "\(source): \(inner.message(source: source))"
        }
    }
}
