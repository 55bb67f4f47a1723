import Foundation
import Hummingbird
import RolloutCore
import RolloutTexts

/// JSON answers: snake_case keys, sorted, UTF-8; errors as `{"error":{"code":…,"message":…}}`.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// The JSON bytes of a value.
    static func bytes<T: Encodable>(_ value: T) throws -> ByteBuffer { ByteBuffer(bytes: try encoder().encode(value)) }

    static func ok<T: Encodable>(_ value: T) throws -> Response {
        let data = try encoder().encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ e: RolloutError, _ language: Language, requestID: String? = nil) -> Response {
        struct Body: Encodable {
            struct Inner: Encodable { var code: String; var message: String; var request_id: String? }
            var error: Inner
        }
        let data = (try? encoder().encode(Body(error: .init(code: e.code, message: e.message(language),
                                                            request_id: requestID.flatMap { $0.isEmpty ? nil : $0 })))) ?? Data()
        return Response(status: status(e), headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func status(_ e: RolloutError) -> HTTPResponse.Status {
        switch e.kind {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .unavailable: .serviceUnavailable
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .tooMany: .tooManyRequests
        case .tooLarge: .contentTooLarge
        }
    }
}

extension Request {
    /// The language the caller prefers: `?lang=` first, then `Accept-Language`; Chinese by default.
    var language: Language {
        if let l = uri.queryParameters.get("lang") { return Language(preferring: l) }
        return Language(preferring: headers[.acceptLanguage])
    }

    /// A query parameter as a string.
    func query(_ name: String) -> String? { uri.queryParameters.get(name) }
}
