import Foundation
import SQLKit
import WaypointCore

extension Directory {

    /// Every row reachable from these services, as the nested API shape needs them. Gathered level
    /// by level through the link table; an organization's other services are not followed.
    /// Rows in `known` (what an import just wrote) are taken from there rather than read back.
    func closure(ofServices serviceIds: [String], on db: any SQLDatabase, known: HSDSRecordSet = HSDSRecordSet()) async throws -> HSDSRecordSet {
        var records = HSDSRecordSet()
        var wanted: [String: Set<String>] = ["service": Set(serviceIds)]
        var seen = Set<String>()
        for _ in 0..<10 where !wanted.isEmpty {
            var fresh: [(String, HSDSFields)] = []
            for (table, ids) in wanted.sorted(by: { $0.key < $1.key }) {
                var ids = Array(ids.subtracting(seen))
                seen.formUnion(ids)
                ids = ids.filter { id in
                    guard let row = known.row(table, id) else { return true }
                    fresh.append((table, row))
                    return false
                }
                for slice in ids.chunks(of: 500) {
                    for row in try await db.raw("SELECT id, fields FROM hsds_rows WHERE table_name = \(bind: table) AND id IN (\(binds: slice))").all() {
                        let fields = try JSONDecoder().decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8))
                        fresh.append((table, fields))
                    }
                }
            }
            wanted = [:]
            var tableOf: [String: String] = [:]
            for (table, fields) in fresh {
                records.merge(table, fields)
                let id = fields.text("id")!
                tableOf[id] = table
                for relation in HSDSModel.relations[table] ?? [] {
                    if case .parentColumn(let column) = relation.link, let target = fields.text(column), !seen.contains(target) {
                        wanted[relation.child, default: []].insert(target)
                    }
                }
            }
            let parents = Array(tableOf.keys)
            for slice in parents.chunks(of: 500) {
                let links = try await db.raw("""
                    SELECT table_name, id, column_name, target FROM hsds_links WHERE target IN (\(binds: slice))
                    AND NOT (table_name = 'service' AND column_name = 'organization_id')
                    """).all()
                for link in links {
                    let child = try link.decode(column: "table_name", as: String.self)
                    let column = try link.decode(column: "column_name", as: String.self)
                    let parentTable = tableOf[try link.decode(column: "target", as: String.self)] ?? ""
                    let nests = (HSDSModel.relations[parentTable] ?? []).contains { $0.child == child && $0.link == .childColumn(column) }
                    let id = try link.decode(column: "id", as: String.self)
                    if nests && !seen.contains(id) { wanted[child, default: []].insert(id) }
                }
            }
        }
        return records
    }

    /// Services whose search entries may change because these rows changed: the services
    /// themselves, and those reached upwards through the rows' links (a phone's service, a
    /// location's sites, an organization's services). Climbs through the batch in memory first and
    /// asks the database only about rows the batch does not hold.
    func affectedServices(_ records: HSDSRecordSet, on db: any SQLDatabase) async throws -> [String] {
        let batch = HSDSGraph(records)
        var services = Set((records.tables["service"] ?? [:]).keys)
        var external = Set<String>()
        var reverse = Set<String>()  // locations and organizations: who points at them may live outside the batch
        for (table, rows) in records.tables where table != "service" {
            for (id, row) in rows {
                var climbing: [(String, HSDSFields)] = [(table, row)]
                var steps = 0
                while let (rowTable, current) = climbing.popLast(), steps < 50 {
                    steps += 1
                    let currentId = current.text("id") ?? ""
                    if rowTable == "location" || rowTable == "organization" {
                        reverse.insert(currentId)
                        let column = rowTable == "location" ? "location_id" : "organization_id"
                        for site in batch.children("service_at_location", column, currentId) { climbing.append(("service_at_location", site)) }
                        if rowTable == "organization" { services.formUnion(batch.children("service", column, currentId).compactMap { $0.text("id") }) }
                        continue
                    }
                    for column in Self.linkColumns where column != "organization_id" && column != "taxonomy_term_id" {
                        guard let target = current.text(column) else { continue }
                        if records.row("service", target) != nil { services.insert(target); continue }
                        if let parent = records.tables.first(where: { $0.key != "service" && $0.value[target] != nil }) {
                            climbing.append((parent.key, parent.value[target]!))
                        } else {
                            external.insert(target)
                        }
                    }
                }
                _ = id
            }
        }
        // Rows outside the batch: what they nest under, and who points at the batch's locations and organizations.
        var frontier = external.union(reverse)
        var seen = frontier
        for _ in 0..<6 where !frontier.isEmpty {
            var next = Set<String>()
            let ids = Array(frontier)
            for slice in ids.chunks(of: 500) {
                for row in try await db.raw("""
                    SELECT table_name, id FROM hsds_links WHERE target IN (\(binds: slice))
                    AND table_name IN ('service', 'service_at_location') AND column_name IN ('organization_id', 'location_id')
                    """).all() {
                    let id = try row.decode(column: "id", as: String.self)
                    if try row.decode(column: "table_name", as: String.self) == "service" {
                        services.insert(id)
                    } else if records.row("service_at_location", id) == nil {
                        next.insert(id)  // sites in the batch were climbed above
                    }
                }
                for row in try await db.raw("""
                    SELECT column_name, target FROM hsds_links WHERE id IN (\(binds: slice))
                    AND column_name NOT IN ('organization_id', 'taxonomy_term_id')
                    """).all() {
                    let column = try row.decode(column: "column_name", as: String.self)
                    let target = try row.decode(column: "target", as: String.self)
                    if column == "service_id" { services.insert(target) } else { next.insert(target) }
                }
                for row in try await db.raw("SELECT id FROM hsds_rows WHERE table_name = 'service' AND id IN (\(binds: slice))").all() {
                    services.insert(try row.decode(column: "id", as: String.self))
                }
            }
            frontier = next.subtracting(seen)
            seen.formUnion(frontier)
        }
        return services.sorted()
    }

}
