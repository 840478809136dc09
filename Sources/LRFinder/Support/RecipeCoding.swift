import Foundation

// How recipes encode, so that their identifier (``RecipeIdentity``) stays put as lrfind grows:
// - a field at its default is left out, and a missing field decodes as its default, so a field
//   added later with a default that keeps the old behaviour moves no existing identifier;
// - a key the type does not know is refused on decoding, naming it, so a misspelt field in a
//   hand-written recipe is an error instead of a silent default;
// - an enum is a plain word (`"last"`) or a tagged object with named fields (`{"index": 2}`),
//   never Swift's synthesized `{"_0": 2}` or `{"last": {}}`.

/// A coding key made from any string: lists the keys a container holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer {
    /// Encodes `value` unless it equals `defaultValue`.
    mutating func encode<T: Encodable & Equatable>(_ value: T, forKey key: Key, unlessEqualTo defaultValue: T) throws {
        if value != defaultValue { try encode(value, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `defaultValue` when the key is missing.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key, default defaultValue: T) throws -> T {
        try decodeIfPresent(type, forKey: key) ?? defaultValue
    }
}

extension Decoder {
    /// Refuses an object that holds a key outside `known`, naming the key and the ones allowed.
    func refuseUnknownKeys(_ known: [String], in what: String) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let allowed = Set(known)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath,
                debugDescription: "\(what) has no field '\(unknown)' (it has \(known.sorted().joined(separator: ", ")))"))
        }
    }

    /// Refuses an object holding a key that `Keys` does not list.
    func refuseUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type, in what: String) throws {
        try refuseUnknownKeys(keys.allCases.map(\.stringValue), in: what)
    }
}

/// Decodes a plain word or a one-key tagged object: `word` gets the word, `tagged` the tag and a
/// decoder for its value; nil from either is a corrupt value listing `expected`.
func decodeWordOrTagged<T>(from decoder: Decoder, expected: String, word: (String) -> T?,
                           tagged: (String, KeyedDecodingContainer<AnyCodingKey>, AnyCodingKey) throws -> T?) throws -> T {
    if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
        if let value = word(text) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not \(expected)"))
    }
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    guard container.allKeys.count == 1, let key = container.allKeys.first, let value = try tagged(key.stringValue, container, key) else {
        let keys = container.allKeys.map(\.stringValue).sorted().joined(separator: ", ")
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "{\(keys)} is not \(expected)"))
    }
    return value
}

extension Encoder {
    /// Encodes a plain word.
    func encodeWord(_ word: String) throws {
        var container = singleValueContainer()
        try container.encode(word)
    }

    /// Encodes `{tag: value}`.
    func encodeTagged(_ tag: String, _ value: some Encodable) throws {
        var container = container(keyedBy: AnyCodingKey.self)
        try container.encode(value, forKey: AnyCodingKey(tag))
    }
}
