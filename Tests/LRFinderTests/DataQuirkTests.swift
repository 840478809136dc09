import CZlib
import Foundation
import Testing
@testable import LRFinder

/// Data files as other tools and systems write them: line ends, byte-order marks, pandas'
/// headers, values that do not fit, binary files, and labels that are not `0..<K`.
@Suite struct CSVQuirkTests {
    let directory = temporaryDirectory()

    @Test func crlfFileWithAHeaderReadsItsLabels() throws {
        let path = writeFile("x,y,label\r\n1,2,0\r\n3,4,1\r\n5,6,1\r\n", named: "crlf.csv", in: directory)
        let data = try DataLoader.load(path)
        #expect(data.labels == [0, 1, 1])
        #expect(data.features == Matrix([[1, 2], [3, 4], [5, 6]]))
        let first = writeFile("label,x\r\n0,1\r\n1,2\r\n", named: "first.csv", in: directory)
        #expect(try DataLoader.load(first, labelColumn: .first).labels == [0, 1])
    }

    @Test func aByteOrderMarkDoesNotMakeAHeader() throws {
        let rows = (0..<300).map { "\($0),\($0 % 2)" }.joined(separator: "\n")
        let path = writeFile("\u{FEFF}" + rows, named: "bom.csv", in: directory)
        #expect(try DataLoader.load(path).count == 300)
        let header = writeFile("\u{FEFF}x,label\n1,0\n2,1\n", named: "bom-header.csv", in: directory)
        #expect(try DataLoader.load(header).count == 2)
    }

    @Test func carriageReturnOnlyFilesRead() throws {
        let path = writeFile("x,y,label\r1,2,0\r3,4,1\r5,6,0", named: "mac.csv", in: directory)
        let data = try DataLoader.load(path)
        #expect(data.labels == [0, 1, 0])
        #expect(loadError(writeFile("1,2,0\r3,x,1\r", named: "mac-bad.csv", in: directory))?.hasSuffix(":2:2: not a number in numeric column 'column 2' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'x'") == true)
    }

    @Test func pandasDefaultColumnNamesAreAHeader() throws {
        let path = writeFile("0,1,2,3\n5,6,7,1\n8,9,10,0\n", named: "pandas.csv", in: directory)
        #expect(try DataLoader.load(path).count == 2)
        #expect(try DataLoader.load(path, header: .absent).count == 3)
        // Anything else that is all numbers is data.
        for text in ["0,1,3,3\n5,6,7,1\n", "0.0,1,2,3\n5,6,7,1\n", "1,2,3,0\n5,6,7,1\n", "0, 1,2,3\n5,6,7,1\n"] {
            #expect(try DataLoader.load(writeFile(text, named: "data.csv", in: directory)).count == 2, "\(text)")
        }
    }

    @Test(arguments: [
        ("1,2,0\n1e39,2,1\n", "2:1: value out of range for a 32-bit float: '1e39'"),
        ("1,2,0\n3,-1e400,1\n", "2:2: value out of range for a 32-bit float: '-1e400'"),
        ("1e400,2,0\n3,4,1\n", "1:1: value out of range for a 32-bit float: '1e400'"),
        ("1,2,0\n3,inf,1\n", "2:2: not a number in numeric column 'column 2' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'inf'"),
        ("1,2,0\n3,4,1e12\n", "2:3: label is out of range for a class label (at most 2147483647 in magnitude): '1e12'"),
        ("1,2,0\n3,4,2147483648\n", "2:3: label is out of range for a class label (at most 2147483647 in magnitude): '2147483648'"),
        ("1,2,0\n3,4,1e39\n", "2:3: value out of range for a 32-bit float: '1e39'"),
    ])
    func valuesThatDoNotFit(text: String, expected: String) {
        let path = writeFile(text, named: "big.csv", in: directory)
        #expect(loadError(path) == "\(path):\(expected)")
    }

    @Test func binaryFilesAreNamedNotEchoed() {
        let binary = writeBytes([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0xFF, 0x31, 0x2C], named: "program", in: directory)
        #expect(loadError(binary) == "\(binary): not a text CSV file (binary data)")
        let packed = writeBytes([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00], named: "data.zip", in: directory, gzip: true)
        #expect(loadError(packed) == "\(packed): not a text CSV file (binary data)")
    }

