import Foundation

/// The HUD HMIS youth exit elements R15 (commercial sexual exploitation) and R16 (labor
/// exploitation) as aggregate reports count them: one coarse answer per element, in the HMIS
/// response categories. The screening stays sealed; these categories are kept apart only for
/// counting (research casemgmt-security.md §B3.1), under keyed digests that do not lead back to it.
///
/// R15.B (`CountOfExchangeForSex`) is left out: its count bands are not yet checked against the
/// current HMIS Data Dictionary (research clinical-review.md, item 6), and an unverified field is
/// not guessed.
public enum ExitElements {
    public static let instrument = "hmis-r15-r16"
    /// In the order of the HMIS Data Standards (R15.1, R15.A, R15.C, R15.D; R16.1, R16.2, R16.A, R16.B).
    public static let elements = [
        "ExchangeForSex", "ExchangeForSexPastThreeMonths", "AskedOrForcedToExchangeForSex", "AskedOrForcedToExchangeForSexPastThreeMonths",
        "WorkplaceViolenceThreats", "WorkplacePromiseDifference", "CoercedToContinueWork", "LaborExploitPastThreeMonths",
    ]
    /// The HMIS response list: 1 yes, 0 no, 8 client doesn't know, 9 client prefers not to answer, 99 data not collected.
    public static let responses = ["yes", "no", "doesnt_know", "prefers_not", "not_collected"]

    /// Each counted element the youth was asked, with its answer's category. Questions the form
    /// did not ask (a follow-up after "no") are not counted.
    public static func answers(of outcome: ScreenOutcome) -> [(element: String, response: String)] {
        guard outcome.instrument == instrument else { return [] }
        return elements.compactMap { element in
            guard let answer = outcome.answers[element] else { return nil }
            let response = switch answer {
            case .yes: "yes"
            case .no: "no"
            case .unknown: "doesnt_know"
            case .declined: "prefers_not"
            default: "not_collected"
            }
            return (element, response)
        }
    }
}
