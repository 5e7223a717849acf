import Foundation

/// What a case manager records for the program's aggregate reports, in the categories funders ask
/// for (research casemgmt-security.md §A3 "Identification & screening", §A5): coarse on purpose.
public enum ExploitationType: String, Codable, Sendable, CaseIterable {
    case sex, labor, both
    case notDisclosed = "not_disclosed"
}

/// Age bands: at first exploitation for a client, at the encounter for a screening. Coarse bands
/// keep reports from pointing at one person; the under-18 line matches the federal definition of a
/// child victim of sex trafficking (22 U.S.C. 7102).
public enum AgeBand {
    public static let firstExploitation = ["under_12", "12_14", "15_17", "18_24", "25_plus", "not_disclosed"]
    public static let encounter = ["under_12", "12_14", "15_17", "18_24", "25_34", "35_49", "50_plus"]

    /// The band of an age at a screening.
    public static func encounter(age: Int) -> String {
        switch age {
        case ..<12: "under_12"
        case 12...14: "12_14"
        case 15...17: "15_17"
        case 18...24: "18_24"
        case 25...34: "25_34"
        case 35...49: "35_49"
        default: "50_plus"
        }
    }
}
