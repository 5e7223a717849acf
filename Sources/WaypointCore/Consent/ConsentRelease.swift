/// What may leave under a consent, decided in one table: every field an outbound path can send is
/// tagged with the consent category that must cover it, and what the consent does not cover is left
/// out. Every release also carries its confidentiality and, for a consent covering substance-use
/// records, the redisclosure notice of 42 CFR 2.32.
public enum ConsentRelease {
    /// Each field an outbound path sends about a client.
    public enum Field: String, CaseIterable, Sendable {
        /// How to address the person, what they need, and the referrer's note: the least a referral is.
        case alias, needs, referralNote
        case language
        /// How and when to reach the person: a channel, its detail, safe times.
        case contactMethod, contactDetail, safeTimes
        /// A case export's parts.
        case assessments, goals, referralsToRecipient
    }

    /// The category that must cover a field.
    public static func category(of field: Field) -> DataCategory {
        switch field {
        case .alias, .needs, .referralNote, .referralsToRecipient: .needs
        case .language: .language
        case .contactMethod, .contactDetail, .safeTimes: .contact
        case .assessments: .assessments
        case .goals: .goals
        }
    }

    /// Whether a consent covering `categories` releases the field.
    public static func releases(_ field: Field, under categories: Set<DataCategory>) -> Bool {
        categories.contains(category(of: field))
    }

    /// A referral's embedded consent in the categories it names.
    public static func categories(_ consent: ReferralConsent) -> Set<DataCategory> {
        Set(consent.scope.map { item in
            switch item {
            case .needs: DataCategory.needs
            case .contact: .contact
            case .language: .language
            }
        })
    }

    /// The notice 42 CFR 2.32(a)(1) allows in its short form, word for word as the rule gives it
    /// (a regulation's text, required as written; the catalogs carry its Spanish rendering beside it).
    public static let part2NoticeKey = "part2_notice"
    public static let part2Notice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

    /// FHIR security labels: restricted, and for Part 2 the policy and its refrain (no
    /// redisclosure without the person's consent), as HL7's v3 ActCode system names them.
    public static func securityLabels(_ part2: Bool) -> [JSONValue] {
        var labels: [JSONValue] = [.object(["system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"])]
        if part2 {
            labels.append(.object(["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "42CFRPart2"]))
            labels.append(.object(["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "NORDSCLCD",
                                   "display": .string(part2Notice)]))
        }
        return labels
    }
}
