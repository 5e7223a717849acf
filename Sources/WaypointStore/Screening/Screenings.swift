import Foundation
import SQLKit
import WaypointCore

/// Screenings, sealed and audited. The plan is stored as made, so the record shows what the
/// clinician was told even if the rules or the state table change later.
public struct Screenings: Repository {
    let shared: StoreContext

    struct Details: Codable { let request: ScreeningRequest; let outcome: ScreenOutcome; let actions: [PlannedAction] }

    /// Stores a submitted screen as `ScreeningUseCases.submit` decided it, sealed, with its audit
    /// entry, in one transaction. Sending the same idempotency key again returns the screening
    /// already stored instead of a second copy: the unique index refuses the second insert, so the
    /// common path needs no extra read.
    public func save(_ assessment: ScreeningAssessment, in context: TenantContext) async throws -> (record: ScreeningRecord, created: Bool) {
        guard Policy.allows(context.role, .screen) else { throw AccessError.forbidden }
        let (request, outcome, actions) = (assessment.request, assessment.outcome, assessment.actions)
        let rawKey = request.idempotencyKey
        let id = Tokens.opaqueId()
        let now = clock.millis()
        let details = String(decoding: try JSONEncoder().encode(Details(request: request, outcome: outcome, actions: actions)), as: UTF8.self)
        // Sealed before the transaction: the writer is held only for the insert.
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let key = Self.idempotencyDigest(rawKey, sealer: sealer)
        let row = sealer.row(id, in: "screenings", of: context.orgId)
        let (sealedDetails, sealedNote) = (try row.seal(details, column: "details"), try row.seal(request.note, column: "note"))
        do {
            try await database.transaction { db in
                try await db.raw("""
                    INSERT INTO screenings (id, org_id, clinician_id, idempotency_key, instrument, instrument_version, result,
                                            details_sealed, note_sealed, created_at, age_band, setting)
                    VALUES (\(bind: id), \(bind: context.orgId), \(bind: context.userId), \(bind: key), \(bind: outcome.instrument),
                            \(bind: outcome.version ?? ""), \(bind: outcome.result.rawValue), \(bind: sealedDetails), \(bind: sealedNote),
                            \(bind: now), \(bind: AgeBand.encounter(age: request.age)), \(bind: request.setting))
                    """).run()
                try await Self.keepAnswers(of: outcome, screening: id, orgId: context.orgId, at: now, sealer: sealer, on: db)
                try await audit.append(AuditEvent(context, action: "screening.create", objectType: "screening", objectId: id), on: db)
            }
        } catch where !(error is any UserFacingError) {
            // A replay (or two submissions racing) with one key: the unique index kept one; return it.
            if let existing = try await existingId(key: key, in: context) { return (try await find(existing, in: context), false) }
            throw error
        }
        StoreMetrics.counter("waypoint_screenings_total", [("result", outcome.result.rawValue)]).increment()
        return (ScreeningRecord(id: id, createdAt: Date(millis: now), request: request,
                                outcome: outcome, actions: actions), true)
    }

    /// Only a keyed digest of the client's key is stored: a client might choose a record number as
    /// its key, and an unkeyed hash of a record number is found again by trying them all. The "k1:"
    /// form is the organization-keyed HMAC of the SHA-256 digest earlier versions stored, so
    /// `upgradeIdempotencyDigests` can convert those rows without ever having seen the raw keys.
    static func idempotencyDigest(_ rawKey: String, sealer: FieldSealer) -> String {
        keyedDigest(ofLegacy: Tokens.digest(rawKey), sealer: sealer)
    }

    static func keyedDigest(ofLegacy digest: String, sealer: FieldSealer) -> String {
        "k1:" + sealer.lookupDigest(digest, purpose: "screening idempotency key")
    }

    /// Replaces unkeyed idempotency digests written by earlier versions (run at start-up; cheap when
    /// there are none).
    public func upgradeIdempotencyDigests() async throws {
        let legacy = try await database.withConnection { db in
            try await db.raw("SELECT id, org_id, idempotency_key FROM screenings WHERE idempotency_key NOT LIKE 'k1:%'").all()
        }
        guard !legacy.isEmpty else { return }
        let now = clock.millis()
        try await database.transaction { db in
            for row in legacy {
                let orgId = try row.decode(column: "org_id", as: String.self)
                let sealer = try await keys.sealer(for: orgId, on: db, now: now)
                let upgraded = Self.keyedDigest(ofLegacy: try row.decode(column: "idempotency_key", as: String.self), sealer: sealer)
                try await db.raw("""
                    UPDATE screenings SET idempotency_key = \(bind: upgraded) WHERE id = \(bind: try row.decode(column: "id", as: String.self))
                    """).run()
            }
        }
    }

