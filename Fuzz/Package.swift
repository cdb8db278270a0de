// swift-tools-version: 5.4
// libFuzzer targets for release-audit's readers of untrusted input. A package of its own, so the
// main `swift build` never builds them; scripts/fuzz.sh builds and runs them:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// Tools version 5.4 on purpose: from 5.5 on SwiftPM renames an executable's entry point to
// `<Target>_main` and links `--defsym main=<Target>_main`, which fails when libFuzzer provides
// `main` and the target (parsed as a library) has none. The code is still Swift 6 mode.
import PackageDescription

let package = Package(
    name: "release-audit-fuzz",
    dependencies: [
        // The root package, whatever its checkout directory is called.
        .package(name: "release-audit", path: ".."),
    ],
    targets: [
        // DSSE envelopes, in-toto statements and their predicates, and the strict JSON parser under them.
        .executableTarget(name: "FuzzEnvelope", dependencies: [.product(name: "AuditCore", package: "release-audit")]),
        // Policy files (YAML and JSON).
        .executableTarget(name: "FuzzPolicy", dependencies: [.product(name: "AuditCore", package: "release-audit")]),
        // JUnit XML reports.
        .executableTarget(name: "FuzzJUnit", dependencies: [.product(name: "AuditCore", package: "release-audit")]),
    ],
    swiftLanguageVersions: [.version("6")]
)
