import MultipartKit
import Foundation
import Hummingbird
import RolloutCore

/// The bodies requests carry: HTML forms (`application/x-www-form-urlencoded`, read with
/// Hummingbird's form decoder) and the API's JSON, each read up to a bound and refused with an
/// error in the reader's language when it does not decode.
extension Request {
    /// The fields of a form.
    func form<Fields: Decodable>(_ type: Fields.Type, upTo limit: Int = 64 * 1024) async throws -> Fields {
        let buffer = try await body.collect(upTo: limit)
        do { return try URLEncodedFormDecoder().decode(Fields.self, from: String(buffer: buffer)) } catch {
            throw RolloutError("bad_form_body")
        }
    }

    /// A `multipart/form-data` body (a form with files), decoded by MultipartKit; `bad_form_body`
    /// when it is not one or does not parse.
    func multipart<Fields: Decodable>(_ type: Fields.Type, upTo limit: Int) async throws -> Fields {
        guard let boundary = Self.boundary(headers[.contentType]) else { throw RolloutError("bad_form_body") }
        let buffer = try await body.collect(upTo: limit)
        do { return try FormDataDecoder().decode(Fields.self, from: buffer, boundary: boundary) } catch { throw RolloutError("bad_form_body") }
    }

    /// The boundary of a `multipart/form-data` content type, nil for any other.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    /// A JSON body; with `emptyIs`, what an empty body stands for.
    func json<Body: Decodable>(_ type: Body.Type, upTo limit: Int = 64 * 1024, emptyIs empty: Body? = nil) async throws -> Body {
        let buffer = try await body.collect(upTo: limit)
        if buffer.readableBytes == 0, let empty { return empty }
        do { return try JSONDecoder().decode(Body.self, from: Data(buffer: buffer)) } catch { throw RolloutError("bad_json_body") }
    }
}

/// A form that changes something: on success the browser is sent on (303 to the address the
/// action returns); an error the user can fix shows the same page again with the error above it,
/// and with the status of that error.
enum FormSubmission {
    static func handle(fixable kinds: [RolloutError.Kind] = [.invalid, .conflict],
                       perform: () async throws -> String,
                       again: (RolloutError) async throws -> Response) async throws -> Response {
        do {
            return Response(status: .seeOther, headers: [.location: try await perform()])
        } catch let e as RolloutError where kinds.contains(e.kind) {
            return try await again(e)
        }
    }

    /// The language a form was sent in (its `lang` field), else the request's.
    static func language(_ field: String?, _ request: Request) -> Language {
        field.map { Language(preferring: $0) } ?? request.language
    }
}
