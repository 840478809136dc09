import Foundation
import Testing
@testable import LRFinder

/// Issue 22, item 6: a record longer than ``CSVSource/maximumRecordLength`` is refused naming
/// its file and line, whatever the pieces it is read in, and messages quote the first bytes of a
/// record or a field only. The limit is made small here (the commands' 64 MiB is tested in
/// `LongRecordCommandTests`).
@Suite struct LongRecordTests {
    let directory = temporaryDirectory()

    /// The lines of the records of `path` read in pieces of `pieceSize` bytes with records of at
    /// most `limit` bytes, or the error.
    func records(_ path: String, pieceSize: Int, limit: Int) -> Result<[Int], DataError> {
        do {
            let source = try CSVSource(path: path, pieceSize: pieceSize, maximumRecordLength: limit)
            var stream = source.records(delimiter: CSVByte.comma)
            var lines: [Int] = []
            while let record = try stream.next() { lines.append(record.line) }
            return .success(lines)
        } catch {
            return .failure(error as! DataError)
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r", ""])
    func aRecordOfTheLimitIsReadWhateverThePieces(lineEnd: String) throws {
        // Line 3 holds exactly 20 bytes; a quoted field of two lines comes first.
        let text = "a,b\n\"x\ny\",1\n" + String(repeating: "1,", count: 9) + "23" + lineEnd
        let path = writeFile(text, named: "limit.csv", in: directory)
        for pieceSize in 1...(text.utf8.count + 2) {
            #expect(try records(path, pieceSize: pieceSize, limit: 20).get() == [1, 2, 4], "piece size \(pieceSize)")
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r", ""])
    func aRecordOneByteLongerIsRefusedNamingItsLine(lineEnd: String) {
        let text = "a,b\n\"x\ny\",1\n" + String(repeating: "1,", count: 10) + "3" + lineEnd + "4,5\n"
        let path = writeFile(text, named: "long.csv", in: directory)
        for pieceSize in 1...(text.utf8.count + 2) {
            #expect(records(path, pieceSize: pieceSize, limit: 20)
                == .failure(DataError(file: path, line: 4, message: "record longer than 20 bytes, the most one record may hold (not a CSV file?)")),
                "piece size \(pieceSize)")
        }
    }

    @Test func aQuoteLeftOpenIsSuggested() {
        let path = writeFile("a,b\n1,2\n3,\"4\n" + String(repeating: "5,6\n", count: 20), named: "open.csv", in: directory)
        for pieceSize in [1, 7, 64, 1 << 20] {
            #expect(records(path, pieceSize: pieceSize, limit: 32)
                == .failure(DataError(file: path, line: 3, message: "record longer than 32 bytes, the most one record may hold (a quoted field left open?)")))
        }
    }

    /// The delimiter is detected from the first records in a piece no larger than the longest
    /// record: a first record longer than that is refused, not read whole to find five records.
    @Test func detectionStopsAtTheLimit() throws {
        let long = writeFile("a;b;c\n" + String(repeating: "1;", count: 100) + "2\n", named: "detect.csv", in: directory)
        let short = writeFile("a;b;c\n1;2;0\n3;4;1\n", named: "short.csv", in: directory)
        for pieceSize in [1, 16, 1 << 20] {
            let source = try CSVSource(path: long, pieceSize: pieceSize, maximumRecordLength: 64)
            #expect(try CSVDelimiter.detected(in: source) == .semicolon, "piece size \(pieceSize)")
            #expect(source.bytes.count <= 66, "piece size \(pieceSize)")
            let parser = CSVParser(path: long, source: try CSVSource(path: long, pieceSize: pieceSize, maximumRecordLength: 64),
                                   labelColumn: .last, header: .auto)
            #expect(throws: DataError(file: long, line: 2, message: "record longer than 64 bytes, the most one record may hold (not a CSV file?)")) {
                try parser.parse()
            }
            let whole = CSVParser(path: short, source: try CSVSource(path: short, pieceSize: pieceSize, maximumRecordLength: 8),
                                  labelColumn: .last, header: .auto)
            #expect(try whole.parse().features.storage == [1, 2, 3, 4], "piece size \(pieceSize)")
        }
    }

    /// A row of 20,001 fields among rows of 3: the message quotes its first 256 bytes, not the
    /// 40 kB row.
    @Test func aRowOfTheWrongWidthIsQuotedFromItsFirstBytes() {
        let path = writeFile("a,b,label\n1,2,0\n" + String(repeating: "1,", count: 20_000) + "0\n", named: "wide.csv", in: directory)
        #expect {
            _ = try DataLoader.load(path)
        } throws: { error in
            guard let error = error as? DataError, let text = error.text else { return false }
            return error.line == 3 && error.message == "row has 20001 fields, expected 3"
                && text == String(repeating: "1,", count: 128) + "..."
                && error.description == "\(path):3: row has 20001 fields, expected 3: '\(String(repeating: "1,", count: 30))...'"
        }
    }

    /// A 100 kB cell that is not a number (quoted or not, under `--categorical none` and
    /// `auto`), a quote left open before 100 kB, a 100 kB missing cell: each message quotes the
    /// first bytes.
    @Test func aLongCellIsQuotedFromItsFirstBytes() {
        let long = String(repeating: "y", count: 100_000)
        let cases: [(text: String, categorical: CategoricalColumns, missing: MissingValues, message: String, column: Int)] = [
            ("a,b,label\n1,2,0\n1,\(long),1\n", .none, .error, "not a number (to one-hot encode the column as categories, name it in --categorical)", 2),
            ("a,b,label\n1,2,0\n1,\"\(long)\",1\n", .none, .error, "not a number (to one-hot encode the column as categories, name it in --categorical)", 2),
            ("a,b,label\n1,2,0\n1,\(long),1\n", .auto, .error, "not a number in numeric column 'b' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical", 2),
            ("a,b,label\n1,2,0\n1,\"\(long),1\n", .none, .error, "unterminated quoted field", 2),
            ("a,b,label\n1,2,0\n1,\"\(String(repeating: " ", count: 100_000))\",1\n", .none, .error, "missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean)", 2),
        ]
        for (text, categorical, missing, message, column) in cases {
            let path = writeFile(text, named: "cell.csv", in: directory)
            #expect {
                _ = try DataLoader.load(path, missing: missing, categorical: categorical)
            } throws: { error in
                guard let error = error as? DataError, let text = error.text else { return false }
                return error.line == 3 && error.column == column && error.message == message
                    && text.utf8.count <= CSVRecord.shownByteCount + 3 && error.description.utf8.count < 400
            }
        }
    }

    /// ``CSVRecord/numberError(in:column:file:fitting:)`` tells the same kinds as before for short
    /// fields, without copying them: empty (Unicode spaces too), out of range, not a number,
    /// unterminated.
    @Test(arguments: [
        ("", "empty field"), (" \t\u{A0}", "empty field"), ("\" \u{2003}\" ", "empty field"), ("1e39", "value out of range for a 32-bit float"),
        ("\"1e39\"", "value out of range for a 32-bit float"), ("x", "not a number"), ("\"a\"\"b\"", "not a number"),
        ("\"ab", "unterminated quoted field"), ("\"a\" b", "text after a closing quote"),
    ])
    func numberErrorsKeepTheirKinds(field: String, message: String) {
        let bytes = Array(field.utf8)
        let error = bytes.withUnsafeBufferPointer { buffer in
            CSVRecord(bytes: buffer, line: 1, range: 0..<buffer.count).numberError(in: 0..<buffer.count, column: 1, file: "f", fitting: .float)
        }
        #expect(error.message == message, "\(field)")
    }
}
