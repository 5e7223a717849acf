import Foundation
import SQLKit
import WaypointCore

/// What every repository works with — the database, the keys, the audit log and the clock — built
/// once by `Store` and shared, instead of each repository carrying its own copies.
public struct StoreContext: Sendable {
    public let database: Database
    public let keys: KeyRing
    public let audit: AuditLog
    public let clock: Clock
    /// Report counts by dataset version, shared by every request this process serves.
    let reportCache = ReportCache()

    init(database: Database, keys: KeyRing, clock: Clock) {
        self.database = database
        self.keys = keys
        self.clock = clock
        self.audit = AuditLog(database: database, keys: keys, clock: clock)
    }
}

/// A repository reads the shared context through these names.
protocol Repository: Sendable {
    var shared: StoreContext { get }
}

extension Repository {
    var database: Database { shared.database }
    var keys: KeyRing { shared.keys }
    var audit: AuditLog { shared.audit }
    var clock: Clock { shared.clock }
}

extension RowSealer {
    /// A sealed column read from its row: the stored `<column>_sealed` opened at `<column>`.
    func open(_ column: String, from row: any SQLRow) throws -> String {
        try open(try row.decode(column: column + "_sealed", as: String.self), column: column)
    }
}

extension Organizations {
    /// The organization's display name, inside a caller's connection or transaction.
    static func name(of orgId: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT name FROM organizations WHERE id = \(bind: orgId)").first()?.decode(column: "name", as: String.self)
    }
}