    @Test func labelsBecomeClassesInOrder() throws {
        let gaps = try DataLoader.load(writeFile("1,5\n2,9\n3,7\n4,5\n", named: "gaps.csv", in: directory))
        #expect(gaps.labels == [0, 2, 1, 0] && gaps.classCount == 3)
        #expect(gaps.classNames == ["5", "7", "9"] && gaps.hasRenamedClasses)
        let fromOne = try DataLoader.load(writeFile("1,1\n2,2\n3,3\n", named: "one.csv", in: directory))
        #expect(fromOne.labels == [0, 1, 2] && fromOne.classNames == ["1", "2", "3"])
        let plain = try DataLoader.load(writeFile("1,1\n2,0\n", named: "plain.csv", in: directory))
        #expect(plain.labels == [1, 0] && plain.classNames == ["0", "1"] && !plain.hasRenamedClasses)
        // One huge label is one more class, not a 100-million-way output layer.
        let huge = try DataLoader.load(writeFile("1,0\n2,99999999\n3,1\n4,0\n", named: "huge.csv", in: directory))
        #expect(huge.labels == [0, 2, 1, 0] && huge.classNames == ["0", "1", "99999999"])
        #expect(loadError(writeFile("1,7\n2,7\n", named: "single.csv", in: directory))?.hasSuffix("only one class (label 7); a classifier needs at least two") == true)
        // The names follow every split.
        let split = try DataSplit(stratifying: gaps, sizes: .counts(train: 2, validation: 1, test: 1), seed: 0)
        #expect(split.train.classNames == ["5", "7", "9"] && split.test.classNames == ["5", "7", "9"])
    }

    @Test func compactingLargeAndSmallLabels() {
        #expect(ClassLabels.compacted([]).names.isEmpty)
        #expect(ClassLabels.compacted([3, 3, 0]) == ([1, 1, 0], ["0", "3"]))
        #expect(ClassLabels.compacted([2_000_000_000, 5, 70_000]) == ([2, 0, 1], ["5", "70000", "2000000000"]))
    }

    @Test func theClassCountIsBounded() throws {
        #expect(throws: Never.self) { try ClassLabels.check(classCount: 10, trainingCount: 20, maximum: nil, file: "f") }
        #expect(throws: ClassCountError(file: "f", classCount: 10001, reason: ", more than 10000")) {
            try ClassLabels.check(classCount: 10_001, trainingCount: 1_000_000, maximum: nil, file: "f")
        }
        #expect(throws: ClassCountError(file: "f", classCount: 11, reason: " for 20 training samples: most classes would have one sample or none; is the label column right?")) {
            try ClassLabels.check(classCount: 11, trainingCount: 20, maximum: nil, file: "f")
        }
        #expect(throws: Never.self) { try ClassLabels.check(classCount: 20_000, trainingCount: 100, maximum: 20_000, file: "f") }
        #expect(throws: ClassCountError(file: "f", classCount: 12, reason: ", more than the maximum of 11")) {
            try ClassLabels.check(classCount: 12, trainingCount: 1000, maximum: 11, file: "f")
        }
        // Through a recipe: 50 rows with 50 labels (a column of ids) are refused unless allowed.
        let ids = (0..<50).map { "\($0 % 7),\($0)" }.joined(separator: "\n")
        var recipe = DataRecipe.withPath(writeFile(ids, named: "ids.csv", in: directory))
        #expect(throws: ClassCountError.self) { try recipe.prepare() }
        recipe.maximumClassCount = 50
        recipe.split = .counts(train: 50, validation: 0, test: 0)
        let prepared = try recipe.prepare()
        #expect(prepared.classCount == 50 && prepared.classNames.last == "49")
        #expect(DataSummary(prepared).classNames == nil)
        // The allowance is not part of the recipe's identity: it is recorded beside it.
        var plain = recipe
        plain.maximumClassCount = nil
        #expect(try CanonicalJSON.data(of: recipe) == CanonicalJSON.data(of: plain))
        #expect(TrainingRecipe(data: recipe, model: ModelRecipe(spec: ModelSpec(hidden: []))).inputs.maximumClassCount == 50)
    }

    @Test func renamedClassesAreInTheSummary() throws {
        let rows = (0..<40).map { "\($0),\([5, 7, 9][$0 % 3])" }.joined(separator: "\n")
        let prepared = try DataRecipe.withPath(writeFile(rows, named: "gaps.csv", in: directory)).prepare()
        #expect(prepared.classNames == ["5", "7", "9"])
        let summary = DataSummary(prepared)
        #expect(summary.classNames == ["5", "7", "9"])
        #expect(try JSONDecoder().decode(DataSummary.self, from: JSONEncoder().encode(summary)) == summary)
        #expect(DataSummary(try DataRecipe().prepare()).classNames == nil)
    }

    @Test func ambiguousSplits() throws {
        for text in ["1,0,0", "0,0,1", "0,1,0", "1, 0, 0"] {
            #expect(throws: SplitSizesError.self) { try SplitSizes(parsing: text) }
        }
        do {
            _ = try SplitSizes(parsing: "1,0,0")
        } catch {
            #expect("\(error)" == "'1,0,0' is ambiguous: as counts it is 1 sample in all; write 1.0,0,0 for fractions, or give counts that fit the data (e.g. 3000,1000,1000)")
        }
        #expect(try SplitSizes(parsing: "1.0,0,0") == .fractions(train: 1, validation: 0, test: 0))
        #expect(try SplitSizes(parsing: "2,0,0") == .counts(train: 2, validation: 0, test: 0))
        #expect(try SplitSizes(parsing: "9223372036854775807,1,1") == .counts(train: .max, validation: 1, test: 1))
        #expect(throws: SplitSizesError(description: "counts must be >= 0 and the training count > 0, got '-1,1,1'")) {
            try SplitSizes(parsing: "-1,1,1")
        }
    }
}

