import Foundation
import Testing
@testable import LRFinder

/// Issue 11, loading speed and memory: a CSV file is read in pieces, and a record, a quoted line
/// break, a CRLF or a byte-order mark cut by a piece's end reads as it does whole.
@Suite struct CSVPieceTests {
    let directory = temporaryDirectory()

    /// Loads `path` reading `pieceSize` bytes at a time.
    func load(_ path: String, pieceSize: Int, header: HeaderMode = .auto, missing: MissingValues = .error,
              labelColumn: LabelColumn = .last) throws -> Dataset {
        try DataLoader.load(path, labelsPath: nil, labelColumn: labelColumn, header: header, delimiter: .auto, ignoredColumns: [],
                            missing: missing, pieceSize: pieceSize)
    }

    /// The error of loading `path` in pieces of `pieceSize` bytes (`categorical` none: a cell that
    /// is not a number is an error where it is read).
    func error(_ path: String, pieceSize: Int, categorical: CategoricalColumns = .auto) -> String? {
        do {
            _ = try DataLoader.load(path, labelsPath: nil, labelColumn: .last, header: .auto, delimiter: .auto, ignoredColumns: [],
                                    missing: .error, categorical: categorical, pieceSize: pieceSize)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Every piece size from 1 byte (4, the least a piece holds) to past the whole file.
    func pieceSizes(_ text: String) -> [Int] { Array(1...(text.utf8.count + 2)) }

    @Test(arguments: [
        // LF, CRLF, lone CR and mixed line ends, blank lines, no final line end.
        ("a,b,label\n1,2,0\n\n3,4,1\n5.5,-6e1,0", [1, 2, 3, 4, 5.5, -60], [0, 1, 0]),
        ("a,b,label\r\n1,2,0\r\n \t \r\n3,4,1\r\n", [1, 2, 3, 4], [0, 1]),
        ("1,2,0\r3,4,1\r5,6,0\r", [1, 2, 3, 4, 5, 6], [0, 1, 0]),
        ("1,2,0\r\n3,4,1\r5,6,0\n7,8,1", [1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 0, 1]),
        // A byte-order mark, then a header.
        ("\u{FEFF}x,y,label\n1,2,0\n3,4,1\n", [1, 2, 3, 4], [0, 1]),
        // Quoted fields holding delimiters, doubled quotes and line breaks (LF, CRLF, CR).
        ("a,b,label\n\"1\",2,\"x,\ny\"\n3,\"4\",\"say \"\"hi\"\"\r\nz\"\n5,6,\"x,\ny\"\r\n", [1, 2, 3, 4, 5, 6], [1, 0, 1]),
    ] as [(String, [Float], [Int32])])
    func recordsCutByAPieceEndReadAsWhole(text: String, features: [Float], labels: [Int32]) throws {
        let path = writeFile(text, named: "data.csv", in: directory)
        let whole = try load(path, pieceSize: 1 << 20)
        #expect(whole.features.storage == features && whole.labels == labels)
        for pieceSize in pieceSizes(text) {
            let pieces = try load(path, pieceSize: pieceSize)
            #expect(pieces == whole, "piece size \(pieceSize)")
        }
    }

    @Test func aSemicolonFileIsDetectedWhateverThePieces() throws {
        let text = "a;b;label\n1;2.5;0\n3;4;1\n5;6;0\n7;8;1\n9;10;0\n"
        let path = writeFile(text, named: "semicolons.csv", in: directory)
        for pieceSize in pieceSizes(text) {
            let data = try load(path, pieceSize: pieceSize)
            #expect(data.delimiter == .semicolon && data.count == 5 && data.featureCount == 2, "piece size \(pieceSize)")
        }
    }

    @Test func errorsNameTheSameLineWhateverThePieces() {
        // Line 3 holds a label of two lines (a quoted CRLF): the bad value is on line 5.
        let text = "a,b,label\n1,2,0\n3,4,\"one\r\nrow\"\n5,x7,0\n7,8,1\n"
        let path = writeFile(text, named: "bad.csv", in: directory)
        // Under --categorical auto the error comes once the column is read, under none at the cell.
        for categorical in [CategoricalColumns.auto, .none] {
            let expected = error(path, pieceSize: 1 << 20, categorical: categorical)
            #expect(expected?.hasPrefix("\(path):5:2: not a number") == true, "\(expected ?? "")")
            for pieceSize in pieceSizes(text) {
                #expect(error(path, pieceSize: pieceSize, categorical: categorical) == expected, "piece size \(pieceSize)")
            }
        }
        // A quote never closed runs to the end of the file.
        let open = writeFile("1,2,0\n3,\"4,1\n5,6,0\n", named: "open.csv", in: directory)
        let whole = error(open, pieceSize: 1 << 20)
        #expect(whole?.hasPrefix("\(open):2:2: unterminated quoted field: ") == true)
        for pieceSize in [1, 5, 9, 13] {
            #expect(error(open, pieceSize: pieceSize) == whole, "piece size \(pieceSize)")
        }
    }

    @Test func droppedRowsAndMissingValuesAcrossPieces() throws {
        let text = "a,b,label\n1,NA,0\n3,4,1\n,6,0\n7,8,0\n"
        let path = writeFile(text, named: "missing.csv", in: directory)
        for pieceSize in pieceSizes(text) {
            let data = try load(path, pieceSize: pieceSize, missing: .drop)
            #expect(data.features.storage == [3, 4, 7, 8] && data.labels == [1, 0], "piece size \(pieceSize)")
        }
    }

    @Test func binaryBytesLaterInTheFirstKilobytesAreFound() {
        // The NUL byte is past the first piece but within the first 4 KiB.
        let path = writeBytes(Array("1,2,0\n3,4,1\n".utf8) + [0] + Array("5,6,0\n".utf8), named: "binary.csv", in: directory)
        for pieceSize in [4, 8, 13, 1 << 20] {
            #expect(error(path, pieceSize: pieceSize) == "\(path): not a text CSV file (binary data)", "piece size \(pieceSize)")
        }
    }

    @Test func aLargeGzipFileStreamsThroughSmallPieces() throws {
        // Several compressed input chunks (256 KiB) and two gzip members, read 1,000 bytes at a time.
        var text = ""
        for row in 0..<60_000 { text += "\(row % 251),\((row * 7) % 256),\(row % 3)\n" }
        let compressed = writeFile(text, named: "big.csv.gz", in: directory, gzip: true)
        let members = writeBytes(Array(FileManager.default.contents(atPath: compressed)!)
                                 + Array(FileManager.default.contents(atPath: writeFile("1,2,0\n", named: "tail.gz", in: directory, gzip: true))!),
                                 named: "members.csv.gz", in: directory)
        let data = try load(members, pieceSize: 1000)
        #expect(data.count == 60_001 && data.featureCount == 2)
        #expect(data.features[59_999, 0] == Float(59_999 % 251) && data.features[59_999, 1] == Float((59_999 * 7) % 256))
        #expect(data.features[60_000, 0] == 1 && data.labels[60_000] == 0)
        let plain = try load(writeFile(text + "1,2,0\n", named: "big.csv", in: directory), pieceSize: 1 << 19)
        let same = plain.features == data.features && plain.labels == data.labels
        #expect(same)
    }

    @Test func gzipErrorsComeInTheirPlaceWhileInflatingRunsAhead() throws {
        // A bad value on line 2 stops the parse while the inflating thread is still ahead of it.
        var text = "1,2,0\n3,x,1\n"
        for row in 0..<200_000 { text += "\(row % 97),\(row % 89),\(row % 2)\n" }
        let bad = writeFile(text, named: "bad.csv.gz", in: directory, gzip: true)
        #expect(error(bad, pieceSize: 4096, categorical: .none)?.hasPrefix("\(bad):2:2: not a number") == true)
        // A file cut short gives its rows first, then the gzip error.
        let good = writeFile(String(text.dropFirst(12)), named: "good.csv.gz", in: directory, gzip: true)
        let compressed = Array(FileManager.default.contents(atPath: good)!)
        let cut = writeBytes(Array(compressed.prefix(compressed.count * 2 / 3)), named: "cut.csv.gz", in: directory)
        #expect(error(cut, pieceSize: 4096) == "\(cut): corrupt gzip data (truncated)")
    }

    @Test func aByteStreamGivesTheInflatedBytesInAnyPieces() throws {
        let text = String(repeating: "12,34,5\n", count: 50_000)
        let path = writeFile(text, named: "stream.gz", in: directory, gzip: true)
        let stream = try ByteStream(path: path)
        #expect(stream.expectedSize == text.utf8.count)
        var bytes: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 777)
        while !stream.isAtEnd {
            let count = try piece.withUnsafeMutableBytes { try stream.read(into: $0) }
            bytes += piece.prefix(count)
        }
        #expect(bytes == Array(text.utf8))
    }

    @Test func aStreamIsReadInPiecesFromItsKeptBytes() throws {
        let text = (0..<3000).map { "\($0 % 17),\"\($0 % 5)\",\"c\r\n\($0 % 2)\"" }.joined(separator: "\r\n")
        let path = directory.appendingPathComponent("pipe.fifo").path
        #expect(mkfifo(path, 0o600) == 0)
        let data = Data(text.utf8)
        Thread.detachNewThread {
            let handle = FileHandle(forWritingAtPath: path)!
            handle.write(data)
            try? handle.close()
        }
        let streamed = try load(path, pieceSize: 333, header: .absent)
        #expect(streamed.count == 3000 && streamed.features[2999, 0] == Float(2999 % 17) && streamed.features[2999, 1] == Float(2999 % 5))
        // Read again from the kept bytes, whole.
        let again = try load(path, pieceSize: 1 << 20, header: .absent)
        let same = again == streamed
        #expect(same)
    }
}
