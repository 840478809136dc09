import Foundation

/// A JSON value: the data model of RFC 8785 (the JSON Canonicalization Scheme), whose numbers
/// are IEEE-754 doubles.
///
/// An object is a Swift `Dictionary`, so two keys that Swift's `String` equality calls equal
/// (canonically equivalent spellings such as "é" and "e\u{301}") are one member here, though
/// RFC 8785 would keep both.
public enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number. ``CanonicalJSON/value(of:)`` never makes a NaN or an infinity, which RFC 8785
    /// has no text for; ``CanonicalJSON/text(of:)`` writes one built by hand as `null`, as
    /// ECMAScript's `JSON.stringify` does.
    case number(Double)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object; its members are written sorted by key.
    case object([String: JSONValue])
}

/// Canonical JSON, as RFC 8785 (JSON Canonicalization Scheme, June 2020) defines it: the same
/// value always gives the same bytes, so the bytes can be hashed to name the value.
///
///     let name = try CanonicalJSON.sha256Hex(of: recipe)
///
/// The rules, RFC 8785 section 3.2:
/// - no whitespace between tokens;
/// - object members sorted by key, keys compared as arrays of UTF-16 code units (3.2.3);
/// - strings escaped as ECMAScript's `JSON.stringify` escapes them (3.2.2.2);
/// - numbers written as ECMAScript's `Number.prototype.toString` writes them, ECMA-262
///   section 7.1.12.1 Number::toString (3.2.2.3).
///
/// ``value(of:)`` encodes an `Encodable` with the type's own `encode(to:)` and no strategies:
/// a `Date` is its `Double` seconds since 2001, `Data` an array of byte numbers.
public enum CanonicalJSON {
    /// The JSON value that `value` encodes to.
    ///
    /// Throws ``CanonicalJSONError`` for a NaN or an infinity (RFC 8785 has neither), for an
    /// integer beyond ±2^53 (RFC 8785 numbers are IEEE-754 doubles, which hold every integer
    /// only up to there), and for a value that encodes nothing. A nil optional encoded with
    /// `encodeIfPresent` (synthesized `Codable`) is left out; a key encoded twice keeps its last
    /// value.
    public static func value(of value: some Encodable) throws -> JSONValue {
        let root = Slot(codingPath: [])
        try value.encode(to: ValueEncoder(slot: root))
        return try root.resolved()
    }

    /// The canonical text of `value`, RFC 8785 section 3.2.
    public static func text(of value: JSONValue) -> String {
        String(decoding: bytes(of: value), as: UTF8.self)
    }

    /// The canonical text of `value` as UTF-8 bytes.
    public static func data(of value: some Encodable) throws -> Data {
        Data(bytes(of: try self.value(of: value)))
    }

    /// The lowercase hexadecimal SHA-256 of ``data(of:)``.
    public static func sha256Hex(of value: some Encodable) throws -> String {
        SHA256.hash(try data(of: value)).hex
    }

    // MARK: Serialization

