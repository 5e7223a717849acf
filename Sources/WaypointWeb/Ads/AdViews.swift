import Foundation
import WaypointCore
import WaypointStore

/// What the ads workbench's templates show. Everything an investigator sees says where it came from:
/// a highlighted span of the ad, the lexicon entry's source and evidence level, a match's parts.
struct AdViews {
    let strings: Localizer
    let language: Language

    init(_ language: Language) {
        self.language = language
        strings = Localizer(language)
    }

    // MARK: Overview

    struct Overview {
        let imports: [ImportRow]
        let families: [FamilyRow]
        let noFamilies: Bool
        let maximumUpload: String
    }

    struct ImportRow { let id: String; let fileName: String; let stage: String; let done: Int; let total: Int; let when: String }
    struct FamilyRow { let id: String; let size: Int; let period: String; let places: String; let indicators: String }

    func overview(imports: [AdImportStatus], families: [AdFamilyListing]) -> Overview {
        Overview(imports: imports.map(importRow),
                 families: families.map { family in
                     FamilyRow(id: family.id, size: family.summary.size, period: period(family.summary),
                               places: family.summary.places.prefix(3).map(\.value).joined(separator: "; "),
                               indicators: family.summary.indicators.prefix(4).map { label($0.value) }.joined(separator: "; "))
                 },
                 noFamilies: families.isEmpty, maximumUpload: "\(AdRules.maximumUploadBytes / 1_048_576) MB")
    }

    func importRow(_ status: AdImportStatus) -> ImportRow {
        ImportRow(id: status.id, fileName: status.fileName, stage: strings["ads_stage_" + status.stage.rawValue], done: status.done,
                  total: status.total, when: day(status.createdAt))
    }

    struct ImportPage {
        let row: ImportRow
        let running: Bool
        let finished: Bool
        let refused: Bool
        let problems: [String]
        let percent: Int
    }

    func importPage(_ status: AdImportStatus) -> ImportPage {
        let running = [.checking, .importing, .grouping, .matching].contains(status.stage)
        return ImportPage(row: importRow(status), running: running, finished: status.stage == .done,
                          refused: status.stage == .refused || status.stage == .failed,
                          problems: status.problems.prefix(100).map { strings.format("ads_problem_line", ["line": String($0.line), "message": $0.message]) },
                          percent: status.total == 0 ? 0 : min(100, status.done * 100 / status.total))
    }

    // MARK: Family

    struct FamilyPage {
        let id: String
        let size: Int
        let period: String
        let moreAds: Int
        let places: [Counted]
        let shared: [Counted]
        let indicators: [IndicatorRow]
        let ads: [AdRow]
        let timeline: String
        let graph: String
        let notes: [NoteRow]
        let printable: Bool
        let template: [TemplatePart]
        let templateShare: String?
    }

    struct TemplatePart { let text: String?; let values: [SlotValue]; let isSlot: Bool; let others: Int }
    struct SlotValue { let value: String; let ads: Int }

    struct Counted { let value: String; let ads: Int }
    struct IndicatorRow { let label: String; let evidence: String; let source: String; let meaning: String; let ads: Int }
    struct AdRow {
        let id: String
        let anchor: String
        let externalId: String
        let posted: String
        let site: String?
        let location: String?
        let url: String?
        let segments: [Segment]
        let leads: String
    }
    struct Segment { let text: String; let mark: Bool; let kind: String }
    struct NoteRow { let author: String; let text: String; let when: String }

