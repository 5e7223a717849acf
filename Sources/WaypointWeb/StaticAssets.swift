import Foundation
import Hummingbird

/// The stylesheet, the quick-exit script and the OpenAPI document, read once from the bundle.
enum StaticAssets {
    static let files: [String: (type: String, body: Data)] = {
        var files: [String: (String, Data)] = [:]
        for (name, type) in [("app.css", "text/css; charset=utf-8"), ("quick-exit.js", "text/javascript; charset=utf-8")] {
            if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/static"),
               let data = try? Data(contentsOf: url) {
                files[name] = (type, data)
            }
        }
        return files
    }()

    static let openAPIDocument: Data = {
        Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources")
            .flatMap { try? Data(contentsOf: $0) } ?? Data()
    }()

    static func register(on router: PageRoutes, api: APIRoutes) {
        router.get("/static/:name", .open) { _, context -> Response in
            guard let file = files[try context.parameters.require("name")] else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: file.body)))
        }
        api.get("/openapi.json", .open) { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: openAPIDocument)))
        }
    }
}
