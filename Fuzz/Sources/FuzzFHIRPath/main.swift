import Foundation
import WaypointCore

let subject: JSONValue = .object(["name": .array([.object(["given": .array([.string("Ana")]), "family": .string("Ruiz")])]),
                                  "age": .integer(17), "answers": .array([.string("yes"), .string("no")])])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let path = try? FHIRPath(text) else { return 0 }
    _ = try? path.evaluate([FHIRPathItem(subject)], environment: FHIRPathEnvironment(now: ISO8601DateFormatter().date(from: "2026-11-29T12:00:00Z")!))
    return 0
}
