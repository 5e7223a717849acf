import Foundation
import WaypointCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    var result = HSDSReadResult()
    HSDSReader.readCSV(text, file: "services.csv", table: "service", into: &result)
    return 0
}
