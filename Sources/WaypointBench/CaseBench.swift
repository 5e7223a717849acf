import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import SQLKit
import WaypointCore
import WaypointStore
import WaypointWeb

/// The case-management benchmark: a synthetic organization of `clients` clients with ten events
/// each (notes, services, tasks, referrals) and `staff` staff in teams of ten (nine case managers and
/// a supervisor), then the caseload dashboard and a client page measured as the bare store call
/// and over HTTP in the same process, one request at a time, so the p95s compare like with like.
enum CaseBench {
    static func run(name: String, location: DatabaseLocation, keyFile: String, clients: Int, staff: Int, samples: Int, reuse: Bool) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let store = try await Store.open(location, keyFile: keyFile, logger: logger)
        try await WaypointBench.serving(store, logger: logger) { client, base in

            let (managers, supervisors) = try await organization(in: store, clients: clients, staff: staff, reuse: reuse, name: name)
            let manager = managers[0], supervisor = supervisors[0]
            let own = try await store.clients.list(in: manager).map(\.id)
            let token = try await store.auth.issueToken(for: manager).token
            let supervisorToken = try await store.auth.issueToken(for: supervisor).token
            let (session, _) = try await store.auth.startSession(for: manager)
            print("\(name): case manager's caseload \(own.count) clients; supervisor's team \(try await store.clients.list(status: nil, in: supervisor).count) (listing capped at 500)")

            func http(_ path: String, bearer: String? = nil, cookie: String? = nil) async throws -> Double {
                var request = HTTPClientRequest(url: base + path)
                if let bearer { request.headers.add(name: "Authorization", value: "Bearer " + bearer) }
                if let cookie { request.headers.add(name: "Cookie", value: "wp_session=" + cookie) }
                let start = ContinuousClock.now
                let response = try await client.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 22)
                guard response.status == .ok else { throw CleanExit.message("\(path) answered \(response.status)") }
                return (ContinuousClock.now - start).inSeconds * 1000
            }
            func timed(_ body: () async throws -> Void) async throws -> Double {
                let start = ContinuousClock.now
                try await body()
                return (ContinuousClock.now - start).inSeconds * 1000
            }
            var bareBoard: [Double] = [], httpBoard: [Double] = [], bareSupervisor: [Double] = [], httpSupervisor: [Double] = []
            var bareFile: [Double] = [], httpFile: [Double] = [], httpPage: [Double] = []
            for sample in 0..<samples {
                let id = own[(sample * 7) % own.count]
                bareBoard.append(try await timed { _ = try await store.oversight.caseload(in: manager) })
                httpBoard.append(try await http("/api/v1/caseload", bearer: token))
                bareSupervisor.append(try await timed { _ = try await store.oversight.caseload(in: supervisor) })
                httpSupervisor.append(try await http("/api/v1/caseload", bearer: supervisorToken))
                bareFile.append(try await timed { _ = try await store.cases.caseFile(id, in: manager) })
                httpFile.append(try await http("/api/v1/clients/\(id)", bearer: token))
                httpPage.append(try await http("/cases/\(id)", cookie: session))
            }
            let lines: [(String, [Double])] = [("caseload, bare store call (case manager)", bareBoard), ("GET /api/v1/caseload (case manager)", httpBoard),
                     ("caseload, bare store call (supervisor)", bareSupervisor), ("GET /api/v1/caseload (supervisor)", httpSupervisor),
                     ("case file, bare store call", bareFile), ("GET /api/v1/clients/{id}", httpFile), ("GET /cases/{id} (HTML page)", httpPage)]
            for (label, samples) in lines {
                print("\(name):   " + label.padding(toLength: 42, withPad: " ", startingAt: 0)
                      + String(format: " p50 %6.2f ms   p95 %6.2f ms", DirectoryBench.percentile(samples, 50), DirectoryBench.percentile(samples, 95)))
            }
            print(String(format: "\(name):   HTTP p95 / bare p95: dashboard %.2f, client page (API) %.2f, client page (HTML) %.2f",
                         DirectoryBench.percentile(httpBoard, 95) / DirectoryBench.percentile(bareBoard, 95),
                         DirectoryBench.percentile(httpFile, 95) / DirectoryBench.percentile(bareFile, 95),
                         DirectoryBench.percentile(httpPage, 95) / DirectoryBench.percentile(bareFile, 95)))
        }
    }

    /// The synthetic organization's case managers and supervisors: the one kept by an earlier run
    /// when `reuse` and it has the same size, else a new one seeded now.
    static func organization(in store: Store, clients: Int, staff: Int, reuse: Bool, name: String) async throws -> ([TenantContext], [TenantContext]) {
        let orgName = "Bench Agency \(clients) clients \(staff) staff"
        if reuse, let kept = try await store.organizations.named(orgName) {
            let rows = try await store.database.withConnection { db in
                try await db.raw("SELECT id, role FROM users WHERE org_id = \(bind: kept.id) ORDER BY created_at, username").all()
            }
            var managers: [TenantContext] = [], supervisors: [TenantContext] = []
            for row in rows {
                let role = Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .caseManager
                let context = TenantContext(orgId: kept.id, userId: try row.decode(column: "id", as: String.self), role: role, requestId: "bench")
                if role == .supervisor { supervisors.append(context) } else if role == .caseManager { managers.append(context) }
            }
            print("\(name): reusing the kept organization (\(managers.count) case managers, \(supervisors.count) supervisors)")
            return (managers, supervisors)
        }
        let organization = try await store.organizations.create(name: reuse ? orgName : "Bench Agency \(UUID().uuidString.prefix(6))", requestId: "bench")
        var managers: [TenantContext] = []
        var supervisors: [TenantContext] = []
        let started = ContinuousClock.now
        for number in 0..<staff {
            let role: Role = number % 10 == 9 ? .supervisor : .caseManager
            let username = "bench-\(organization.id.prefix(6).lowercased().filter { $0.isLetter || $0.isNumber })-\(number)"
            let id = try await store.users.createAsOperator(
                NewUser(username: username, role: role, displayName: "Staff \(number)", password: WaypointBench.password, team: "team-\(number / 10)"),
                orgId: organization.id, requestId: "bench")
            let context = TenantContext(orgId: organization.id, userId: id, role: role, requestId: "bench")
            if role == .supervisor { supervisors.append(context) } else { managers.append(context) }
        }
        var query = DirectoryQuery()
        query.text = "Casa Puente"
        guard let service = try await store.directory.search(query).hits.first else { throw CleanExit.message("the demo directory is missing") }
        let summary = try await store.caseSeeding.seed(orgId: organization.id, managers: managers.map(\.userId), clients: clients,
                                                       serviceId: service.serviceId, serviceName: service.serviceName)
        // Planner statistics, as a database in service has them (SQLite's ANALYZE, PostgreSQL's autovacuum).
        try await store.database.withConnection { db in try await db.raw("ANALYZE").run() }
        let seeded = (ContinuousClock.now - started).inSeconds
        print("\(name): \(summary.clients) clients, \(summary.events) events, \(staff) staff (\(managers.count) case managers, "
              + "\(supervisors.count) supervisors) written in \(String(format: "%.0f", seeded)) s")
        return (managers, supervisors)
    }
}