    func family(_ record: AdFamilyRecord, printable: Bool = false) -> FamilyPage {
        let template = AdTemplate.summarize(record.ads.map(\.text))
        let anchors = Dictionary(uniqueKeysWithValues: record.ads.enumerated().map { ($0.element.id, "ad-\($0.offset + 1)") })
        return FamilyPage(
            id: record.id, size: record.summary.size, period: period(record.summary), moreAds: record.moreAds,
            places: record.summary.places.map { Counted(value: $0.value, ads: $0.ads) },
            shared: record.summary.sharedIdentifiers.map { Counted(value: $0.value, ads: $0.ads) },
            indicators: record.summary.indicators.compactMap { count in
                IndicatorLexicon.shipped.entry(count.value).map {
                    IndicatorRow(label: $0.label.text(language.rawValue), evidence: strings["ads_evidence_" + $0.evidence.rawValue],
                                 source: $0.source, meaning: $0.meaning.text(language.rawValue), ads: count.ads)
                }
            },
            ads: record.ads.map { ad in
                AdRow(id: ad.id, anchor: anchors[ad.id]!, externalId: ad.externalId, posted: ad.postedAt.map(day) ?? strings["ads_no_date"],
                      site: ad.site, location: ad.location, url: ad.url, segments: segments(ad), leads: leads(ad.facts))
            },
            timeline: AdGraphics.timeline(record.ads, anchors: anchors, strings: strings),
            graph: AdGraphics.identifierGraph(record, anchors: anchors, strings: strings),
            notes: record.notes.map { NoteRow(author: $0.author, text: $0.text, when: day($0.createdAt)) },
            printable: printable, template: template?.parts.map { part in
                switch part {
                case .text(let text): TemplatePart(text: text, values: [], isSlot: false, others: 0)
                case .slot(let values, let others): TemplatePart(text: nil, values: values.map { SlotValue(value: $0.value, ads: $0.ads) }, isSlot: true, others: others)
                }
            } ?? [], templateShare: template.map { String(Int(($0.templateShare * 100).rounded())) + "%" })
    }

    /// The ad's text cut at every span the finders marked, so the page can highlight each.
    func segments(_ ad: StoredAd) -> [Segment] {
        let facts = ad.facts
        var spans: [(Int, Int, String)] = facts.phones.map { ($0.start, $0.end, "phone") } + facts.emails.map { ($0.start, $0.end, "email") }
            + facts.handles.map { ($0.start, $0.end, "handle") } + facts.ages.map { ($0.start, $0.end, "age") }
            + facts.prices.map { ($0.start, $0.end, "price") } + facts.names.map { ($0.start, $0.end, "name") }
            + facts.places.map { ($0.start, $0.end, "place") } + facts.indicators.map { ($0.start, $0.end, "indicator") }
        spans.sort { ($0.0, -$0.1) < ($1.0, -$1.1) }
        let bytes = Array(ad.text.utf8)
        var result: [Segment] = []
        var cursor = 0
        for (start, end, kind) in spans where start >= cursor && end <= bytes.count && start < end {
            if start > cursor { result.append(Segment(text: String(decoding: bytes[cursor..<start], as: UTF8.self), mark: false, kind: "")) }
            result.append(Segment(text: String(decoding: bytes[start..<end], as: UTF8.self), mark: true, kind: kind))
            cursor = end
        }
        if cursor < bytes.count { result.append(Segment(text: String(decoding: bytes[cursor...], as: UTF8.self), mark: false, kind: "")) }
        return result
    }

    func leads(_ facts: AdFacts) -> String {
        var parts: [String] = []
        parts += facts.phones.map { $0.e164 + ($0.obscured ? " (" + strings["ads_obscured"] + ")" : "") }
        parts += facts.emails.map(\.value)
        parts += facts.handles.map { ($0.platform.map { $0 + ": " } ?? "@") + $0.handle }
        parts += facts.ages.map { strings.format("ads_stated_age", ["age": $0.value]) }
        parts += facts.names.map(\.value)
        return parts.joined(separator: " · ")
    }

    // MARK: Posters

    struct PostersPage { let posters: [PosterRow]; let problems: [String]; let imported: Int? }
    struct PosterRow { let id: String; let caseNumber: String; let name: String; let missingSince: String; let place: String; let pending: Int }

    func posters(_ posters: [StoredPoster], problems: [AdLineError] = [], imported: Int? = nil) -> PostersPage {
        PostersPage(posters: posters.map(posterRow),
                    problems: problems.prefix(100).map { strings.format("ads_problem_line", ["line": String($0.line), "message": $0.message]) },
                    imported: imported)
    }

    func posterRow(_ stored: StoredPoster) -> PosterRow {
        let poster = stored.poster
        return PosterRow(id: stored.id, caseNumber: poster.caseNumber, name: poster.name, missingSince: day(poster.missingSince),
                         place: [poster.city, poster.state].compactMap { $0 }.joined(separator: ", "), pending: stored.pending)
    }

    struct PosterPage {
        let poster: PosterRow
        let details: [Detail]
        let matches: [MatchRow]
        let noMatches: Bool
        let notes: [NoteRow]
    }
    struct Detail { let label: String; let value: String }
    struct MatchRow {
        let id: String
        let score: String
        let status: String
        let pending: Bool
        let reason: String?
        let familyId: String?
        let adId: String
        let posted: String
        let segments: [Segment]
        let components: [ComponentRow]
    }
    struct ComponentRow { let part: String; let score: String; let weight: String; let ad: String; let poster: String; let reason: String }

