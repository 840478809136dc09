import Foundation
import Testing
@testable import LRFinder

/// Quoted fields, separators, label columns by name, string labels and ignored columns: each test
/// writes its own small file.
@Suite struct CSVFormatTests {
    let directory = temporaryDirectory()
    static let missing = "missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean)"

    func load(_ text: String, labelColumn: LabelColumn = .last, header: HeaderMode = .auto, delimiter: CSVDelimiter = .auto,
              ignoring ignored: [CSVColumn] = []) throws -> Dataset {
        try DataLoader.load(writeFile(text, named: "d.csv", in: directory), labelColumn: labelColumn, header: header,
                            delimiter: delimiter, ignoredColumns: ignored)
    }

    func error(_ text: String, labelColumn: LabelColumn = .last, delimiter: CSVDelimiter = .auto,
               ignoring ignored: [CSVColumn] = []) -> String? {
        let path = writeFile(text, named: "e.csv", in: directory)
        do {
            _ = try DataLoader.load(path, labelColumn: labelColumn, delimiter: delimiter, ignoredColumns: ignored)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "FILE")
        }
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() {
        let records = csvRecords("\"a,b\",\"say \"\"hi\"\"\",c\n\"two\nlines\",\"x\r\ny\",z\nlast,1,2\n")
        #expect(records.map(\.fields) == [["a,b", "say \"hi\"", "c"], ["two\nlines", "x\r\ny", "z"], ["last", "1", "2"]])
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsText() {
        let records = csvRecords("5'11\",a\"b, \"c\"\nx,\"\"\"y\"\"\"\n")
        #expect(records.map(\.fields) == [["5'11\"", "a\"b", "c"], ["x", "\"y\""]])
        #expect(records.map(\.line) == [1, 2])
        let semicolons = Array("id;\"note\";label\n1;\"a;\nb\";0\n2;\"c\";1\n".utf8)
        #expect(semicolons.withUnsafeBufferPointer { CSVDelimiter.detected(in: $0) } == .semicolon)
    }

    @Test func quotedNumbersAreNumbersAndLinesStayRightAfterAMultiLineField() throws {
        let data = try load("\"f 1\",\"f,2\",label\n\"1.5\",2,0\n3,\"4\",1\n")
        #expect(data.features == Matrix([[1.5, 2], [3, 4]]))
        #expect(data.labels == [0, 1])
        #expect(error("name,x,label\n\"a\nb\",1,0\n2,x7,1\n", ignoring: [.index(0)]) == "FILE:4:2: not a number in numeric column 'x' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'x7'")
        #expect(error("x,y,label\n1,\"2,0\n3,4,1\n") == "FILE:2:2: unterminated quoted field: '\"2,0\\u{a}3,4,1\\u{a}'")
    }

    @Test(arguments: [
        ("a;b;label\n1,5;2;0\n3;4;1\n", CSVDelimiter.semicolon),
        ("a\tb\tlabel\n1\t2\t0\n3\t4\t1\n", .tab),
        ("a,b,label\n1,2,0\n3,4,1\n", .comma),
        ("1;2;0\n3;4;1\n", .semicolon),
    ])
    func separatorsAreDetected(text: String, expected: CSVDelimiter) throws {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { CSVDelimiter.detected(in: $0) } == expected)
        if expected != .semicolon || !text.contains("1,5") {
            let data = try load(text)
            #expect(data.delimiter == expected)
            #expect(data.features == Matrix([[1, 2], [3, 4]]))
        }
    }

    @Test func aSemicolonFileWithDecimalCommasIsNotSplitAtTheCommas() {
        // The header has one comma-field and three semicolon-fields: semicolons are consistent.
        #expect(error("a;b;label\n1,5;2;0\n3;4;1\n") == "FILE:2:1: not a number: '1,5'")
    }

    @Test func tabSeparatedFieldsMayBeEmptyAndDelimitersCanBeForced() throws {
        #expect(error("1\t2\t0\n1\t\t0\n3\t4\t1\n", delimiter: .tab) == "FILE:2:2: \(Self.missing): ''")
        let data = try load("1;2,0,0\n3;4,5,1\n", delimiter: .comma, ignoring: [.index(0)])
        #expect(data.delimiter == .comma && data.features == Matrix([[0], [5]]))
    }

    @Test func labelColumnsByNameOrIndex() throws {
        let text = "0,species,1\n5,a,7\n6,b,8\n"
        let byName = try load(text, labelColumn: .name("species"))
        #expect(byName.classNames == ["a", "b"] && byName.features == Matrix([[5, 7], [6, 8]]))
        // pandas' numeric names are positions: column 3 is named "1".
        let byIndex = try load("0,1,2\n5,6,0\n7,8,1\n", labelColumn: .index(2))
        #expect(byIndex.labels == [0, 1] && byIndex.count == 2)
        #expect(error(text, labelColumn: .name("kind")) == "FILE:1: no label column 'kind' in the header; its columns: 0, species, 1")
    }