/// Files that are not regular files: pipes, FIFOs, devices, standard input.
@Suite struct StreamInputTests {
    let directory = temporaryDirectory()

    /// A FIFO at a fresh path that a background thread fills with `bytes` once it is opened.
    func fifo(_ bytes: [UInt8], named name: String) -> String {
        let path = directory.appendingPathComponent(name).path
        #expect(mkfifo(path, 0o600) == 0)
        let data = Data(bytes)
        Thread.detachNewThread {
            let handle = FileHandle(forWritingAtPath: path)!
            handle.write(data)
            try? handle.close()
        }
        return path
    }

    /// `text` compressed with zlib's gzip writer, as bytes.
    func gzipped(_ text: String) -> [UInt8] {
        let path = writeFile(text, named: "tmp-\(UUID().uuidString).gz", in: directory, gzip: true)
        return [UInt8](FileManager.default.contents(atPath: path)!)
    }

    @Test func aFIFOReadsAsAFileDoes() throws {
        let text = (0..<2000).map { "\($0 % 13),\($0 % 3)" }.joined(separator: "\n")
        let data = try DataLoader.load(fifo(Array(text.utf8), named: "plain.fifo"))
        #expect(data.count == 2000 && data.classCount == 3)
        // Gzip is found by its magic bytes on a stream too.
        let compressed = try DataLoader.load(fifo(gzipped(text), named: "gzip.fifo"))
        #expect(compressed.features == data.features && compressed.labels == data.labels)
    }

    @Test func aStreamCanBeReadAgain() throws {
        let path = fifo(Array("1,0\n2,1\n".utf8), named: "again.fifo")
        let first = try FileBytes.read(path)
        #expect(try FileBytes.read(path) == first)
        #expect(first == Array("1,0\n2,1\n".utf8))
        #expect(try DataRecipe.withPath(path).contentDigest() == SHA256.hash(first).hex)
    }

    @Test func devNullIsEmpty() throws {
        #expect(try FileBytes.read("/dev/null").isEmpty)
        #expect(loadError("/dev/null") == "/dev/null: no data rows")
        #expect(throws: DataError(file: "/dev/null", message: "empty file")) { try RecordedCurve.read(path: "/dev/null") }
    }

    @Test func standardInputIsNamedInMessages() {
        #expect(FileBytes.displayName("-") == "standard input")
        #expect(DataRecipe.withPath("-").name == "standard input")
        #expect(FileBytes.displayName("data.csv") == "data.csv")
    }

    @Test func gzipMembersFollowOneAnother() throws {
        let path = writeBytes(gzipped("1,0\n2,1\n") + gzipped("3,0\n"), named: "two.csv.gz", in: directory)
        #expect(try FileBytes.read(path) == Array("1,0\n2,1\n3,0\n".utf8))
        // Bytes after the last member that start no other are ignored, as gunzip does.
        let trailing = writeBytes(gzipped("1,0\n") + [0, 0, 0, 0], named: "trailing.csv.gz", in: directory)
        #expect(try FileBytes.read(trailing) == Array("1,0\n".utf8))
    }

    @Test func anOutputLargerThanTheTrailerSaysStillInflates() throws {
        // The trailer gives the last member's size only: here 4 bytes after a 210 KB member.
        let text = String(repeating: "123,456,789,0\n", count: 15_000)
        let path = writeBytes(gzipped(text) + gzipped("1,1\n"), named: "members.gz", in: directory)
        #expect(try FileBytes.read(path) == Array((text + "1,1\n").utf8))
    }
}
