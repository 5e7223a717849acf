import Foundation

extension JSONValue {
    /// A FHIR string member in the requested language, read from the standard `translation`
    /// extension on its `_member` sibling; the member itself (English here) otherwise.
    public func translated(_ member: String, in language: Language) -> String {
        if language != .en {
            for ext in self["_" + member]?["extension"]?.array ?? [] where ext["url"]?.string == "http://hl7.org/fhir/StructureDefinition/translation" {
                let parts = ext["extension"]?.array ?? []
                if parts.contains(where: { $0["url"]?.string == "lang" && $0["valueCode"]?.string == language.rawValue }),
                   let content = parts.first(where: { $0["url"]?.string == "content" })?["valueString"]?.string {
                    return content
                }
            }
        }
        return self[member]?.string ?? ""
    }
}
