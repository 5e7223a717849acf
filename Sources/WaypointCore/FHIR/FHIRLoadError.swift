/// Why a Questionnaire, a response or a launch context could not be loaded. Each case says where
/// (a linkId or a JSON path) and what is wrong, so the author of the form can fix it.
public enum FHIRLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidJSON(String)
    case notAResource(expected: String, path: String)
    case duplicateLinkId(String)
    case missingLinkId(path: String)
    case enableWhenTargetMissing(linkId: String, question: String)
    case invalidEnableWhen(linkId: String, reason: String)
    case expressionDoesNotParse(linkId: String, expression: String, reason: String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "The file is not valid JSON: \(reason)"
        case .notAResource(let expected, let path): "\(path): expected a FHIR \(expected)"
        case .duplicateLinkId(let linkId): "linkId \(linkId.debugDescription) is used by more than one item"
        case .missingLinkId(let path): "\(path): the item has no linkId"
        case .enableWhenTargetMissing(let linkId, let question):
            "item \(linkId.debugDescription): enableWhen refers to \(question.debugDescription), which is not an item of this Questionnaire"
        case .invalidEnableWhen(let linkId, let reason): "item \(linkId.debugDescription): enableWhen \(reason)"
        case .expressionDoesNotParse(let linkId, let expression, let reason):
            "item \(linkId.debugDescription): the expression \(expression.debugDescription) does not parse: \(reason)"
        }
    }
}
