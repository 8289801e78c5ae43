import Foundation
import Hummingbird
import Tensor

/// The JSON body of `POST /v1/translate`, `/v1/tag` and `/v1/classify`: `{"text": "..."}` or
/// `{"texts": ["...", ...]}` and the endpoint's options. Every field is checked: an unknown field,
/// a wrong type or a value out of range is a 400 naming the field; too many texts or too long a
/// text is a 413.
struct TextsRequest {
    var texts: [String]
    var fields: [String: JSONValue]

    /// Reads and checks the body of `request`; `options` are the names the endpoint takes besides
    /// text and texts.
    static func read(_ request: Request, options: [String], limits: ServerLimits) async throws(APIError) -> TextsRequest {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.bodyBytes)
        } catch {
            throw .tooLarge("the request body is over \(limits.bodyBytes) bytes")
        }
        return try parse(Data(body.readableBytesView), options: options, limits: limits)
    }

    static func parse(_ body: Data, options: [String], limits: ServerLimits) throws(APIError) -> TextsRequest {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw .badRequest("the body is not valid JSON: \(Self.describe(error))")
        }
        guard case .object(let fields) = value else {
            throw .badRequest("the body must be a JSON object with \"text\" or \"texts\", not \(value.kind)")
        }
        let known = ["text", "texts"] + options
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("unknown field \"\(unknown)\"; this endpoint takes \(known.map { "\"\($0)\"" }.joined(separator: ", "))",
                              field: unknown)
        }
        let texts: [String]
        switch (fields["text"], fields["texts"]) {
        case (.some, .some):
            throw .badRequest("give \"text\" or \"texts\", not both", field: "texts")
        case (nil, nil):
            throw .badRequest("missing \"text\" (a string) or \"texts\" (an array of strings)", field: "text")
        case (.some(let text), nil):
            guard case .string(let string) = text else { throw .badRequest("\"text\" must be a string, not \(text.kind)", field: "text") }
            texts = [string]
        case (nil, .some(let list)):
            guard case .array(let elements) = list else {
                throw .badRequest("\"texts\" must be an array of strings, not \(list.kind)", field: "texts")
            }
            if elements.count > limits.textsPerRequest {
                throw .tooLarge("\"texts\" has \(elements.count) texts; at most \(limits.textsPerRequest) a request", field: "texts")
            }
            texts = try elements.enumerated().map { (index, element) throws(APIError) in
                guard case .string(let string) = element else {
                    throw .badRequest("texts[\(index)] must be a string, not \(element.kind)", field: "texts[\(index)]")
                }
                return string
            }
        }
        for (index, text) in texts.enumerated() where text.unicodeScalars.count > limits.textCharacters {
            let field = fields["text"] != nil ? "text" : "texts[\(index)]"
            throw .tooLarge("\(field) has \(text.unicodeScalars.count) characters; at most \(limits.textCharacters)", field: field)
        }
        return TextsRequest(texts: texts, fields: fields)
    }

    /// The integer option `name`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let value = fields[name] else { return defaultValue }
        guard case .integer(let integer) = value, range.contains(integer) else {
            throw .badRequest("\"\(name)\" must be an integer from \(range.lowerBound) to \(range.upperBound), not \(Self.show(value))",
                              field: name)
        }
        return integer
    }

    /// The number option `name`, or `defaultValue` when absent; above 0, at most `maximum`.
    func positiveNumber(_ name: String, default defaultValue: Double, maximum: Double) throws(APIError) -> Double {
        guard let value = fields[name] else { return defaultValue }
        guard let number = value.double, number > 0, number <= maximum else {
            throw .badRequest("\"\(name)\" must be a number above 0 and at most \(maximum.formatted()), not \(Self.show(value))",
                              field: name)
        }
        return number
    }

    /// A value as it was written, for messages.
    static func show(_ value: JSONValue) -> String {
        guard let data = try? JSONEncoder().encode(value), let text = String(data: data, encoding: .utf8) else { return value.kind }
        return text.count > 40 ? value.kind : text
    }

    /// What a JSON decoding error says, without Foundation's wrapping.
    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return String(describing: error)
    }
}
