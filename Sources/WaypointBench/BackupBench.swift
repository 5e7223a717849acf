import ArgumentParser
import Foundation
import Logging
import SQLKit
import WaypointStore

/// `waypoint backup` and `waypoint restore` on the database a directory run just filled: seconds,
/// size, and a restored copy that verifies (same rows, intact audit chain).
enum BackupBench {
    static func run(name: String, store: Store, location: DatabaseLocation, folder: URL) async throws {
        let file = folder.appendingPathComponent("\(name)-backup-\(UUID().uuidString).bin").path
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: BackupManifest.path(for: file))
        }
        let sites = try await store.directory.rowCount("service_at_location")
        var started = ContinuousClock.now
        _ = try await Backups.backup(store, location: location, to: file)
        let backupSeconds = (ContinuousClock.now - started).inSeconds
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0

        let (target, cleanup) = try await emptyTarget(like: location, folder: folder)
        defer { Task { await cleanup() } }
        started = ContinuousClock.now
        let restored = try await Backups.restore(file, into: target, keys: store.keys)
        let restoreSeconds = (ContinuousClock.now - started).inSeconds

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let copy = Store(database: try await Database.open(restored, logger: logger), keys: store.keys)
        let (copiedSites, chain) = try await copy.database.whileRunning {
            (try await copy.directory.rowCount("service_at_location"), try await copy.audit.verify())
        }
        print(String(format: "\(name): backup of %d service_at_location: %.1f s, %.1f MB; restore into an empty database %.1f s; ",
                     sites, backupSeconds, Double(size) / 1_048_576, restoreSeconds)
              + "restored copy has \(copiedSites) service_at_location, audit chain \(chain)")
        await cleanup()
    }

    /// A new SQLite file, or a new PostgreSQL database on the same server (dropped afterwards).
    static func emptyTarget(like location: DatabaseLocation, folder: URL) async throws -> (DatabaseLocation, @Sendable () async -> Void) {
        switch location {
        case .sqlite:
            let path = folder.appendingPathComponent("restored-\(UUID().uuidString)/waypoint.sqlite").path
            return (.sqlite(path: path), { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) })
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { throw CleanExit.message("bad DATABASE_URL") }
            let name = "bench_restore_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try await Database.open(.postgres(url: url), logger: Logger(label: "bench"))
            try await admin.whileRunning { try await admin.withConnection { try await $0.raw(SQLQueryString("CREATE DATABASE \(name)")).run() } }
            parts.path = "/" + name
            parts.queryItems = nil
            let drop: @Sendable () async -> Void = {
                let admin = try? await Database.open(.postgres(url: url), logger: Logger(label: "bench"))
                _ = try? await admin?.whileRunning {
                    try await admin!.withConnection { try await $0.raw(SQLQueryString("DROP DATABASE IF EXISTS \(name)")).run() }
                }
            }
            return (.postgres(url: parts.string!), drop)
        }
    }
}
