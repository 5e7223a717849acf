import Foundation
import Hummingbird
import WaypointCore

/// Query-string values read the same way on every route; each feature refuses with its own error.
enum QueryParameters {
    /// A whole number in `range`, or `value` when the parameter is absent; anything else is refused
    /// with `refusal(name, reason)`.
    static func int(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>,
                    refusal: (String, LocalizedText) -> any Error) throws -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return value }
        guard let number = Int(String(raw)), range.contains(number) else {
            throw refusal(name, LocalizedText("error_detail_whole_number",
                                              ["name": name, "min": String(range.lowerBound), "max": String(range.upperBound)]))
        }
        return number
    }

    /// Every parameter once (the last value of a repeated one), for a use case that checks the names itself.
    static func all(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { out[String(name)] = String(value) }
        return out
    }
}
