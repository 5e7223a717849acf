// swift-tools-version:6.1
// libFuzzer targets for the parsers that read files from outside. A package of its own, so the
// main build and CI never see them: `scripts/fuzz.sh TARGET SECONDS` builds one with
// -sanitize=fuzzer,address and runs it.
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let fuzzed: [(String, String)] = [
    ("FuzzJSON", "strict JSON check and JSONValue"), ("FuzzQuestionnaire", "Questionnaire loading"),
    ("FuzzFHIRPath", "FHIRPath parse and evaluate"), ("FuzzHSDSCSV", "HSDS CSV reader"), ("FuzzHSDSJSON", "HSDS JSON reader"),
]

let package = Package(
    name: "WaypointFuzz",
    dependencies: [.package(path: "..")],
    targets: fuzzed.map { name, _ in
        .executableTarget(name: name, dependencies: [.product(name: "WaypointCore", package: root)])
    }
)
