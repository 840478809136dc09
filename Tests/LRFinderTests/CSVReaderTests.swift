import Foundation
import Testing
@testable import LRFinder

/// The records of `text` as (line, field texts) pairs.
func csvRecords(_ text: String, commentPrefix: String? = nil) -> [(line: Int, fields: [String])] {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        CSVReader(bytes: buffer, commentPrefix: commentPrefix).map { record in
            (record.line, record.fields.map { record.text(of: $0) })
        }
    }
}

/// What the number scanner makes of `text` as one whole field that must fit `width`.
func csvNumber(_ text: String, fitting width: CSVNumber.Width = .double) -> Double? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        CSVRecord(bytes: buffer, line: 1, range: 0..<buffer.count).number(in: 0..<buffer.count, fitting: width)
    }
}

@Suite struct CSVReaderTests {
    @Test func fieldsAreSplitAtEveryComma() {
        let records = csvRecords("a,b,,c\n,\nx\n")
        #expect(records.map(\.fields) == [["a", "b", "", "c"], ["", ""], ["x"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test func lineNumbersCountBlankLines() {
        let records = csvRecords("\n  \n1,2\n\t\n \t \n3\n")
        #expect(records.map(\.line) == [3, 6])
        #expect(records.map(\.fields) == [["1", "2"], ["3"]])
    }

    @Test func carriageReturnsOfCRLFLinesAreStripped() {
        let records = csvRecords("1,2\r\n\r\n3,4\r\n5\r")
        #expect(records.map(\.fields) == [["1", "2"], ["3", "4"], ["5"]])
        #expect(records.map(\.line) == [1, 3, 4])
    }

    @Test func loneCarriageReturnsEndLines() {
        // Old Mac files: CR only; mixed with LF and CRLF line ends, each counts once.
        let records = csvRecords("a,b\rc\r\rd")
        #expect(records.map(\.fields) == [["a", "b"], ["c"], ["d"]])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(csvRecords("1\r\n2\r3\n4\r\n").map(\.line) == [1, 2, 3, 4])
        #expect(csvRecords("1\r\n2\r3\n4\r\n").map(\.fields) == [["1"], ["2"], ["3"], ["4"]])
    }

    @Test func byteOrderMarkIsSkipped() {
        #expect(csvRecords("\u{FEFF}1,2\n3,4\n").map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(csvRecords("\u{FEFF}").isEmpty)
        // Only at the very start.
        #expect(csvRecords("1\n\u{FEFF}2\n").map(\.fields) == [["1"], ["\u{FEFF}2"]])
    }

    @Test func binaryBytesAreNotText() {
        func check(_ bytes: [UInt8]) -> String? {
            bytes.withUnsafeBufferPointer { buffer in
                do { try CSVReader.checkText(buffer, file: "f"); return nil } catch { return "\(error)" }
            }
        }
        #expect(check(Array("a,b\tc\r\n1,2\u{C}\n".utf8)) == nil)
        #expect(check(Array("caf\u{E9},x\n".utf8)) == nil)
        #expect(check([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]) == "f: not a text CSV file (binary data)")
        #expect(check(Array("1,2\n".utf8) + [0x7F]) == "f: not a text CSV file (binary data)")
        // Only the first 4 KiB are looked at.
        #expect(check([UInt8](repeating: 0x31, count: CSVReader.textCheckLength) + [0]) == nil)
    }

    @Test func lastLineWithoutNewline() {
        #expect(csvRecords("1,2\n3,4").map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(csvRecords("7").map(\.fields) == [["7"]])
        #expect(csvRecords("").isEmpty)
        #expect(csvRecords("\n\n").isEmpty)
    }

    @Test func commentLinesAreSkippedOnlyWithAPrefix() {
        let text = "# header\n  #indented\n1\n2 # not a comment\n"
        let records = csvRecords(text, commentPrefix: "#")
        #expect(records.map(\.line) == [3, 4])
        #expect(records.map(\.fields) == [["1"], ["2 # not a comment"]])
        #expect(csvRecords(text).map(\.line) == [1, 2, 3, 4])
        #expect(csvRecords("//x\n/y\n", commentPrefix: "//").map(\.fields) == [["/y"]])
    }

    @Test func recordTextExcludesTheLineEnd() {
        let bytes = Array("a, b\r\nc".utf8)
        let texts = bytes.withUnsafeBufferPointer { CSVReader(bytes: $0).map(\.text) }
        #expect(texts == ["a, b", "c"])
    }

    @Test(arguments: [
        ("0", 0.0), ("42", 42), (" -2.5e1 ", -25), ("+.5", 0.5), ("9.", 9), ("\t1E+2", 100), ("1e-3", 0.001),
        ("0.1", 0.1), ("255", 255), ("-0", -0.0),
    ])
    func numbers(text: String, value: Double) {
        #expect(csvNumber(text) == value)
    }

    @Test(arguments: ["", " ", "x", "1e", "1e+", ".", "-", "nan", "inf", "-inf", "0x10", "1 2", "1.2.3", "1,2", "--1"])
    func notNumbers(text: String) {
        #expect(csvNumber(text) == nil)
    }

