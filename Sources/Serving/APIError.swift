import Foundation
import Hummingbird
import Pipeline

/// A request the server refuses or cannot answer: an HTTP status and a JSON body
/// `{"error": {"message": ..., "field": ...}}` naming the field at fault when there is one.
struct APIError: Error, Equatable {
    var status: HTTPResponse.Status
    var message: String
    /// The request field at fault, as a JSON path (`texts[3]`), if any.
    var field: String?
    /// Seconds after which a retry may succeed (503).
    var retryAfter: Int?

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, field: field)
    }

    static func tooLarge(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .contentTooLarge, message: message, field: field)
    }

    static func unavailable(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, message: message, retryAfter: 1)
    }

    static let timedOut = APIError(status: .gatewayTimeout, message: "the request was not answered within the server's timeout")

    var response: Response {
        struct Body: Encodable {
            struct Detail: Encodable { var message: String; var field: String? }
            var error: Detail
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let json = (try? CanonicalJSON.data(Body(error: .init(message: message, field: field)))) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
