import Foundation
import XCTest
@testable import LRFinder

/// Canonical JSON against RFC 8785's own examples (the number table of appendix B, the sorting
/// example of section 3.2.3), hand-written expected texts, and digests from `sha256sum`.
/// Every expected text here was also confirmed byte for byte with `rfc8785.dumps` of the Python
/// `rfc8785` package (0.1.4, from PyPI); the tests do not need Python.
final class CanonicalJSONTests: XCTestCase {
    // MARK: Numbers

    /// RFC 8785 appendix B: IEEE-754 bit patterns and their ECMAScript text.
    static let rfcNumbers: [(bits: UInt64, text: String)] = [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ]

    func testRFC8785AppendixBNumbers() throws {
        for (bits, text) in Self.rfcNumbers {
            let number = Double(bitPattern: bits)
            XCTAssertEqual(CanonicalJSON.text(of: .number(number)), text, "bits \(String(bits, radix: 16))")
            XCTAssertEqual(String(decoding: try CanonicalJSON.data(of: number), as: UTF8.self), text)
        }
    }

    /// Each branch of ECMA-262 Number::toString: integer with zeros appended, point inside the
    /// digits, "0." with leading zeros, and exponential with one digit or several.
    func testNumberForms() throws {
        let cases: [(Double, String)] = [
            (0.001, "0.001"), (1e-7, "1e-7"), (100, "100"), (1.5, "1.5"), (0.1, "0.1"),
            (1e-6, "0.000001"), (12_345_678.9, "12345678.9"), (-1e21, "-1e+21"), (1e20, "100000000000000000000"),
            (1.23e-18, "1.23e-18"), (-2.5, "-2.5"), (123_456, "123456"),
        ]
        for (number, text) in cases {
            XCTAssertEqual(CanonicalJSON.text(of: .number(number)), text, "\(number)")
        }
        // Float widens exactly: Float(0.1) is 0.100000001490116119384765625.
        XCTAssertEqual(try CanonicalJSON.value(of: Float(0.1)), .number(0.10000000149011612))
        XCTAssertEqual(String(decoding: try CanonicalJSON.data(of: Float(0.1)), as: UTF8.self), "0.10000000149011612")
        XCTAssertEqual(CanonicalJSON.text(of: .number(.nan)), "null")
    }

    /// Integers up to 2^53 in magnitude are exact doubles and pass. (Python's `rfc8785` stops at
    /// 2^53 - 1, ECMAScript's MAX_SAFE_INTEGER; it confirmed "[0,-7,9007199254740992]" as a float.)
    func testIntegersUpTo2To53() throws {
        XCTAssertEqual(try CanonicalJSON.value(of: Int64(9_007_199_254_740_992)), .number(9_007_199_254_740_992))
        XCTAssertEqual(try CanonicalJSON.value(of: Int64(-9_007_199_254_740_992)), .number(-9_007_199_254_740_992))
        XCTAssertEqual(try CanonicalJSON.value(of: UInt8.max), .number(255))
        XCTAssertEqual(try CanonicalJSON.value(of: Int16.min), .number(-32768))
        XCTAssertEqual(try CanonicalJSON.value(of: UInt64(1) << 53), .number(9_007_199_254_740_992))
        XCTAssertEqual(String(decoding: try CanonicalJSON.data(of: [Int.zero, -7, 1 << 53]), as: UTF8.self), "[0,-7,9007199254740992]")
    }

    // MARK: Strings and keys

    /// RFC 8785 section 3.2.3: keys ordered by UTF-16 code units. The emoji U+1F600 is the pair
    /// D83D DE00, which sorts before U+FB33 though its scalar is larger.
    func testRFC8785SortingExample() throws {
        let members: [String: JSONValue] = [
            "\u{20AC}": .string("Euro Sign"),
            "\r": .string("Carriage Return"),
            "\u{FB33}": .string("Hebrew Letter Dalet With Dagesh"),
            "1": .string("One"),
            "\u{1F600}": .string("Emoji: Grinning Face"),
            "\u{80}": .string("Control"),
            "\u{F6}": .string("Latin Small Letter O With Diaeresis"),
        ]
        let expected = #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","\#u{F6}":"Latin Small Letter O With Diaeresis","#
            + #""\#u{20AC}":"Euro Sign","\#u{1F600}":"Emoji: Grinning Face","\#u{FB33}":"Hebrew Letter Dalet With Dagesh"}"#
        let text = CanonicalJSON.text(of: .object(members))
        XCTAssertEqual(text, expected)
        XCTAssertEqual(Array(text.utf8), Array(expected.utf8))
        // By scalar value (and by Swift's `<`) U+FB33 comes first; by UTF-16 it comes last.
        XCTAssertLessThan("\u{FB33}", "\u{1F600}")
        let emoji = try XCTUnwrap(text.range(of: "\u{1F600}")), dalet = try XCTUnwrap(text.range(of: "\u{FB33}"))
        XCTAssertLessThan(emoji.lowerBound, dalet.lowerBound)
    }