    func poster(_ stored: StoredPoster, matches: [StoredMatch], notes: [AdNote]) -> PosterPage {
        let poster = stored.poster
        let today = Date()
        var details: [Detail] = []
        func add(_ key: String, _ value: String?) { if let value, !value.isEmpty { details.append(Detail(label: strings[key], value: value)) } }
        add("ads_poster_aliases", poster.aliases.joined(separator: ", "))
        add("ads_poster_sex", poster.sex)
        add("ads_poster_age_at_missing", poster.ageAtMissing.map(String.init) ?? poster.age(on: poster.missingSince).map(String.init))
        add("ads_poster_age_now", poster.age(on: today).map(String.init))
        add("ads_poster_height", poster.heightCm.map { "\($0) cm" })
        add("ads_poster_weight", poster.weightKg.map { "\($0) kg" })
        add("ads_poster_hair", poster.hair)
        add("ads_poster_eyes", poster.eyes)
        add("ads_poster_marks", poster.marks.joined(separator: "; "))
        return PosterPage(
            poster: posterRow(stored), details: details,
            matches: matches.map { match in
                MatchRow(id: match.id, score: String(format: "%.2f", match.match.score), status: strings["ads_match_" + match.status.rawValue],
                         pending: match.status == .pending, reason: match.reason, familyId: match.ad.familyId, adId: match.ad.externalId,
                         posted: match.ad.postedAt.map(day) ?? strings["ads_no_date"], segments: segments(match.ad),
                         components: match.match.components.map { part in
                             ComponentRow(part: strings["ads_part_" + part.kind.rawValue], score: String(format: "%.1f", part.score),
                                          weight: String(format: "%.2f", part.weight), ad: part.adValue ?? "—", poster: part.posterValue ?? "—",
                                          reason: strings["ads_match_reason_" + part.reason.replacingOccurrences(of: "-", with: "_")])
                         })
            },
            noMatches: matches.isEmpty, notes: notes.map { NoteRow(author: $0.author, text: $0.text, when: day($0.createdAt)) })
    }

    // MARK: Lead package CSV

    /// One row per ad with each lead and where it came from (the ad's own id, site and link).
    func leadCSV(_ record: AdFamilyRecord) -> String {
        var out = ""
        CSV.append(["family", "ad_id", "posted_at", "site", "location", "url", "phones", "obscured_phones", "emails", "handles",
                    "stated_ages", "names", "places", "indicators", "indicator_sources"], to: &out)
        out += "\n"
        for ad in record.ads {
            let facts = ad.facts
            let indicatorIds = Array(Set(facts.indicators.map(\.id))).sorted()
            CSV.append([record.id, CSV.text(ad.externalId), ad.postedAt.map { $0.formatted(.iso8601) } ?? "", CSV.text(ad.site ?? ""),
                        CSV.text(ad.location ?? ""), CSV.text(ad.url ?? ""), facts.phones.map(\.e164).joined(separator: ";"),
                        facts.phones.filter(\.obscured).map(\.e164).joined(separator: ";"), CSV.text(facts.emails.map(\.value).joined(separator: ";")),
                        CSV.text(facts.handles.map { ($0.platform ?? "") + ":" + $0.handle }.joined(separator: ";")),
                        facts.ages.map(\.value).joined(separator: ";"), CSV.text(facts.names.map(\.value).joined(separator: ";")),
                        CSV.text(facts.places.map(\.value).joined(separator: ";")), indicatorIds.joined(separator: ";"),
                        CSV.text(indicatorIds.compactMap { IndicatorLexicon.shipped.entry($0).map { "\($0.id) [\($0.evidence.rawValue)]: \($0.source)" } }.joined(separator: " | "))],
                       to: &out)
            out += "\n"
        }
        return out
    }

    // MARK: Helpers

    func label(_ indicator: String) -> String {
        IndicatorLexicon.shipped.entry(indicator)?.label.text(language.rawValue) ?? indicator
    }

    func period(_ summary: AdFamilySummary) -> String {
        guard let first = summary.firstPosted, let last = summary.lastPosted else { return strings["ads_no_date"] }
        return first == last ? day(first) : day(first) + " – " + day(last)
    }

    func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
}
