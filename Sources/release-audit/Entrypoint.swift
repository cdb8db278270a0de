import ReleaseAuditCLI

/// The executable is only an entry point; every command lives in `ReleaseAuditCLI`.
@main
struct Entrypoint {
    static func main() {
        ReleaseAuditCommand.main()
    }
}
