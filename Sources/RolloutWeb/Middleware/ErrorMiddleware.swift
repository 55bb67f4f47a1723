import Hummingbird
import Logging
import Metrics
import RolloutCore

/// Turns every failure into an answer in the caller's language: a ``RolloutError`` with its code,
/// an unknown address as `not_found`, anything else as `internal` with no detail of the inside
/// (it is logged instead, under the request's id, which the answer shows). Pages get HTML, the API JSON.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = RolloutContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as RolloutError {
            return answer(e, request, context)
        } catch let e as HTTPError where e.status == .notFound {
            return answer(RolloutError("not_found", kind: .notFound, ["value": request.uri.path]), request, context)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            return answer(RolloutError("request_too_large", kind: .tooLarge, ["value": "?"]), request, context)
        } catch let e as HTTPError {
            return Response(status: e.status)
        } catch {
            let ref = context.facts.id
            context.logger.error("request failed", metadata: ["request_id": "\(ref)", "error": "\(error)", "path": "\(request.uri.path)"])
            return answer(RolloutError("internal", kind: .unavailable, ["value": ref]), request, context, status: .internalServerError)
        }
    }

    private func answer(_ e: RolloutError, _ request: Request, _ context: Context, status: HTTPResponse.Status? = nil) -> Response {
        Counter(label: "rollout_errors_total", dimensions: [("code", e.code)]).increment()
        var response: Response
        if Route.isAPI(request.uri.path) {
            response = JSONResponse.error(e, request.language, requestID: context.facts.id)
        } else {
            response = HTMLPage.error(e, request.language, requestID: context.facts.id)
        }
        if let status { response.status = status }
        return response
    }
}