    private static func bytes(of value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        write(value, to: &bytes)
        return bytes
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            out.append(contentsOf: numberText(number).utf8)
        case .string(let string):
            writeString(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            // RFC 8785 3.2.3: order by the keys' UTF-16 code units, not by Unicode scalars.
            let sorted = members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            out.append(UInt8(ascii: "{"))
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8785 3.2.2.2 (ECMA-262 JSON.stringify, QuoteJSONString): the two-character escapes,
    /// `\u00xx` in lowercase hex for the other controls below U+0020, every other character
    /// as its UTF-8 bytes. Bytes are escaped one by one: the ASCII bytes concerned never occur
    /// inside a multi-byte UTF-8 sequence.
    private static func writeString(_ string: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ECMA-262 7.1.12.1 Number::toString (RFC 8785 3.2.2.3); a non-finite `number` gives
    /// `null`, as in ECMA-262 25.5.2.2 SerializeJSONProperty.
    ///
    /// Steps: -0 and +0 give "0"; the shortest round-trip digits d1...dk and the exponent n with
    /// |number| = 0.d1...dk × 10^n come from `Double.description`; n then picks the form.
    private static func numberText(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == 0 { return "0" }
        let (digits, n) = decimalDigits(of: number.magnitude)
        let k = digits.count
        let sign = number < 0 ? "-" : ""
        let zeros = { (count: Int) in String(repeating: "0", count: count) }
        // k ≤ n ≤ 21: an integer, the digits then n - k zeros.
        if k <= n && n <= 21 { return sign + String(digits) + zeros(n - k) }
        // 0 < n ≤ 21: the point after the first n digits.
        if 0 < n && n <= 21 { return sign + String(digits.prefix(n)) + "." + String(digits.dropFirst(n)) }
        // -6 < n ≤ 0: "0.", -n zeros, the digits.
        if -6 < n && n <= 0 { return sign + "0." + zeros(-n) + String(digits) }
        // Otherwise exponential: d1, the other digits after a point, "e", the signed n - 1.
        let exponent = n - 1
        let mantissa = k == 1 ? String(digits) : String(digits.prefix(1)) + "." + String(digits.dropFirst())
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
    }

    /// The digits d1...dk (no leading or trailing zero) and the exponent n with
    /// `magnitude` = 0.d1...dk × 10^n, from `description` ("100.0", "0.001", "1e-05",
    /// "1.7976931348623157e+308"), which is the shortest text that reads back as `magnitude`.
    private static func decimalDigits(of magnitude: Double) -> (digits: [Character], n: Int) {
        let text = magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        let integerPart = Array(mantissa[0]), fractionPart = mantissa.count == 2 ? Array(mantissa[1]) : []
        var digits = integerPart + fractionPart
        // The point follows the integer part: value = 0.(digits) × 10^(integer digits + exponent).
        var n = integerPart.count + exponent
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        n -= leadingZeros
        while digits.last == "0" { digits.removeLast() }
        return (digits, n)
    }
}

/// Why a value has no canonical JSON: what it was and where, in one line.
public struct CanonicalJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line, naming the coding path as dotted keys.
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// The error for `problem` in the value at `codingPath`.
    static func at(_ codingPath: [any CodingKey], _ problem: String) -> CanonicalJSONError {
        let place = codingPath.isEmpty ? "the top-level value" : codingPath.map(\.stringValue).joined(separator: ".")
        return CanonicalJSONError("canonical JSON: \(place): \(problem)")
    }
}

// MARK: - Encoder

/// What one `encode(to:)` call has written so far: nothing, a scalar, an object or an array
/// of further slots. Containers share their slot, so a keyed container asked for twice adds
/// to the same object.
private final class Slot {
    enum Kind { case empty, scalar, object, array }

    let codingPath: [any CodingKey]
    private(set) var kind = Kind.empty
    private var scalar = JSONValue.null
    private var members: [String: Slot] = [:]
    private var elements: [Slot] = []
    /// The first misuse of the encoder API, thrown by ``resolved()``.
    private var misuse: CanonicalJSONError?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    var elementCount: Int { elements.count }

    /// Makes the slot an object or an array; a slot already something else records a misuse.
    func become(_ container: Kind) {
        if kind == .empty { kind = container }
        if kind != container { record("asked for a container of a second kind") }
    }

    /// Sets the scalar; a slot already holding something records a misuse.
    func set(_ value: JSONValue) {
        guard kind == .empty else { return record("encoded a second value into one single-value container") }
        kind = .scalar
        scalar = value
    }

    /// A new slot for `key`, replacing any earlier one (last wins).
    func member(_ key: any CodingKey) -> Slot {
        let slot = Slot(codingPath: codingPath + [key])
        members[key.stringValue] = slot
        return slot
    }

    /// A new slot appended to the array.
    func appendElement() -> Slot {
        let slot = Slot(codingPath: codingPath + [IndexKey(elements.count)])
        elements.append(slot)
        return slot
    }

    func resolved() throws -> JSONValue {
        if let misuse { throw misuse }
        switch kind {
        case .empty: throw CanonicalJSONError.at(codingPath, "encoded no value")
        case .scalar: return scalar
        case .object: return .object(try members.mapValues { try $0.resolved() })
        case .array: return .array(try elements.map { try $0.resolved() })
        }
    }

    /// Keeps the first misuse, to throw from ``resolved()``.
    func record(_ problem: String) {
        if misuse == nil { misuse = CanonicalJSONError.at(codingPath, problem) }
    }
}

/// An array index as a coding key, its string the bare number ("rates.2").
private struct IndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ index: Int) {
        stringValue = String(index)
        intValue = index
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = Int(stringValue)
    }

