import Foundation

extension Date {
    /// Stored times are milliseconds since 1970.
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }

    /// The calendar day (YYYY-MM-DD) this instant falls on in `zone`: the one form dates-without-time
    /// (consent expiries, verified-on dates, FHIR `today()`) are written and compared in.
    public func calendarDay(in zone: TimeZone = .gmt) -> String {
        ISO8601DateFormatter.string(from: self, timeZone: zone, formatOptions: [.withFullDate])
    }
}
