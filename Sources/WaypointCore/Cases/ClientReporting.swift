import Foundation

/// The reporting fields of a client: which program serves them, the type of exploitation and the
/// age band at which it began. Kept in the clear beside the phase (coarse categories, per §B3.1),
/// never a free-text story.
public struct ClientReporting: Codable, Sendable, Equatable {
    public var program: String
    public var exploitation: ExploitationType
    public var firstExploitedAge: String

    public static let programMaxLength = 60

    public init(program: String = "", exploitation: ExploitationType = .notDisclosed, firstExploitedAge: String = "not_disclosed") {
        self.program = program
        self.exploitation = exploitation
        self.firstExploitedAge = firstExploitedAge
    }

    enum CodingKeys: String, CodingKey { case program, exploitation, firstExploitedAge = "first_exploited_age" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        program = try container.decodeIfPresent(String.self, forKey: .program) ?? ""
        exploitation = try container.decodeIfPresent(ExploitationType.self, forKey: .exploitation) ?? .notDisclosed
        firstExploitedAge = try container.decodeIfPresent(String.self, forKey: .firstExploitedAge) ?? "not_disclosed"
    }

    /// Trimmed, or the field that is wrong.
    public func validated() throws -> ClientReporting {
        var copy = self
        copy.program = try CaseUseCases.text(program, field: "program", max: Self.programMaxLength)
        guard !copy.program.contains(where: \.isNewline) else {
            throw CaseError.invalid(field: "program", reason: LocalizedText("error_detail_too_long", ["max": String(Self.programMaxLength)]))
        }
        guard AgeBand.firstExploitation.contains(firstExploitedAge) else {
            throw CaseError.invalid(field: "first_exploited_age", reason: LocalizedText("error_detail_report_band"))
        }
        return copy
    }
}
