import Foundation
import WaypointCore

/// Every finder over hostile text; spans must stay inside the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let facts = AdExtractor.facts(text)
    let length = text.utf8.count
    for phone in facts.phones { precondition(phone.start >= 0 && phone.end <= length && phone.start < phone.end) }
    for hit in facts.indicators { precondition(hit.start >= 0 && hit.end <= length && hit.start < hit.end) }
    _ = AdSketch.shingles(AdText.tokens(text))
    return 0
}
