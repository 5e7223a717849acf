// swift-tools-version:6.1
// libFuzzer targets for the parsers that read files from outside. A package of its own, so the
// main build and CI never see them: `scripts/fuzz.sh TARGET SECONDS` builds one with
// -sanitize=fuzzer,address and runs it.
//
// WaypointCore is compiled here as this package's own target (Sources/WaypointCore is a link to the
// real sources), not taken as a dependency of the main package: SwiftPM gives the fuzzer's coverage
// instrumentation to root targets only, and without it libFuzzer fuzzes blind.
import PackageDescription

let fuzzed: [(String, String)] = [
    ("FuzzJSON", "strict JSON check and JSONValue"), ("FuzzQuestionnaire", "Questionnaire loading"),
    ("FuzzFHIRPath", "FHIRPath parse and evaluate"), ("FuzzHSDSCSV", "HSDS CSV reader"), ("FuzzHSDSJSON", "HSDS JSON reader"),
    ("FuzzAdText", "the ads workbench's finders"), ("FuzzAdFile", "ads and posters files"),
]

let package = Package(
    name: "WaypointFuzz",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [
        .target(name: "WaypointCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                resources: [.copy("Resources")], swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ] + fuzzed.map { name, _ in
        .executableTarget(name: name, dependencies: ["WaypointCore"])
    }
)
