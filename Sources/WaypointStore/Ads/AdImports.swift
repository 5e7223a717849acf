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
        guard AdRules.mayInvestigate(context.role) else { throw AccessError.forbidden }
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
            while let results = try stream.next() {
                batch += results.compactMap { try? $0.get() }
                guard batch.count >= 2_000 else { continue }
                try await insert(batch, importId: id, sealer: sealer, fresh: &fresh, in: context)
                done += batch.count
                batch = []
                try await progress(id, stage: .importing, total: check.records, done: done)
            }
            if !batch.isEmpty {
                try await insert(batch, importId: id, sealer: sealer, fresh: &fresh, in: context)
                done += batch.count
            }
            try await progress(id, stage: .grouping, total: check.records, done: done)
            try await regroup(fresh: fresh, sealer: sealer, in: context)
            try await progress(id, stage: .matching, total: check.records, done: done)
            try await matchPosters(sealer: sealer, in: context)
            try await finish(id, stage: .done, problems: check.errors, in: context)
        } catch {
            try? await finish(id, stage: .failed, problems: [AdLineError(line: 0, message: "the import stopped: \(error)")], in: context)
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
    }

    static let keyPurpose = "ad key"

    private func insert(_ all: [AdRecord], importId: String, sealer: FieldSealer, fresh: inout FreshAds, in context: TenantContext) async throws {
        let digest = sealer.lookupDigester(purpose: Self.keyPurpose)
        // A line whose id an earlier import already brought is left as it was (importing a file twice
        // adds nothing).
        let digests = all.map { digest("external:" + $0.id) }
        let known = Set(try await database.withConnection { db in
            try await db.raw("SELECT external_digest FROM ads WHERE org_id = \(bind: context.orgId) AND external_digest IN (\(binds: digests))").all()
                .map { try $0.decode(column: "external_digest", as: String.self) }
        })
        let records = all.indices.filter { !known.contains(digests[$0]) }.map { all[$0] }
        guard !records.isEmpty else { return }
        let now = clock.millis()
        let orgId = context.orgId
        // Reading, encoding and sealing each ad is most of an import's time: every core takes a share.
        let prepared = try Parallel.tryMap(records) { record -> PreparedAd in
            let id = Tokens.opaqueId()
            let (facts, sketch) = AdSketch.read(record.text)
            let sealed = sealer.row(id, in: "ads", of: orgId)
            let encoder = JSONEncoder()
            let meta = AdMeta(externalId: record.id, site: record.site, location: record.location, url: record.url, line: record.line)
            return PreparedAd(
                id: id, external: digest("external:" + record.id), text: try sealed.seal(AdText.capped(record.text), column: "text"),
                facts: try sealed.seal(String(decoding: try encoder.encode(facts), as: UTF8.self), column: "facts"),
                meta: try sealed.seal(String(decoding: try encoder.encode(meta), as: UTF8.self), column: "meta"),
                postedAt: record.postedAt?.millis, keys: Self.keys(facts).map { ($0.kind, digest($0.value)) },
                sketch: sketch, part: AdSummaryPart(facts, postedAt: record.postedAt))
        }
        var rows: [SQLQueryString] = []
        var keyRows: [SQLQueryString] = []
        for ad in prepared {
            rows.append("""
                (\(bind: ad.id), \(bind: orgId), \(bind: importId), \(bind: ad.external), \(bind: ad.text), \(bind: ad.facts), \(bind: ad.meta),
                 \(bind: ad.postedAt), \(bind: now))
                """)
            for key in ad.keys { keyRows.append("(\(bind: orgId), \(bind: ad.id), \(bind: key.0), \(bind: key.1))") }
            fresh.sketches[ad.id] = ad.sketch
            fresh.parts[ad.id] = ad.part
        }
        let (adRows, keyRowsToInsert) = (rows, keyRows)
        try await database.transaction { db in
            for slice in adRows.chunks(of: 400) {
                try await db.raw("""
                    INSERT INTO ads (id, org_id, import_id, external_digest, text_sealed, facts_sealed, meta_sealed, posted_at, created_at)
                    VALUES \(slice.joined(separator: ", "))
                    """).run()
            }
            for slice in keyRowsToInsert.chunks(of: 800) {
                try await db.raw("INSERT INTO ad_keys (org_id, ad_id, kind, key_digest) VALUES \(slice.joined(separator: ", "))").run()
            }
        }
    }

    struct PreparedAd: Sendable {
        let id: String
        let external: String
        let text: String
        let facts: String
        let meta: String
        let postedAt: Int64?
        let keys: [(String, String)]
        let sketch: AdSketch
        let part: AdSummaryPart
    }

    /// The keys an ad is found by: its identifiers, and its names under their matching keys.
    static func keys(_ facts: AdFacts) -> [(kind: String, value: String)] {
        var keys = facts.identifiers.map { (kind: "identifier", value: $0) }
        for name in facts.names { for key in PosterMatcher.nameKeys(name.value).sorted() { keys.append(("name", key)) } }
        return keys
    }
}

/// The columns of an import line other than the text, sealed together.
struct AdMeta: Codable, Sendable {
    let externalId: String
    let site: String?
    let location: String?
    let url: String?
    let line: Int
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