    @Test func numbersAreCorrectlyRounded() {
        // Long mantissas, large exponents and the shortest representations of random doubles all
        // read as Swift's own (correctly rounded) parser reads them.
        let texts = ["2.3110463739645577", "0.1000000000000000055511151231257827", "123456789012345678901234567890",
                     "1234567890123456789.5", "9007199254740993", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                     "1e23", "8.589973e9", "1e-400", "-1e-400"]
        for text in texts { #expect(csvNumber(text) == Double(text), "\(text)") }
        #expect(csvNumber("1e400", fitting: .unbounded) == .infinity)
        #expect(csvNumber("-0")?.sign == .minus)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
            #expect(csvNumber("\(value)") == value, "\(value)")
        }
    }

    @Test func integerFieldsReadEightBytesAtATimeAsDigitByDigit() {
        // Integers of 1 to 9 digits (7 is the most the 8-byte path takes), leading zeros, and
        // fields that only start like an integer, each read where it lies in a long record.
        var texts = (0..<3000).map { String($0 * 337 % 100_000) }
        texts += ["0", "007", "1234567", "12345678", "123456789", "9999999", "10000000", "255", "12a", "12 ", "3.5", "1e2", "-4", ""]
        for delimiter in [CSVByte.comma, CSVByte.semicolon] {
            let bytes = Array((texts.joined(separator: String(UnicodeScalar(delimiter))) + "\n").utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let record = CSVRecord(bytes: buffer, line: 1, range: 0..<(buffer.count - 1), delimiter: delimiter)
                var start = 0
                for text in texts {
                    let read = record.floatField(at: start)
                    let expected = Double(text.trimmingCharacters(in: .whitespaces))
                    #expect(read?.value == expected, "\(text)")
                    start += text.utf8.count + 1
                    if let read { #expect(read.end == start - 1, "\(text)") }
                }
            }
        }
    }

    @Test func numbersMustFitTheirType() {
        #expect(csvNumber("3.4e38", fitting: .float) == 3.4e38)
        #expect(csvNumber("-3.4e38", fitting: .float) == -3.4e38)
        #expect(csvNumber("3.5e38", fitting: .float) == nil)
        #expect(csvNumber("1e39", fitting: .float) == nil)
        #expect(csvNumber("1e300", fitting: .float) == nil && csvNumber("1e300") == 1e300)
        #expect(csvNumber("1e400") == nil && csvNumber("-1e400") == nil)
        // Underflow is not out of range: it rounds to zero.
        #expect(csvNumber("1e-50", fitting: .float) == 1e-50 && csvNumber("1e-400") == 0)
        // Every fast path stays within Float's range.
        #expect(csvNumber("9999999999999999999", fitting: .float) == 1e19)
        #expect(csvNumber("9007199254740992e22", fitting: .float) == 9007199254740992e22)
        let bytes = Array("1,1e39,-1e400,inf".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let record = CSVRecord(bytes: buffer, line: 2, range: 0..<buffer.count)
            let fields = record.fields
            #expect(record.numberError(in: fields[1], column: 2, file: "f", fitting: .float).description
                    == "f:2:2: value out of range for a 32-bit float: '1e39'")
            #expect(record.numberError(in: fields[2], column: 3, file: "f").description == "f:2:3: value out of range for a 64-bit float: '-1e400'")
            #expect(record.numberError(in: fields[3], column: 4, file: "f").description == "f:2:4: not a number: 'inf'")
        }
    }

    @Test func controlCharactersInMessagesAreEscaped() {
        #expect(DataError(file: "f", message: "m", text: "a\u{0}\u{7F}b\u{85}\u{D}").description == "f: m: 'a\\u{0}\\u{7f}b\\u{85}\\u{d}'")
    }

    @Test func numberFieldsEndAtTheirComma() {
        let bytes = Array("1, 2 ,x,4".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let record = CSVRecord(bytes: buffer, line: 1, range: 0..<buffer.count)
            let first = record.numberField(at: 0)
            #expect(first?.value == 1 && first?.end == 1)
            let second = record.numberField(at: 2)
            #expect(second?.value == 2 && second?.end == 5)
            #expect(record.numberField(at: 6) == nil)
            let last = record.numberField(at: 8)
            #expect(last?.value == 4 && last?.end == buffer.count)
        }
    }

    @Test func numberErrorsTellEmptyFromNotANumber() {
        let bytes = Array("a, ,x7".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let record = CSVRecord(bytes: buffer, line: 4, range: 0..<buffer.count)
            let fields = record.fields
            #expect(record.numberError(in: fields[1], column: 2, file: "f.csv").description == "f.csv:4:2: empty field: ' '")
            #expect(record.numberError(in: fields[2], column: 3, file: "f.csv").description == "f.csv:4:3: not a number: 'x7'")
            #expect(record.numberError(in: record.range, column: nil, file: "f.csv").description == "f.csv:4: not a number: 'a, ,x7'")
        }
    }
}
