import Foundation

/// Parses numeric CSV bytes straight into a feature matrix and a label vector: no String per
/// field, one pass over the bytes.
struct CSVParser {
    let path: String
    let bytes: UnsafeBufferPointer<UInt8>
    let labelColumn: LabelColumn
    let header: HeaderMode

    // Byte values as literals, so the hot loops compare against constants.
    private static let comma: UInt8 = 0x2C, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    private static let space: UInt8 = 0x20, tab: UInt8 = 0x09, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B
    private static let dot: UInt8 = 0x2E, lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45

    /// The data set, or the first problem found.
    func parse() throws -> Dataset {
        var position = 0
        var lineNumber = 0
        var fieldCount = -1
        var labelIndex = 0
        var features: [Float] = []
        var labels: [Int32] = []
        var sawHeaderCheck = false
        var values: [Double] = []

        while position < bytes.count {
            lineNumber += 1
            let lineStart = position
            var lineEnd = position
            while lineEnd < bytes.count && bytes[lineEnd] != Self.newline { lineEnd += 1 }
            position = lineEnd + 1
            var end = lineEnd
            if end > lineStart && bytes[end - 1] == Self.carriageReturn { end -= 1 }
            if isBlank(lineStart, end) { continue }

            if !sawHeaderCheck {
                sawHeaderCheck = true
                let numeric = allFieldsNumeric(lineStart, end)
                if header == .present || (header == .auto && !numeric) { continue }
            }
            values.removeAll(keepingCapacity: true)
            var cursor = lineStart
            var column = 0
            while true {
                column += 1
                // One pass per field: the number, then a comma or the end of the line.
                guard let (value, next) = scanNumber(from: cursor, end: end), next == end || bytes[next] == Self.comma else {
                    var fieldEnd = cursor
                    while fieldEnd < end && bytes[fieldEnd] != Self.comma { fieldEnd += 1 }
                    let text = string(cursor, fieldEnd)
                    throw DataError(file: path, line: lineNumber, column: column,
                                    message: text.trimmingSpaces.isEmpty ? "empty field" : "not a number", text: text)
                }
                values.append(value)
                if next >= end { break }
                cursor = next + 1
            }
            if fieldCount < 0 {
                fieldCount = values.count
                guard fieldCount >= 2 else {
                    throw DataError(file: path, line: lineNumber, message: "a row needs at least one feature and a label, found \(fieldCount) field")
                }
                switch labelColumn {
                case .first: labelIndex = 0
                case .last: labelIndex = fieldCount - 1
                case let .index(index):
                    guard index >= 0 && index < fieldCount else {
                        throw DataError(file: path, line: lineNumber, message: "label column \(index + 1) does not exist: rows have \(fieldCount) fields")
                    }
                    labelIndex = index
                }
                features.reserveCapacity(fieldCount * max(1, bytes.count / max(1, end - lineStart + 1)))
            } else if values.count != fieldCount {
                throw DataError(file: path, line: lineNumber, message: "row has \(values.count) fields, expected \(fieldCount)",
                                text: string(lineStart, end))
            }
            let label = values[labelIndex]
            guard label >= 0, label == label.rounded(), label <= Double(Int32.max) else {
                throw DataError(file: path, line: lineNumber, column: labelIndex + 1,
                                message: "label is not a non-negative integer", text: fieldText(lineStart, end, index: labelIndex))
            }
            labels.append(Int32(label))
            for index in 0..<labelIndex { features.append(Float(values[index])) }
            for index in (labelIndex + 1)..<fieldCount { features.append(Float(values[index])) }
        }
        guard fieldCount > 0, !labels.isEmpty else { throw DataError(file: path, message: "no data rows") }
        return Dataset(features: Matrix(rows: labels.count, columns: fieldCount - 1, storage: features), labels: labels, source: path)
    }

    private func isBlank(_ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end { if bytes[i] != Self.space && bytes[i] != Self.tab { return false }; i += 1 }
        return true
    }

    private func allFieldsNumeric(_ start: Int, _ end: Int) -> Bool {
        var fieldStart = start
        while true {
            var fieldEnd = fieldStart
            while fieldEnd < end && bytes[fieldEnd] != Self.comma { fieldEnd += 1 }
            if number(fieldStart, fieldEnd) == nil { return false }
            if fieldEnd >= end { return true }
            fieldStart = fieldEnd + 1
        }
    }

    /// The field between `start` and `end` as a number, or nil.
    private func number(_ start: Int, _ end: Int) -> Double? {
        guard let (value, next) = scanNumber(from: start, end: end), next == end else { return nil }
        return value
    }

    /// Reads a decimal number (optional sign, digits, fraction, exponent; spaces around it
    /// allowed) starting at `start`; returns it with the position after it and its trailing
    /// spaces, or nil when no number starts there (`nan` and `inf` are not numbers here).
    @inline(__always)
    private func scanNumber(from start: Int, end stop: Int) -> (Double, Int)? {
        var i = start
        while i < stop && (bytes[i] == Self.space || bytes[i] == Self.tab) { i += 1 }
        guard i < stop else { return nil }
        var negative = false
        if bytes[i] == Self.minus || bytes[i] == Self.plus { negative = bytes[i] == Self.minus; i += 1 }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        while i < stop, case let d = bytes[i] &- 48, d < 10 {
            if mantissa < 1_000_000_000_000_000_000 { mantissa = mantissa * 10 + UInt64(d) } else { exponent += 1 }
            digits += 1; i += 1
        }
        if i < stop && bytes[i] == Self.dot {
            i += 1
            while i < stop, case let d = bytes[i] &- 48, d < 10 {
                if mantissa < 1_000_000_000_000_000_000 { mantissa = mantissa * 10 + UInt64(d); exponent -= 1 }
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < stop && (bytes[i] == Self.lowerE || bytes[i] == Self.upperE) {
            i += 1
            var exponentNegative = false
            if i < stop && (bytes[i] == Self.minus || bytes[i] == Self.plus) { exponentNegative = bytes[i] == Self.minus; i += 1 }
            var value = 0, exponentDigits = 0
            while i < stop, case let d = bytes[i] &- 48, d < 10 { value = min(value * 10 + Int(d), 100_000); exponentDigits += 1; i += 1 }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        while i < stop && (bytes[i] == Self.space || bytes[i] == Self.tab) { i += 1 }
        var result = Double(mantissa)
        if exponent != 0 && mantissa != 0 {
            result = exponent > 0 ? result * power10(exponent) : result / power10(-exponent)
        }
        return (negative ? -result : result, i)
    }

    private func power10(_ exponent: Int) -> Double {
        if exponent < Self.powers.count { return Self.powers[exponent] }
        var result = 1.0, base = 10.0, e = exponent
        while e > 0 { if e & 1 == 1 { result *= base }; base *= base; e >>= 1 }
        return result
    }

    private static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<max(start, end)]), as: UTF8.self)
    }

    private func fieldText(_ start: Int, _ end: Int, index: Int) -> String {
        let fields = string(start, end).split(separator: ",", omittingEmptySubsequences: false)
        return index < fields.count ? String(fields[index]) : ""
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
