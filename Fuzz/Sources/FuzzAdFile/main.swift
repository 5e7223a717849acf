import Foundation
import WaypointCore

/// An ads file (CSV or JSON Lines, by its first byte) fed in uneven chunks, and a posters file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(UnsafeBufferPointer(start: start, count: count))
    var reader = AdRecordReader(format: AdRecordReader.format(name: "ads", firstBytes: data))
    var offset = 0, step = 1
    while offset < data.count {
        _ = reader.feed(data.subdata(in: offset..<min(data.count, offset + step)))
        offset += step
        step = step * 3 % 97 + 1
    }
    _ = reader.finish()
    _ = PosterFile.parse(data, name: "posters.csv")
    return 0
}
