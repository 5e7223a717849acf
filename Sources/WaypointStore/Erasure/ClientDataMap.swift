import SQLKit

/// One place that holds data about a client, and what a purge does to it. Each feature lists its
/// own (`ClientDataMap.<feature>`); the purge walks `ClientDataMap.all` in order, and a schema test
/// fails when a table names a client, a screening or a caller and no feature maps or exempts it.
public struct ClientData: Sendable {
    /// How a purge treats the rows.
    public enum Erasure: Sendable {
        /// The rows go.
        case deleteRows
        /// The row stays (history, money spent, a review), with these columns emptied.
        case blank([String: Blank])
    }

    public enum Blank: Sendable {
        case empty, null, now
        case text(String)
    }

    public let table: String
    /// The columns that name the client (any of them matches).
    public let clientColumns: [String]
    public let erasure: Erasure
    /// Why it is kept or gone, for whoever reads the map.
    public let why: String

    public init(_ table: String, by clientColumns: [String] = ["client_id"], _ erasure: Erasure, why: String) {
        self.table = table
        self.clientColumns = clientColumns
        self.erasure = erasure
        self.why = why
    }

    /// Applies the erasure to the client's rows.
    func erase(_ clientId: String, orgId: String, now: Int64, on db: any SQLDatabase) async throws {
        let match = SQLList(clientColumns.map { "\(unsafeRaw: $0) = \(bind: clientId)" as SQLQueryString }, separator: SQLRaw(" OR "))
        switch erasure {
        case .deleteRows:
            try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE \(match)").run()
        case .blank(let columns):
            let sets = SQLList(columns.sorted { $0.key < $1.key }.map { column, value -> SQLQueryString in
                switch value {
                case .empty: "\(unsafeRaw: column) = ''"
                case .null: "\(unsafeRaw: column) = NULL"
                case .now: "\(unsafeRaw: column) = \(bind: now)"
                case .text(let text): "\(unsafeRaw: column) = \(bind: text)"
                }
            })
            try await db.raw("UPDATE \(unsafeRaw: table) SET \(sets) WHERE \(match)").run()
        }
    }
}

public enum ClientDataMap {
    /// Every feature's client data, in the order a purge erases it: the client's key first, so from
    /// that moment nothing sealed with it opens, whatever copy it is in.
    public static let all: [ClientData] = cases + consent + referrals + crisis + eligibility + funds + housing + reports

    /// Columns that name a client, a screening or a caller: a table with one must be mapped or exempted.
    public static let linkColumns: Set<String> = ["client_id", "case_id", "client_reference", "screening_id", "person"]

    /// Tables that name a client or a screening and are deliberately not erased with the client, and why.
    public static let exempt: [String: String] = [
        "screenings": "the clinician's record of the encounter; it names no client",
        "referral_events": "append-only history: a case's notes are sealed with the client's key and shredded with it; the notes on a referral made at a screening are sealed with the organization's key and stay (known gap: the history cannot be rewritten)",
        "purged_clients": "what a purge keeps: counts with no link back",
        "report_answers": "keyed digests of screenings only; no client",
        "audit_log": "ids and actions, never values; the chain cannot lose entries",
        "fund_charges": "its client_reference is a digest under the client's key: it links to nobody once the key is gone, and the funder's ledger still counts people by it",
    ]
}
