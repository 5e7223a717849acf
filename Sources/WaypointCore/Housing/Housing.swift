import Foundation

/// A shelter or safe house with a number of beds. Its address is a confidential location: never
/// listed, read only on purpose and audited.
public struct HousingSite: Codable, Sendable, Equatable {
    public let id: String
    /// What staff call it — a code name, not the address.
    public let name: String
    public let beds: Int
    /// Beds taken by stays that are open today.
    public let occupied: Int
    public let free: Int

    public init(id: String, name: String, beds: Int, occupied: Int) {
        self.id = id
        self.name = name
        self.beds = beds
        self.occupied = occupied
        self.free = max(0, beds - occupied)
    }
}

public struct NewHousingSite: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var beds: Int

    public init(name: String, address: String, beds: Int) {
        self.name = name
        self.address = address
        self.beds = beds
    }
}

/// A client's stay at a site, paid night by night from a fund when they check out.
public struct HousingStay: Codable, Sendable, Equatable {
    public let id: String
    public let siteId: String
    public let siteName: String
    public let fundId: String
    public let checkIn: String
    public let checkOut: String?
    /// Nights charged at check-out (the days between check-in and check-out).
    public let nights: Int?

    public init(id: String, siteId: String, siteName: String, fundId: String, checkIn: String, checkOut: String?, nights: Int?) {
        self.id = id
        self.siteId = siteId
        self.siteName = siteName
        self.fundId = fundId
        self.checkIn = checkIn
        self.checkOut = checkOut
        self.nights = nights
    }
}

public struct NewStay: Codable, Sendable, Equatable {
    public var siteId: String
    public var fundId: String
    public var checkIn: String?
    public var overrideReason: String?

    public init(siteId: String, fundId: String, checkIn: String? = nil, overrideReason: String? = nil) {
        self.siteId = siteId
        self.fundId = fundId
        self.checkIn = checkIn
        self.overrideReason = overrideReason
    }
}

public struct StayCheckOut: Codable, Sendable, Equatable {
    public var checkOut: String?
    public var overrideReason: String?

    public init(checkOut: String? = nil, overrideReason: String? = nil) {
        self.checkOut = checkOut
        self.overrideReason = overrideReason
    }
}

/// Trips given to a client, charged to a fund when issued.
public struct TransportVoucher: Codable, Sendable, Equatable {
    public let id: String
    public let fundId: String
    public let trips: Int
    public let issuedOn: String
    public let usedOn: String?

    public init(id: String, fundId: String, trips: Int, issuedOn: String, usedOn: String?) {
        self.id = id
        self.fundId = fundId
        self.trips = trips
        self.issuedOn = issuedOn
        self.usedOn = usedOn
    }
}

public struct NewVoucher: Codable, Sendable, Equatable {
    public var fundId: String
    public var trips: Int?
    public var issuedOn: String?
    public var overrideReason: String?

    public init(fundId: String, trips: Int? = nil, issuedOn: String? = nil, overrideReason: String? = nil) {
        self.fundId = fundId
        self.trips = trips
        self.issuedOn = issuedOn
        self.overrideReason = overrideReason
    }
}

public struct VoucherUse: Codable, Sendable, Equatable {
    public var usedOn: String?
    public init(usedOn: String? = nil) { self.usedOn = usedOn }
}

public enum HousingError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)
    /// Every bed of the site is taken today.
    case full(site: String)
    /// The stay has already ended, or the voucher was already used.
    case finished

    public var messageKey: String {
        switch self {
        case .invalid: "error_housing_invalid"
        case .full: "error_housing_full"
        case .finished: "error_housing_finished"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalid: .invalid
        case .full, .finished: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .invalid(let field, _): field
        case .full: "site_id"
        case .finished: nil
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .invalid(_, let reason): reason
        case .full(let site): LocalizedText("error_detail_housing_full", ["site": site])
        case .finished: nil
        }
    }
}

/// The rules of shelter stays and vouchers. Pure.
public enum HousingRules {

    public static func checked(_ site: NewHousingSite) throws -> NewHousingSite {
        var checked = site
        checked.name = site.name.trimmingCharacters(in: .whitespacesAndNewlines)
        checked.address = site.address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(checked.name.count) else { throw HousingError.invalid(field: "name", reason: LocalizedText("error_detail_too_long", ["max": "60"])) }
        guard (1...500).contains(checked.address.count) else {
            throw HousingError.invalid(field: "address", reason: LocalizedText("error_detail_too_long", ["max": "500"]))
        }
        guard (1...500).contains(site.beds) else { throw HousingError.invalid(field: "beds", reason: LocalizedText("error_detail_housing_beds")) }
        return checked
    }

    /// A day given on a form or in the API (default today), never in the future.
    public static func day(_ value: String?, field: String, today: String) throws -> String {
        let day = (value ?? "").trimmingCharacters(in: .whitespaces)
        if day.isEmpty { return today }
        guard HSDSRowRules.isDate(day), day <= today else { throw HousingError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field])) }
        return day
    }

    /// Nights between check-in and check-out; leaving the day one arrived is no night.
    public static func nights(checkIn: String, checkOut: String) throws -> Int {
        guard let first = HSDSRowRules.dayNumber(checkIn), let last = HSDSRowRules.dayNumber(checkOut), last >= first else {
            throw HousingError.invalid(field: "check_out", reason: LocalizedText("error_detail_housing_check_out"))
        }
        return last - first
    }

    /// A voucher is for 1 to 20 trips.
    public static func trips(_ value: Int?) throws -> Int {
        let trips = value ?? 1
        guard (1...20).contains(trips) else { throw HousingError.invalid(field: "trips", reason: LocalizedText("error_detail_housing_trips")) }
        return trips
    }
}
