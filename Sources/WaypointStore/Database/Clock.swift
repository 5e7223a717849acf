import Foundation

/// The time source, injectable so idle timeouts and expiry can be tested without waiting.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = Clock { Date() }

    public func millis() -> Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded()) }

    /// Today's date as YYYY-MM-DD in `zone`: how consent expiries and verified dates are compared.
    public func today(in zone: TimeZone = .gmt) -> String {
        now().calendarDay(in: zone)
    }
}
