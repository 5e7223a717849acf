import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import WaypointCore
import WaypointStore
import WaypointWeb

/// The directory benchmark: a deterministic synthetic directory of `sites` service-at-location rows
/// is written as an HSDS CSV package in memory, read and imported (rows/s), then a fixed mixed query
/// set (text + radius + two facets + open now) runs against the bare database query and over HTTP in
/// the same process, one query at a time, so the two p95s compare like with like.
enum DirectoryBench {
    /// SplitMix64: the same directory and queries on every run and machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func pick<T>(_ list: [T]) -> T { list[below(list.count)] }
    }

    static let adjectives = ["Harbor", "Bridge", "Cedar", "Summit", "River", "Beacon", "Prairie", "Lantern", "Mesa", "Willow",
                             "Anchor", "Compass", "Meadow", "Pioneer", "Valley", "Granite", "Horizon", "Juniper", "Aspen", "Unity"]
    static let nouns = ["legal aid", "counselling", "shelter", "health center", "family services", "youth services", "job center",
                        "language bank", "recovery center", "outreach", "community clinic", "learning center", "transit help", "advocacy"]
    static let words = ["legal", "counselling", "shelter", "health", "family", "youth", "job", "language", "recovery", "outreach", "clinic", "learning"]

    /// Cities: evenly spaced ZIP codes of the centroid table, so points cluster the way people do.
    static func cities(_ count: Int) -> [(zip: String, lat: Double, lon: Double, state: String)] {
        let all = (0..<100_000).compactMap { number -> (String, ZIPCentroids.Place)? in
            let zip = String(format: "%05d", number)
            return ZIPCentroids.bundled.place(zip).map { (zip, $0) }
        }
        let step = max(1, all.count / count)
        return stride(from: 0, to: all.count, by: step).prefix(count).map { (all[$0].0, all[$0].1.latitude, all[$0].1.longitude, all[$0].1.state) }
    }

    static func directory(sites: Int, cities: [(zip: String, lat: Double, lon: Double, state: String)]) -> HSDSRecordSet {
        var random = Random(state: 2026_11_24)
        let vocabulary = DirectoryVocabulary.bundled
        var records = vocabulary.records
        let populations = vocabulary.terms(in: .population)
        let types = vocabulary.terms(in: .serviceType)
        let always = vocabulary.terms.first { $0.code == DirectoryVocabulary.twentyFourSeven }!
        let languages = [("en", "English"), ("es", "Spanish"), ("vi", "Vietnamese"), ("zh", "Chinese"), ("ar", "Arabic"), ("fr", "French")]
        let services = sites / 2
        for s in 0..<services {
            let id = String(format: "svc-%07d", s)
            let org = String(format: "org-%06d", s / 5)
            if s % 5 == 0 {
                records.merge("organization", ["id": .string(org), "name": .string("\(random.pick(adjectives)) Community Partners \(s / 5)"),
                                               "description": "Synthetic benchmark organization."])
            }
            let noun = random.pick(nouns)
            records.merge("service", ["id": .string(id), "organization_id": .string(org), "name": .string("\(random.pick(adjectives)) \(noun)"),
                                      "description": .string("Synthetic \(noun) service number \(s)."), "status": s % 50 == 0 ? "inactive" : "active",
                                      "assured_date": .string(String(format: "20%02d-%02d-01", 22 + random.below(5), 1 + random.below(12)))])
            records.merge("phone", ["id": .string(id + "-p"), "service_id": .string(id), "number": .string(String(format: "555-%04d", s % 10000))])
            records.merge("language", ["id": .string(id + "-l0"), "service_id": .string(id), "code": "en"])
            if random.below(3) == 0 {
                let extra = random.pick(languages.dropFirst().map { $0 })
                records.merge("language", ["id": .string(id + "-l1"), "service_id": .string(id), "code": .string(extra.0), "name": .string(extra.1)])
            }
            var terms = [random.pick(populations), random.pick(populations), random.pick(types)]
            if random.below(4) == 0 { terms.append(random.pick(types)) }
            if random.below(5) == 0 {
                terms.append(always)
            } else {
                let days = random.below(3) == 0 ? "MO,TU,WE,TH,FR,SA" : "MO,TU,WE,TH,FR"
                let opens = 7 + random.below(4), closes = 16 + random.below(6)
                records.merge("schedule", ["id": .string(id + "-h"), "service_id": .string(id), "freq": "WEEKLY", "byday": .string(days),
                                           "opens_at": .string(String(format: "%02d:00", opens)), "closes_at": .string(String(format: "%02d:00", closes))])
            }
            for term in Set(terms.map(\.id)) {
                records.merge("attribute", ["id": .string(id + "-a-" + term.prefix(8)), "link_id": .string(id), "taxonomy_term_id": .string(term)])
            }
            for site in 0..<2 {
                let city = cities[random.below(cities.count)]
                let location = "\(id)-loc\(site)"
                records.merge("location", ["id": .string(location), "location_type": "physical",
                                           "latitude": .decimal(city.lat + (random.unit() - 0.5) * 0.6),
                                           "longitude": .decimal(city.lon + (random.unit() - 0.5) * 0.8)])
                records.merge("address", ["id": .string(location + "-a"), "location_id": .string(location), "address_1": .string("\(s) Main St"),
                                          "city": "Town", "state_province": .string(city.state), "postal_code": .string(city.zip),
                                          "country": "US", "address_type": "physical"])
                records.merge("service_at_location", ["id": .string("\(id)-sal\(site)"), "service_id": .string(id), "location_id": .string(location)])
            }
        }
        return records
    }

    /// The mixed query set: a city, a radius, a word, two facets and open now.
    static func queries(_ count: Int, cities: [(zip: String, lat: Double, lon: Double, state: String)]) -> [DirectoryQuery] {
        var random = Random(state: 42)
        let vocabulary = DirectoryVocabulary.bundled
        return (0..<count).map { _ in
            let city = cities[random.below(cities.count)]
            var query = DirectoryQuery()
            query.text = random.pick(words)
            query.latitude = city.lat
            query.longitude = city.lon
            query.radiusKm = Double(25 + random.below(26))
            query.populations = [random.pick(vocabulary.terms(in: .population)).shortCode]
            if random.below(2) == 0 { query.languages = ["es"] } else { query.serviceTypes = [random.pick(vocabulary.terms(in: .serviceType)).shortCode] }
            query.openNow = true
            return query
        }
    }

    static func url(_ base: String, _ query: DirectoryQuery) -> String {
        var parts = ["q=\(query.text)", "lat=\(query.latitude!)", "lon=\(query.longitude!)", "radius_km=\(Int(query.radiusKm))", "open_now=true"]
        parts += query.populations.map { "population=\($0)" } + query.languages.map { "language=\($0)" } + query.serviceTypes.map { "service_type=\($0)" }
        return base + "/api/v1/directory/search?" + parts.joined(separator: "&")
    }

    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)]
    }

    static func run(name: String, location: DatabaseLocation, keyFile: String, sites: Int, passes: Int) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let cities = cities(50)
        let started = ContinuousClock.now
        let records = directory(sites: sites, cities: cities)
        let files = HSDSWriter.csvFiles(records)
        let generated = (ContinuousClock.now - started).inSeconds
        // A fixed Wednesday noon in the Mountain zone, so "open now" selects the same services every run.
        let noon = Date(timeIntervalSince1970: 1_795_633_200)  // 2026-11-25T19:00:00Z
        let store = try await Store.open(location, keyFile: keyFile, logger: logger, clock: Clock { noon })
        try await WaypointBench.serving(store, logger: logger) { client, base in
            if try await store.directory.rowCount("service_at_location") >= sites {
                print("\(name): reusing the directory already imported (\(sites) service_at_location)")
            } else {
                let importStart = ContinuousClock.now
                var read = HSDSReadResult()
                for (file, text) in files {
                    HSDSReader.readCSV(text, file: file, table: HSDSModel.tables.first { $0.file == file }!.name, into: &read)
                }
                let parsed = (ContinuousClock.now - importStart).inSeconds
                let summary = try await store.directory.importRecords(read, owner: nil, skipInvalid: false,
                                                                      actor: AuditEvent(orgId: "system", actorId: "bench", action: "", objectType: "", objectId: "", requestId: "bench"))
                let imported = (ContinuousClock.now - importStart).inSeconds
                print("\(name): generated \(records.count) HSDS rows (\(sites) service_at_location) in \(String(format: "%.1f", generated)) s; "
                      + "import read+wrote+indexed \(summary.rowsImported) rows in \(String(format: "%.1f", imported)) s = "
                      + "\(Int(Double(summary.rowsImported) / imported)) rows/s (parsing CSV \(String(format: "%.1f", parsed)) s)")
            }

            let token = try await WaypointBench.token(client, {
                var request = HTTPClientRequest(url: base + "/api/v1/auth/token")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"username":"demo-clinician","password":"\#(WaypointBench.password)"}"#))
                return request
            }())
            let queries = queries(200, cities: cities)
            // Warm both paths once over the set, then measure.
            var matches = 0
            for query in queries { matches += try await store.directory.databaseRows(query) }
            var bare: [Double] = []
            var http: [Double] = []
            for _ in 0..<passes {
                for query in queries {
                    let start = ContinuousClock.now
                    _ = try await store.directory.databaseRows(query)
                    bare.append((ContinuousClock.now - start).inSeconds * 1000)
                }
                for query in queries {
                    var request = HTTPClientRequest(url: url(base, query))
                    request.headers.add(name: "Authorization", value: "Bearer " + token)
                    let start = ContinuousClock.now
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 22)
                    guard response.status == .ok else { throw CleanExit.message("search answered \(response.status)") }
                    http.append((ContinuousClock.now - start).inSeconds * 1000)
                }
            }
            let (bare50, bare95, http50, http95) = (percentile(bare, 50), percentile(bare, 95), percentile(http, 50), percentile(http, 95))
            print("\(name): \(queries.count) mixed queries × \(passes) (text + radius 25–50 km + two facets + open now), "
                  + "on average \(matches / queries.count) rows from the database per query")
            print(String(format: "\(name):   bare database query  p50 %6.2f ms   p95 %6.2f ms", bare50, bare95))
            print(String(format: "\(name):   HTTP search (ranked) p50 %6.2f ms   p95 %6.2f ms   HTTP p95 / bare p95 = %.2f", http50, http95, http95 / bare95))
            try await BackupBench.run(name: name, store: store, location: location, folder: URL(fileURLWithPath: keyFile).deletingLastPathComponent())
        }
    }
}
