import Foundation
import Hummingbird
import Logging
import Tensor

/// Around every request, routed or not: turns what a handler threw into a JSON error response
/// (`APIError`'s shape; a 404 for an unknown route), counts the request in the metrics, and logs
/// one line: method, path, status, sentences, milliseconds.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response
        } catch let error as HTTPError where error.status == .notFound {
            response = APIError(status: .notFound, message: "no endpoint \(request.method) \(request.uri.path); see GET /openapi.json").response
        } catch let error as any HTTPResponseError {
            response = APIError(status: error.status, message: error.status.reasonPhrase).response
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(error)")
            response = APIError(status: .internalServerError, message: "internal error").response
        }
        let duration = context.arrival.duration(to: .now)
        // Unknown paths share one label, so that scanning clients cannot grow the metrics.
        metrics.recordRequest(endpoint: context.endpointPath ?? "unrouted", status: response.status.code, duration: duration)
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(context.sentences.value) sentences \(String(format: "%.1f", duration.inSeconds * 1000)) ms")
        return response
    }
}
