import Foundation

/// US ZIP code centroids (Resources/directory/zip-centroids.csv; origin and licence in the NOTICE
/// beside it). Loaded on first use, about 42,000 rows.
public struct ZIPCentroids: Sendable {
    public struct Place: Sendable, Equatable {
        public let latitude: Double
        public let longitude: Double
        public let state: String
        public let timeZone: String
    }

    private let places: [String: Place]
    /// Each state's centre: the mean of its ZIP centroids (for "how far from where the person went missing").
    public let stateCentres: [String: (lat: Double, lon: Double)]

    static let loaded = BundledResources.load("directory/zip-centroids.csv") { data in
        var places: [String: Place] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 5, let latitude = Double(parts[1]), let longitude = Double(parts[2]) else { continue }
            places[String(parts[0])] = Place(latitude: latitude, longitude: longitude, state: String(parts[3]), timeZone: String(parts[4]))
        }
        guard !places.isEmpty else { throw BundledResourceError(file: "directory/zip-centroids.csv", reason: "has no rows") }
        var sums: [String: (lat: Double, lon: Double, count: Double)] = [:]
        for place in places.values {
            let sum = sums[place.state] ?? (0, 0, 0)
            sums[place.state] = (sum.lat + place.latitude, sum.lon + place.longitude, sum.count + 1)
        }
        return ZIPCentroids(places: places, stateCentres: sums.mapValues { ($0.lat / $0.count, $0.lon / $0.count) })
    }

    public static var bundled: ZIPCentroids { loaded.loadedValue }

    /// The centroid of a five-digit ZIP code (a ZIP+4 is read by its first five digits).
    public func place(_ zip: String) -> Place? {
        let digits = zip.trimmingCharacters(in: .whitespaces).prefix(5)
        guard digits.count == 5, digits.allSatisfy(\.isNumber) else { return nil }
        return places[String(digits)]
    }

    public var count: Int { places.count }
}
