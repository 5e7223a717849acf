import Foundation
import Hummingbird
import WaypointCore

/// JSON in and out of the API, one way for every endpoint.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: WaypointRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try decoder.decode(T.self, from: Data(buffer: buffer))
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A value whose member names are a standard's own (Open Badges' `publicKey`, `@context`): encoded as declared.
    static func plain<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A document that already has the standard's own member names (FHIR, HSDS): written as it is,
    /// with no key conversion.
    static func document(_ value: JSONValue, contentType: String = "application/json") throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

/// Files the API and pages hand over for download.
enum Download {
    /// RFC 4180 text with a byte-order mark (so spreadsheet programs read accents), never cached.
    static func csv(_ text: String, filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"",
                                        .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + text)))
    }

    /// A file to save (a zip, a PDF), never cached.
    static func file(_ data: Data, type: String, filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
