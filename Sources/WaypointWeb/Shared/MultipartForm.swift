import Foundation
import Hummingbird
import WaypointCore

/// A `multipart/form-data` body (a form with a file input; RFC 7578): its text fields and files by
/// name. Read like every form, through the CSRF check.
struct MultipartForm {
    struct File {
        let fileName: String
        let data: Data
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    static func read(_ request: Request, context: WaypointRequestContext, limit: Int) async throws -> MultipartForm {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = parameter("boundary", in: type), !boundary.isEmpty else {
            throw MalformedInput(detail: LocalizedText("error_detail_form"))
        }
        let body = Data(buffer: try await request.body.collect(upTo: limit))
        let form = try parse(body, boundary: boundary)
        let expected = context.session?.csrfToken
        guard let expected, let submitted = form.fields[FormReader.csrfField], Tokens.constantTimeEqual(expected, submitted)
        else { throw CSRFRejected() }
        return form
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) throws -> MultipartForm {
        let delimiter = Data(("--" + boundary).utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var form = MultipartForm()
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else { throw MalformedInput(detail: LocalizedText("error_detail_form")) }
        cursor = first.upperBound
        while cursor < body.endIndex {
            // "--" after a delimiter ends the body.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard let headersRange = body.range(of: headerEnd, in: cursor..<body.endIndex),
                  let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headersRange.upperBound..<body.endIndex)
            else { throw MalformedInput(detail: LocalizedText("error_detail_form")) }
            let headers = String(decoding: body[cursor..<headersRange.lowerBound], as: UTF8.self)
            let content = body[headersRange.upperBound..<next.lowerBound]
            var name: String?, fileName: String?
            for line in headers.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                fileName = parameter("filename", in: line)
            }
            if let name {
                if let fileName { form.files[name] = File(fileName: fileName, data: Data(content)) }
                else { form.fields[name] = String(decoding: content, as: UTF8.self) }
            }
            cursor = next.upperBound
        }
        return form
    }
}
