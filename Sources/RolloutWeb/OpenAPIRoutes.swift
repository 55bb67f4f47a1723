import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the API's description (OpenAPI 3.1), kept beside the code in
/// `Resources/openapi.json`; a test checks that it lists exactly the routes the router serves.
enum OpenAPIRoutes {
    static let document: ByteBuffer = {
        guard let url = Bundle.module.url(forResource: "Resources/openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return ByteBuffer(string: "{}") }
        return ByteBuffer(bytes: data)
    }()

    static func add(to router: Router<RolloutContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
