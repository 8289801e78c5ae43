/// How a token is looked up in the tagger's word vocabulary. Case and digits carry little meaning
/// of their own once character features see the original token, and folding them shrinks the
/// vocabulary: `Paris`, `PARIS` → `paris`; `1996`, `2001` → `0000`.
public struct WordKey: Codable, Equatable, Sendable {
    public var lowercase: Bool
    public var digitsToZero: Bool

    public init(lowercase: Bool = true, digitsToZero: Bool = true) {
        self.lowercase = lowercase
        self.digitsToZero = digitsToZero
    }

    public func callAsFunction(_ token: String) -> String {
        var key = lowercase ? token.lowercased() : token
        if digitsToZero, key.unicodeScalars.contains(where: { $0.properties.numericType == .decimal }) {
            key = String(String.UnicodeScalarView(key.unicodeScalars.map { $0.properties.numericType == .decimal ? "0" : $0 }))
        }
        return key
    }
}