    @Test func stringAndIntegerLabelsSortNumbersFirstThenBytes() throws {
        let data = try load("x,label\n1,setosa\n2,Yes\n3,10\n4,-2\n5,\"b c\"\n6,2\n7,Yes\n8,setosa\n")
        #expect(data.classNames == ["-2", "2", "10", "Yes", "b c", "setosa"])
        #expect(data.labels == [5, 3, 2, 0, 4, 1, 3, 5])
        #expect(data.hasRenamedClasses)
        #expect(try load("x,y\n1,Yes\n2,No\n").classNames == ["No", "Yes"])
        // A fraction among names: neither classes nor targets.
        #expect(error("x,y\n1,Yes\n2,1.5\n") == "FILE:3:2: label is a number with a fraction, but line 2 has a name ('Yes'): classes or targets?: '1.5'")
        #expect(error("x,y\n1,Yes\n2,\n") == "FILE:3:2: empty label: ''")
        #expect(try load("x,y\n1,-1\n2,0\n").classNames == ["-1", "0"])
    }

    @Test func aWordInTheLabelColumnOfTheFirstRowIsDataNotAHeader() throws {
        let data = try load("5.1,3.5,setosa\n6.2,2.9,virginica\n")
        #expect(data.count == 2 && data.classNames == ["setosa", "virginica"])
    }

    @Test func ignoredColumnsAreDropped() throws {
        let data = try load("id,a,name,b,label\n1,10,x,20,0\n2,30,y,40,1\n", ignoring: [.name("id"), .index(2)])
        #expect(data.features == Matrix([[10, 20], [30, 40]]))
        #expect(error("id,a,label\n1,2,0\n", ignoring: [.name("ID")]) == "FILE:1: no ignored column 'ID' in the header; its columns: id, a, label")
        #expect(error("id,a,label\n1,2,0\n", ignoring: [.index(7)]) == "FILE:1: ignored column 8 does not exist: rows have 3 fields")
        #expect(error("id,a,label\n1,2,0\n", ignoring: [.name("label")]) == "FILE: the ignored column 'label' is the label column")
        #expect(error("id,a,label\n1,2,0\n3,4\n", ignoring: [.index(0)]) == "FILE:3: row has 2 fields, expected 3: '3,4'")
    }

    @Test func recipesWithTheNewSettingsDecodeBack() throws {
        var recipe = DataRecipe()
        recipe.path = "x.csv"
        recipe.labelColumn = .name("species")
        recipe.delimiter = .semicolon
        recipe.ignoredColumns = [.name("id"), .index(3)]
        var decoded = try JSONDecoder().decode(DataRecipe.self, from: JSONEncoder().encode(recipe))
        // The path is recorded beside the recipe (RunInputs), not in it.
        #expect(decoded.path == nil && decoded.bundled == nil)
        decoded.path = "x.csv"
        #expect(decoded == recipe)
        // A recipe written before these settings existed still decodes.
        let old = try JSONDecoder().decode(DataRecipe.self, from: Data(#"{"bundled":"mnist5k","labelColumn":{"last":{}},"header":"auto","splitSeed":0}"#.utf8))
        #expect(old.delimiter == nil && old.ignoredColumns == nil)
    }

    @Test func missingValuesAreErrorsByDefault() {
        for token in ["", "NA", "n/a", "NaN", "?", "NULL", " na ", "\"NA\""] {
            #expect(error("a,b,label\n1,2,0\n3,\(token),1\n") == "FILE:3:2: \(Self.missing): '\(token.replacingOccurrences(of: "\"", with: ""))'")
        }
        #expect(error("a,b,label\n1,-,0\n2,3,1\n") == "FILE:2:2: not a number in numeric column 'b' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: '-'")
    }

    @Test func missingValuesDropTheirRows() throws {
        let path = writeFile("a,b,label\n1,NA,0\n3,4,1\n5,6,0\n?,8,1\n9,10,1\n", named: "m.csv", in: directory)
        let data = try DataLoader.load(path, missing: .drop)
        #expect(data.features == Matrix([[3, 4], [5, 6], [9, 10]]))
        #expect(data.labels == [1, 0, 1])
        // The first row's NA does not make it a header.
        let first = writeFile("NA,2,0\n3,4,1\n5,6,0\n", named: "f.csv", in: directory)
        #expect(try DataLoader.load(first, missing: .drop).count == 2)
    }

    @Test func missingValuesTakeTheTrainingMean() throws {
        // Column a: training values decide the fill; every split is filled with the same mean.
        let rows = (0..<20).map { index in index == 7 || index == 15 ? "NA,\(index),\(index % 2)" : "\(index % 4),\(index),\(index % 2)" }
        var recipe = DataRecipe()
        recipe.path = writeFile("a,b,label\n" + rows.joined(separator: "\n") + "\n", named: "mean.csv", in: directory)
        recipe.missing = .mean
        recipe.scaling = ScalingMethod.none
        recipe.split = .fractions(train: 0.5, validation: 0.25, test: 0.25)
        let data = try recipe.prepare()
        func isFilled(_ part: Dataset, _ row: Int) -> Bool { [7, 15].contains(part.features[row, 1]) }
        let train = data.train
        let known = (0..<train.count).filter { !isFilled(train, $0) }.map { train.features[$0, 0] }
        let mean = known.reduce(0, +) / Float(known.count)
        let filled = [data.train, data.validation, data.test].flatMap { part in
            (0..<part.count).filter { isFilled(part, $0) }.map { part.features[$0, 0] }
        }
        #expect(filled.count == 2)
        #expect(filled.allSatisfy { abs($0 - mean) < 1e-5 }, "\(filled) \(mean)")
        var empty = recipe
        empty.path = writeFile("a,b,label\n" + (0..<20).map { "NA,\($0),\($0 % 2)" }.joined(separator: "\n") + "\n", named: "none.csv", in: directory)
        #expect(throws: DataError.self) { try empty.prepare() }
    }
}
