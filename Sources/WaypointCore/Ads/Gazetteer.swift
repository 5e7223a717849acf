import Foundation

/// US states and cities the workbench recognises in ad text (`Resources/ads/places.json`).
///
/// A city is read as "City, ST": with the state the ad names after it, else the first state the file
/// lists for that name. A state's name alone reads as its code. A postal code alone is never read as
/// a place: IN, OR, ME, OK and HI are words.
public struct Gazetteer: Sendable {
    struct Place: Sendable {
        let words: [String]
        let city: String?
        let state: String
        let needsContext: Bool
    }

    /// Places keyed by their first word, longest first.
    let byFirstWord: [String: [Place]]
    let stateCodes: [String: String]
    /// State names in upper case, by code, for the pages.
    public let stateNames: [String: String]

    public static var shipped: Gazetteer { loaded.loadedValue }

    public static let loaded: Result<Gazetteer, BundledResourceError> = BundledResources.load("ads/places.json") { data in
        struct File: Decodable {
            struct State: Decodable { let code: String; let name: String }
            struct City: Decodable {
                let name: String
                let state: String
                let needs_context: Bool?
            }
            let states: [State]
            let cities: [City]
        }
        let file = try JSONDecoder().decode(File.self, from: data)
        var places: [Place] = []
        for state in file.states { places.append(Place(words: words(state.name), city: nil, state: state.code, needsContext: false)) }
        for city in file.cities {
            guard file.states.contains(where: { $0.code == city.state }) else {
                throw BundledResourceError(file: "ads/places.json", reason: "lists \(city.name) in an unknown state \(city.state)")
            }
            places.append(Place(words: words(city.name), city: city.name, state: city.state, needsContext: city.needs_context ?? false))
        }
        var byFirstWord: [String: [Place]] = [:]
        // Cities before states of the same words ("New York" the city), longer names first.
        for place in places.sorted(by: { ($0.words.count, $0.city != nil ? 1 : 0) > ($1.words.count, $1.city != nil ? 1 : 0) }) {
            byFirstWord[place.words[0], default: []].append(place)
        }
        return Gazetteer(byFirstWord: byFirstWord,
                         stateCodes: Dictionary(file.states.map { ($0.code.lowercased(), $0.code) }, uniquingKeysWith: { a, _ in a }),
                         stateNames: Dictionary(file.states.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    private static func words(_ name: String) -> [String] {
        AdText.tokens(name).filter { $0.kind != .symbol }.map(\.text)
    }

    public func places(in tokens: [AdToken]) -> [FoundValue] {
        let words = tokens.indices.filter { tokens[$0].kind != .symbol }
        var found: [FoundValue] = []
        var position = 0
        while position < words.count {
            let token = tokens[words[position]]
            guard let candidates = byFirstWord[token.text],
                  let place = candidates.first(where: { matches($0.words, words, position, tokens) }) else {
                position += 1
                continue
            }
            var end = position + place.words.count - 1
            var value = place.state
            if let city = place.city {
                var state = place.state
                // "Portland, ME" or "Portland Maine": the state the ad names, when that city is in it.
                if end + 1 < words.count {
                    let next = tokens[words[end + 1]].text
                    if let code = stateCodes[next], candidates.contains(where: { $0.city == city && $0.state == code }) {
                        state = code
                        end += 1
                    } else if let named = candidates.first(where: { $0.city == city && stateName($0.state, at: end + 1, words, tokens) }) {
                        state = named.state
                        end += (byFirstWord[next]?.first(where: { $0.city == nil && $0.state == named.state })?.words.count ?? 1)
                    }
                }
                let placeWord = position > 0 && Self.placeWords.contains(tokens[words[position - 1]].text)
                if place.needsContext, end == position + place.words.count - 1, !placeWord {
                    position += 1
                    continue
                }
                value = city + ", " + state
            }
            if !found.contains(where: { $0.value == value }) {
                found.append(FoundValue(value: value, start: token.start, end: tokens[words[end]].end))
            }
            position = end + 1
        }
        return found
    }

    static let placeWords: Set<String> = ["in", "at", "near", "visiting", "from", "en", "to", "around", "downtown"]

    private func stateName(_ code: String, at position: Int, _ words: [Int], _ tokens: [AdToken]) -> Bool {
        guard position < words.count, let candidates = byFirstWord[tokens[words[position]].text] else { return false }
        return candidates.contains { $0.city == nil && $0.state == code && matches($0.words, words, position, tokens) }
    }

    private func matches(_ name: [String], _ words: [Int], _ position: Int, _ tokens: [AdToken]) -> Bool {
        guard position + name.count <= words.count else { return false }
        for (offset, word) in name.enumerated() where tokens[words[position + offset]].text != word { return false }
        return true
    }
}
