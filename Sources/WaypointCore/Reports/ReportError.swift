import Foundation

/// What is wrong with a report request or a report definition.
public enum ReportError: UserFacingError, Equatable {
    case unknownReport
    /// A dimension the report's source does not have (named, so the caller can fix it).
    case unknownDimension(String)
    case unknownMeasure(String)
    /// A grouping this source does not offer (where counts do not add up, each costs a scan of its own).
    case notOffered(String)
    /// A filter the report does not take, or a value it does not know.
    case unknownFilter(String)
    /// A date that is not YYYY-MM-DD, or a period that ends before it starts or runs past the limit.
    case invalidPeriod(String)
    case invalidFormat(String)
    /// A definitions file that cannot be used; the reason says where.
    case invalidDefinition(id: String, reason: String)

    public var messageKey: String {
        switch self {
        case .unknownReport: "error_not_found"
        case .unknownDimension: "error_report_unknown_dimension"
        case .unknownMeasure: "error_report_unknown_measure"
        case .notOffered: "error_report_not_offered"
        case .unknownFilter: "error_report_unknown_filter"
        case .invalidPeriod: "error_report_invalid_period"
        case .invalidFormat: "error_report_invalid_format"
        case .invalidDefinition: "error_report_invalid_definition"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .unknownReport: .notFound
        case .invalidPeriod: .invalid
        default: .malformed
        }
    }

    public var field: String? {
        switch self {
        case .unknownReport: nil
        case .unknownDimension, .notOffered: "by"
        case .unknownMeasure: "measure"
        case .unknownFilter(let name): name
        case .invalidPeriod(let name): name
        case .invalidFormat: "format"
        case .invalidDefinition(let id, _): id
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .unknownDimension(let name), .unknownMeasure(let name), .unknownFilter(let name), .invalidFormat(let name), .notOffered(let name):
            LocalizedText("error_detail_report_name", ["name": name])
        case .invalidDefinition(let id, let reason): LocalizedText("error_detail_report_definition", ["id": id, "reason": reason])
        default: nil
        }
    }
}
