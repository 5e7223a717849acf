import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SQLKit
import WaypointStore
import WaypointWeb

/// Prints the figures the issues ask for. Run with `swift run -c release WaypointBench`; set
/// DATABASE_URL to include PostgreSQL in the same run.
@main
struct WaypointBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Waypoint benchmarks: sign-in and an authenticated read over HTTP.")

    @Option(help: "Concurrent connections.") var connections = 64
    @Option(help: "Seconds per measurement.") var seconds = 10
    @Option(help: "Seconds of warm-up before each measurement.") var warmup = 2
    @Option(help: "Sections to run: auth, engine, screenings, store, directory, cases, crisis, compliance, reports, ads, ads-store (comma-separated).") var only = "auth,engine,screenings,directory,cases,crisis,compliance,reports"
    @Option(help: "Databases to measure: sqlite, postgres (comma-separated; postgres needs DATABASE_URL).") var backends = "sqlite,postgres"
    @Option(help: "Service-at-location rows in the synthetic directory.") var sites = 250_000
    @Option(help: "Passes over the 200 directory queries.") var passes = 3
    @Option(help: "Clients in the synthetic case-management organization (ten events each).") var clients = 50_000
    @Option(help: "Staff in that organization, in teams of ten.") var staff = 200
    @Option(help: "Requests per case-management measurement.") var samples = 200
    @Option(help: "Staff in the compliance benchmark's organization.") var complianceStaff = 20_000
    @Option(help: "Synthetic clients in the reports benchmark (ten screenings and two referrals each).") var reportClients = 100_000
    @Option(help: "Keep the SQLite directory database at this path; a later run with the same path and size reuses it instead of importing again.")
    var keepDirectory: String?
    @Option(help: "Keep the case-management organization in this folder (SQLite file and key) and in the PostgreSQL schema bench_kept_cases; a later run with the same folder reuses it instead of seeding again.")
    var keepCases: String?
    @Option(help: "Keep the reports benchmark's SQLite database in this folder; a later run with the same folder reuses its synthetic organization instead of seeding again.")
    var keepReports: String?

    @Option(help: "Synthetic ads in the ads benchmark's large run.") var ads = 1_000_000
    @Option(help: "An InfoShield checkout with its .venv (outside the repository), to run side by side in the ads benchmark.") var infoshield: String?
    @Option(help: .hidden) var adsFile: String?
    @Option(help: .hidden) var adsOut: String?

    func run() async throws {
        let sections = Set(only.split(separator: ",").map(String.init))
        if sections.contains("engine") { try EngineBench.run() }
        if sections.contains("ads") { try AdsBench.run(count: ads, infoShield: infoshield) }
        if sections.contains("ads-file"), let adsFile, let adsOut { try AdsBench.clusterFile(adsFile, out: adsOut) }
        guard !sections.isDisjoint(with: ["auth", "screenings", "store", "directory", "cases", "crisis", "compliance", "reports", "ads-store"]) else { return }
        let wanted = Set(self.backends.split(separator: ",").map(String.init))
        var backends: [(String, DatabaseLocation)] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-bench-" + UUID().uuidString)
        if wanted.contains("sqlite") {
            backends.append(("sqlite", .sqlite(path: folder.appendingPathComponent("bench.sqlite").path)))
        }
        if wanted.contains("postgres") {
            if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
                backends.append(("postgres", .postgres(url: try await Self.freshSchema(url))))
            } else {
                print("(PostgreSQL not measured: DATABASE_URL is not set)")
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        if sections.contains("directory") {
            // Each backend gets a database of its own for the directory, apart from the HTTP runs.
            for (name, location) in backends {
                let separate: DatabaseLocation = switch location {
                case .sqlite: .sqlite(path: keepDirectory ?? folder.appendingPathComponent("directory.sqlite").path)
                case .postgres: .postgres(url: try await Self.freshSchema(ProcessInfo.processInfo.environment["DATABASE_URL"]!))
                }
                let keyFile = keepDirectory.map { $0 + ".key" } ?? folder.appendingPathComponent("master.key").path
                try await DirectoryBench.run(name: name, location: separate, keyFile: keyFile, sites: sites, passes: passes)
            }
        }
        if sections.contains("cases") {
            let caseFolder = keepCases.map { URL(fileURLWithPath: $0) } ?? folder
            try FileManager.default.createDirectory(at: caseFolder, withIntermediateDirectories: true)
            for (name, location) in backends {
                let separate: DatabaseLocation = switch location {
                case .sqlite: .sqlite(path: caseFolder.appendingPathComponent("cases.sqlite").path)
                case .postgres: .postgres(url: try await Self.freshSchema(ProcessInfo.processInfo.environment["DATABASE_URL"]!,
                                                                           named: keepCases == nil ? nil : "bench_kept_cases"))
                }
                try await CaseBench.run(name: name, location: separate, keyFile: caseFolder.appendingPathComponent("master.key").path,
                                        clients: clients, staff: staff, samples: samples, reuse: keepCases != nil)
            }
        }
        if sections.contains("compliance") {
            for (name, location) in backends {
                try await TrainingBench.run(name: name, location: try await Self.separate(location, file: folder.appendingPathComponent("compliance.sqlite")),
                                            keyFile: folder.appendingPathComponent("master.key").path, staff: complianceStaff)
            }
        }
        if sections.contains("ads-store") {
            for (name, location) in backends {
                try await AdsStoreBench.run(name: name, location: try await Self.separate(location, file: folder.appendingPathComponent("ads.sqlite")),
                                            keyFile: folder.appendingPathComponent("master.key").path, count: ads, folder: folder)
            }
        }
        if sections.contains("reports") {
            let reportFolder = keepReports.map { URL(fileURLWithPath: $0) } ?? folder
            try FileManager.default.createDirectory(at: reportFolder, withIntermediateDirectories: true)
            for (name, location) in backends {
                let kept = keepReports != nil && name == "sqlite"
                try await ReportBench.run(name: name, location: try await Self.separate(location, file: reportFolder.appendingPathComponent("reports.sqlite")),
                                          keyFile: reportFolder.appendingPathComponent("master.key").path, clients: reportClients, reuse: kept)
            }
        }
        guard !sections.isDisjoint(with: ["auth", "screenings", "store", "crisis"]) else { return }
        print("connections=\(connections) duration=\(seconds)s warm-up=\(warmup)s cores=\(ProcessInfo.processInfo.activeProcessorCount)")
        print("backend   endpoint                     req/s      p50 ms    p99 ms   errors  cpu ms/req")
        for (name, location) in backends {
            try await measure(name: name, location: location, keyFile: folder.appendingPathComponent("master.key").path, sections: sections)
        }
    }

    static let password = "benchmark passphrase 2026"

    func measure(name: String, location: DatabaseLocation, keyFile: String, sections: Set<String>) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        // The sign-in run measures the password check itself: 64 simultaneous sign-ins from one
        // address would otherwise meet the guessing limits (in-flight attempts count until they succeed).
        var policy = SessionPolicy()
        policy.throttle.perAccountAndAddress = .max
        policy.throttle.perAddress = .max
        let store = try await Store.open(location, keyFile: keyFile, logger: logger, sessionPolicy: policy)
        var configuration = WebConfiguration()
        configuration.port = Int.random(in: 20000...40000)
        let app = try await buildApplication(store: store, configuration: configuration, logger: logger) {
            _ = try await DemoSetup.ensure(in: store, password: Self.password)
        }
        let base = "http://127.0.0.1:\(configuration.port)"
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(connections, 200)  // the crisis run opens 200
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let (connections, seconds, warmup) = (self.connections, self.seconds, self.warmup)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            try await Self.waitUntilUp(client, base)

            let signIn: @Sendable () -> HTTPClientRequest = { Self.signInRequest(base, username: "demo-clinician") }
            let token = try await Self.token(client, signIn())
            if sections.contains("store"), let clinician = try await store.auth.tokenContext(token: token, requestId: "bench") {
                try await StoreBench.run(name: name, store: store, clinician: clinician, token: token)
            }
            let read: @Sendable () -> HTTPClientRequest = {
                var request = HTTPClientRequest(url: base + "/api/v1/me")
                request.headers.add(name: "Authorization", value: "Bearer " + token)
                return request
            }
            let counter = ManagedCounter()
            let screening: @Sendable () -> HTTPClientRequest = {
                var request = HTTPClientRequest(url: base + "/api/v1/screenings")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer " + token)
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"instrument":"sscst","age":15,"answers":["yes","no","declined","no","no","no"],"state":"TX","concern":"none","note":"bench note","idempotency_key":"bench-\#(counter.next())"}"#))
                return request
            }
            var runs: [(String, @Sendable () -> HTTPClientRequest, HTTPResponseStatus)] = []
            if sections.contains("auth") {
                // /healthz runs one SELECT 1: what HTTP, the middleware and one round trip cost.
                let health: @Sendable () -> HTTPClientRequest = { HTTPClientRequest(url: base + "/healthz") }
                runs += [("GET /healthz (SELECT 1)", health, .ok), ("POST /api/v1/auth/token", signIn, .ok),
                         ("GET /api/v1/me (audited)", read, .ok)]
            }
            if sections.contains("screenings") { runs.append(("POST /api/v1/screenings", screening, .created)) }
            for (label, make, expected) in runs {
                let generator = LoadGenerator(client: client, connections: connections, duration: .seconds(warmup))
                _ = await generator.run(makeRequest: make, expect: expected)
                let result = await LoadGenerator(client: client, connections: connections, duration: .seconds(seconds))
                    .run(makeRequest: make, expect: expected)
                print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + label.padding(toLength: 28, withPad: " ", startingAt: 0)
                      + String(format: "%8.1f %9.1f %9.1f %8d %11.2f", result.perSecond, result.percentile(50), result.percentile(99), result.errors,
                                     result.cpuMillisPerRequest))
            }
            if sections.contains("crisis") {
                // 200 advocates logging at once, each contact with a sealed note and an agreed callback.
                var advocateSignIn = signIn()
                advocateSignIn.body = .bytes(ByteBuffer(string: #"{"username":"demo-advocate","password":"\#(Self.password)"}"#))
                let advocate = try await Self.token(client, advocateSignIn)
                let contact: @Sendable () -> HTTPClientRequest = {
                    var request = HTTPClientRequest(url: base + "/api/v1/crisis-contacts")
                    request.method = .POST
                    request.headers.add(name: "Authorization", value: "Bearer " + advocate)
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"channel":"call","caller_role":"person","concerns":["labor"],"language":"es","danger":false,"outcome":["safety-planning"],"callback":{"safe":true,"number":"208-555-0100","safe_times":"evenings"},"code_word":"bench \#(counter.next() % 50)","note":"bench note"}"#))
                    return request
                }
                // The issue's figure: 200 advocates together logging 500 contacts a second (open loop);
                // then the same 200 sending as fast as answers come (closed loop: the ceiling).
                for (label, rate) in [("crisis contacts, 500/s offered", 500.0 as Double?), ("crisis contacts, flat out", nil)] {
                    _ = await LoadGenerator(client: client, connections: 200, duration: .seconds(warmup), rate: rate).run(makeRequest: contact, expect: .created)
                    let result = await LoadGenerator(client: client, connections: 200, duration: .seconds(seconds), rate: rate)
                        .run(makeRequest: contact, expect: .created)
                    print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + (label + " (200 conn.)").padding(toLength: 44, withPad: " ", startingAt: 0)
                          + String(format: "%8.1f %9.1f %9.1f %8d %11.2f", result.perSecond, result.percentile(50), result.percentile(99), result.errors,
                                         result.cpuMillisPerRequest))
                }
            }
            let verification = try await store.audit.verify()
            print("          audit chain after the run: \(verification)")
            group.cancelAll()
        }
        try await client.shutdown()
    }

    /// Runs `body` while `store`'s application serves on a random loopback port with the demo
    /// organization set up; `body` gets an HTTP client and the base URL.
    static func serving(_ store: Store, logger: Logger, _ body: (HTTPClient, String) async throws -> Void) async throws {
        var configuration = WebConfiguration()
        configuration.port = Int.random(in: 20000...40000)
        let app = try await buildApplication(store: store, configuration: configuration, logger: logger) {
            _ = try await DemoSetup.ensure(in: store, password: password)
        }
        let base = "http://127.0.0.1:\(configuration.port)"
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            try await waitUntilUp(client, base)
            try await body(client, base)
            group.cancelAll()
        }
        try await client.shutdown()
    }

    static func waitUntilUp(_ client: HTTPClient, _ base: String) async throws {
        for _ in 0..<300 {
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(2)),
               response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CleanExit.message("the server did not start")
    }

    /// `POST /api/v1/auth/token` for a demo user.
    static func signInRequest(_ base: String, username: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + "/api/v1/auth/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
        return request
    }

    static func token(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> String {
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        guard let token = json?["token"] as? String else { throw CleanExit.message("sign-in failed: \(response.status)") }
        return token
    }

    /// A database of its own for one section: another SQLite file, or a fresh PostgreSQL schema.
    static func separate(_ location: DatabaseLocation, file: URL) async throws -> DatabaseLocation {
        switch location {
        case .sqlite: .sqlite(path: file.path)
        case .postgres: .postgres(url: try await freshSchema(ProcessInfo.processInfo.environment["DATABASE_URL"]!))
        }
    }

    /// A new schema for one run, or the schema `named` (created when missing) for runs that keep their data.
    static func freshSchema(_ url: String, named: String? = nil) async throws -> String {
        let schema = named ?? "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try await Database.open(.postgres(url: url), logger: Logger(label: "bench"))
        try await admin.whileRunning {
            try await admin.withConnection { try await $0.raw("CREATE SCHEMA IF NOT EXISTS \(unsafeRaw: schema)").run() }
        }
        return url + (url.contains("?") ? "&" : "?") + "search_path=" + schema
    }
}
