import Foundation
import SQLKit
import WaypointCore

extension AdWorkbench {
    /// Groups all of the organization's ads again (a new import can join families) and stores the
    /// families, their links as evidence and each ad's family. A family keeps its id when most of its
    /// ads were in it before, so a bookmarked family page and its notes stay with it.
    func regroup(fresh: FreshAds, sealer: FieldSealer, in context: TenantContext) async throws {
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT id, cluster_id FROM ads WHERE org_id = \(bind: context.orgId) ORDER BY created_at, id").all()
                .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "cluster_id", as: String?.self)) }
        }
        let ids = rows.map(\.0)
        var parts = fresh.parts
        var sketches = fresh.sketches
        // Ads of earlier imports are read back (texts are not kept in the clear anywhere else).
        let earlier = ids.filter { sketches[$0] == nil }
        for slice in earlier.chunks(of: 2_000) {
            let loaded = try await database.withConnection { db in
                try await db.raw("SELECT id, text_sealed, posted_at FROM ads WHERE id IN (\(binds: slice))").all()
            }
            var texts: [String] = [], rowIds: [String] = [], posted: [Date?] = []
            for row in loaded {
                let id = try row.decode(column: "id", as: String.self)
                texts.append(try sealer.row(id, in: "ads", of: context.orgId).open("text", from: row))
                rowIds.append(id)
                posted.append(try row.decode(column: "posted_at", as: Int64?.self).map(Date.init(millis:)))
            }
            for (index, (facts, sketch)) in AdClusterer.readAll(texts).enumerated() {
                sketches[rowIds[index]] = sketch
                parts[rowIds[index]] = AdSummaryPart(facts, postedAt: posted[index])
            }
        }
        let clusterer = AdClusterer()
        for id in ids { clusterer.add(sketches.removeValue(forKey: id) ?? AdSketch(identifiers: [], shingles: [])) }
        let clusters = clusterer.cluster()
        // Stable ids: each new family takes the old id most of its ads had, if no larger family took it.
        var members = [[Int]](repeating: [], count: clusters.clusterCount)
        for (ad, cluster) in clusters.clusterOf.enumerated() { if let cluster { members[cluster].append(ad) } }
        var familyIds = [String](repeating: "", count: clusters.clusterCount)
        var taken = Set<String>()
        for cluster in members.indices.sorted(by: { members[$0].count > members[$1].count }) {
            var votes: [String: Int] = [:]
            for ad in members[cluster] { if let old = rows[ad].1 { votes[old, default: 0] += 1 } }
            let best = votes.filter { !taken.contains($0.key) }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            familyIds[cluster] = best ?? Tokens.opaqueId()
            taken.insert(familyIds[cluster])
        }
        let now = clock.millis()
        var clusterRows: [SQLQueryString] = []
        for (cluster, ads) in members.enumerated() {
            let summary = AdFamilySummary(ads.compactMap { parts[ids[$0]] })
            let sealed = try sealer.row(familyIds[cluster], in: "ad_clusters", of: context.orgId)
                .seal(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self), column: "summary")
            clusterRows.append("""
                (\(bind: familyIds[cluster]), \(bind: context.orgId), \(bind: Int64(ads.count)), \(bind: summary.firstPosted?.millis),
                 \(bind: summary.lastPosted?.millis), \(bind: sealed), \(bind: now))
                """)
        }
        var linkRows: [SQLQueryString] = []
        for link in clusters.links {
            switch link {
            case .text(let a, let b, let similarity):
                let family = familyIds[clusters.clusterOf[a]!]
                linkRows.append("(\(bind: context.orgId), \(bind: family), \(bind: ids[a]), \(bind: ids[b]), 'text', \(bind: similarity), NULL)")
            case .identifier(let a, let b, let identifier):
                let family = familyIds[clusters.clusterOf[a]!]
                let evidence = try sealer.row(ids[a] + "|" + ids[b], in: "ad_links", of: context.orgId).seal(identifier, column: "evidence")
                linkRows.append("(\(bind: context.orgId), \(bind: family), \(bind: ids[a]), \(bind: ids[b]), 'identifier', NULL, \(bind: evidence))")
            }
        }
        var changes: [(String, String?)] = []
        for (ad, row) in rows.enumerated() {
            let family = clusters.clusterOf[ad].map { familyIds[$0] }
            if family != row.1 { changes.append((row.0, family)) }
        }
        let (families, links, changed) = (clusterRows, linkRows, changes)
        try await database.transaction(alone: true) { db in
            try await db.raw("DELETE FROM ad_clusters WHERE org_id = \(bind: context.orgId)").run()
            try await db.raw("DELETE FROM ad_links WHERE org_id = \(bind: context.orgId)").run()
            for slice in families.chunks(of: 500) {
                try await db.raw("""
                    INSERT INTO ad_clusters (id, org_id, size, first_posted, last_posted, summary_sealed, updated_at)
                    VALUES \(slice.joined(separator: ", "))
                    """).run()
            }
            for slice in links.chunks(of: 800) {
                try await db.raw("""
                    INSERT INTO ad_links (org_id, cluster_id, ad_a, ad_b, kind, similarity, evidence_sealed) VALUES \(slice.joined(separator: ", "))
                    """).run()
            }
            // One statement per family (and for ads now alone), a few hundred ads at a time.
            for (family, ids) in Dictionary(grouping: changed, by: \.1).map({ ($0.key, $0.value.map(\.0)) }) {
                for slice in ids.chunks(of: 500) {
                    try await db.raw("UPDATE ads SET cluster_id = \(bind: family) WHERE id IN (\(binds: slice))").run()
                }
            }
            try await audit.append(event(context, "ads.group", "organization", context.orgId), on: db)
        }
    }
}
