import Foundation
import SQLKit
import WaypointCore

extension AdWorkbench {
    /// Groups all of the organization's ads again (a new import can join families) and stores the
    /// families, their links as evidence and each ad's family. A family keeps its id when most of its
    /// ads were in it before, so a bookmarked family page and its notes stay with it.
    func regroup(fresh: FreshAds, sealer: FieldSealer, in context: TenantContext) async throws {
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT a.id, m.cluster_id, a.posted_at FROM ads a LEFT JOIN ad_members m ON m.ad_id = a.id
                WHERE a.org_id = \(bind: context.orgId) ORDER BY a.created_at, a.id
                """).all()
                .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "cluster_id", as: String?.self),
                        try $0.decode(column: "posted_at", as: Int64?.self)) }
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
        // Each family's links (the evidence for its graph) go with it, sealed as one list.
        var familyLinks = [[StoredFamilyLink]](repeating: [], count: clusters.clusterCount)
        for link in clusters.links {
            switch link {
            case .text(let a, let b, let similarity):
                familyLinks[clusters.clusterOf[a]!].append(StoredFamilyLink(a: ids[a], b: ids[b], identifier: nil, similarity: similarity))
            case .identifier(let a, let b, let identifier):
                familyLinks[clusters.clusterOf[a]!].append(StoredFamilyLink(a: ids[a], b: ids[b], identifier: identifier, similarity: nil))
            }
        }
        var clusterRows: [SQLQueryString] = []
        for (cluster, ads) in members.enumerated() {
            let summary = AdFamilySummary(ads.compactMap { parts[ids[$0]] })
            let row = sealer.row(familyIds[cluster], in: "ad_clusters", of: context.orgId)
            let sealedSummary = try row.seal(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self), column: "summary")
            let sealedLinks = try row.seal(String(decoding: try JSONEncoder().encode(familyLinks[cluster]), as: UTF8.self), column: "links")
            clusterRows.append("""
                (\(bind: familyIds[cluster]), \(bind: context.orgId), \(bind: Int64(ads.count)), \(bind: summary.firstPosted?.millis),
                 \(bind: summary.lastPosted?.millis), \(bind: sealedSummary), \(bind: sealedLinks), \(bind: now))
                """)
        }
        var memberRows: [SQLQueryString] = []
        for (ad, row) in rows.enumerated() {
            guard let cluster = clusters.clusterOf[ad] else { continue }
            memberRows.append("(\(bind: row.0), \(bind: context.orgId), \(bind: familyIds[cluster]), \(bind: row.2))")
        }
        let (families, membership) = (clusterRows, memberRows)
        try await database.transaction(alone: true) { db in
            try await db.raw("DELETE FROM ad_clusters WHERE org_id = \(bind: context.orgId)").run()
            try await db.raw("DELETE FROM ad_members WHERE org_id = \(bind: context.orgId)").run()
            for slice in families.chunks(of: 500) {
                try await db.raw("""
                    INSERT INTO ad_clusters (id, org_id, size, first_posted, last_posted, summary_sealed, links_sealed, updated_at)
                    VALUES \(slice.joined(separator: ", "))
                    """).run()
            }
            for slice in membership.chunks(of: 1000) {
                try await db.raw("INSERT INTO ad_members (ad_id, org_id, cluster_id, posted_at) VALUES \(slice.joined(separator: ", "))").run()
            }
            try await audit.append(event(context, "ads.group", "organization", context.orgId), on: db)
        }
    }
}

/// A link between two ads of a family, as kept with the family.
struct StoredFamilyLink: Codable, Sendable {
    let a: String
    let b: String
    let identifier: String?
    let similarity: Double?
}
