import Foundation

/// The one JSON encoding of everything the tool writes (model-file documents, checkpoints, data
/// fingerprints, `--json` output): keys sorted, so the same value always gives the same bytes;
/// slashes not escaped; dates in ISO 8601.
public enum CanonicalJSON {
    /// The UTF-8 bytes of `value`.
    public static func data<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// `value` as a string.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }
}
