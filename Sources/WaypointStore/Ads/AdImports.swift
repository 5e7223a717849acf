import Foundation
import SQLKit
import WaypointCore

/// Where an import stands, for the progress bar.
public struct AdImportStatus: Sendable, Equatable {
    public enum Stage: String, Sendable { case checking, importing, grouping, matching, done, refused, failed }

    public let id: String
    public let fileName: String
    public let stage: Stage
    public let total: Int
    public let done: Int
    public let problems: [AdLineError]
    public let createdAt: Date
}

/// The ads workbench's records: imported ads (sealed), the keys that join them, their families,
/// posters, matches and notes. Only investigators reach any of it; every read of an ad, a family or
/// a poster and every change is audited.
public struct AdWorkbench: Repository {
    let shared: StoreContext

    func checkRole(_ context: TenantContext) throws {
        guard Policy.allows(context.role, .investigate) else { throw AccessError.forbidden }
    }

    func event(_ context: TenantContext, _ action: String, _ type: String, _ id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: type, objectId: id)
    }

    // MARK: Import

    /// Opens an import (stage "checking"); `runImport` does the work.
    public func beginImport(fileName: String, in context: TenantContext) async throws -> String {
        try checkRole(context)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let id = Tokens.opaqueId()
        let name = try sealer.row(id, in: "ad_imports", of: context.orgId).seal(String(fileName.prefix(200)), column: "file_name")
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO ad_imports (id, org_id, file_name_sealed, created_by, created_at, status)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: name), \(bind: context.userId), \(bind: now), 'checking')
                """).run()
            try await audit.append(event(context, "ads.import.start", "ad_import", id), on: db)
        }
        return id
    }

    /// Reads the whole file first: with a bad line and no `skipInvalid`, nothing is imported and the
    /// lines are kept with the import. Then ads go in by batches (progress after each), the
    /// organization's ads are grouped again, and its posters compared with the new ads.
    public func runImport(_ id: String, source: AdSource, skipInvalid: Bool, in context: TenantContext) async throws -> AdImportStatus {
        try checkRole(context)
        do {
            let check = try source.read { _ in }
            guard check.records > 0 else {
                try await finish(id, stage: .refused, problems: check.errors.isEmpty ? [AdLineError(line: 1, message: "has no ads")] : check.errors, in: context)
                return try await status(id, in: context)
            }
            if !check.errors.isEmpty, !skipInvalid {
                try await finish(id, stage: .refused, problems: check.errors, in: context)
                return try await status(id, in: context)
            }
            try await progress(id, stage: .importing, total: check.records, done: 0)
            let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
            var fresh = FreshAds()
            var done = 0
            var batch: [AdRecord] = []
            var stream = try source.stream()
            // While one batch is written (SQLite writes on one thread), the next is read and sealed on the cores.
            var writing: Task<[PreparedAd], any Error>?
            // An organization's first import has nothing to be a duplicate of.
            let hadAds = try await database.withConnection { db in
                try await db.raw("SELECT id FROM ads WHERE org_id = \(bind: context.orgId) LIMIT 1").first() != nil
            }
            func hand(_ records: [AdRecord]) async throws {
                let prepared = try prepare(records, sealer: sealer, orgId: context.orgId)
                if let written = try await writing?.value {
                    fresh.take(written)
                    done += written.count
                    try await progress(id, stage: .importing, total: check.records, done: done)
                }
                let store = self
                writing = Task { try await store.write(prepared, importId: id, orgId: context.orgId, checkKnown: hadAds) }
            }
            while let results = try stream.next() {
                batch += results.compactMap { try? $0.get() }
                guard batch.count >= 2_000 else { continue }
                try await hand(batch)
                batch = []
            }
            if !batch.isEmpty { try await hand(batch) }
            if let written = try await writing?.value {
                fresh.take(written)
                done += written.count
            }
            try await progress(id, stage: .grouping, total: check.records, done: done)
            try await regroup(fresh: fresh, sealer: sealer, in: context)
            try await progress(id, stage: .matching, total: check.records, done: done)
            try await matchPosters(sealer: sealer, in: context)
            try await finish(id, stage: .done, problems: check.errors, in: context)
        } catch {
            // The error's own text is not kept with the import: a database error can quote what it was writing.
            try? await finish(id, stage: .failed, problems: [AdLineError(line: 0, message: "the import stopped before the end; nothing after the last batch was kept")], in: context)
            throw error
        }
        return try await status(id, in: context)
    }

    public func status(_ id: String, in context: TenantContext) async throws -> AdImportStatus {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        guard let row = try await database.withConnection({ db in
            try await db.raw("SELECT * FROM ad_imports WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first()
        }) else { throw AccessError.notFound }
        return try importStatus(row, sealer: sealer, orgId: context.orgId)
    }

    public func imports(in context: TenantContext) async throws -> [AdImportStatus] {
        try checkRole(context)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        return try await database.withConnection { db in
            try await db.raw("SELECT * FROM ad_imports WHERE org_id = \(bind: context.orgId) ORDER BY created_at DESC LIMIT 50").all()
        }.map { try importStatus($0, sealer: sealer, orgId: context.orgId) }
    }

    private func importStatus(_ row: any SQLRow, sealer: FieldSealer, orgId: String) throws -> AdImportStatus {
        let id = try row.decode(column: "id", as: String.self)
        let opened = sealer.row(id, in: "ad_imports", of: orgId)
        let problems = try row.decode(column: "problems_sealed", as: String?.self).map {
            try JSONDecoder().decode([StoredProblem].self, from: Data(try opened.open($0, column: "problems").utf8))
                .map { AdLineError(line: $0.line, message: $0.message) }
        } ?? []
        return AdImportStatus(id: id, fileName: try opened.open("file_name", from: row),
                              stage: AdImportStatus.Stage(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
                              total: Int(try row.decode(column: "total", as: Int64.self)), done: Int(try row.decode(column: "done", as: Int64.self)),
                              problems: problems, createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    private struct StoredProblem: Codable { let line: Int; let message: String }

    private func progress(_ id: String, stage: AdImportStatus.Stage, total: Int, done: Int) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE ad_imports SET status = \(bind: stage.rawValue), total = \(bind: Int64(total)), done = \(bind: Int64(done)) WHERE id = \(bind: id)").run()
        }
    }

    private func finish(_ id: String, stage: AdImportStatus.Stage, problems: [AdLineError], in context: TenantContext) async throws {
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        // The first thousand bad lines are kept: enough to fix a file, never a copy of it.
        let kept = problems.prefix(1000).map { StoredProblem(line: $0.line, message: $0.message) }
        let sealed = try sealer.row(id, in: "ad_imports", of: context.orgId)
            .seal(String(decoding: try JSONEncoder().encode(kept), as: UTF8.self), column: "problems")
        try await database.transaction { db in
            try await db.raw("""
                UPDATE ad_imports SET status = \(bind: stage.rawValue), problems_sealed = \(bind: sealed), finished_at = \(bind: now)
                WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)
                """).run()
            try await audit.append(event(context, "ads.import.\(stage.rawValue)", "ad_import", id), on: db)
        }
    }

    /// What the batches of this import leave for grouping, so the new ads are not read back.
    struct FreshAds {
        var sketches: [String: AdSketch] = [:]
        var parts: [String: AdSummaryPart] = [:]

        mutating func take(_ written: [PreparedAd]) {
            for ad in written {
                sketches[ad.id] = ad.sketch
                parts[ad.id] = ad.part
            }
        }
    }

    static let keyPurpose = "ad key"

    /// Reads, seals and keys a batch on every core.
    private func prepare(_ records: [AdRecord], sealer: FieldSealer, orgId: String) throws -> [PreparedAd] {
        let full = sealer.lookupDigester(purpose: Self.keyPurpose)
        // 128 bits of the keyed digest: enough to tell a million ads apart, half the index.
        let digest: @Sendable (String) -> String = { String(full($0).prefix(32)) }
        let now = clock.millis()
        return try Parallel.tryMap(records) { record -> PreparedAd in
            let id = Tokens.sequentialId(millis: now)
            let (facts, sketch) = AdSketch.read(record.text)
            let sealed = sealer.row(id, in: "ads", of: orgId)
            let meta = AdMeta(externalId: record.id, site: record.site, location: record.location, url: record.url, line: record.line)
            return PreparedAd(
                id: id, external: digest("external:" + record.id), text: try sealed.seal(AdText.capped(record.text), column: "text"),
                meta: try sealed.seal(meta.encoded, column: "meta"), postedAt: record.postedAt?.millis,
                keys: Self.keys(facts).map { ($0.kind, digest($0.value)) }, sketch: sketch, part: AdSummaryPart(facts, postedAt: record.postedAt))
        }
    }

    /// Writes a batch in one transaction; returns the ads written. A line whose id an earlier import
    /// already brought is left as it was (importing a file twice adds nothing).
    private func write(_ all: [PreparedAd], importId: String, orgId: String, checkKnown: Bool) async throws -> [PreparedAd] {
        let now = clock.millis()
        return try await database.transaction { db in
            let known = !checkKnown ? [] : Set(try await db.raw("""
                SELECT external_digest FROM ads WHERE org_id = \(bind: orgId) AND external_digest IN (\(binds: all.map(\.external)))
                """).all().map { try $0.decode(column: "external_digest", as: String.self) })
            let prepared = all.filter { !known.contains($0.external) }
            let rows: [SQLQueryString] = prepared.map { ad in
                "(\(bind: ad.id), \(bind: orgId), \(bind: importId), \(bind: ad.external), \(bind: ad.text), \(bind: ad.meta), \(bind: ad.postedAt), \(bind: now))"
            }
            let keyRows: [SQLQueryString] = prepared.flatMap { ad in
                ad.keys.map { "(\(bind: orgId), \(bind: ad.id), \(bind: $0.0), \(bind: $0.1))" as SQLQueryString }
            }
            for slice in rows.chunks(of: 500) {
                try await db.raw("""
                    INSERT INTO ads (id, org_id, import_id, external_digest, text_sealed, meta_sealed, posted_at, created_at)
                    VALUES \(slice.joined(separator: ", "))
                    """).run()
            }
            for slice in keyRows.chunks(of: 1000) {
                try await db.raw("INSERT INTO ad_keys (org_id, ad_id, kind, key_digest) VALUES \(slice.joined(separator: ", "))").run()
            }
            return prepared
        }
    }

    struct PreparedAd: Sendable {
        let id: String
        let external: String
        let text: String
        let meta: String
        let postedAt: Int64?
        let keys: [(String, String)]
        let sketch: AdSketch
        let part: AdSummaryPart
    }

    /// The keys an ad is found by: its names under the keys posters look them up by.
    static func keys(_ facts: AdFacts) -> [(kind: String, value: String)] {
        var keys: [(kind: String, value: String)] = []
        for name in facts.names { for key in PosterMatcher.nameKeys(name.value).sorted() { keys.append(("name", key)) } }

        return keys
    }
}

/// The columns of an import line other than the text, sealed together as one CSV line (cheaper
/// than JSON for a million rows).
struct AdMeta: Sendable {
    let externalId: String
    let site: String?
    let location: String?
    let url: String?
    let line: Int

    var encoded: String { CSV.line([externalId, site ?? "", location ?? "", url ?? "", String(line)]) }

    init(externalId: String, site: String?, location: String?, url: String?, line: Int) {
        (self.externalId, self.site, self.location, self.url, self.line) = (externalId, site, location, url, line)
    }

    init(decoding text: String) throws {
        guard let values = try CSV.parse(text).first?.values, values.count == 5 else { throw SealingError.malformed }
        func optional(_ value: String) -> String? { value.isEmpty ? nil : value }
        self.init(externalId: values[0], site: optional(values[1]), location: optional(values[2]), url: optional(values[3]), line: Int(values[4]) ?? 0)
    }
}

/// An ads file to import: a path (the command line) or bytes (a page upload).
public enum AdSource: Sendable {
    case file(String)
    case data(Data, name: String)

    func stream() throws -> AdRecordStream {
        switch self {
        case .file(let path): try AdRecordStream(path: path)
        case .data(let data, let name): AdRecordStream(data: data, name: name)
        }
    }

    func read(_ each: (AdRecord) throws -> Void) throws -> AdFileReport {
        switch self {
        case .file(let path): try AdFiles.read(path, each: each)
        case .data(let data, let name): try AdFiles.read(data: data, name: name, each: each)
        }
    }
}
