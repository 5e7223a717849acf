// swift-tools-version:6.1
// libFuzzer targets for the parsers that read files from outside. A package of its own, so the
// main build and CI never see them: `scripts/fuzz.sh TARGET SECONDS` builds one with
// -sanitize=fuzzer,address and runs it.
import PackageDescription

let fuzzed: [(String, String)] = [
    ("FuzzJSON", "strict JSON check and JSONValue"), ("FuzzQuestionnaire", "Questionnaire loading"),
    ("FuzzFHIRPath", "FHIRPath parse and evaluate"), ("FuzzHSDSCSV", "HSDS CSV reader"), ("FuzzHSDSJSON", "HSDS JSON reader"),
]

let package = Package(
    name: "WaypointFuzz",
    dependencies: [.package(path: "..")],
    targets: fuzzed.map { name, _ in
        .executableTarget(name: name, dependencies: [.product(name: "WaypointCore", package: "waypoint")])
    }
)
