import Foundation

extension Date {
    /// Stored times are milliseconds since 1970.
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
    /// Milliseconds since 1970, as the database stores instants.
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The calendar day (YYYY-MM-DD) this instant falls on in `zone`: the one form dates-without-time
    /// (consent expiries, verified-on dates, FHIR `today()`) are written and compared in.
    /// The day and the minute ("2026-11-30 14:05") in `zone`: for deadlines counted in hours.
    public func calendarMinute(in zone: TimeZone = .gmt) -> String {
        let local = Int((timeIntervalSince1970 + Double(zone.secondsFromGMT(for: self))).rounded(.down))
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        let hour = minutes / 60, minute = minutes % 60
        return calendarDay(in: zone) + " " + (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    /// Computed from the day number (H. Hinnant's civil-from-days): building a date formatter for
    /// each line was most of a caseload dashboard's time.
    public func calendarDay(in zone: TimeZone = .gmt) -> String {
        let local = timeIntervalSince1970 + Double(zone.secondsFromGMT(for: self))
        return HSDSRowRules.date(dayNumber: Int((local / 86_400).rounded(.down)))
    }
}