    /// The exit form's answers, one coarse category per element, for aggregate counts
    /// (`ExitElements`); keyed digests stand for the screening, and only the day is kept.
    static func keepAnswers(of outcome: ScreenOutcome, screening id: String, orgId: String, at millis: Int64, sealer: FieldSealer,
                            on db: any SQLDatabase) async throws {
        let answers = ExitElements.answers(of: outcome)
        guard !answers.isEmpty else { return }
        let person = sealer.lookupDigest(id, purpose: "reporting person")
        for (element, response) in answers {
            try await db.raw("""
                INSERT INTO report_answers (id, org_id, person, day, element, response)
                VALUES (\(bind: sealer.lookupDigest(id + ":" + element, purpose: "reporting answer")), \(bind: orgId), \(bind: person),
                        \(bind: millis / 86_400_000), \(bind: element), \(bind: response))
                ON CONFLICT (id) DO NOTHING
                """).run()
        }
        try await db.raw("UPDATE screenings SET answers_kept = 1 WHERE id = \(bind: id)").run()
    }

    /// Fills what reports count of screenings stored before it was kept — the age band and setting,
    /// the exit form's answers — from each one's sealed details (run at start-up; cheap when there
    /// are none: partial indexes find them).
    public func backfillReportingColumns() async throws {
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT id, org_id, details_sealed, created_at FROM screenings WHERE age_band = ''
                UNION SELECT id, org_id, details_sealed, created_at FROM screenings WHERE instrument = 'hmis-r15-r16' AND answers_kept = 0
                """).all()
        }
        guard !rows.isEmpty else { return }
        let now = clock.millis()
        try await database.transaction(alone: true) { db in
            for row in rows {
                let (id, orgId) = (try row.decode(column: "id", as: String.self), try row.decode(column: "org_id", as: String.self))
                let sealer = try await keys.sealer(for: orgId, on: db, now: now)
                let details = try JSONDecoder().decode(Details.self, from: Data(try sealer.row(id, in: "screenings", of: orgId).open("details", from: row).utf8))
                let encounter = details.request
                try await db.raw("""
                    UPDATE screenings SET age_band = \(bind: AgeBand.encounter(age: encounter.age)), setting = \(bind: encounter.setting)
                    WHERE id = \(bind: id)
                    """).run()
                try await Self.keepAnswers(of: details.outcome, screening: id, orgId: orgId, at: try row.decode(column: "created_at", as: Int64.self),
                                           sealer: sealer, on: db)
            }
        }
    }

    private func existingId(key: String, in context: TenantContext) async throws -> String? {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT id FROM screenings WHERE org_id = \(bind: context.orgId) AND clinician_id = \(bind: context.userId)
                AND idempotency_key = \(bind: key)
                """).first()?.decode(column: "id", as: String.self)
        }
    }

    /// A clinician reads their own screenings. Administrators and auditors see none: their roles carry no client content.
    public func find(_ id: String, in context: TenantContext) async throws -> ScreeningRecord {
        guard Policy.allows(context.role, .screen) else { throw AccessError.forbidden }
        let record = try await database.withConnection { db -> ScreeningRecord in
            guard let row = try await db.raw("""
                SELECT * FROM screenings WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)
                """).first() else { throw AccessError.notFound }
            // Clinicians see their own screenings only; absent and not-yours look the same.
            let owner = try row.decode(column: "clinician_id", as: String.self)
            guard owner == context.userId else { throw AccessError.notFound }
            let sealer = try await keys.sealer(for: context.orgId, on: db, now: clock.millis()).row(id, in: "screenings", of: context.orgId)
            let (details, note) = (try sealer.open("details", from: row), try sealer.open("note", from: row))
            let decoded = try JSONDecoder().decode(Details.self, from: Data(details.utf8))
            var request = decoded.request
            request.note = note
            return ScreeningRecord(id: id, createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                                   request: request, outcome: decoded.outcome, actions: decoded.actions)
        }
        try await audit.record(AuditEvent(context, action: "screening.read", objectType: "screening", objectId: id))
        return record
    }

    /// The clinician's own screenings, newest first: opaque ids, times, instruments and results only.
    public func list(in context: TenantContext, limit: Int = 100) async throws -> [ScreeningSummary] {
        guard Policy.allows(context.role, .screen) else { throw AccessError.forbidden }
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT id, created_at, instrument, result FROM screenings
                WHERE org_id = \(bind: context.orgId) AND clinician_id = \(bind: context.userId)
                ORDER BY created_at DESC LIMIT \(bind: Int64(limit))
                """).all()
        }
        try await audit.record(AuditEvent(context, action: "screening.list", objectType: "screening", objectId: context.userId))
        return try rows.map {
            ScreeningSummary(id: try $0.decode(column: "id", as: String.self),
                             createdAt: Date(millis: try $0.decode(column: "created_at", as: Int64.self)),
                             instrument: try $0.decode(column: "instrument", as: String.self),
                             result: ScreenResult(rawValue: try $0.decode(column: "result", as: String.self)) ?? .notScored)
        }
    }
}
