import Foundation
import Logging
import ServiceLifecycle
import WaypointCore

/// Everything the web layer and the command line need from storage, wired once.
public final class Store: Sendable {
    public let database: Database
    public let keys: KeyRing
    public let clock: Clock
    public let audit: AuditLog
    public let organizations: Organizations
    public let users: Users
    public let auth: Authenticator
    public let screenings: Screenings
    public let jurisdictions: JurisdictionRoutes
    public let directory: Directory
    public let referrals: Referrals

    public init(database: Database, keys: KeyRing, clock: Clock = .system, sessionPolicy: SessionPolicy = SessionPolicy()) {
        self.database = database
        self.keys = keys
        self.clock = clock
        let hasher = PasswordHasher()
        let audit = AuditLog(database: database, keys: keys, clock: clock)
        self.audit = audit
        self.organizations = Organizations(database: database, keys: keys, audit: audit, clock: clock)
        self.users = Users(database: database, keys: keys, audit: audit, clock: clock, hasher: hasher)
        self.auth = Authenticator(database: database, keys: keys, audit: audit, clock: clock, hasher: hasher, policy: sessionPolicy)
        let jurisdictions = JurisdictionRoutes(database: database, audit: audit, clock: clock, bundled: .bundled)
        self.jurisdictions = jurisdictions
        self.screenings = Screenings(database: database, keys: keys, audit: audit, clock: clock, jurisdictions: jurisdictions)
        let directory = Directory(database: database, audit: audit, clock: clock)
        self.directory = directory
        self.referrals = Referrals(database: database, keys: keys, audit: audit, clock: clock, directory: directory)
    }

    /// What must run while the store serves requests: the database's services and the audit
    /// sequencer's steady beat.
    public var services: [any Service] {
        database.services + [AuditSequencerService(sequencer: audit.sequencer)]
    }

    /// Opens the database and the key file, and brings the schema up to date.
    public static func open(_ location: DatabaseLocation, keyFile: String, logger: Logger,
                            clock: Clock = .system, sessionPolicy: SessionPolicy = SessionPolicy()) async throws -> Store {
        let keys = try KeyRing.loadOrCreate(path: keyFile)
        let database = try await Database.open(location, logger: logger)
        return Store(database: database, keys: keys, clock: clock, sessionPolicy: sessionPolicy)
    }
}
