import Foundation
import Testing
@testable import LRFinder

/// Issue 23, CSV headers and parsing: a name held twice in a header is refused (it read the
/// second column as the first), pandas' index column is ignored with a note (it leaked sorted
/// labels), a quote closed before more text is named as such, and `--missing drop` that leaves
/// no row says so.
@Suite struct HeaderQuirkTests {
    let directory = temporaryDirectory()

    /// The error loading `text` throws, its file's path as `FILE`.
    func error(_ text: String, labelColumn: LabelColumn = .last, ignoring ignored: [CSVColumn] = [], header: HeaderMode = .auto,
               missing: MissingValues = .error) -> String {
        let path = writeFile(text, named: "quirk.csv", in: directory)
        do {
            _ = try DataLoader.load(path, labelColumn: labelColumn, header: header, ignoredColumns: ignored, missing: missing)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "FILE")
        }
    }

    /// The data set loaded from `text`.
    func load(_ text: String, labelColumn: LabelColumn = .last, ignoring ignored: [CSVColumn] = [], missing: MissingValues = .error,
              categorical: CategoricalColumns = .auto, keepsIndexColumn: Bool = false) throws -> Dataset {
        try DataLoader.load(writeFile(text, named: "quirk.csv", in: directory), labelColumn: labelColumn, ignoredColumns: ignored,
                            missing: missing, categorical: categorical, keepsIndexColumn: keepsIndexColumn)
    }

    // MARK: Item 1: a name held twice

    @Test(arguments: [
        ("a,a,label\n1,2,0\n3,4,1\n", LabelColumn.last, "FILE:1: column 'a' appears twice in the header (columns 1 and 2)"),
        ("a, a ,label\n1,2,0\n3,4,1\n", .last, "FILE:1: column 'a' appears twice in the header (columns 1 and 2)"),
        ("\"a\",x, a,label\n1,2,3,0\n3,4,5,1\n", .last, "FILE:1: column 'a' appears twice in the header (columns 1 and 3)"),
        ("\n\nx,label,label\n1,0,1\n2,1,0\n", .name("label"), "FILE:3: column 'label' appears twice in the header (columns 2 and 3)"),
        ("x,label,label\n1,0,1\n2,1,0\n", .index(1), "FILE:1: column 'label' appears twice in the header (columns 2 and 3)"),
        // A blank cell is named by its position: a real cell of that name is the same name.
        ("x,,column 2,label\n1,2,3,0\n4,5,6,1\n", .last,
         "FILE:1: column 'column 2' appears twice in the header (columns 2 and 3; a blank header cell is named by its position)"),
        ("column 3,x,,label\n1,2,3,0\n4,5,6,1\n", .last,
         "FILE:1: column 'column 3' appears twice in the header (columns 1 and 3; a blank header cell is named by its position)"),
    ])
    func aNameHeldTwiceInTheHeaderIsRefused(text: String, labelColumn: LabelColumn, expected: String) {
        #expect(error(text, labelColumn: labelColumn) == expected)
    }

    @Test func namesThatDifferAreNotRefused() throws {
        // Case counts; a first row of numbers is data (its repeated values are no names); two
        // blank cells take two names; without a header nothing is a name.
        #expect(try load("A,a,label\n1,2,0\n3,4,1\n").featureColumns.map(\.name) == ["A", "a"])
        #expect(try load("1,1,0\n3,4,1\n").count == 2)
        #expect(try load("x,,,label\n1,2,3,0\n4,5,6,1\n").featureColumns.map(\.name) == ["x", "column 2", "column 3"])
        #expect(error("a,a,label\n1,2,0\n", header: .absent) == "FILE:1:1: not a number in numeric column 'column 1' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'a'")
    }

    @Test func aBlankHeaderCellIsFoundByItsName() throws {
        let data = try load("x,,y,label\n1,2,3,0\n4,5,6,1\n", ignoring: [.name("column 2")])
        #expect(data.features == Matrix([[1, 3], [4, 6]]))
        #expect(data.featureColumns.map(\.name) == ["x", "y"])
        #expect(error("x,,y,label\n1,2,3,0\n4,5,6,1\n", labelColumn: .name("z"))
                == "FILE:1: no label column 'z' in the header; its columns: x, column 2, y, label")
    }

    @Test func theColumnIndexNamesBlankCellsAndFindsTheFirstOfTwo() {
        let index = CSVColumnIndex(["a", "", "a", "column 2"])
        #expect(index.names == ["a", "column 2", "a", "column 2"])
        #expect(index.position(of: "a") == 0 && index.position(of: "column 2") == 1)
        #expect(index.duplicate == CSVColumnIndex.Duplicate(name: "a", first: 0, second: 2, isGenerated: false))
        #expect(CSVColumnIndex(["x", "", "column 2"]).duplicate == CSVColumnIndex.Duplicate(name: "column 2", first: 1, second: 2, isGenerated: true))
        #expect(CSVColumnIndex(["x", "y", ""]).duplicate == nil)
    }

    @Test func aModelCannotBeReadOntoAFileWithANameHeldTwice() throws {
        let rows = (0..<40).map { "\($0 % 7),\(($0 * 3) % 5),\($0 % 2)" }.joined(separator: "\n")
        var recipe = DataRecipe()
        recipe.path = writeFile("a,b,label\n" + rows + "\n", named: "good.csv", in: directory)
        let (_, _, predictor) = try PredictorTests.saved(recipe, spec: "logreg")
        let twice = writeFile("a,b,b,label\n" + (0..<40).map { "\($0 % 7),\(($0 * 3) % 5),1,\($0 % 2)" }.joined(separator: "\n") + "\n",
                              named: "twice.csv", in: directory)
        #expect(throws: DataError(file: twice, line: 1, message: "column 'b' appears twice in the header (columns 2 and 3)")) {
            try predictor.read(twice)
        }
    }

    // MARK: Item 4: pandas' index column

    /// Rows of a sorted file: `index,x,label` with the label 0 for the first half, 1 after.
    static func sortedRows(_ count: Int) -> [String] {
        (0..<count).map { "\($0),\(($0 * 7919) % 13),\($0 < count / 2 ? 0 : 1)" }
    }

    @Test func aPandasIndexColumnIsIgnoredWithANote() throws {
        let rows = ["0,5,0", "1,6,1", "2,7,0", "3,8,1"].joined(separator: "\n") + "\n"
        let data = try load(",x,label\n" + rows)
        #expect(data.features == Matrix([[5], [6], [7], [8]]))
        #expect(data.featureColumns == [FeatureColumn(name: "x", position: 2)])
        #expect(data.labels == [0, 1, 0, 1])
        #expect(data.ignoredIndexColumn == 1)
        #expect(data.notes == ["column 1 (blank header, values 0..3) looks like a pandas index and is ignored; --keep-index-column to use it"])
        let unnamed = try load("Unnamed: 0,x,label\n" + rows)
        #expect(unnamed.features == Matrix([[5], [6], [7], [8]]))
        #expect(unnamed.notes == ["column 1 ('Unnamed: 0', values 0..3) looks like a pandas index and is ignored; --keep-index-column to use it"])
        let kept = try load(",x,label\n" + rows, keepsIndexColumn: true)
        #expect(kept.features == Matrix([[0, 5], [1, 6], [2, 7], [3, 8]]))
        #expect(kept.featureColumns.map(\.name) == ["column 1", "x"])
        #expect(kept.notes.isEmpty && kept.ignoredIndexColumn == nil)
        // pandas' default column names after the index make a header too.
        let numbered = try load(",0,1\n0,5,0\n1,6,1\n2,7,0\n")
        #expect(numbered.features == Matrix([[5], [6], [7]]) && numbered.featureColumns.map(\.name) == ["0"])
        // Rows dropped for a missing value still count in the index.
        let dropped = try load(",x,label\n0,1,0\n1,NA,1\n2,3,0\n3,4,1\n", missing: .drop)
        #expect(dropped.features == Matrix([[1], [3], [4]]) && dropped.notes.count == 1)
    }

    @Test(arguments: [
        // Not 0..N-1 in row order, not the first column, a named header, no header at all, a
        // missing cell: a feature like any other.
        (",x,label\n1,5,0\n2,6,1\n3,7,0\n", LabelColumn.last, [CSVColumn](), CategoricalColumns.auto, MissingValues.error, [[1, 5], [2, 6], [3, 7]] as [[Float]]),
        (",x,label\n0,5,0\n2,6,1\n1,7,0\n", .last, [], .auto, .error, [[0, 5], [2, 6], [1, 7]]),
        ("x,,label\n5,0,0\n6,1,1\n7,2,0\n", .last, [], .auto, .error, [[5, 0], [6, 1], [7, 2]]),
        ("id,x,label\n0,5,0\n1,6,1\n2,7,0\n", .last, [], .auto, .error, [[0, 5], [1, 6], [2, 7]]),
        ("0,5,0\n1,6,1\n2,7,0\n", .last, [], .auto, .error, [[0, 5], [1, 6], [2, 7]]),
        (",x,label\n0,5,0\nNA,6,1\n2,7,0\n", .last, [], .auto, .mean, [[0, 5], [.nan, 6], [2, 7]]),
        // Named by the user: the label, a categorical column; an ignored one is ignored without a note.
        (",x,label\n0,5,0\n1,6,1\n0,7,0\n", .first, [], .auto, .error, [[5, 0], [6, 1], [7, 0]]),
        (",x,label\n0,5,0\n1,6,1\n2,7,0\n", .last, [], .columns([.index(0)]), .error, [[0, 5], [1, 6], [2, 7]]),
        (",x,label\n0,5,0\n1,6,1\n2,7,0\n", .last, [.index(0)], .auto, .error, [[5], [6], [7]]),
    ])
    func columnsThatAreNoPandasIndexAreKept(text: String, labelColumn: LabelColumn, ignored: [CSVColumn], categorical: CategoricalColumns,
                                           missing: MissingValues, expected: [[Float]]) throws {
        let data = try load(text, labelColumn: labelColumn, ignoring: ignored, missing: missing, categorical: categorical)
        #expect(data.notes.isEmpty && data.ignoredIndexColumn == nil)
        #expect(data.features.rows == expected.count && (0..<data.count).allSatisfy { row in
            zip(data.features.row(row), expected[row]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }, "\(data.features)")
    }

    @Test func anIndexThatIsTheOnlyFeatureIsRefused() {
        #expect(error(",label\n0,0\n1,1\n2,0\n3,1\n", header: .present)
                == "FILE: no feature column left: column 1 (blank header, values 0..3) looks like a pandas index and is ignored; --keep-index-column to use it")
    }

    @Test func aSortedFileTrainsWithoutItsIndexAndPredictReadsItTheSameWay() throws {
        let path = writeFile(",x,label\n" + Self.sortedRows(60).joined(separator: "\n") + "\n", named: "sorted.csv", in: directory)
        var recipe = DataRecipe()
        recipe.path = path
        let (prepared, _, predictor) = try PredictorTests.saved(recipe, spec: "logreg")
        #expect(prepared.featureCount == 1)
        #expect(prepared.notes == ["column 1 (blank header, values 0..59) looks like a pandas index and is ignored; --keep-index-column to use it"])
        #expect(predictor.preprocessing.encoding.columns.map(\.name) == ["x"])
        let whole = try predictor.read(path)
        #expect(whole.features.rows == 60 && whole.features.columns == 1)
        PredictorTests.expectContains(whole, prepared.train)
        // A later slice of the frame keeps its index (20..39, not 0..19): still not an input.
        let slice = writeFile(",x,label\n" + Self.sortedRows(60)[20..<40].joined(separator: "\n") + "\n", named: "slice.csv", in: directory)
        let read = try predictor.read(slice)
        #expect(read.features == Matrix(rows: 20, columns: 1, storage: Array(whole.features.storage[20..<40])))
        #expect(read.labels == Array(whole.labels![20..<40]))
    }

    @Test func aKeptIndexIsAnInputOfTheModelWhenPredicting() throws {
        let path = writeFile(",x,label\n" + Self.sortedRows(60).joined(separator: "\n") + "\n", named: "sorted.csv", in: directory)
        var recipe = DataRecipe()
        recipe.path = path
        recipe.keepsIndexColumn = true
        let (prepared, _, predictor) = try PredictorTests.saved(recipe, spec: "logreg")
        #expect(prepared.featureCount == 2 && prepared.notes.isEmpty)
        #expect(predictor.preprocessing.encoding.columns.map(\.name) == ["column 1", "x"])
        let read = try predictor.read(path)
        #expect(read.features.rows == 60 && read.features.columns == 2)
        PredictorTests.expectContains(read, prepared.train)
    }

    @Test func anIndexBesideAnIgnoredColumnByNumberIsReadTheSameWayByPredict() throws {
        let rows = Self.sortedRows(60).enumerated().map { "\($0.element),id\($0.offset)" }
        let path = writeFile(",x,label,id\n" + rows.joined(separator: "\n") + "\n", named: "ids.csv", in: directory)
        var recipe = DataRecipe()
        recipe.path = path
        recipe.labelColumn = .index(2)
        recipe.ignoredColumns = [.index(3)]
        let (prepared, _, predictor) = try PredictorTests.saved(recipe, spec: "logreg")
        #expect(predictor.preprocessing.fieldCount == 4)
        let read = try predictor.read(path)
        #expect(read.features.rows == 60 && read.features.columns == 1)
        PredictorTests.expectContains(read, prepared.train)
    }

    @Test func keepingTheIndexColumnRoundTripsThroughTheRecipe() throws {
        var recipe = DataRecipe(path: "data.csv")
        recipe.digest = "00"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(recipe), as: UTF8.self) == #"{"digest":"00"}"#)
        recipe.keepsIndexColumn = true
        let json = try encoder.encode(recipe)
        #expect(String(decoding: json, as: UTF8.self) == #"{"digest":"00","keepsIndexColumn":true}"#)
        #expect(try JSONDecoder().decode(DataRecipe.self, from: json).keepsIndexColumn)
        #expect(try !JSONDecoder().decode(DataRecipe.self, from: Data(#"{"digest":"00"}"#.utf8)).keepsIndexColumn)
    }

    // MARK: Item 12a: text after a closing quote

    @Test(arguments: [
        ("a,b,label\n1,\"x\"y,0\n3,4,1\n", "FILE:2:2: text after a closing quote: '\"x\"y'"),
        ("a,b,label\n1,2,\"x\"y\n3,4,1\n", "FILE:2:3: text after a closing quote: '\"x\"y'"),
        ("a,b,label\n1, \"2\" 5,0\n3,4,1\n", "FILE:2:2: text after a closing quote: ' \"2\" 5'"),
        ("a,b,label\n1,\"x\"\"y\n", "FILE:2:2: unterminated quoted field: '\"x\"\"y\\u{a}'"),
    ])
    func textAfterAClosingQuoteIsNamed(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func aNumberErrorTellsAnOpenQuoteFromTextAfterAClosedOne() {
        func message(_ field: String) -> String {
            let bytes = Array(field.utf8)
            return bytes.withUnsafeBufferPointer { buffer in
                CSVRecord(bytes: buffer, line: 1, range: 0..<buffer.count).numberError(in: 0..<buffer.count, column: 1, file: "f").message
            }
        }
        #expect(message("\"a\" b") == "text after a closing quote")
        #expect(message("\"a\"\"b\"x") == "text after a closing quote")
        #expect(message("\"a\"  ") == "not a number")
        #expect(message("\"ab") == "unterminated quoted field")
        #expect(message("\"a\"\"") == "unterminated quoted field")
    }

    // MARK: Item 12b: --missing drop that leaves no row

    @Test func droppingEveryRowSaysWhy() {
        let rows = (0..<50).map { "\($0),NA,\($0 % 2)" }.joined(separator: "\n")
        #expect(error("a,b,label\n" + rows + "\n", missing: .drop)
                == "FILE:2:2: all 50 data rows have a missing value, so --missing drop left none; the first: 'NA'")
        // The first in file order, a categorical column's too; a file of a header alone has no data rows.
        #expect(error("a,b,c,label\n\n1,x,,0\nNA,y,3,1\n", missing: .drop)
                == "FILE:3:3: all 2 data rows have a missing value, so --missing drop left none; the first: ''")
        #expect(error("a,b,label\n1,?,0\n", missing: .drop) == "FILE:2:2: the one data row has a missing value, so --missing drop left none: '?'")
        #expect(error("a,b,label\n", missing: .drop) == "FILE: no data rows")
    }
}