    init?(intValue: Int) {
        self.init(intValue)
    }

    /// The key `superEncoder()` uses, as in Foundation's coders.
    static let superKey = IndexKey(stringValue: "super")!
}

/// The scalar rules shared by the three containers.
private enum Scalar {
    /// 2^53: every integer up to it in magnitude is exactly a Double.
    static let integerLimit: UInt64 = 9_007_199_254_740_992

    static func number(_ value: some BinaryInteger, at codingPath: [any CodingKey]) throws -> JSONValue {
        if let limit = type(of: value).Magnitude(exactly: integerLimit), value.magnitude > limit {
            throw CanonicalJSONError.at(codingPath, "integer \(value) is beyond ±2^53 (9007199254740992), "
                + "and RFC 8785 numbers are IEEE-754 doubles")
        }
        return .number(Double(value))
    }

    static func number(_ value: Double, at codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw CanonicalJSONError.at(codingPath, "\(value) is not a finite number, and RFC 8785 has no NaN or Infinity")
        }
        return .number(value)
    }

    static func number(_ value: Float, at codingPath: [any CodingKey]) throws -> JSONValue {
        try number(Double(value), at: codingPath)
    }
}

private struct ValueEncoder: Encoder {
    let slot: Slot
    var codingPath: [any CodingKey] { slot.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.become(.object)
        return KeyedEncodingContainer(KeyedContainer(slot: slot))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.become(.array)
        return UnkeyedContainer(slot: slot)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    var codingPath: [any CodingKey] { slot.codingPath }

    private func set(_ key: Key, _ value: (_ codingPath: [any CodingKey]) throws -> JSONValue) throws {
        let member = slot.member(key)
        member.set(try value(member.codingPath))
    }

    mutating func encodeNil(forKey key: Key) throws { try set(key) { _ in .null } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try set(key) { _ in .bool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { try set(key) { _ in .string(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try set(key) { try Scalar.number(value, at: $0) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: ValueEncoder(slot: slot.member(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        ValueEncoder(slot: slot.member(key)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ValueEncoder(slot: slot.member(key)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(slot: slot.member(IndexKey.superKey))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(slot: slot.member(key))
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { slot.codingPath }
    var count: Int { slot.elementCount }

    private func append(_ value: (_ codingPath: [any CodingKey]) throws -> JSONValue) throws {
        let element = slot.appendElement()
        element.set(try value(element.codingPath))
    }

    mutating func encodeNil() throws { try append { _ in .null } }
    mutating func encode(_ value: Bool) throws { try append { _ in .bool(value) } }
    mutating func encode(_ value: String) throws { try append { _ in .string(value) } }
    mutating func encode(_ value: Double) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Float) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int8) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int16) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int32) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int64) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt8) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt16) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt32) throws { try append { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt64) throws { try append { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try append { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try append { try Scalar.number(value, at: $0) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: ValueEncoder(slot: slot.appendElement()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        ValueEncoder(slot: slot.appendElement()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        ValueEncoder(slot: slot.appendElement()).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(slot: slot.appendElement())
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { slot.codingPath }

    private func set(_ value: (_ codingPath: [any CodingKey]) throws -> JSONValue) throws {
        slot.set(try value(codingPath))
    }

    mutating func encodeNil() throws { try set { _ in .null } }
    mutating func encode(_ value: Bool) throws { try set { _ in .bool(value) } }
    mutating func encode(_ value: String) throws { try set { _ in .string(value) } }
    mutating func encode(_ value: Double) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Float) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int8) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int16) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int32) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: Int64) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt8) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt16) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt32) throws { try set { try Scalar.number(value, at: $0) } }
    mutating func encode(_ value: UInt64) throws { try set { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try set { try Scalar.number(value, at: $0) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try set { try Scalar.number(value, at: $0) } }

    /// Encodes `value` into this same slot, so it may ask for a container of its own.
    mutating func encode<T: Encodable>(_ value: T) throws {
        guard slot.kind == .empty else { return slot.record("encoded a second value into one single-value container") }
        try value.encode(to: ValueEncoder(slot: slot))
    }
}
