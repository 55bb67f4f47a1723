import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the API's description (OpenAPI 3.1), kept beside the code in
/// `Resources/openapi.json`; a test checks that it lists exactly the routes the router serves.
enum OpenAPIRoutes {
    static let document: ByteBuffer = {
        let text = WebResources.text("openapi.json")
        return ByteBuffer(string: text.isEmpty ? "{}" : text)
    }()

    static func add(to router: Router<RolloutContext>) {
        router.on(.openAPI) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