    /// RFC 8785 3.2.2.2: the seven two-character escapes, \u00xx (lowercase) for the other
    /// controls, everything else literal: U+007F, '/', non-ASCII, U+2028.
    func testStringEscaping() throws {
        let text = CanonicalJSON.text(of: .string("\"\\\u{8}\u{C}\n\r\t\u{1F}\u{7F}/é"))
        XCTAssertEqual(text, #""\"\\\b\f\n\r\t\u001f\#u{7F}/é""#)
        XCTAssertEqual(Array(text.utf8), [
            0x22,
            0x5C, 0x22, 0x5C, 0x5C, 0x5C, 0x62, 0x5C, 0x66, 0x5C, 0x6E, 0x5C, 0x72, 0x5C, 0x74,
            0x5C, 0x75, 0x30, 0x30, 0x31, 0x66,
            0x7F, 0x2F, 0xC3, 0xA9,
            0x22,
        ])
        XCTAssertEqual(CanonicalJSON.text(of: .string("\u{0}\u{1}\u{B}\u{1E}\u{2028}\u{2029}<>&'")),
                       #""\u0000\u0001\u000b\u001e\#u{2028}\#u{2029}<>&'""#)
        XCTAssertEqual(CanonicalJSON.text(of: .object(["a\"b": .array([.null, .bool(false), .bool(true), .string("")])])),
                       #"{"a\"b":[null,false,true,""]}"#)
        XCTAssertEqual(CanonicalJSON.text(of: .object([:])), "{}")
        XCTAssertEqual(CanonicalJSON.text(of: .array([])), "[]")
    }

    // MARK: Encodable

    struct Layer: Encodable {
        let units: Int
        let activation: String
    }

    struct Recipe: Encodable {
        let seed: UInt64
        let note: String?
        let shuffle: Bool
        let rates: [Double]
        let layer: Layer
        let name: String
        let scale: Float
    }

    static let recipe = Recipe(seed: 42, note: nil, shuffle: true, rates: [0.001, 1e-7, 100, -0.0],
                               layer: Layer(units: 128, activation: "relu"), name: "café \"α\"\n", scale: 0.5)

    /// The expected text is written by hand (and matches `rfc8785.dumps`); the digest is
    /// `printf '%s' '<text>' | sha256sum`.
    func testNestedStructTextAndDigest() throws {
        let expected = #"{"layer":{"activation":"relu","units":128},"name":"café \"α\"\n","rates":[0.001,1e-7,100,0],"#
            + #""scale":0.5,"seed":42,"shuffle":true}"#
        XCTAssertEqual(CanonicalJSON.text(of: try CanonicalJSON.value(of: Self.recipe)), expected)
        XCTAssertEqual(try CanonicalJSON.data(of: Self.recipe), Data(expected.utf8))
        XCTAssertEqual(try CanonicalJSON.sha256Hex(of: Self.recipe), "591fd93bdca7d3248257a3f83b6e9e02d67ac3e8d71488a74121850fed5fc71f")
        XCTAssertEqual(try CanonicalJSON.value(of: Self.recipe.layer),
                       .object(["units": .number(128), "activation": .string("relu")]))
    }

    /// Every container and the misuses: explicit null, a key written twice, nested keyed and
    /// unkeyed containers, super encoders, one keyed container asked for twice.
    struct Handwritten: Encodable {
        struct CountMismatch: Error {}
        enum Key: String, CodingKey { case a, b, extra, absent, nested, list, parent }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: .a)
            try container.encode("first", forKey: .b)
            try container.encode("last", forKey: .b)
            try container.encodeNil(forKey: .extra)
            try container.encodeIfPresent(nil as Int?, forKey: .absent)
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: .nested)
            try nested.encode(true, forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try list.encodeNil()
            var inner = list.nestedUnkeyedContainer()
            try inner.encode("x")
            var object = list.nestedContainer(keyedBy: Key.self)
            try object.encode(2.5, forKey: .a)
            try UInt8(3).encode(to: list.superEncoder())
            guard list.count == 5 else { throw CountMismatch() }
            try "base".encode(to: container.superEncoder())
            try [1, 2].encode(to: container.superEncoder(forKey: .parent))
            var again = encoder.container(keyedBy: Key.self)
            try again.encode(Int8(-4), forKey: .a)
        }
    }

    func testEveryContainer() throws {
        XCTAssertEqual(String(decoding: try CanonicalJSON.data(of: Handwritten()), as: UTF8.self),
                       #"{"a":-4,"b":"last","extra":null,"list":[1,null,["x"],{"a":2.5},3],"nested":{"a":true},"#
                           + #""parent":[1,2],"super":"base"}"#)
    }

    struct Wrapper: Encodable {
        let layer: Layer
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(layer)
        }
    }

    struct Empty: Encodable {}

    func testSingleValuesAndEmptyValues() throws {
        XCTAssertEqual(try CanonicalJSON.value(of: Wrapper(layer: Layer(units: 2, activation: "tanh"))),
                       .object(["units": .number(2), "activation": .string("tanh")]))
        XCTAssertEqual(try CanonicalJSON.value(of: "text"), .string("text"))
        XCTAssertEqual(try CanonicalJSON.value(of: false), .bool(false))
        XCTAssertEqual(try CanonicalJSON.value(of: nil as Int?), .null)
        XCTAssertEqual(try CanonicalJSON.value(of: [Int?.none, 1]), .array([.null, .number(1)]))
        XCTAssertEqual(try CanonicalJSON.value(of: Empty()), .object([:]))
        XCTAssertEqual(try CanonicalJSON.value(of: [String]()), .array([]))
    }

    // MARK: Errors

    struct Silent: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct Holder: Encodable {
        let silent: Silent
    }

    struct Sizes: Encodable {
        let sizes: [Int64]
    }

    struct Rate: Encodable {
        let rate: Double
    }

    struct TwoValues: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(1)
            try container.encode(2)
        }
    }

    struct MixedContainers: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(1)
            var list = encoder.unkeyedContainer()
            try list.encode(2)
        }
    }

    /// The error of encoding `value`, failing the test when there is none.
    func error(encoding value: some Encodable, file: StaticString = #filePath, line: UInt = #line) -> CanonicalJSONError? {
        do {
            _ = try CanonicalJSON.value(of: value)
            XCTFail("no error", file: file, line: line)
        } catch let error as CanonicalJSONError {
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error
        } catch {
            XCTFail("not a CanonicalJSONError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testNonFiniteNumbersThrow() {
        XCTAssertNotNil(error(encoding: Double.nan))
        XCTAssertNotNil(error(encoding: Double.infinity))
        XCTAssertNotNil(error(encoding: -Double.infinity))
        XCTAssertNotNil(error(encoding: Float.nan))
        XCTAssertNotNil(error(encoding: [1, Float.infinity]))
        let rate = error(encoding: Rate(rate: .nan))
        XCTAssertTrue(rate?.description.contains("rate:") ?? false, rate?.description ?? "")
        XCTAssertTrue(rate?.description.contains("RFC 8785") ?? false, rate?.description ?? "")
    }

    func testIntegersBeyond2To53Throw() {
        XCTAssertNotNil(error(encoding: Int64(9_007_199_254_740_993)))
        XCTAssertNotNil(error(encoding: Int64(-9_007_199_254_740_993)))
        XCTAssertNotNil(error(encoding: Int64.min))
        XCTAssertNotNil(error(encoding: UInt64.max))
        XCTAssertNotNil(error(encoding: Int.max))
        let sizes = error(encoding: Sizes(sizes: [1, 9_007_199_254_740_993]))
        XCTAssertTrue(sizes?.description.contains("sizes.1:") ?? false, sizes?.description ?? "")
        XCTAssertTrue(sizes?.description.contains("9007199254740993") ?? false, sizes?.description ?? "")
        XCTAssertTrue(sizes?.description.contains("IEEE-754 double") ?? false, sizes?.description ?? "")
    }

    func testEncodingNothingOrTwiceThrows() {
        XCTAssertNotNil(error(encoding: Silent()))
        let holder = error(encoding: Holder(silent: Silent()))
        XCTAssertTrue(holder?.description.contains("silent:") ?? false, holder?.description ?? "")
        XCTAssertNotNil(error(encoding: TwoValues()))
        XCTAssertNotNil(error(encoding: MixedContainers()))
    }
}
