import Foundation

/// The decimal number scanner of CSV fields: optional sign, digits, fraction, exponent, spaces
/// and tabs around it; `nan` and `inf` are not numbers. Values are correctly rounded: an
/// integer of up to 19 digits converts directly, digits that fit 53 bits with a power of ten
/// up to 22 take one multiplication or division of exact factors, anything else goes through
/// the C library's `strtod`.
///
/// A number must fit the type it is read into (`fitting`): the fast paths stay below 1e38 and fit a
/// Float, so only the `strtod` path checks, and the hot loop pays nothing for it.
enum CSVNumber {
    /// The floating-point type a number must fit: a Float or a Double (a larger number is out of
    /// range, not an infinity), or none (`strtod`'s infinity for a larger one).
    enum Width {
        /// Finite as a Float (32 bits): below about 3.4e38 in magnitude.
        case float
        /// Finite as a Double (64 bits): below about 1.8e308 in magnitude.
        case double
        /// Any decimal number, overflowing to an infinity.
        case unbounded

        /// "32-bit float", "64-bit float", for messages.
        var name: String { self == .float ? "32-bit float" : "64-bit float" }

        /// Whether `value` (as `strtod` read it) fits.
        @inline(__always)
        func fits(_ value: Double) -> Bool {
            switch self {
            case .float: Float(value).isFinite
            case .double: value.isFinite
            case .unbounded: true
            }
        }
    }

    /// The number starting at `start` (after spaces and tabs) and ending before `stop`, with the
    /// index after it and its trailing spaces and tabs; nil when no number starts there or when
    /// it does not fit `width`. A tab that is the `delimiter` is not a space.
    @inline(__always)
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to stop: Int, fitting width: Width = .double,
                     delimiter: UInt8 = CSVByte.comma) -> (Double, Int)? {
        // The common case first: an unsigned integer that runs to the delimiter or the stop.
        if start + 8 <= bytes.count, let (value, end) = shortInteger(bytes, at: start),
           end <= stop && (end == stop || bytes[end] == delimiter) {
            return (value, end)
        }
        // Up to 18 digits: below 1e18, exact in an Int64, correctly rounded by the conversion.
        var i = start
        var integer: Int64 = 0
        while i < stop, case let d = bytes[i] &- 48, d < 10 { integer = integer &* 10 &+ Int64(d); i += 1 }
        if i > start && i - start <= 18 && (i == stop || bytes[i] == delimiter) { return (Double(integer), i) }
        return scanAny(bytes, from: start, to: stop, fitting: width, delimiter: delimiter)
    }

    /// The integer of the 1 to 7 digits at `start` and the index after them, or nil (no digit
    /// there, or 8 or more), read from the 8 bytes at `start` at once (they must be in `bytes`)
    /// without a branch per digit (SWAR: SIMD within a register; the combining steps are those of
    /// Lemire's "Fast numerical parsing", simdjson's `parse_eight_digits_unrolled`).
    @inline(__always)
    private static func shortInteger(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Double, Int)? {
        // Little-endian: the first byte is the lowest. Each digit becomes its value 0-9; a byte
        // that is not a digit gets its high bit set in `digits` or in `digits + 0x76` (a borrow or
        // carry only reaches the bytes after it, past the first non-digit).
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt64.self))
        let digits = word &- 0x3030_3030_3030_3030
        let nonDigits = ((digits &+ 0x7676_7676_7676_7676) | digits) & 0x8080_8080_8080_8080
        let length = nonDigits.trailingZeroBitCount >> 3
        guard length > 0 && length < 8 else { return nil }
        // The digits moved to the top bytes (zeros before them), then combined pairwise:
        // 10a + b per byte pair, 100A + B per 16-bit pair, 10000A + B per 32-bit pair.
        var value = digits << (64 - 8 * UInt64(length))
        value = (value &* 10 &+ (value >> 8)) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ (value >> 16)) & 0x0000_FFFF_0000_FFFF
        value = (value &* 10000 &+ (value >> 32)) & 0xFFFF_FFFF
        return (Double(Int64(value)), start + length)
    }

    /// ``scan(_:from:to:fitting:delimiter:)`` of any number (spaces, sign, fraction, exponent, many
    /// digits), kept out of the hot loop.
    @inline(never)
    private static func scanAny(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to stop: Int, fitting width: Width,
                                delimiter: UInt8) -> (Double, Int)? {
        var i = start
        while i < stop && (bytes[i] == CSVByte.space || (bytes[i] == CSVByte.tab && delimiter != CSVByte.tab)) { i += 1 }
        guard i < stop else { return nil }
        let numberStart = i
        var negative = false
        if bytes[i] == CSVByte.minus || bytes[i] == CSVByte.plus { negative = bytes[i] == CSVByte.minus; i += 1 }
        // Digits into a 64-bit mantissa; digits past 19 are dropped (the exact path reads them).
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        var dropped = false
        while i < stop, case let d = bytes[i] &- 48, d < 10 {
            if mantissa < 1_000_000_000_000_000_000 { mantissa = mantissa * 10 + UInt64(d) } else { exponent += 1; dropped = true }
            digits += 1; i += 1
        }
        if i < stop && bytes[i] == CSVByte.dot {
            i += 1
            while i < stop, case let d = bytes[i] &- 48, d < 10 {
                if mantissa < 1_000_000_000_000_000_000 { mantissa = mantissa * 10 + UInt64(d); exponent -= 1 } else { dropped = true }
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < stop && (bytes[i] == CSVByte.lowerE || bytes[i] == CSVByte.upperE) {
            i += 1
            var exponentNegative = false
            if i < stop && (bytes[i] == CSVByte.minus || bytes[i] == CSVByte.plus) { exponentNegative = bytes[i] == CSVByte.minus; i += 1 }
            var value = 0, exponentDigits = 0
            while i < stop, case let d = bytes[i] &- 48, d < 10 { value = min(value * 10 + Int(d), 100_000); exponentDigits += 1; i += 1 }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        let numberEnd = i
        while i < stop && (bytes[i] == CSVByte.space || (bytes[i] == CSVByte.tab && delimiter != CSVByte.tab)) { i += 1 }
        // An integer converts exactly rounded; a scaled one when both factors are exact.
        var result = Double(mantissa)
        if (exponent != 0 || dropped) && mantissa != 0 {
            guard !dropped, mantissa <= 1 << 53, exponent > -powers.count, exponent < powers.count else {
                let value = exactValue(bytes, numberStart..<numberEnd)
                return width.fits(value) ? (value, i) : nil
            }
            result = exponent > 0 ? result * powers[exponent] : result / powers[-exponent]
        }
        return (negative ? -result : result, i)
    }

    /// The powers of ten a Double holds exactly: 1e0 to 1e22.
    private static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// The correctly rounded value of a number `scan` accepted (sign, digits, exponent; no
    /// spaces), through `strtod`; out of range gives an infinity or zero.
    @inline(never)
    private static func exactValue(_ bytes: UnsafeBufferPointer<UInt8>, _ number: Range<Int>) -> Double {
        var text = [CChar](repeating: 0, count: number.count + 1)
        for (offset, index) in number.enumerated() { text[offset] = CChar(bitPattern: bytes[index]) }
        return strtod(text, nil)
    }
}

extension Float {
    /// The shortest text that reads back as this value: a whole value below 1e15 in magnitude
    /// without a decimal point (`5`, `-3`), any other as Swift writes it (`0.1`, `1e-15`, `1e+20`),
    /// so that a number a data file writes `0.1` is shown `0.1` again, not as the Double
    /// `0.10000000149011612`.
    var shortestText: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        return String(self)
    }
}
