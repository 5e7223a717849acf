import Foundation
import WaypointCore
import WaypointStore

/// A family's pictures, drawn as SVG on the server (no script), each with a title and a
/// description for screen readers; the list of ads below carries every fact.
enum AdGraphics {
    static let (width, height) = (720.0, 120.0)

    /// Ads along a line of time; each dot is a link to the ad in the list and names its date and place.
    static func timeline(_ ads: [StoredAd], anchors: [String: String], strings: Localizer) -> String {
        let dated = ads.filter { $0.postedAt != nil }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="ads-timeline" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="timeline-title timeline-desc">
            <title id="timeline-title">\(PackageFiles.xml(strings["ads_timeline"]))</title>
            <desc id="timeline-desc">\(PackageFiles.xml(strings.format("ads_timeline_desc", ["count": String(dated.count)])))</desc>
            <line x1="30" y1="70" x2="\(width - 30)" y2="70" stroke="#333"/>
            """
        guard let first = dated.compactMap(\.postedAt).min(), let last = dated.compactMap(\.postedAt).max() else { return out + "</svg>" }
        let span = max(last.timeIntervalSince(first), 1)
        let places = Array(Set(dated.compactMap { $0.facts.places.first?.value ?? $0.location })).sorted()
        for ad in dated {
            let x = 30 + (width - 60) * ad.postedAt!.timeIntervalSince(first) / span
            let place = ad.facts.places.first?.value ?? ad.location ?? ""
            let colour = ReportChart.palette[(places.firstIndex(of: place) ?? 0) % ReportChart.palette.count]
            let label = ad.postedAt!.formatted(.iso8601.year().month().day()) + (place.isEmpty ? "" : " · " + place)
            out += "<a href=\"#\(anchors[ad.id] ?? "")\"><circle cx=\"\(rounded(x))\" cy=\"70\" r=\"6\" fill=\"\(colour)\"><title>\(PackageFiles.xml(label))</title></circle></a>"
        }
        out += "<text x=\"30\" y=\"100\" font-size=\"12\">\(first.formatted(.iso8601.year().month().day()))</text>"
        out += "<text x=\"\(width - 30)\" y=\"100\" font-size=\"12\" text-anchor=\"end\">\(last.formatted(.iso8601.year().month().day()))</text>"
        for (index, place) in places.prefix(6).enumerated() {
            out += "<circle cx=\"\(40 + index * 115)\" cy=\"20\" r=\"5\" fill=\"\(ReportChart.palette[index % ReportChart.palette.count])\"/>"
            out += "<text x=\"\(50 + index * 115)\" y=\"24\" font-size=\"11\">\(PackageFiles.xml(String(place.prefix(16))))</text>"
        }
        return out + "</svg>"
    }

    /// Ads on an outer ring, the identifiers two or more of them share in the middle, a line from
    /// each ad to each shared identifier it carries; dashed lines are the near-duplicate text links.
    static func identifierGraph(_ family: AdFamilyRecord, anchors: [String: String], strings: Localizer) -> String {
        let ads = Array(family.ads.prefix(60))
        let shared = Array(family.summary.sharedIdentifiers.prefix(12).map(\.value))
        let size = 420.0, centre = size / 2
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="ads-graph" viewBox="0 0 \(Int(size)) \(Int(size))" role="img" aria-labelledby="graph-title graph-desc">
            <title id="graph-title">\(PackageFiles.xml(strings["ads_graph"]))</title>
            <desc id="graph-desc">\(PackageFiles.xml(strings.format("ads_graph_desc", ["ads": String(ads.count), "identifiers": String(shared.count)])))</desc>
            """
        var adPoint: [String: (Double, Double)] = [:]
        for (index, ad) in ads.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(max(ads.count, 1))
            adPoint[ad.id] = (centre + 180 * cos(angle), centre + 180 * sin(angle))
        }
        var idPoint: [String: (Double, Double)] = [:]
        for (index, identifier) in shared.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(max(shared.count, 1))
            let radius = shared.count == 1 ? 0.0 : 70.0
            idPoint[identifier] = (centre + radius * cos(angle), centre + radius * sin(angle))
        }
        for link in family.links where link.identifier == nil {
            guard let a = adPoint[link.a], let b = adPoint[link.b] else { continue }
            out += "<line x1=\"\(rounded(a.0))\" y1=\"\(rounded(a.1))\" x2=\"\(rounded(b.0))\" y2=\"\(rounded(b.1))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
        }
        for ad in ads {
            guard let point = adPoint[ad.id] else { continue }
            for identifier in ad.facts.identifiers {
                guard let target = idPoint[identifier] else { continue }
                out += "<line x1=\"\(rounded(point.0))\" y1=\"\(rounded(point.1))\" x2=\"\(rounded(target.0))\" y2=\"\(rounded(target.1))\" stroke=\"#1f5f8b\"/>"
            }
        }
        for (identifier, point) in idPoint {
            out += "<rect x=\"\(rounded(point.0 - 7))\" y=\"\(rounded(point.1 - 7))\" width=\"14\" height=\"14\" fill=\"#d08c2b\"><title>\(PackageFiles.xml(identifier))</title></rect>"
        }
        for ad in ads {
            guard let point = adPoint[ad.id] else { continue }
            out += "<a href=\"#\(anchors[ad.id] ?? "")\"><circle cx=\"\(rounded(point.0))\" cy=\"\(rounded(point.1))\" r=\"7\" fill=\"#3a7d44\"><title>\(PackageFiles.xml(ad.externalId))</title></circle></a>"
        }
        return out + "</svg>"
    }

    static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }
}
