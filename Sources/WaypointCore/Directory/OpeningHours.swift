import Foundation

/// HSDS schedules (iCalendar RRULE fields plus opens_at/closes_at in local time) reduced to what a
/// search needs: the minutes of the week a service is open, in the service's own time zone.
/// Minute 0 is Monday 00:00.
public enum ScheduleRules {
    public static let dayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    public static let minutesPerWeek = 7 * 24 * 60

    /// "HH:MM" or "HH:MM:SS", optionally with fractional seconds and a "Z" or "±hh:mm" offset
    /// (the offset is not needed: weekly hours are read in the service's own zone).
    public static func minutes(_ text: String) -> Int? {
        var clock = Substring(text)
        if let offsetStart = clock.firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            let offset = clock[offsetStart...]
            guard offset == "Z" || offset.count == 6 || offset.count == 5 else { return nil }
            clock = clock[..<offsetStart]
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        if parts.count == 3 {
            guard parts[2].count >= 2, let seconds = Double(parts[2]), seconds >= 0, seconds < 61 else { return nil }
        }
        return hour * 60 + minute
    }

    static func dayIndex(_ item: Substring) -> Int? {
        // RRULE allows an ordinal before the day ("1MO", "-1FR") for monthly rules.
        let code = String(item.drop { $0 == "+" || $0 == "-" || $0.isNumber }).uppercased()
        return dayCodes.firstIndex(of: code)
    }

    /// What makes a schedule impossible to follow. Free-text-only schedules are fine.
    static func problems(_ row: HSDSFields) -> [(String, String)] {
        var problems: [(String, String)] = []
        if let days = row["byday"]?.string {
            let bad = days.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { dayIndex(Substring($0)) == nil }
            if !bad.isEmpty { problems.append(("byday", "unknown day(s) \(bad.joined(separator: ", ")); use MO, TU, WE, TH, FR, SA, SU")) }
        }
        let opens = row["opens_at"]?.string.flatMap(minutes)
        let closes = row["closes_at"]?.string.flatMap(minutes)
        if (row["opens_at"] == nil) != (row["closes_at"] == nil) {
            problems.append((row["opens_at"] == nil ? "opens_at" : "closes_at", "opening and closing times come together"))
        }
        if let opens, let closes, opens == closes, opens != 0 {
            problems.append(("closes_at", "closes at the time it opens; for a whole day use 00:00 to 00:00"))
        }
        if let from = row["valid_from"]?.string, let to = row["valid_to"]?.string, from > to {
            problems.append(("valid_to", "is before valid_from"))
        }
        if let interval = row["interval"]?.number, interval < 1 { problems.append(("interval", "must be 1 or more")) }
        if let count = row["count"]?.number, count < 1 { problems.append(("count", "must be 1 or more")) }
        if let offset = row["timezone"]?.number, !(-12...14).contains(offset) {
            problems.append(("timezone", "must be a UTC offset in hours between -12 and 14"))
        }
        if let days = row["bymonthday"]?.string {
            let bad = days.split(separator: ",").filter { Int($0.trimmingCharacters(in: .whitespaces)).map { $0 == 0 || abs($0) > 31 } ?? true }
            if !bad.isEmpty { problems.append(("bymonthday", "days of the month are 1 to 31 (or -1 to -31)")) }
        }
        return problems
    }

    /// Open minutes of the week for a weekly schedule, as half-open ranges within 0..<minutesPerWeek
    /// (a night that runs past Sunday midnight is split). `nil` when the schedule is not a plain
    /// weekly rule (monthly, every other week, or no times), so "open now" cannot be decided from it.
    public static func weeklyIntervals(_ row: HSDSFields) -> [Range<Int>]? {
        guard (row["freq"]?.string ?? "WEEKLY") == "WEEKLY", (row["interval"]?.number ?? 1) == 1,
              let opens = row["opens_at"]?.string.flatMap(minutes), let closes = row["closes_at"]?.string.flatMap(minutes)
        else { return nil }
        // No byday on a weekly rule: every day (the common way "daily 9 to 5" is written).
        let days = row["byday"]?.string.map { $0.split(separator: ",").compactMap { dayIndex(Substring($0.trimmingCharacters(in: .whitespaces))) } }
            ?? Array(0..<7)
        let length = closes > opens ? closes - opens : closes + 24 * 60 - opens
        var ranges: [Range<Int>] = []
        for day in Set(days).sorted() {
            let start = day * 24 * 60 + opens
            let end = start + length
            if end <= minutesPerWeek {
                ranges.append(start..<end)
            } else {
                ranges.append(start..<minutesPerWeek)
                ranges.append(0..<(end - minutesPerWeek))
            }
        }
        return ranges
    }

    /// Whether the schedule applies on a local calendar date ("YYYY-MM-DD").
    public static func isValid(_ row: HSDSFields, on date: String) -> Bool {
        if let from = row["valid_from"]?.string, date < from { return false }
        if let to = row["valid_to"]?.string, date > to { return false }
        return true
    }

    /// The local minute of the week and the local date of `instant` in `timeZone`.
    public static func localWeekMinute(_ instant: Date, timeZone: TimeZone) -> (minute: Int, date: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: instant)
        let mondayBased = (parts.weekday! + 5) % 7
        let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        return (mondayBased * 24 * 60 + parts.hour! * 60 + parts.minute!, date)
    }

    /// The zone a service keeps its hours in: the state's zone for a US address (so daylight saving
    /// is right), else the schedule's fixed UTC offset, else UTC.
    public static func timeZone(state: String?, country: String?, offsetHours: Double?) -> String {
        if let state, let zone = usStateZones[state.uppercased()] { return zone }
        if let offsetHours, offsetHours.rounded() == offsetHours, offsetHours != 0 {
            // Etc/GMT zones count the other way round: UTC-7 is "Etc/GMT+7".
            return "Etc/GMT" + (offsetHours < 0 ? "+" : "-") + String(Int(abs(offsetHours)))
        }
        return "UTC"
    }

    /// Each state's zone for most of its people; states split between zones use the zone of their
    /// largest population; an address with a ZIP code uses the ZIP code's own zone instead.
    static let usStateZones: [String: String] = [
        "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
        "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
        "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
        "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
        "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
        "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
        "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
        "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
        "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
        "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
        "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
        "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
        "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
    ]
}
