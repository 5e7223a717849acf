import Foundation
import ServiceLifecycle
import SQLKit
import WaypointCore

/// One stored ad as the pages show it.
public struct StoredAd: Sendable {
    public let id: String
    public let externalId: String
    public let text: String
    public let facts: AdFacts
    public let postedAt: Date?
    public let site: String?
    public let location: String?
    public let url: String?
    public let familyId: String?
}

public struct AdFamilyListing: Sendable {
    public let id: String
    public let summary: AdFamilySummary
}

/// A family with its ads (oldest first), the links that joined them and the investigators' notes.
public struct AdFamilyRecord: Sendable {
    public let id: String
    public let summary: AdFamilySummary
    public let ads: [StoredAd]
    /// Ads beyond the page's limit, not shown.
    public let moreAds: Int
    public let links: [StoredLink]
    public let notes: [AdNote]

    public struct StoredLink: Sendable {
        public let a: String
        public let b: String
        /// `phone:+1…`, `email:…`, `handle:…`; nil for a text link.
        public let identifier: String?
        public let similarity: Double?
    }
}

public struct AdNote: Sendable {
    public let author: String
    public let text: String
    public let createdAt: Date
}

public struct StoredPoster: Sendable {
    public let id: String
    public let poster: MissingPoster
    public let pending: Int
}

public struct StoredMatch: Sendable {
    public let id: String
    public let posterId: String
    public let ad: StoredAd
    public let match: PosterMatch
    public let status: MatchStatus
    public let reason: String?
}

extension AdWorkbench {
    static let familyPageLimit = 200

    // MARK: Families

