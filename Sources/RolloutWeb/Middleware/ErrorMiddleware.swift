import Hummingbird
import Logging
import Metrics
import RolloutCore

/// Turns every failure into an answer in the caller's language: a ``RolloutError`` with its code,
/// an unknown address as `not_found`, anything else as `internal` with no detail of the inside
/// (it is logged instead). Pages get HTML, the API JSON.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as RolloutError {
            return answer(e, request)
        } catch let e as HTTPError where e.status == .notFound {
            return answer(RolloutError("not_found", kind: .notFound, ["value": request.uri.path]), request)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            return answer(RolloutError("request_too_large", kind: .tooLarge, ["value": "?"]), request)
        } catch let e as HTTPError {
            return Response(status: e.status)
        } catch {
            let ref = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            context.logger.error("request failed", metadata: ["ref": "\(ref)", "error": "\(error)", "path": "\(request.uri.path)"])
            return answer(RolloutError("internal", kind: .unavailable, ["value": ref]), request, status: .internalServerError)
        }
    }

    private func answer(_ e: RolloutError, _ request: Request, status: HTTPResponse.Status? = nil) -> Response {
        Counter(label: "rollout_errors_total", dimensions: [("code", e.code)]).increment()
        var response: Response
        if Route.isAPI(request.uri.path) {
            response = JSONResponse.error(e, request.language)
        } else {
            response = HTMLPage.error(e, request.language)
        }
        if let status { response.status = status }
        return response
    }
}
