/// A value read from an ad, with the span of the original text it came from (UTF-8 offsets), so the
/// page can show an analyst exactly what each lead rests on.
public struct FoundValue: Sendable, Equatable, Hashable, Codable {
    public let value: String
    public let start: Int
    public let end: Int

    public init(value: String, start: Int, end: Int) {
        self.value = value
        self.start = start
        self.end = end
    }
}

/// A social-media account named in an ad. `platform` is nil for a bare `@name`.
public struct FoundHandle: Sendable, Equatable, Hashable, Codable {
    public let platform: String?
    public let handle: String
    public let start: Int
    public let end: Int
}

/// A price: an amount and, when the ad says it, what it is for (`qv` quick visit, `hh` half hour,
/// `h` hour, `overnight`).
public struct FoundPrice: Sendable, Equatable, Codable {
    public let amount: Int
    public let unit: String?
    public let start: Int
    public let end: Int
}

/// Everything the workbench reads from one ad. Every field is a lead for a person to check, never a
/// finding: a stated age is what the ad claims, a name is a working name.
public struct AdFacts: Sendable, Equatable, Codable {
    public var phones: [FoundPhone] = []
    public var emails: [FoundValue] = []
    public var handles: [FoundHandle] = []
    /// Ages the ad states ("22 yrs", "age 19", "tengo 20 años").
    public var ages: [FoundValue] = []
    public var prices: [FoundPrice] = []
    /// Post, listing and reference numbers ("Post ID: 88231", "ref #A77K2").
    public var postIds: [FoundValue] = []
    /// Cities and states from the gazetteer, as "City, ST" or the state's code.
    public var places: [FoundValue] = []
    /// Names and aliases the ad gives ("my name is Jade", "aka Coco").
    public var names: [FoundValue] = []
    public var indicators: [IndicatorHit] = []
    /// The text was longer than the workbench reads and was cut.
    public var capped = false

    public init() {}

    /// The identifiers that join ads into one family: phones, e-mail addresses and handles, each
    /// prefixed by its kind so that a handle never equals a phone.
    public var identifiers: [String] {
        var keys: [String] = []
        for phone in phones where !keys.contains("phone:" + phone.e164) { keys.append("phone:" + phone.e164) }
        for email in emails where !keys.contains("email:" + email.value) { keys.append("email:" + email.value) }
        for handle in handles where !keys.contains("handle:" + handle.handle) { keys.append("handle:" + handle.handle) }
        return keys
    }
}

/// Reads every kind of fact from an ad's text. Pure and total: any string in, facts out.
public enum AdExtractor {
    public static func facts(_ text: String, lexicon: IndicatorLexicon = .shipped, gazetteer: Gazetteer = .shipped) -> AdFacts {
        facts(AdText.tokens(text), capped: AdText.isCapped(text), lexicon: lexicon, gazetteer: gazetteer)
    }

    public static func facts(_ tokens: [AdToken], capped: Bool = false, lexicon: IndicatorLexicon = .shipped, gazetteer: Gazetteer = .shipped) -> AdFacts {
        var facts = AdFacts()
        facts.capped = capped
        facts.phones = PhoneFinder.find(in: tokens)
        facts.emails = ContactFinder.emails(in: tokens)
        facts.handles = ContactFinder.handles(in: tokens, emails: facts.emails)
        facts.ages = DetailFinder.ages(in: tokens)
        facts.prices = DetailFinder.prices(in: tokens)
        facts.postIds = DetailFinder.postIds(in: tokens)
        facts.names = DetailFinder.names(in: tokens)
        // "I'm Savannah" is a name, not the city.
        facts.places = gazetteer.places(in: tokens).filter { place in !facts.names.contains { $0.start == place.start } }
        facts.indicators = lexicon.hits(in: tokens, facts: facts)
        return facts
    }
}
