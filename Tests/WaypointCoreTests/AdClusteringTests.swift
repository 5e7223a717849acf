import Foundation
import Testing
@testable import WaypointCore

@Suite("Grouping ads into families")
struct AdClusteringTests {
    func cluster(_ texts: [String]) -> AdClusters {
        let clusterer = AdClusterer()
        for sketch in AdClusterer.sketches(texts) { clusterer.add(sketch) }
        return clusterer.cluster()
    }

    @Test("families with per-ad edits are found: precision and recall on the generator", arguments: [
        (0.02, 0.90), (0.05, 0.80),
    ])
    func quality(editRate: Double, minimumRecall: Double) {
        for seed in [1, 2] as [UInt64] {
            let ads = SyntheticAdCorpus(count: 3000, editRate: editRate, seed: seed).generate()
            let quality = ClusterQuality(predicted: cluster(ads.map(\.text)).clusterOf, truth: ads.map(\.family))
            #expect(quality.precision >= 0.99, "seed \(seed): \(quality)")
            #expect(quality.recall >= minimumRecall, "seed \(seed): \(quality)")
        }
    }

    @Test("without identifiers, text alone still finds most of each family")
    func textAlone() {
        let ads = SyntheticAdCorpus(count: 2000, editRate: 0.02, seed: 5).generate()
        let clusterer = AdClusterer()
        for text in ads.map(\.text) {
            clusterer.add(AdSketch(identifiers: [], shingles: AdSketch.shingles(AdText.tokens(text))))
        }
        let quality = ClusterQuality(predicted: clusterer.cluster().clusterOf, truth: ads.map(\.family))
        #expect(quality.precision >= 0.99)
        #expect(quality.recall >= 0.85)
    }

    @Test("ads with nothing in common but a phone are one family, and the link names the phone")
    func sharedPhone() {
        let texts = [
            "Sunny garden walks and coffee with a smile. Call 212-555-0136",
            "Velvet midnight lounge, quiet and private downtown suite. 2125550136",
            "Completely unrelated words about mountain sunsets in winter",
        ]
        let clusters = cluster(texts)
        #expect(clusters.clusterOf[0] != nil)
        #expect(clusters.clusterOf[0] == clusters.clusterOf[1])
        #expect(clusters.clusterOf[2] == nil)
        #expect(clusters.links == [.identifier(0, 1, "phone:+12125550136")])
    }

    @Test("one agency number on an ad of each of two families does not merge them")
    func agencyNumberDoesNotChain() {
        var random = SeededRandom(seed: 4)
        func family(_ words: [String], phone: String, agencyAd: Int) -> [String] {
            (0..<10).map { index in
                let own = (0..<4).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
                let shared = words.prefix(20).joined(separator: " ")
                return "\(shared) \(own) call \(index == agencyAd ? "305-555-0177" : phone)"
            }
        }
        let a = family(SyntheticAdCorpus.vocabulary.prefix(60).map { $0 }, phone: "212-555-0136", agencyAd: 3)
        let b = family(SyntheticAdCorpus.vocabulary.suffix(60).map { $0 }, phone: "713-555-0142", agencyAd: 6)
        let clusters = cluster(a + b)
        let familyA = Set(clusters.clusterOf[0..<10]), familyB = Set(clusters.clusterOf[10..<20])
        #expect(familyA.count == 1 && familyB.count == 1)
        #expect(familyA != familyB)
        #expect(!clusters.links.contains { if case .identifier(_, _, let id) = $0 { id == "phone:+13055550177" } else { false } })
    }

    @Test("boilerplate shared by many unrelated ads does not join them")
    func boilerplate() {
        var random = SeededRandom(seed: 8)
        let pool = SyntheticAdCorpus.vocabulary
        let boilerplate = "serious gentlemen only no blocked calls be respectful and on time screening required for first time"
        let texts = (0..<300).map { _ in boilerplate + " " + (0..<15).map { _ in pool.randomElement(using: &random)! }.joined(separator: " ") }
        let clusters = cluster(texts)
        #expect(clusters.clusterCount == 0)
        #expect(clusters.boilerplateShingles > 0)
    }

    @Test("the same input gives the same clusters")
    func deterministic() {
        let texts = SyntheticAdCorpus(count: 500, seed: 9).generate().map(\.text)
        #expect(cluster(texts).clusterOf == cluster(texts).clusterOf)
    }

    @Test("pairwise precision, recall and ARI by hand")
    func qualityByHand() {
        let quality = ClusterQuality(predicted: [0, 0, 1, 1, nil], truth: [0, 0, 0, 1, nil])
        #expect(quality.precision == 0.5)
        #expect(abs(quality.recall - 1.0 / 3) < 1e-12)
        #expect(abs(quality.adjustedRandIndex - 0.4 / 1.9) < 1e-12)
        let perfect = ClusterQuality(predicted: [3, 3, nil, 5, 5], truth: [0, 0, nil, 1, 1])
        #expect(perfect.precision == 1 && perfect.recall == 1 && perfect.adjustedRandIndex == 1)
    }

    @Test("the generator's truth: families, loners, distinct phones")
    func generator() {
        let ads = SyntheticAdCorpus(count: 1000, seed: 2).generate()
        #expect(ads.count == 1000)
        let loners = ads.filter { $0.family == nil }.count
        #expect((350...450).contains(loners))
        #expect(Set(ads.map(\.id)).count == 1000)
        // Phones are never drawn twice by chance: a phone is shared only inside one family (or is an agency's).
        var families: [String: Set<Int>] = [:]
        for ad in ads { for phone in ad.phones { families[phone.e164, default: []].insert(ad.family ?? -1_000 - ads.firstIndex { $0.id == ad.id }!) } }
        #expect(families.values.filter { $0.count > 1 }.count <= 3)
    }
}

