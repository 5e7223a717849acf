import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import WaypointCore
import WaypointStore

/// `--only ads-store`: a synthetic ads file imported into the demo organization as
/// demo-investigator (read, extracted, sealed, inserted, grouped, compared with posters), then
/// family pages over HTTP: the 95th percentile of a page's time.
enum AdsStoreBench {
    static func run(name: String, location: DatabaseLocation, keyFile: String, count: Int, folder: URL) async throws {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .warning
        let logger = quiet
        let store = try await Store.open(location, keyFile: keyFile, logger: logger)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("ads-\(count).csv").path
        if !FileManager.default.fileExists(atPath: file) { _ = try AdsBench.writeCorpus(count: count, editRate: 0.02, seed: 31, to: file) }
        try await WaypointBench.serving(store, logger: logger) { client, base in
            guard let organization = try await store.organizations.named(DemoSetup.organizationName) else { return }
            let userId = try await store.database.withConnection { db in
                try await db.raw("SELECT id FROM users WHERE org_id = \(bind: organization.id) AND role = 'investigator'").first()!
                    .decode(column: "id", as: String.self)
            }
            let investigator = TenantContext(orgId: organization.id, userId: userId, role: .investigator, requestId: "bench")
            let started = ContinuousClock.now
            let id = try await store.ads.beginImport(fileName: "bench.csv", in: investigator)
            let status = try await store.ads.runImport(id, source: .file(file), skipInvalid: false, in: investigator)
            guard status.stage == .done else { throw CleanExit.message("the import ended \(status.stage): \(status.problems.prefix(3))") }
            print(String(format: "%@: imported %d ads (read, extracted, sealed, inserted, grouped) in %.1f s (goal for 1M on SQLite ≤ 120 s)",
                         name, status.done, (ContinuousClock.now - started).inSeconds))

            let families = try await store.ads.families(in: investigator, limit: 100_000)
            let (token, _) = try await store.auth.startSession(for: investigator)
            var times: [Double] = []
            // Every family once (up to 300), largest first: the page loads at most 200 ads.
            for family in families.prefix(300) {
                var request = HTTPClientRequest(url: "\(base)/ads/families/\(family.id)")
                request.headers.add(name: "Cookie", value: "wp_session=\(token)")
                let start = ContinuousClock.now
                let response = try await client.execute(request, timeout: .seconds(60))
                _ = try await response.body.collect(upTo: 1 << 26)
                guard response.status == .ok else { throw CleanExit.message("family page: \(response.status)") }
                times.append((ContinuousClock.now - start).inSeconds * 1000)
            }
            times.sort()
            let p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
            print(String(format: "%@: %d families; family page p50 %.1f ms, p95 %.1f ms (goal ≤ 50), largest family %d ads (%.1f ms)",
                         name, families.count, times[times.count / 2], p95, families.first?.summary.size ?? 0, times.last ?? 0))
        }
    }
}