    public func families(in context: TenantContext, limit: Int = 200) async throws -> [AdFamilyListing] {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT id, summary_sealed FROM ad_clusters WHERE org_id = \(bind: context.orgId)
                ORDER BY size DESC, last_posted DESC, id LIMIT \(literal: limit)
                """).all()
        }
        try await audit.record(event(context, "ads.families.list", "organization", context.orgId))
        return try rows.map { row in
            let id = try row.decode(column: "id", as: String.self)
            return AdFamilyListing(id: id, summary: try summary(row, id: id, sealer: sealer, orgId: context.orgId))
        }
    }

    private func summary(_ row: any SQLRow, id: String, sealer: FieldSealer, orgId: String) throws -> AdFamilySummary {
        try JSONDecoder().decode(AdFamilySummary.self, from: Data(try sealer.row(id, in: "ad_clusters", of: orgId).open("summary", from: row).utf8))
    }

    public func family(_ id: String, in context: TenantContext) async throws -> AdFamilyRecord {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let (row, adRows, total, noteRows) = try await database.withConnection { db in
            guard let row = try await db.raw("""
                SELECT id, size, summary_sealed, links_sealed FROM ad_clusters WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)
                """).first() else { throw AccessError.notFound }
            let ads = try await db.raw("""
                SELECT a.*, m.cluster_id FROM ad_members m JOIN ads a ON a.id = m.ad_id
                WHERE m.org_id = \(bind: context.orgId) AND m.cluster_id = \(bind: id)
                ORDER BY m.posted_at, m.ad_id LIMIT \(literal: Self.familyPageLimit)
                """).all()
            let total = try row.decode(column: "size", as: Int64.self)
            let notes = try await notesRows("family", id, orgId: context.orgId, on: db)
            return (row, ads, total, notes)
        }
        let ads = try adRows.map { try storedAd($0, sealer: sealer, orgId: context.orgId) }
        let stored = try JSONDecoder().decode([StoredFamilyLink].self,
                                              from: Data(try sealer.row(id, in: "ad_clusters", of: context.orgId).open("links", from: row).utf8))
        let links = stored.prefix(2000).map { AdFamilyRecord.StoredLink(a: $0.a, b: $0.b, identifier: $0.identifier, similarity: $0.similarity) }
        try await audit.record(event(context, "ads.family.read", "ad_cluster", id))
        return AdFamilyRecord(id: id, summary: try summary(row, id: id, sealer: sealer, orgId: context.orgId), ads: ads,
                              moreAds: max(0, Int(total) - ads.count), links: links, notes: try notes(noteRows, sealer: sealer, orgId: context.orgId))
    }

    func storedAd(_ row: any SQLRow, sealer: FieldSealer, orgId: String) throws -> StoredAd {
        let id = try row.decode(column: "id", as: String.self)
        let opened = sealer.row(id, in: "ads", of: orgId)
        let meta = try AdMeta(decoding: try opened.open("meta", from: row))
        let text = try opened.open("text", from: row)
        // Facts are read again from the text (50 µs an ad) rather than kept: less to seal, store and
        // decode, and a better finder improves old imports too.
        return StoredAd(id: id, externalId: meta.externalId, text: text, facts: AdExtractor.facts(text),
                        postedAt: try row.decode(column: "posted_at", as: Int64?.self).map(Date.init(millis:)),
                        site: meta.site, location: meta.location, url: meta.url,
                        familyId: try row.decode(column: "cluster_id", as: String?.self))
    }

    // MARK: Notes

    /// A note on a family or a poster, sealed; the subject must be the organization's.
    public func addNote(_ text: String, on subjectType: String, _ subjectId: String, in context: TenantContext) async throws {
        try checkRole(context)
        let table = subjectType == "family" ? "ad_clusters" : subjectType == "poster" ? "ad_posters" : ""
        guard !table.isEmpty, try await database.withConnection({ db in
            try await db.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: subjectId) AND org_id = \(bind: context.orgId)").first()
        }) != nil else { throw AccessError.notFound }
        let note = try AdRules.note(text)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let id = Tokens.opaqueId()
        let sealed = try sealer.row(id, in: "ad_notes", of: context.orgId).seal(note, column: "note")
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: subjectId) AND org_id = \(bind: context.orgId)").first() != nil
            else { throw AccessError.notFound }
            try await db.raw("""
                INSERT INTO ad_notes (id, org_id, subject_type, subject_id, author_id, note_sealed, created_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: subjectType), \(bind: subjectId), \(bind: context.userId), \(bind: sealed), \(bind: now))
                """).run()
            try await audit.append(event(context, "ads.note.add", subjectType == "family" ? "ad_cluster" : "ad_poster", subjectId), on: db)
        }
    }

    func notesRows(_ type: String, _ id: String, orgId: String, on db: any SQLDatabase) async throws -> [any SQLRow] {
        try await db.raw("""
            SELECT n.id, n.note_sealed, n.created_at, u.username FROM ad_notes n LEFT JOIN users u ON u.id = n.author_id
            WHERE n.org_id = \(bind: orgId) AND n.subject_type = \(bind: type) AND n.subject_id = \(bind: id) ORDER BY n.created_at
            """).all()
    }

    func notes(_ rows: [any SQLRow], sealer: FieldSealer, orgId: String) throws -> [AdNote] {
        try rows.map { row in
            let id = try row.decode(column: "id", as: String.self)
            return AdNote(author: try row.decode(column: "username", as: String?.self) ?? "—",
                          text: try sealer.row(id, in: "ad_notes", of: orgId).open("note", from: row),
                          createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    // MARK: Posters

    /// All or none: a file with a bad line adds nothing and names every bad line. A case number
    /// already imported is replaced (a poster's details change as a case goes on).
    public func importPosters(_ data: Data, name: String, in context: TenantContext) async throws -> (imported: Int, problems: [AdLineError]) {
        try checkRole(context)
        let (posters, problems) = PosterFile.parse(data, name: name)
        if !problems.isEmpty { return (0, problems) }
        if posters.isEmpty { return (0, [AdLineError(line: 1, message: "has no posters")]) }
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let digest = sealer.lookupDigester(purpose: "poster case")
        try await database.transaction { db in
            for poster in posters {
                let caseDigest = digest(poster.caseNumber)
                let existing = try await db.raw("SELECT id FROM ad_posters WHERE org_id = \(bind: context.orgId) AND case_digest = \(bind: caseDigest)").first()
                let id = try existing?.decode(column: "id", as: String.self) ?? Tokens.opaqueId()
                let sealed = try sealer.row(id, in: "ad_posters", of: context.orgId)
                    .seal(String(decoding: try JSONEncoder().encode(poster), as: UTF8.self), column: "poster")
                if existing == nil {
                    try await db.raw("""
                        INSERT INTO ad_posters (id, org_id, case_digest, poster_sealed, created_by, created_at)
                        VALUES (\(bind: id), \(bind: context.orgId), \(bind: caseDigest), \(bind: sealed), \(bind: context.userId), \(bind: now))
                        """).run()
                } else {
                    try await db.raw("UPDATE ad_posters SET poster_sealed = \(bind: sealed) WHERE id = \(bind: id)").run()
                }
                try await audit.append(event(context, existing == nil ? "ads.poster.add" : "ads.poster.update", "ad_poster", id), on: db)
            }
        }
        try await matchPosters(sealer: sealer, in: context)
        return (posters.count, [])
    }

    public func posters(in context: TenantContext) async throws -> [StoredPoster] {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT p.id, p.poster_sealed, (SELECT COUNT(*) FROM ad_poster_matches m WHERE m.poster_id = p.id AND m.status = 'pending') AS pending
                FROM ad_posters p WHERE p.org_id = \(bind: context.orgId) ORDER BY p.created_at DESC, p.id
                """).all()
        }
        try await audit.record(event(context, "ads.posters.list", "organization", context.orgId))
        return try rows.map { row in
            let id = try row.decode(column: "id", as: String.self)
            return StoredPoster(id: id, poster: try poster(row, id: id, sealer: sealer, orgId: context.orgId),
                                pending: Int(try row.decode(column: "pending", as: Int64.self)))
        }
    }

    private func poster(_ row: any SQLRow, id: String, sealer: FieldSealer, orgId: String) throws -> MissingPoster {
        try JSONDecoder().decode(MissingPoster.self, from: Data(try sealer.row(id, in: "ad_posters", of: orgId).open("poster", from: row).utf8))
    }

    /// A poster with its candidate ads, best first, and its notes.
    public func poster(_ id: String, in context: TenantContext) async throws -> (poster: StoredPoster, matches: [StoredMatch], notes: [AdNote]) {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let (row, matchRows, noteRows) = try await database.withConnection { db in
            guard let row = try await db.raw("SELECT id, poster_sealed FROM ad_posters WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            let matches = try await db.raw("""
                SELECT m.id AS match_id, m.score, m.components_sealed, m.status, m.reason_sealed, a.*, f.cluster_id
                FROM ad_poster_matches m JOIN ads a ON a.id = m.ad_id LEFT JOIN ad_members f ON f.ad_id = a.id
                WHERE m.org_id = \(bind: context.orgId) AND m.poster_id = \(bind: id) ORDER BY m.score DESC, m.id LIMIT 100
                """).all()
            return (row, matches, try await notesRows("poster", id, orgId: context.orgId, on: db))
        }
        let matches = try matchRows.map { row -> StoredMatch in
            let matchId = try row.decode(column: "match_id", as: String.self)
            let opened = sealer.row(matchId, in: "ad_poster_matches", of: context.orgId)
            return StoredMatch(id: matchId, posterId: id, ad: try storedAd(row, sealer: sealer, orgId: context.orgId),
                               match: try JSONDecoder().decode(PosterMatch.self, from: Data(try opened.open("components", from: row).utf8)),
                               status: MatchStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                               reason: try row.decode(column: "reason_sealed", as: String?.self).map { try opened.open($0, column: "reason") })
        }
        try await audit.record(event(context, "ads.poster.read", "ad_poster", id))
        let stored = StoredPoster(id: id, poster: try poster(row, id: id, sealer: sealer, orgId: context.orgId),
                                  pending: matches.filter { $0.status == .pending }.count)
        return (stored, matches, try notes(noteRows, sealer: sealer, orgId: context.orgId))
    }

    /// Accepts or rejects a candidate, with the investigator's reason (sealed, audited).
    public func decide(_ matchId: String, accept: Bool?, reason: String, in context: TenantContext) async throws -> String {
        try checkRole(context)
        // Another organization's match is not found, whatever the form says.
        guard try await database.withConnection({ db in
            try await db.raw("SELECT id FROM ad_poster_matches WHERE id = \(bind: matchId) AND org_id = \(bind: context.orgId)").first()
        }) != nil else { throw AccessError.notFound }
        let decision = try AdRules.decision(accept: accept, reason: reason)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let sealed = try sealer.row(matchId, in: "ad_poster_matches", of: context.orgId).seal(decision.reason, column: "reason")
        return try await database.transaction { db in
            guard let row = try await db.raw("SELECT poster_id FROM ad_poster_matches WHERE id = \(bind: matchId) AND org_id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            try await db.raw("""
                UPDATE ad_poster_matches SET status = \(bind: decision.status.rawValue), reason_sealed = \(bind: sealed),
                    decided_by = \(bind: context.userId), decided_at = \(bind: now) WHERE id = \(bind: matchId)
                """).run()
            try await audit.append(event(context, "ads.match.\(decision.status.rawValue)", "ad_poster_match", matchId), on: db)
            return try row.decode(column: "poster_id", as: String.self)
        }
    }

    /// Compares every poster with the ads that share a name key with it. Decided candidates are left
    /// as decided; pending ones are scored again.
    func matchPosters(sealer: FieldSealer, in context: TenantContext) async throws {
        let full = sealer.lookupDigester(purpose: Self.keyPurpose)
        let digest: @Sendable (String) -> String = { String(full($0).prefix(32)) }
        let posterRows = try await database.withConnection { db in
            try await db.raw("SELECT id, poster_sealed FROM ad_posters WHERE org_id = \(bind: context.orgId)").all()
        }
        let today = Date(millis: clock.millis())
        for row in posterRows {
            let posterId = try row.decode(column: "id", as: String.self)
            let poster = try poster(row, id: posterId, sealer: sealer, orgId: context.orgId)
            let keys = PosterMatcher.posterNames(poster).flatMap { PosterMatcher.nameKeys($0) }.map(digest)
            guard !keys.isEmpty else { continue }
            let adRows = try await database.withConnection { db in
                try await db.raw("""
                    SELECT a.*, NULL AS cluster_id FROM ads a WHERE a.org_id = \(bind: context.orgId) AND a.id IN (
                        SELECT ad_id FROM ad_keys WHERE org_id = \(bind: context.orgId) AND kind = 'name' AND key_digest IN (\(binds: keys)))
                    LIMIT 5000
                    """).all()
            }
            var found: [(String, PosterMatch)] = []
            for adRow in adRows {
                let ad = try storedAd(adRow, sealer: sealer, orgId: context.orgId)
                let candidate = AdForMatching(text: ad.text, facts: ad.facts, postedAt: ad.postedAt, location: ad.location)
                if let match = PosterMatcher.match(poster, candidate, today: today) { found.append((ad.id, match)) }
            }
            guard !found.isEmpty else { continue }
            let now = clock.millis()
            let candidates = found
            try await database.transaction { db in
                for (adId, match) in candidates {
                    let existing = try await db.raw("""
                        SELECT id, status FROM ad_poster_matches WHERE org_id = \(bind: context.orgId) AND poster_id = \(bind: posterId) AND ad_id = \(bind: adId)
                        """).first()
                    if let existing, try existing.decode(column: "status", as: String.self) != "pending" { continue }
                    let id = try existing?.decode(column: "id", as: String.self) ?? Tokens.opaqueId()
                    let sealed = try sealer.row(id, in: "ad_poster_matches", of: context.orgId)
                        .seal(String(decoding: try JSONEncoder().encode(match), as: UTF8.self), column: "components")
                    if existing == nil {
                        try await db.raw("""
                            INSERT INTO ad_poster_matches (id, org_id, poster_id, ad_id, score, components_sealed, status, created_at)
                            VALUES (\(bind: id), \(bind: context.orgId), \(bind: posterId), \(bind: adId), \(bind: match.score), \(bind: sealed), 'pending', \(bind: now))
                            """).run()
                    } else {
                        try await db.raw("UPDATE ad_poster_matches SET score = \(bind: match.score), components_sealed = \(bind: sealed) WHERE id = \(bind: id)").run()
                    }
                }
                try await audit.append(event(context, "ads.poster.match", "ad_poster", posterId), on: db)
            }
        }
    }

    // MARK: Lead packages

    /// A family's ads with every lead and its provenance, for the printable page and the CSV. The
    /// export is what leaves the workbench, so it is audited as an export.
    public func leadPackage(_ familyId: String, in context: TenantContext) async throws -> AdFamilyRecord {
        let family = try await family(familyId, in: context)
        try await audit.record(event(context, "ads.lead_package.export", "ad_cluster", familyId))
        return family
    }

    // MARK: Retention

    /// Sets how long the organization keeps imported ads, posters and notes (an administrator's policy, 30–3650 days).
    public func setRetention(days: Int, in context: TenantContext) async throws {
        guard Policy.allows(context, .manageSettings) else { throw AccessError.forbidden }
        guard (30...3650).contains(days) else { throw AdError.retentionOutOfRange }
        try await database.transaction { db in
            try await db.raw("UPDATE organizations SET ads_retention_days = \(bind: Int64(days)) WHERE id = \(bind: context.orgId)").run()
            try await audit.append(AuditEvent(context, action: "ads.retention", objectType: "organization", objectId: context.orgId), on: db)
        }
    }

    /// Removes ads, families, posters, matches and notes older than each organization's retention.
    public func purgeExpired() async throws -> Int {
        let now = clock.millis()
        return try await database.transaction(alone: true) { db in
            let orgs = try await db.raw("SELECT id, ads_retention_days FROM organizations").all()
            var removed = 0
            for org in orgs {
                let orgId = try org.decode(column: "id", as: String.self)
                let days = try org.decode(column: "ads_retention_days", as: Int64.self)
                let cutoff = now - days * 86_400_000
                let old = try await db.raw("SELECT id FROM ads WHERE org_id = \(bind: orgId) AND created_at < \(bind: cutoff)").all()
                    .map { try $0.decode(column: "id", as: String.self) }
                // One pass over the keys (they have no index by ad: they are written a million at a time).
                try await db.raw("""
                    DELETE FROM ad_keys WHERE org_id = \(bind: orgId) AND ad_id IN (SELECT id FROM ads WHERE org_id = \(bind: orgId) AND created_at < \(bind: cutoff))
                    """).run()
                for slice in old.chunks(of: 500) {
                    try await db.raw("DELETE FROM ad_members WHERE ad_id IN (\(binds: slice))").run()
                    try await db.raw("DELETE FROM ad_poster_matches WHERE ad_id IN (\(binds: slice))").run()
                    try await db.raw("DELETE FROM ads WHERE id IN (\(binds: slice))").run()
                }
                try await db.raw("DELETE FROM ad_notes WHERE org_id = \(bind: orgId) AND created_at < \(bind: cutoff)").run()
                let posters = try await db.raw("SELECT id FROM ad_posters WHERE org_id = \(bind: orgId) AND created_at < \(bind: cutoff)").all()
                    .map { try $0.decode(column: "id", as: String.self) }
                for slice in posters.chunks(of: 500) {
                    try await db.raw("DELETE FROM ad_poster_matches WHERE poster_id IN (\(binds: slice))").run()
                    try await db.raw("DELETE FROM ad_posters WHERE id IN (\(binds: slice))").run()
                }
                // Families are grouped again at the next import; an emptied family goes now.
                try await db.raw("""
                    DELETE FROM ad_clusters WHERE org_id = \(bind: orgId) AND id NOT IN (SELECT cluster_id FROM ad_members WHERE org_id = \(bind: orgId))
                    """).run()
                if !old.isEmpty || !posters.isEmpty {
                    try await audit.append(AuditEvent(orgId: orgId, actorId: "retention", action: "ads.purge", objectType: "organization",
                                                      objectId: orgId, requestId: "retention-\(now)"), on: db)
                }
                removed += old.count
            }
            return removed
        }
    }
}

/// Removes ads past their organization's retention once an hour (the first time a minute after start).
struct AdRetentionService: Service {
    let ads: AdWorkbench

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var wait: Duration = .seconds(60)
            while !Task.isCancelled {
                try await Task.sleep(for: wait)
                _ = try? await ads.purgeExpired()
                wait = .seconds(3600)
            }
        }
    }
}