@Suite("Reading ads files")
struct AdRecordReaderTests {
    func read(_ text: String, format: AdRecordReader.Format = .csv, chunk: Int = 7) -> [Result<AdRecord, AdLineError>] {
        var reader = AdRecordReader(format: format)
        var results: [Result<AdRecord, AdLineError>] = []
        let bytes = Data(text.utf8)
        var start = 0
        while start < bytes.count {
            results += reader.feed(bytes.subdata(in: start..<min(bytes.count, start + chunk)))
            start += chunk
        }
        return results + reader.finish()
    }

    @Test("CSV in small chunks: quoted commas and line breaks, optional columns, errors by line")
    func csv() throws {
        let text = "id,text,posted_at,location\n1,\"Hi, I'm \"\"Jade\"\"\nnew\",2026-03-01,Houston\n2,,2026-03-02,\n3,plain,yesterday,\n1,again,,\n4,ok,2026-03-01T21:30:00Z,Miami"
        let results = read(text)
        let records = results.compactMap { try? $0.get() }
        let errors = results.compactMap { if case .failure(let e) = $0 { e } else { nil } }
        #expect(records.map(\.id) == ["1", "4"])
        #expect(records[0].text == "Hi, I'm \"Jade\"\nnew")
        #expect(records[0].location == "Houston")
        #expect(records[0].postedAt == Date(timeIntervalSince1970: 1_772_323_200))
        #expect(errors.map(\.line) == [4, 5, 6])
        #expect(errors[0].message == "has no text")
        #expect(errors[1].message.contains("posted_at"))
        #expect(errors[2].message.contains("repeats the id 1"))
    }

    @Test("a header without id and text is named; a stray quote spoils only its line")
    func csvStructure() {
        let missing = read("name,body\nx,y\n")
        #expect(missing.count == 1)
        #expect((try? missing[0].get()) == nil)
        let stray = read("id,text\n1,a \"quoted\" word\n2,fine\n")
        #expect(stray.compactMap { try? $0.get() }.map(\.id) == ["2"])
        let unclosed = read("id,text\n1,\"never closed\n2,lost\n")
        #expect(unclosed.compactMap { try? $0.get() }.isEmpty)
    }

    @Test("JSON Lines: numbers as ids, blank lines skipped, bad lines named")
    func jsonLines() {
        let text = "{\"id\": 7, \"text\": \"hello there\", \"site\": \"example\"}\n\n[1,2]\n{\"id\": \"8\", \"text\": 5}\n{\"id\": \"9\", \"text\": \"last\"}"
        let results = read(text, format: .jsonLines, chunk: 5)
        #expect(results.compactMap { try? $0.get() }.map(\.id) == ["7", "9"])
        let errors = results.compactMap { if case .failure(let e) = $0 { e } else { nil } }
        #expect(errors.map(\.line) == [3, 4])
    }

    @Test("the format from the name or the first byte")
    func format() {
        #expect(AdRecordReader.format(name: "ads.jsonl", firstBytes: Data()) == .jsonLines)
        #expect(AdRecordReader.format(name: "ads.txt", firstBytes: Data(" {\"id\":1}".utf8)) == .jsonLines)
        #expect(AdRecordReader.format(name: "ads", firstBytes: Data("id,text".utf8)) == .csv)
    }
}

@Suite("A family's template and slots")
struct AdTemplateTests {
    @Test("shared words are the template; where ads differ is a slot with its values")
    func slots() throws {
        let template = try #require(AdTemplate.summarize([
            "Hi I'm Jade, now in Houston. Call me", "Hi I'm Coco, now in Dallas. Call me",
            "Hi I'm Mia, now in Miami. Call me", "Hi I'm Jade, now in Tampa. Call me",
        ]))
        #expect(template.parts.count == 5)
        #expect(template.parts[0] == .text("hi i m"))
        guard case .slot(let names, let others) = template.parts[1] else { Issue.record("no name slot"); return }
        #expect(names.first?.value == "jade" && names.first?.ads == 2 && names.count == 3 && others == 0)
        #expect(template.parts[2] == .text("now in"))
        guard case .slot(let cities, _) = template.parts[3] else { Issue.record("no city slot"); return }
        #expect(Set(cities.map(\.value)) == ["houston", "dallas", "miami", "tampa"])
        #expect(template.parts[4] == .text("call me"))
    }

    @Test("a stray edit in one ad of many is not a slot")
    func strayEdit() throws {
        var texts = Array(repeating: "sweet and friendly personality come relax with me tonight", count: 9)
        texts.append("sweet and friendly personality come velvet relax with me tonight")
        let template = try #require(AdTemplate.summarize(texts))
        #expect(template.parts == [.text("sweet and friendly personality come relax with me tonight")])
        #expect(template.templateShare == 1)
    }

    @Test("on the generator's families, the template is most of the skeleton")
    func generated() throws {
        let ads = SyntheticAdCorpus(count: 400, editRate: 0.02, seed: 12).generate()
        let family = ads.filter { $0.family == ads.compactMap(\.family).first }.map(\.text)
        let template = try #require(AdTemplate.summarize(family))
        #expect(template.templateShare > 0.6)
        #expect(template.parts.contains { if case .slot = $0 { true } else { false } })
    }
}
