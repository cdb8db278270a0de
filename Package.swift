// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "release-audit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "release-audit", targets: ["release-audit"]),
        .library(name: "AuditCore", targets: ["AuditCore"]),
        .library(name: "GitFacts", targets: ["GitFacts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // libgit2, as the system provides it. Only GitFacts imports this module.
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        // The git layer: opens repositories through libgit2 and hands out plain Swift values.
        .target(name: "GitFacts", dependencies: ["CLibgit2"]),
        // The C-free audit core: formats, signing, policy, checks, reports.
        .target(
            name: "AuditCore",
            dependencies: [
                "GitFacts",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The commands, as a library so they can be tested without spawning a process.
        .target(
            name: "ReleaseAuditCLI",
            dependencies: [
                "AuditCore",
                "GitFacts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "release-audit", dependencies: ["ReleaseAuditCLI"]),

        // Helpers shared by the test targets: temporary repositories built with the git CLI,
        // running the built binary.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitFactsTests", dependencies: ["GitFacts", "TestSupport"]),
        .testTarget(
            name: "AuditCoreTests",
            dependencies: [
                "AuditCore", "TestSupport",
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CLITests",
            dependencies: ["ReleaseAuditCLI", "AuditCore", "GitFacts", "TestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
