/// What every release under a consent carries besides the data: its confidentiality and, for a
/// consent covering substance-use records, the redisclosure notice of 42 CFR 2.32.
public enum ConsentRelease {
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
