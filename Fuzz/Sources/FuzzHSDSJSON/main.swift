import Foundation
import WaypointCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var result = HSDSReadResult()
    HSDSReader.readJSON(Data(bytes: start, count: count), file: "fuzz.json", into: &result)
    return 0
}
