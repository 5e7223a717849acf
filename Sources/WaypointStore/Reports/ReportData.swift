import Foundation
import SQLKit
import WaypointCore

/// The reporting dataset: one row per counted event, derived from the records and kept up to date
/// incrementally — each source is read from where the last refresh stopped (its change time), and
/// rows are upserted, so a refresh after a thousand new records reads a thousand records.
public struct ReportData: Repository {
    let shared: StoreContext
    /// Where staff stand on their training requirements (the compliance report's counts).
    let compliance: Compliance

    /// A refresh re-reads this much before its mark: a record stamped just before the last refresh
    /// but committed after it is still picked up (upserts make the overlap harmless). Writes here
    /// commit within seconds of their stamp; every record of the last minute is read again by each
    /// refresh, so the window is kept short.
    static let overlapMillis: Int64 = 60 * 1000

    /// The source name under which `report_marks` keeps the dataset's version: it moves only when
    /// a refresh changes a row, so counts computed at one version stay true until it moves.
    static let versionMark = "~version"

    /// Brings the organization's dataset up to date; returns how many rows it changed. Nothing is
    /// written when no source has a record at or after its mark (less the overlap).
    @discardableResult
    public func refresh(orgId: String) async throws -> Int {
        let now = clock.millis()
        let kind = database.kind
        let queries = FactQueries(kind: kind)
        let marks = try await self.marks(orgId)
        let sources = try await database.withConnection { db in
            var changed: [ReportSource] = []
            for source in ReportSource.allCases where source.isInDataset {
                let probe = try await db.raw("SELECT EXISTS (\(queries.select(source, orgId: orgId, since: Self.since(marks, source)))) AS found").first()
                if try probe?.decode(column: "found", as: Bool.self) == true { changed.append(source) }
            }
            return changed
        }
        guard !sources.isEmpty else { return 0 }
        return try await database.transaction { db in
            if kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727002, hashtext(\(bind: orgId)))").run() }
            // Read again under the lock: another instance may have refreshed meanwhile.
            let marks = try await Self.marks(orgId, db)
            var changed = 0
            for source in sources {
                let select = queries.select(source, orgId: orgId, since: Self.since(marks, source))
                // The days whose daily counts change: where the changed rows were, and where they are now.
                var days: Set<Int64> = []
                if source.isCountedDaily {
                    for row in try await db.raw("""
                        SELECT DISTINCT f.day FROM report_facts f WHERE f.org_id = \(bind: orgId) AND f.source = \(bind: source.rawValue)
                        AND f.source_id IN (SELECT x.source_id FROM (\(select)) x)
                        """).all() { days.insert(try row.decode(column: "day", as: Int64.self)) }
                }
                // Rows re-read in the overlap and unchanged are left alone, so they do not move the version.
                let rows = try await db.raw("""
                    INSERT INTO report_facts (source, source_id, org_id, person, day, month, opened_day, program, site, phase, kind, detail,
                                              band, nationality, units, duration_days)
                    \(select)
                    ON CONFLICT (source, source_id) DO UPDATE SET person = excluded.person, day = excluded.day, month = excluded.month,
                        opened_day = excluded.opened_day, program = excluded.program, site = excluded.site, phase = excluded.phase,
                        kind = excluded.kind, detail = excluded.detail, band = excluded.band, nationality = excluded.nationality,
                        units = excluded.units, duration_days = excluded.duration_days
                    WHERE (report_facts.person, report_facts.day, report_facts.opened_day, report_facts.program, report_facts.site, report_facts.phase,
                           report_facts.kind, report_facts.detail, report_facts.band, report_facts.nationality, report_facts.units, report_facts.duration_days)
                        IS DISTINCT FROM (excluded.person, excluded.day, excluded.opened_day, excluded.program, excluded.site, excluded.phase,
                           excluded.kind, excluded.detail, excluded.band, excluded.nationality, excluded.units, excluded.duration_days)
                    RETURNING day
                    """).all()
                changed += rows.count
                if source.isCountedDaily && !rows.isEmpty {
                    for row in rows { days.insert(try row.decode(column: "day", as: Int64.self)) }
                    try await Self.recount(orgId, source, days: days, db)
                }
                try await Self.setMark(orgId, source.rawValue, now, db)
            }
            if changed > 0 { try await Self.setMark(orgId, Self.versionMark, (marks[Self.versionMark] ?? 0) + 1, db) }
            return changed
        }
    }

    /// Counts the facts of `days` again into `report_daily` (one row per day and combination of
    /// categories): a report over two years then adds up days, not a million screenings.
    static func recount(_ orgId: String, _ source: ReportSource, days: Set<Int64>, _ db: any SQLDatabase) async throws {
        let all = days.sorted()
        for start in stride(from: 0, to: all.count, by: 500) {
            let chunk = all[start..<min(start + 500, all.count)].map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
            try await db.raw("DELETE FROM report_daily WHERE org_id = \(bind: orgId) AND source = \(bind: source.rawValue) AND day IN (\(chunk))").run()
            try await db.raw("""
                INSERT INTO report_daily (org_id, source, day, month, kind, detail, band, site, program, phase, nationality, n)
                SELECT org_id, source, day, month, kind, detail, band, site, program, phase, nationality, COUNT(*) FROM report_facts
                WHERE org_id = \(bind: orgId) AND source = \(bind: source.rawValue) AND day IN (\(chunk))
                GROUP BY org_id, source, day, month, kind, detail, band, site, program, phase, nationality
                """).run()
        }
    }

    /// The dataset's version for the organization (0 before its first change).
    public func version(orgId: String) async throws -> Int64 {
        try await marks(orgId)[Self.versionMark] ?? 0
    }

    func marks(_ orgId: String) async throws -> [String: Int64] {
        try await database.withConnection { try await Self.marks(orgId, $0) }
    }

    static func marks(_ orgId: String, _ db: any SQLDatabase) async throws -> [String: Int64] {
        var marks: [String: Int64] = [:]
        for row in try await db.raw("SELECT source, mark FROM report_marks WHERE org_id = \(bind: orgId)").all() {
            marks[try row.decode(column: "source", as: String.self)] = try row.decode(column: "mark", as: Int64.self)
        }
        return marks
    }

    static func since(_ marks: [String: Int64], _ source: ReportSource) -> Int64 {
        (marks[source.rawValue] ?? Int64.min / 2) - overlapMillis
    }

    /// Moves the dataset's version on after rows were taken out of it (a purge), so no cached count
    /// still includes them.
    static func invalidate(orgId: String, on db: any SQLDatabase) async throws {
        let marks = try await Self.marks(orgId, db)
        try await setMark(orgId, versionMark, (marks[versionMark] ?? 0) + 1, db)
    }

    static func setMark(_ orgId: String, _ source: String, _ mark: Int64, _ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO report_marks (org_id, source, mark) VALUES (\(bind: orgId), \(bind: source), \(bind: mark))
            ON CONFLICT (org_id, source) DO UPDATE SET mark = excluded.mark
            """).run()
    }

    /// The counts for a report and for every table of its family, after a refresh — from memory
    /// while the dataset's version has not moved. Only counts leave this function; each read is audited.
    public func counts(_ request: ReportRequest, in context: TenantContext) async throws -> ReportCounts {
        guard Policy.allows(context.role, .readReports) else { throw AccessError.forbidden }
        try await refresh(orgId: context.orgId)
        let version = try await version(orgId: context.orgId)
        let source = request.definition.source
        let period = [context.orgId, source.rawValue, request.from, request.to].joined(separator: "|")
        let queries = FactQueries(kind: database.kind)
        let counts: ReportCounts
        if source == .compliance {
            // Each line is one person under one requirement, as of today.
            let lines = try await compliance.lines(in: context, only: nil)
            counts = ReportCounts(request, cube: lines.map { line in
                (values: [line.requirement, line.status.state.rawValue], group: ReportGroup(row: "", people: 1, records: 1))
            })
        } else if source.isAdditive {
            // One grouping by every dimension gives the request (filtered or not) and its whole family.
            let cube = try await shared.reportCache.value("cube|" + period, version: version) {
                try await database.withConnection { db in
                    try await db.raw(queries.grouped(by: source.dimensions, request, orgId: context.orgId, daily: source.isCountedDaily)).all()
                }
                    .map { try Self.cubeRow($0, width: source.dimensions.count) }
            }
            counts = ReportCounts(request, cube: cube)
        } else {
            let family = try await shared.reportCache.value("family|" + period, version: version) {
                try await familyGroups(request, orgId: context.orgId)
            }
            // Unfiltered, the request is one of its family's tables (either way round).
            let own = request.filters.isEmpty ? family[request.shape] ?? family[ReportShape(rows: request.columns ?? request.rows, columns: request.rows)]
                .map { $0.map { ReportGroup(row: $0.column, column: $0.row, people: $0.people, records: $0.records, units: $0.units,
                                            daysSum: $0.daysSum, daysCount: $0.daysCount) } } : nil
            let filters = request.filters.sorted { $0.key.name < $1.key.name }.map { $0.key.name + "=" + $0.value }.joined(separator: "&")
            let requested: [ReportGroup]
            if let own { requested = own } else {
                requested = try await shared.reportCache.value("groups|\(period)|\(request.shape.name)|\(filters)", version: version) {
                    try await groups(queries.grouped(request, orgId: context.orgId))
                }
            }
            counts = ReportCounts(groups: requested, family: family)
        }
        try await audit.record(AuditEvent(context, action: "report.read", objectType: "report", objectId: request.definition.id))
        return counts
    }

    /// Every table of the family of a source whose people counts do not simply add up (a person
    /// under each service type). When no person has two values of a client attribute (phase,
    /// program) in the period — the usual case — the tables that differ only in those attributes
    /// come from one scan grouped by all of them, added up; otherwise each table is a scan of its own.
    /// The scans run side by side on the pool's connections.
    func familyGroups(_ request: ReportRequest, orgId: String) async throws -> [ReportShape: [ReportGroup]] {
        let (source, queries) = (request.definition.source, FactQueries(kind: database.kind))
        var found: [ReportDimension] = []
        for shape in source.family { for dimension in [shape.rows] + (shape.columns.map { [$0] } ?? []) where dimension.isPersonAttribute && !found.contains(dimension) {
            found.append(dimension)
        } }
        let attributes = found
        guard !attributes.isEmpty else { return try await scan(source.family, request, orgId: orgId) { $0 } }
        func onlyAttributes(_ shape: ReportShape) -> Bool { shape.rows.isPersonAttribute && shape.columns?.isPersonAttribute ?? true }
        // One scan by person gives the tables of attributes alone and whether anyone has two values
        // of one; it runs beside the scans it allows (the check almost always passes).
        async let byPerson = database.withConnection { db in try await db.raw(queries.byPerson(attributes, request, orgId: orgId)).all() }
        var tables = try await scan(source.family.filter { !onlyAttributes($0) }, request, orgId: orgId) { $0.filter { !$0.isPersonAttribute } + attributes }
        let rows = try await byPerson
        guard try rows.allSatisfy({ try $0.decode(column: "twice", as: Int64.self) == 0 }) else {
            return try await scan(source.family, request, orgId: orgId) { $0 }
        }
        let people = try rows.map { try Self.cubeRow($0, width: attributes.count) }
        for shape in source.family where onlyAttributes(shape) { tables[shape] = ReportCounts.sum(people, dimensions: attributes, onto: shape) }
        return tables
    }

    /// The tables `shapes`, each counted from the scan grouped by `grouping` of its dimensions,
    /// one scan per distinct grouping, side by side on the pool's connections.
    func scan(_ shapes: [ReportShape], _ request: ReportRequest, orgId: String,
              grouping: @escaping @Sendable ([ReportDimension]) -> [ReportDimension]) async throws -> [ReportShape: [ReportGroup]] {
        var scans: [[ReportDimension]: [ReportShape]] = [:]
        for shape in shapes { scans[grouping([shape.rows] + (shape.columns.map { [$0] } ?? [])), default: []].append(shape) }
        let queries = FactQueries(kind: database.kind)
        return try await withThrowingTaskGroup(of: [ReportShape: [ReportGroup]].self) { group in
            for (dimensions, shapes) in scans {
                group.addTask {
                    let rows = try await database.withConnection { db in
                        try await db.raw(queries.grouped(by: dimensions, request, orgId: orgId, people: "COUNT(DISTINCT f.person)")).all()
                    }.map { try Self.cubeRow($0, width: dimensions.count) }
                    return Dictionary(uniqueKeysWithValues: shapes.map { ($0, ReportCounts.sum(rows, dimensions: dimensions, onto: $0)) })
                }
            }
            return try await group.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
        }
    }

    func groups(_ query: SQLQueryString) async throws -> [ReportGroup] {
        try await database.withConnection { db in try await db.raw(query).all() }.map { try Self.group($0, row: Self.text($0, "r"), column: Self.text($0, "c")) }
    }

    /// A row of a grouping by several dimensions (d0, d1, …): its values and what it holds.
    static func cubeRow(_ row: any SQLRow, width: Int) throws -> (values: [String], group: ReportGroup) {
        (try (0..<width).map { try text(row, "d\($0)") }, try group(row, row: "", column: ""))
    }

    static func group(_ row: any SQLRow, row r: String, column c: String) throws -> ReportGroup {
        ReportGroup(row: r, column: c,
                    people: Int(try row.decode(column: "people", as: Int64.self)), records: Int(try row.decode(column: "records", as: Int64.self)),
                    units: Int(try row.decode(column: "units", as: Int64?.self) ?? 0),
                    daysSum: Int(try row.decode(column: "days_sum", as: Int64?.self) ?? 0),
                    daysCount: Int(try row.decode(column: "days_count", as: Int64.self)))
    }

    /// Months come back as numbers, categories as text. (PostgreSQL sums bigints as numeric: the
    /// query casts them back.)
    static func text(_ row: any SQLRow, _ column: String) throws -> String {
        if let text = try? row.decode(column: column, as: String.self) { return text }
        return String(try row.decode(column: column, as: Int64.self))
    }
}

/// The SQL of the dataset, written once for both databases; where they differ (dates), both forms.
struct FactQueries {
    let kind: Database.Kind

    func day(millis column: String) -> String { "(\(column) / 86400000)" }
    func month(millis column: String) -> String {
        kind == .sqlite ? "CAST(strftime('%Y%m', \(column) / 1000, 'unixepoch') AS INTEGER)"
            : "CAST(to_char(to_timestamp(\(column) / 1000) AT TIME ZONE 'UTC', 'YYYYMM') AS INTEGER)"
    }
    func day(text column: String) -> String {
        kind == .sqlite ? "CAST(julianday(\(column)) - 2440587.5 AS INTEGER)" : "(CAST(\(column) AS DATE) - DATE '1970-01-01')"
    }
    func month(text column: String) -> String { "CAST(substr(\(column), 1, 4) || substr(\(column), 6, 2) AS INTEGER)" }
    var ageGroup: String { "CASE WHEN c.minor = 1 THEN 'minor' ELSE 'adult' END" }

    /// The rows one source contributes, changed since `since` (ms). A contact with several outcomes
    /// counts once, under the most decisive one.
    func select(_ source: ReportSource, orgId: String, since: Int64) -> SQLQueryString {
        let name = source.rawValue
        switch source {
        case .screenings:
            return """
                SELECT \(bind: name), s.id AS source_id, s.org_id, s.id, \(unsafeRaw: day(millis: "s.created_at")), \(unsafeRaw: month(millis: "s.created_at")), 0, '',
                       s.setting, '', s.instrument, s.result, s.age_band, '', 0, NULL
                FROM screenings s WHERE s.org_id = \(bind: orgId) AND s.created_at >= \(bind: since)
                """
        case .clients:
            return """
                SELECT \(bind: name), c.id, c.org_id, c.id, \(unsafeRaw: day(millis: "c.created_at")), \(unsafeRaw: month(millis: "c.created_at")),
                       \(unsafeRaw: day(millis: "c.created_at")), c.program, '', c.phase, c.exploitation, c.first_exploited_age, \(unsafeRaw: ageGroup),
                       CASE WHEN c.foreign_national = 1 THEN 'foreign_national' ELSE 'us' END, 0, NULL
                FROM clients c WHERE c.org_id = \(bind: orgId) AND c.updated_at >= \(bind: since) AND c.purged_at IS NULL
                """
        case .services:
            return """
                SELECT \(bind: name), v.id, v.org_id, v.client_id, \(unsafeRaw: day(text: "v.delivered_on")), \(unsafeRaw: month(text: "v.delivered_on")),
                       \(unsafeRaw: day(millis: "c.created_at")), c.program, '', c.phase, v.service_type, v.funding_source, '', '', v.units, NULL
                FROM case_services v JOIN clients c ON c.id = v.client_id WHERE v.org_id = \(bind: orgId) AND v.created_at >= \(bind: since)
                """
        case .closures:
            // CROSS JOIN keeps SQLite reading closures by their time first (else it walks every client of the organization).
            return """
                SELECT \(bind: name), x.client_id || ':' || CAST(x.seq AS TEXT), c.org_id, x.client_id, \(unsafeRaw: day(millis: "x.closed_at")),
                       \(unsafeRaw: month(millis: "x.closed_at")), \(unsafeRaw: day(millis: "c.created_at")), c.program, '', c.phase, x.reason, '', '', '', 0, NULL
                FROM client_closures x CROSS JOIN clients c WHERE c.id = x.client_id AND c.org_id = \(bind: orgId) AND x.closed_at >= \(bind: since)
                """
        case .referrals:
            let finished = ReferralStatus.allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let closedAt = "(SELECT MIN(e.at) FROM referral_events e WHERE e.referral_id = r.id AND e.status IN (\(finished)))"
            return """
                SELECT \(bind: name), r.id, r.org_id,
                       COALESCE((SELECT c.id FROM clients c WHERE c.id = r.client_id AND c.purged_at IS NULL), r.id), \(unsafeRaw: day(millis: "r.created_at")),
                       \(unsafeRaw: month(millis: "r.created_at")), 0, '', '', '', r.status,
                       CASE WHEN \(unsafeRaw: closedAt) IS NULL THEN 'open' ELSE 'closed' END, '', '', 0,
                       (\(unsafeRaw: closedAt) - r.created_at) / 86400000
                FROM referrals r WHERE r.org_id = \(bind: orgId) AND r.updated_at >= \(bind: since)
                """
        case .crisis:
            return """
                SELECT \(bind: name), k.id AS source_id, k.org_id, k.id, \(unsafeRaw: day(millis: "k.started_at")), \(unsafeRaw: month(millis: "k.started_at")), 0,
                       '', '', '', k.channel,
                       CASE WHEN k.outcome LIKE '%emergency-dispatch%' THEN 'emergency-dispatch' WHEN k.outcome LIKE '%warm-hand-off%' THEN 'warm-hand-off'
                            WHEN k.outcome LIKE '%referral%' THEN 'referral' WHEN k.outcome LIKE '%callback-agreed%' THEN 'callback-agreed'
                            WHEN k.outcome LIKE '%safety-planning%' THEN 'safety-planning' ELSE 'information' END,
                       CASE WHEN k.concerns LIKE '%both%' OR (k.concerns LIKE '%sex%' AND k.concerns LIKE '%labor%') THEN 'both'
                            WHEN k.concerns LIKE '%sex%' THEN 'sex' WHEN k.concerns LIKE '%labor%' THEN 'labor' ELSE 'unsure' END,
                       '', 0, NULL
                FROM crisis_contacts k WHERE k.org_id = \(bind: orgId) AND k.updated_at >= \(bind: since)
                """
        case .eligibility:
            return """
                SELECT \(bind: name), e.id, e.org_id, e.client_id, \(unsafeRaw: day(millis: "e.created_at")), \(unsafeRaw: month(millis: "e.created_at")),
                       \(unsafeRaw: day(millis: "c.created_at")), c.program, '', c.phase, CASE WHEN e.ends_on IS NULL THEN 'requested' ELSE 'letter' END,
                       '', \(unsafeRaw: ageGroup), '', 0, NULL
                FROM eligibility e JOIN clients c ON c.id = e.client_id WHERE e.org_id = \(bind: orgId) AND e.updated_at >= \(bind: since)
                """
        case .exits:
            // Only the day is kept: a record of today is read again until tomorrow (unchanged, it moves nothing).
            return """
                SELECT \(bind: name), a.id AS source_id, a.org_id, a.person, a.day, \(unsafeRaw: month(millis: "(a.day * 86400000)")), 0, '', '', '',
                       a.element, a.response, '', '', 0, NULL
                FROM report_answers a WHERE a.org_id = \(bind: orgId) AND a.day >= \(bind: since / 86_400_000)
                """
        case .compliance:
            // Not in the dataset (worked out when asked): nothing to read.
            return "SELECT \(bind: name), '', '', '', 0, 0, 0, '', '', '', '', '', '', '', 0, NULL WHERE 1 = 0"
        case .training:
            return """
                SELECT \(bind: name), n.id, n.org_id, n.user_id, \(unsafeRaw: day(millis: "n.completed_at")), \(unsafeRaw: month(millis: "n.completed_at")),
                       0, '', '', '', n.course_id, '', '', '', 0, NULL
                FROM enrollments n WHERE n.org_id = \(bind: orgId) AND n.updated_at >= \(bind: since) AND n.completed_at IS NOT NULL
                """
        }
    }

    /// The column a dimension groups by, as an expression over `f` (a fact).
    func expression(_ dimension: ReportDimension, _ request: ReportRequest) -> SQLQueryString {
        switch dimension.name {
        case ReportDimension.status.name:
            return "CASE WHEN f.opened_day >= \(bind: request.fromDay) THEN 'new' ELSE 'continuing' END"
        case ReportDimension.vocaStatus.name:
            // Continuing when opened or served earlier in the same federal fiscal year.
            let fiscalYear = request.fiscalYearStartDay
            return """
                CASE WHEN (f.opened_day >= \(bind: fiscalYear) AND f.opened_day < \(bind: request.fromDay)) OR EXISTS (
                    SELECT 1 FROM report_facts s WHERE s.org_id = f.org_id AND s.source = 'services' AND s.person = f.person
                    AND s.day >= \(bind: fiscalYear) AND s.day < \(bind: request.fromDay)) THEN 'continuing' ELSE 'new' END
                """
        case ReportDimension.vocaGroup.name:
            let cases = VOCAServiceGroups.mapping.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "WHEN '\($0.key.rawValue)' THEN '\($0.value)'" }.joined(separator: " ")
            return "CASE f.kind \(unsafeRaw: cases) ELSE 'not_mapped' END"
        default:
            return "f.\(unsafeRaw: dimension.column)"
        }
    }

    /// The request's groups: its period, its filters, its rows and columns.
    func grouped(_ request: ReportRequest, orgId: String) -> SQLQueryString {
        let rows = expression(request.rows, request)
        let columns: SQLQueryString = request.columns.map { expression($0, request) } ?? "''"
        // A screening or a contact is its own person: counting distinct ids would only cost time.
        let people = request.definition.source.isAdditive ? "COUNT(*)" : "COUNT(DISTINCT f.person)"
        return """
            SELECT \(rows) AS r, \(columns) AS c, \(unsafeRaw: people) AS people, \(unsafeRaw: Self.measures)
            FROM report_facts f WHERE \(conditions(request, orgId: orgId)) GROUP BY r, c
            """
    }

    /// The period (unfiltered) grouped by `dimensions` (d0, d1, …): from the facts, people counted
    /// as `people` says, or from the daily counts (`ReportSource.isCountedDaily`, every dimension a plain column there).
    func grouped(by dimensions: [ReportDimension], _ request: ReportRequest, orgId: String, people: String = "COUNT(*)", daily: Bool = false) -> SQLQueryString {
        let columns = dimensions.enumerated().map { "\(expression($0.element, request)) AS d\(unsafeRaw: String($0.offset))" as SQLQueryString }
            .joined(separator: ", ")
        let names = dimensions.indices.map { "d\($0)" }.joined(separator: ", ")
        let counts = daily ? Self.dailyMeasures : people + " AS people, " + Self.measures
        return """
            SELECT \(columns), \(unsafeRaw: counts) FROM \(unsafeRaw: daily ? "report_daily" : "report_facts") f
            WHERE \(conditions(request.member(request.shape), orgId: orgId)) GROUP BY \(unsafeRaw: names)
            """
    }

    static let dailyMeasures = """
        CAST(SUM(f.n) AS BIGINT) AS people, CAST(SUM(f.n) AS BIGINT) AS records, CAST(0 AS BIGINT) AS units,
        CAST(NULL AS BIGINT) AS days_sum, CAST(0 AS BIGINT) AS days_count
        """

    /// The period's people grouped by their values of `attributes` (d0, d1, …; each person once,
    /// under their first value), with their facts' measures and how many of them have two values of one.
    func byPerson(_ attributes: [ReportDimension], _ request: ReportRequest, orgId: String) -> SQLQueryString {
        let values = attributes.enumerated().map { "MIN(\(expression($0.element, request))) AS a\(unsafeRaw: String($0.offset))" as SQLQueryString }
            .joined(separator: ", ")
        let counts = attributes.enumerated().map { "COUNT(DISTINCT \(expression($0.element, request))) AS n\(unsafeRaw: String($0.offset))" as SQLQueryString }
            .joined(separator: ", ")
        let outer = attributes.indices.map { "a\($0) AS d\($0)" }.joined(separator: ", ")
        let twice = attributes.indices.map { "n\($0) > 1" }.joined(separator: " OR ")
        let names = attributes.indices.map { "a\($0)" }.joined(separator: ", ")
        return """
            SELECT \(unsafeRaw: outer), COUNT(*) AS people, CAST(SUM(records) AS BIGINT) AS records, CAST(SUM(units) AS BIGINT) AS units,
                   CAST(SUM(days_sum) AS BIGINT) AS days_sum, CAST(SUM(days_count) AS BIGINT) AS days_count,
                   CAST(SUM(CASE WHEN \(unsafeRaw: twice) THEN 1 ELSE 0 END) AS BIGINT) AS twice
            FROM (SELECT f.person, \(values), \(counts), COUNT(*) AS records, SUM(f.units) AS units, SUM(f.duration_days) AS days_sum,
                         COUNT(f.duration_days) AS days_count
                  FROM report_facts f WHERE \(conditions(request.member(request.shape), orgId: orgId)) GROUP BY f.person) x
            GROUP BY \(unsafeRaw: names)
            """
    }

    static let measures = """
        COUNT(*) AS records, CAST(SUM(f.units) AS BIGINT) AS units, CAST(SUM(f.duration_days) AS BIGINT) AS days_sum, COUNT(f.duration_days) AS days_count
        """

    func conditions(_ request: ReportRequest, orgId: String) -> SQLQueryString {
        let definition = request.definition
        var conditions: [SQLQueryString] = ["f.org_id = \(bind: orgId)", "f.source = \(bind: definition.source.rawValue)"]
        if definition.source == .clients {
            // People served: opened in the period, or opened before it and served in it.
            conditions.append("""
                f.opened_day <= \(bind: request.toDay) AND (f.opened_day >= \(bind: request.fromDay) OR EXISTS (
                    SELECT 1 FROM report_facts s WHERE s.org_id = f.org_id AND s.source = 'services' AND s.person = f.person
                    AND s.day BETWEEN \(bind: request.fromDay) AND \(bind: request.toDay)))
                """)
        } else {
            conditions.append("f.day BETWEEN \(bind: request.fromDay) AND \(bind: request.toDay)")
        }
        for (dimension, value) in request.filters.sorted(by: { $0.key.name < $1.key.name }) {
            conditions.append("f.\(unsafeRaw: dimension.column) = \(bind: value)")
        }
        return conditions.joined(separator: " AND ")
    }
}
