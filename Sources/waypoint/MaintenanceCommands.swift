import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

/// `waypoint backup`: a consistent copy of the database, never the key.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format).",
        discussion: "The master key is never in a backup. Keep it apart from the backups: restoring needs it.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "The backup file to write (a manifest is written beside it as FILE.manifest.json).") var out: String

    func run() async throws {
        let location = storage.location
        let out = self.out
        let started = ContinuousClock.now
        let manifest = try await storage.withStore(logger: makeLogger()) { store in
            do { return try await Backups.backup(store, location: location, to: out) } catch let error as MaintenanceError {
                throw CommandFailure(error.description)
            }
        }
        say("Backed up (\(manifest.kind.rawValue), schema version \(manifest.schemaVersion)) to \(out) in \(Self.seconds(since: started)).")
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.1f s", (ContinuousClock.now - start).inSeconds)
    }
}

/// `waypoint restore`: into an empty database, with the key the backup was made under.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty database, then check the audit chain.",
        discussion: "The master key is checked against the backup's manifest before anything is written.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The backup file.") var backup: String

    func run() async throws {
        let keyFile = storage.keyFile ?? ProcessInfo.processInfo.environment["WAYPOINT_MASTER_KEY_FILE"] ?? KeyRing.defaultPath
        guard FileManager.default.fileExists(atPath: keyFile) else {
            throw CommandFailure("The master key file \(keyFile) does not exist: give the key the backup was made under (--key-file).")
        }
        let keys = try KeyRing.load(path: keyFile)
        let started = ContinuousClock.now
        let restored: DatabaseLocation
        do { restored = try await Backups.restore(backup, into: storage.location, keys: keys) } catch let error as MaintenanceError {
            throw CommandFailure(error.description)
        }
        let store = try await Store.open(restored, keyFile: keyFile, logger: makeLogger())
        let verification = try await store.database.whileRunning {
            try await store.database.migrate()
            return try await store.audit.verify()
        }
        guard case .intact(let entries) = verification else {
            throw CommandFailure("Restored, but the audit chain does not verify: \(verification)")
        }
        if case .postgres(let url) = restored, let schema = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "search_path" })?.value {
            say("Restored into schema \(schema): add ?search_path=\(schema) to the database URL.")
        }
        say("Restored in \(BackupCommand.seconds(since: started)); audit chain intact (\(entries) entries).")
    }
}

/// `waypoint keys rotate`: a new master key, every wrapped key re-wrapped in one transaction.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage the master key.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the master key: write a new key file, re-wrap every key under it, retire the old file.",
            discussion: """
                Stop every instance first: a running server keeps the old key in memory. Safe to run again after \
                a crash: it finds which key opens the database and finishes the job. Outstanding receiver links \
                stop working (senders can issue new ones); backups made before need the retired key file.
                """)
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let path = storage.keyFile ?? ProcessInfo.processInfo.environment["WAYPOINT_MASTER_KEY_FILE"] ?? KeyRing.defaultPath
            let fresh = path + ".new"
            let files = FileManager.default
            // A crash between the two renames of an earlier run: only the new file is left.
            if !files.fileExists(atPath: path) && files.fileExists(atPath: fresh) {
                try files.moveItem(atPath: fresh, toPath: path)
                say("Finished an interrupted rotation: \(path) is the new key.")
                return
            }
            let old = try KeyRing.load(path: path)
            if !files.fileExists(atPath: fresh) { try KeyRing.createKeyFile(fresh) }
            let new = try KeyRing.load(path: fresh)
            let database = try await Database.open(storage.location, logger: makeLogger())
            let count = try await database.whileRunning { () -> Int in
                try await database.migrate()
                switch try await KeyRotation.opener(of: database, candidates: [old, new]) {
                case let opener? where opener === old:
                    do { return try await KeyRotation.rewrap(database, from: old, to: new) } catch let error as MaintenanceError {
                        throw CommandFailure(error.description)
                    }
                case .some:
                    return 0  // committed by an earlier run that stopped before the files were renamed
                case nil:
                    throw CommandFailure("Neither \(path) nor \(fresh) opens this database's keys; nothing was changed.")
                }
            }
            let retired = path + ".retired-" + String(Int(Date().timeIntervalSince1970))
            try files.moveItem(atPath: path, toPath: retired)
            try files.moveItem(atPath: fresh, toPath: path)
            say("Rotated: \(count) keys re-wrapped; \(path) holds the new key. The old key is in \(retired): "
                + "keep it only as long as the backups made before today, then destroy it.")
        }
    }
}
