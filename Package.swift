// swift-tools-version:6.1
// Liaison: a college's home-school contact daemon (liaisond), its control CLI
// (liaisonctl) and the libraries between them. The module map and the rule
// about which module may import which are in docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "Liaison",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "liaisond", targets: ["liaisond"]),
        .executable(name: "liaisonctl", targets: ["liaisonctl"]),
        .executable(name: "liaison-channel-host", targets: ["liaison-channel-host"]),
        // Channel plugins: shared libraries loaded only by liaison-channel-host.
        .library(name: "liaison-channel-outbox", type: .dynamic, targets: ["OutboxChannel"]),
        .library(name: "liaison-channel-log", type: .dynamic, targets: ["LogChannel"]),
        .library(name: "liaison-channel-wecom", type: .dynamic, targets: ["WeComChannel"]),
        .library(name: "liaison-channel-letter", type: .dynamic, targets: ["LetterChannel"]),
        .library(name: "liaison-channel-kannel", type: .dynamic, targets: ["KannelChannel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // AES-GCM and HMAC for personal data at rest (issue 14.4; docs/DEPLOY.md "The data key").
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Property tests of the delivery policy (tests only).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Domain values and pure rules. Foundation only.
        .target(name: "LiaisonCore"),
        .target(name: "LiaisonConfig", dependencies: ["LiaisonCore", "Yams"]),
        // Small POSIX helpers Core must not hold: GB18030 through iconv, and
        // the one read/write-all loop (EINTR) of client, server, host and plugins.
        .target(name: "LiaisonPosix"),
        .target(name: "LiaisonStore", dependencies: ["LiaisonCore", .product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "LiaisonProtocol", dependencies: ["LiaisonCore"]),
        .target(name: "LiaisonEngine", dependencies: ["LiaisonCore", "LiaisonStore", "LiaisonConfig", .product(name: "Logging", package: "swift-log")]),
        .target(name: "LiaisonServer", dependencies: ["LiaisonProtocol", "LiaisonEngine", "LiaisonPosix", .product(name: "Logging", package: "swift-log")]),
        .target(name: "LiaisonClient", dependencies: ["LiaisonProtocol", "LiaisonPosix"]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // The plugin ABI: one header, the whole contract (docs/PLUGINS.md).
        .target(name: "CLiaisonChannel"),
        // Supervises plugin hosts and speaks their wire; reaches the outbox
        // only through the DeliveryPort and is reached through the ChannelPort,
        // both declared in Core (neither Store nor Engine: issue 15.3).
        .target(name: "LiaisonChannels", dependencies: [
            "LiaisonCore", "LiaisonProtocol", "LiaisonConfig", "LiaisonPosix", .product(name: "Logging", package: "swift-log"),
        ]),
        // The C ABI wrapped for plugins written in Swift (their instance type and one line of entry point).
        .target(name: "ChannelPluginKit", dependencies: ["CLiaisonChannel"]),
        .target(name: "OutboxChannel", dependencies: ["CLiaisonChannel", "ChannelPluginKit", "LiaisonPosix"], path: "Plugins/outbox"),
        .target(name: "LogChannel", dependencies: ["CLiaisonChannel"], path: "Plugins/log"),
        // WeCom (企业微信): app messages and group robots over HTTPS (Plugins/wecom/README.md).
        .target(name: "WeComChannel", dependencies: ["CLiaisonChannel", "ChannelPluginKit"], path: "Plugins/wecom", exclude: ["README.md"]),
        // The letter channel (Plugins/letter/README.md): PDFs through pango and cairo;
        // the renderer is its own target so that liaisonctl and benchmarks link it too.
        .systemLibrary(name: "CPangoCairo", path: "Plugins/letter/CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
        .target(name: "LetterRender", dependencies: ["CPangoCairo"], path: "Plugins/letter/render",
                linkerSettings: [.linkedLibrary("fontconfig"), .linkedLibrary("cups")]),
        .target(name: "LetterChannel", dependencies: ["CLiaisonChannel", "LetterRender"], path: "Plugins/letter/channel",
                linkerSettings: [.linkedLibrary("cups")]),
        // The little HTTP the kannel channel speaks (a kept-alive GET client, a callback listener).
        .target(name: "MiniHTTP", dependencies: ["LiaisonPosix"]),
        .target(name: "KannelChannel", dependencies: ["CLiaisonChannel", "ChannelPluginKit", "MiniHTTP"], path: "Plugins/kannel", exclude: ["README.md"]),
        .target(name: "LiaisonSystemd", dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),

        .executableTarget(name: "liaisond", dependencies: [
            "LiaisonConfig", "LiaisonStore", "LiaisonEngine", "LiaisonServer", "LiaisonSystemd", "LiaisonChannels",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "liaison-channel-host", dependencies: ["CLiaisonChannel", "LiaisonCore", "LiaisonProtocol", "LiaisonPosix"]),
        .executableTarget(name: "liaisonctl", dependencies: [
            "LiaisonClient", "LiaisonConfig", "LiaisonPosix", "LetterRender", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Real servers for the tests and the benchmarks (Kannel), and the
        // posix_spawn child both use.
        .target(name: "LiaisonTestSupport", dependencies: ["MiniHTTP", "LiaisonChannels"]),
        .executableTarget(name: "liaison-bench", dependencies: [
            "LiaisonClient", "LiaisonTestSupport", "MiniHTTP", "LetterRender", "LiaisonEngine", "LiaisonStore", "LiaisonConfig", "LiaisonChannels", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "LiaisonCoreTests", dependencies: ["LiaisonCore", "LiaisonPosix", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "LiaisonConfigTests", dependencies: ["LiaisonConfig"]),
        .testTarget(name: "LiaisonStoreTests", dependencies: ["LiaisonStore", "LiaisonEngine", "LiaisonConfig", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "LiaisonClientTests", dependencies: ["LiaisonClient"]),
        .testTarget(name: "LiaisonServerTests", dependencies: ["LiaisonServer", "LiaisonProtocol", "LiaisonStore", "LiaisonConfig", "LiaisonSystemd", .product(name: "Logging", package: "swift-log")]),
        // Drives the real binaries; depending on them makes `swift test` build them.
        .testTarget(name: "LiaisonIntegrationTests", dependencies: [
            "LiaisonClient", "LiaisonChannels", "LiaisonTestSupport", "liaisond", "liaisonctl", "liaison-channel-host", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
