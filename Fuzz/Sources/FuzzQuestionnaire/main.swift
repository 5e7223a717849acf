import Foundation
import WaypointCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? Questionnaire.load(Data(bytes: start, count: count))
    return 0
}
