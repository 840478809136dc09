import Foundation

/// lrfind's JSON documents (records, `--json` output): keys sorted, and a NaN or an infinity
/// written as `null` and read back as NaN.
///
/// JSON has no NaN or infinity, and Foundation's coders refuse them by default, yet a run can
/// record one: a loss that diverged, the figures of the epoch in which it did. The mechanism is
/// the coders' own non-conforming-float strategy with a marker string, so that every `Double`
/// and `Float` at any depth is covered without a line of custom `Codable`:
/// - ``encode(_:prettyPrinted:)`` has `JSONEncoder` write each non-finite number as the marker
///   and then replaces the quoted marker by `null` in the text;
/// - ``decode(_:from:)`` replaces every `null` outside strings by the quoted marker, which
///   `JSONDecoder` reads back as NaN.
///
/// lrfind's types leave a nil optional out instead of writing `null` (synthesized `Codable`), so
/// in their documents `null` only ever stands for a non-finite number. An infinity comes back as
/// NaN: `null` does not say which it was. A plain `JSONDecoder` reads every document that holds no
/// `null`.
public enum JSONDocument {
    /// What a non-finite number is while the coders see it: a string no document holds.
    static let marker = "__lrfind_non_finite_number__"

    /// `value` as JSON, keys sorted (indented when `prettyPrinted`), non-finite numbers as `null`.
    public static func encode(_ value: some Encodable, prettyPrinted: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: marker, negativeInfinity: marker, nan: marker)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "\"\(marker)\"", with: "null").utf8)
    }

    /// The `type` value of a JSON document, `null` numbers read as NaN.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+" + marker, negativeInfinity: "-" + marker,
                                                                        nan: marker)
        return try decoder.decode(type, from: markingNulls(data))
    }

    /// `data` with every `null` literal outside strings replaced by the quoted marker.
    static func markingNulls(_ data: Data) -> Data {
        let bytes = [UInt8](data), null = Array("null".utf8), quoted = Array("\"\(marker)\"".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0, inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                result.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    result.append(bytes[index + 1])
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "n"), bytes[index...].starts(with: null) {
                result += quoted
                index += null.count - 1
            } else {
                if byte == UInt8(ascii: "\"") { inString = true }
                result.append(byte)
            }
            index += 1
        }
        return Data(result)
    }
}
