import Foundation

extension Date {
    /// Stored times are milliseconds since 1970.
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
