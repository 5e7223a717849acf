// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "waypoint",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "waypoint", targets: ["waypoint"]),
        .executable(name: "WaypointBench", targets: ["WaypointBench"]),
        // For the fuzz targets in Fuzz/ (a package of their own).
        .library(name: "WaypointCore", targets: ["WaypointCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Operations: counters and timings through swift-metrics, served in Prometheus's text format at /metrics.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Forwarding xAPI statements to a learning record store; the benchmark's load generator.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Course lessons are Markdown, rendered on the server.
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // Open Badges 3.0 credentials: JWTs signed with EdDSA (Ed25519).
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        // SCORM 1.2 packages of a course.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "WaypointCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .target(
            name: "WaypointStore",
            dependencies: [
                "WaypointCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WaypointWeb",
            dependencies: [
                "WaypointCore", "WaypointStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // Each feature's templates sit beside its routes; the build puts them side by side.
            resources: [.copy("Resources")] + ["Accounts", "Ads", "Cases", "Crisis", "Directory", "Funds", "Housing", "Partners", "Referrals", "Reports", "Response", "Screening", "Shared", "Training"]
                .map { .process("\($0)/Templates") },
            swiftSettings: strict
        ),
        .executableTarget(
            name: "waypoint",
            dependencies: [
                "WaypointCore", "WaypointStore", "WaypointWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "WaypointBench",
            dependencies: [
                "WaypointCore", "WaypointStore", "WaypointWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // Fresh databases (SQLite file or PostgreSQL schema) for the store and web tests.
        .target(
            name: "WaypointTestSupport",
            dependencies: ["WaypointCore", "WaypointStore", .product(name: "SQLKit", package: "sql-kit")],
            path: "Tests/WaypointTestSupport"
        ),
        .testTarget(name: "WaypointCoreTests", dependencies: ["WaypointCore"]),
        .testTarget(
            name: "WaypointStoreTests",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),"WaypointCore", "WaypointStore", "WaypointTestSupport", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "WaypointWebTests",
            dependencies: [
                "WaypointCore", "WaypointWeb", "WaypointStore", "WaypointTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
