// swift-tools-version:6.1
import PackageDescription

/// The modules whose work is computation (the rules and figures, the demo's generator, photos, the
/// importer's parsers) are optimised in debug builds too: the test suite spent most of its processor
/// time in them unoptimised (forecasts, figures, a 300 MB hostile CSV read by the debug executable),
/// and optimised they cost the build little. Debug builds keep their checks (-O keeps overflow and
/// bounds traps) and `@testable` access (testability is on in debug builds).
let optimisedInTests: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Rollout",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rollout", targets: ["rollout"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.30.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        // Traces exported over OTLP/HTTP only (the gRPC exporter's build costs minutes more).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.0.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.17.0"),
        // Webhook deliveries (already built for the OTLP exporter).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
    ],
    targets: [
        // Pure domain: types, rules, the fold of the log. Foundation only, no I/O.
        .target(name: "RolloutCore", swiftSettings: optimisedInTests),
        // Every user-facing sentence, Chinese first and English second: the one catalogue.
        .target(name: "RolloutTexts", dependencies: ["RolloutCore"]),
        // The bundled reference data (Chongqing divisions and boundaries) and its readers.
        .target(
            name: "RolloutReference",
            dependencies: ["RolloutCore"],
            resources: [.copy("Resources")]
        ),
        // zlib, for reading workbooks (ZIPFoundation's Linux inflate does not stop at an entry's end).
        .systemLibrary(name: "RolloutZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Files of the process's own: private temporary folders (uploads, extracted parts, exports being written).
        .target(name: "RolloutFiles"),
        // libjpeg-turbo (Debian's libjpeg62-turbo-dev): encoding, and previews by DCT scaling.
        .systemLibrary(name: "RolloutJPEGLib", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // Photos as evidence: a JPEG's structure and its EXIF block (where and when it was taken),
        // read by a reader of our own that no file can make read past the end; previews through libjpeg.
        .target(name: "RolloutPhotos", dependencies: ["RolloutCore", "RolloutJPEGLib", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: optimisedInTests),
        // Tables written as CSV, XLSX or one JSON array, row by row (exports and downloads).
        .target(
            name: "RolloutExport",
            dependencies: ["RolloutCore", "RolloutFiles", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // The deterministic demo campaign generator, and its installation into a store.
        .target(name: "RolloutDemo", dependencies: ["RolloutCore", "RolloutReference", "RolloutStorage", "RolloutPhotos"],
                swiftSettings: optimisedInTests),
        // The storage interface, split by aggregate (database, log, progress, obstacles, resources,
        // bulletins, accounts), with the rows it answers and the one wall clock. No driver.
        .target(name: "RolloutStorage", dependencies: ["RolloutCore"]),
        // The storage's SQL implementation: the event log and its projections on SQLite and
        // PostgreSQL through SQLKit. The only target that links the drivers.
        .target(
            name: "RolloutSQLStorage",
            dependencies: [
                "RolloutCore", "RolloutStorage",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The application: the campaign service and its use cases (access checks and workflow, then
        // append; figures, forecasts, dispatching, sharing, supervision, exports) over the storage interface.
        .target(
            name: "RolloutApplication",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutStorage", "RolloutAccess", "RolloutImport", "RolloutExport", "RolloutFiles", "RolloutPhotos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Notifications where people work: the outbox's delivery through webhooks (WeChat Work and
        // DingTalk robots, plain JSON; AsyncHTTPClient) and e-mail (a small SMTP client on NIO and NIOSSL).
        .target(
            name: "RolloutNotify",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Bulk files: bytes (CSV or XLSX, UTF-8 or GB18030) to rows to validated events, all or nothing.
        .target(
            name: "RolloutImport",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutReference", "RolloutStorage", "RolloutFiles", "RolloutZlib",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: optimisedInTests
        ),
        // Accounts, passwords (bcrypt) and API tokens (SHA-256 of the secret), sign-in limits.
        .target(
            name: "RolloutAccess",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutStorage",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // HTTP API and pages.
        .target(
            name: "RolloutWeb",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutStorage", "RolloutApplication", "RolloutImport", "RolloutAccess", "RolloutFiles", "RolloutExport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Resources")]
        ),
        // The thin command line.
        .executableTarget(
            name: "rollout",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutReference", "RolloutDemo", "RolloutStorage", "RolloutSQLStorage", "RolloutApplication",
                "RolloutImport", "RolloutWeb", "RolloutAccess", "RolloutFiles", "RolloutExport", "RolloutNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // What the test targets share: the databases to run on, the built executable.
        .target(
            name: "RolloutTestSupport",
            dependencies: ["RolloutCore", "RolloutStorage", "RolloutSQLStorage", "RolloutApplication", "RolloutDemo", "RolloutWeb",
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(name: "RolloutCoreTests", dependencies: ["RolloutCore", "RolloutTexts"]),
        .testTarget(name: "RolloutPhotosTests", dependencies: ["RolloutCore", "RolloutPhotos"]),
        .testTarget(name: "RolloutDemoTests", dependencies: ["RolloutCore", "RolloutReference", "RolloutDemo", "RolloutStorage", "RolloutSQLStorage"]),
        .testTarget(
            name: "RolloutStorageTests",
            dependencies: ["RolloutCore", "RolloutTexts", "RolloutReference", "RolloutDemo", "RolloutStorage", "RolloutSQLStorage", "RolloutApplication",
                           "RolloutTestSupport", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        .testTarget(
            name: "RolloutImportTests",
            dependencies: ["RolloutCore", "RolloutTexts", "RolloutReference", "RolloutDemo", "RolloutStorage", "RolloutSQLStorage", "RolloutApplication",
                           "RolloutImport", "RolloutTestSupport", "RolloutPhotos",
                           "RolloutFiles", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RolloutWebTests",
            dependencies: [
                "RolloutCore", "RolloutTexts", "RolloutReference", "RolloutDemo", "RolloutStorage", "RolloutSQLStorage", "RolloutApplication", "RolloutWeb",
                "RolloutTestSupport", "RolloutAccess", "RolloutExport", "RolloutFiles", "RolloutNotify", "RolloutPhotos",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
