import Foundation
import Testing
@testable import LRFinder

/// The values of a CSV file's cells as lrfind keeps them (issue 23): labels, categories and column
/// names that are not UTF-8 refused rather than merged; regression targets of any scale
/// standardised, only constant ones refused; numeric category levels named as the file writes them.
@Suite struct ValueQuirkTests {
    let directory = temporaryDirectory()

    /// Writes `bytes` (which need not be UTF-8) to `name` in the test's directory; returns its path.
    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The error `body` throws, as text; nil when it throws none.
    func failure(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    /// `Z\xFCrich` and `Z\xE4rich`, Latin-1 for Zürich and Zärich.
    let zuerich: [UInt8] = [0x5A, 0xFC, 0x72, 0x69, 0x63, 0x68], zaerich: [UInt8] = [0x5A, 0xE4, 0x72, 0x69, 0x63, 0x68]
    let hint = "convert the file to UTF-8 (from Latin-1: iconv -f latin1 -t utf-8)"

    // MARK: Text that is not UTF-8

    @Test func firstInvalidByteFollowsUnicodesTableOfWellFormedSequences() {
        func first(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer { CSVTextCheck.firstInvalidByte(in: $0) } }
        // Well formed: ASCII, é (C3 A9), € (E2 82 AC), U+FFFD itself (EF BF BD), 😀 (F0 9F 98 80).
        #expect(first(Array("abc".utf8)) == nil && first([]) == nil)
        #expect(first([0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xEF, 0xBF, 0xBD, 0xF0, 0x9F, 0x98, 0x80]) == nil)
        // Latin-1 bytes; a continuation byte alone; a lead byte cut short or at the end.
        #expect(first(zuerich) == 1 && first(zaerich) == 1)
        #expect(first([0x61, 0x80]) == 1 && first([0x61, 0x62, 0xC3]) == 2 && first([0xE2, 0x82, 0x61]) == 0)
        // Overlong forms (C0 80, E0 80 80, F0 80 80 80), a surrogate (ED A0 80), past U+10FFFF (F4 90 80 80, F5).
        #expect(first([0xC0, 0x80]) == 0 && first([0xE0, 0x80, 0x80]) == 0 && first([0xF0, 0x80, 0x80, 0x80]) == 0)
        #expect(first([0x61, 0xED, 0xA0, 0x80]) == 1 && first([0xF4, 0x90, 0x80, 0x80]) == 0 && first([0xF5, 0x80, 0x80, 0x80]) == 0)
        #expect(zuerich.withUnsafeBufferPointer { CSVTextCheck.shown($0) } == "Z\\xFCrich")
        #expect([0xC3, 0xA9, 0xFF, 0x61, 0xE4].withUnsafeBufferPointer { CSVTextCheck.shown($0) } == "é\\xFFa\\xE4")
    }

    @Test func latin1LabelsAreRefusedNamingLineColumnAndByteRatherThanMergedIntoOneClass() throws {
        // Before: both labels were `Z\u{FFFD}rich`, one class ("only one class").
        let path = try write(Array("x,label\n1,".utf8) + zuerich + Array("\n2,".utf8) + zaerich + [0x0A], named: "labels.csv")
        #expect(failure { try DataLoader.load(path) }
                == "\(path):2:2: label is not valid UTF-8 text (byte 0xFC at offset 1 of the field); \(hint): 'Z\\xFCrich'")
        // Quoted, the offset counts the quote; under any task.
        let quoted = try write(Array("x,label\n1,\"a\"\n2,\"".utf8) + zaerich + Array("\"\n".utf8), named: "quoted.csv")
        #expect(failure { try DataLoader.load(quoted, task: .classification) }
                == "\(quoted):3:2: label is not valid UTF-8 text (byte 0xE4 at offset 2 of the field); \(hint): '\"Z\\xE4rich\"'")
        // The same names in UTF-8 are two classes.
        let utf8 = try write(Array("x,label\n1,Zürich\n2,Zärich\n3,Zürich\n".utf8), named: "utf8.csv")
        let data = try DataLoader.load(utf8)
        #expect(data.classNames == ["Zärich", "Zürich"] && data.labels == [1, 0, 1])
    }

    @Test func latin1CategoriesAndColumnNamesAreRefusedButNumbersAndIgnoredColumnsAreRead() throws {
        // A categorical cell: before, `Z\u{FFFD}rich` was one level of the column.
        let cities = try write(Array("x,city,label\n1,".utf8) + zaerich + Array(",0\n2,".utf8) + zuerich + Array(",1\n".utf8), named: "cities.csv")
        #expect(failure { try DataLoader.load(cities) }
                == "\(cities):2:2: category is not valid UTF-8 text (byte 0xE4 at offset 1 of the field); \(hint): 'Z\\xE4rich'")
        // A header name of a feature or of the label.
        let header = try write(Array("x,".utf8) + zuerich + Array(",label\n1,2,0\n3,4,1\n".utf8), named: "header.csv")
        #expect(failure { try DataLoader.load(header) }
                == "\(header):1:2: column name is not valid UTF-8 text (byte 0xFC at offset 1 of the field); \(hint): 'Z\\xFCrich'")
        // Numeric columns are not decoded, and a column left out is not read: a Latin-1 column
        // (and its name) with --ignore-columns loads.
        let ignored = try write(Array("x,".utf8) + zuerich + Array(",label\n1.5,".utf8) + zaerich + Array(",0\n2.5,".utf8) + zuerich
                                + Array(",1\n".utf8), named: "ignored.csv")
        let data = try DataLoader.load(ignored, ignoredColumns: [.index(1)])
        #expect(data.features == Matrix([[1.5], [2.5]]) && data.labels == [0, 1])
    }

    // MARK: Regression targets of any scale

    @Test func tinyTargetsAreStandardisedAndOnlyConstantOnesAreRefusedQuotingTheirValue() throws {
        // 1e-15, 1.5e-15, 2e-15: mean 1.5e-15, population deviation sqrt(0.5e-30 / 3) (as Floats).
        let values: [Float] = [1e-15, 1.5e-15, 2e-15]
        let fitted = try TargetStandardization(fittedOn: Matrix(rows: 3, columns: 1, storage: values), file: "t")
        let mean = values.reduce(0.0) { $0 + Double($1) } / 3
        let deviation = (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 3).squareRoot()
        #expect(abs(mean - 1.5e-15) < 1e-22 && abs(deviation - (0.5e-30 / 3).squareRoot()) < 1e-22)
        #expect(fitted.mean == mean && fitted.deviation == deviation)
        let z = fitted.standardized(Matrix(rows: 3, columns: 1, storage: values)).storage
        let root = Float(1.5).squareRoot()
        #expect(abs(z[0] + root) < 1e-5 && abs(z[1]) < 1e-5 && abs(z[2] - root) < 1e-5, "\(z)")
        // A spread of one Float step at 1e6 is a spread too.
        #expect((try? TargetStandardization(fittedOn: Matrix(rows: 2, columns: 1, storage: [1e6, 1e6 + 0.0625]), file: "t")) != nil)
        // Constant: the value as written, not the Double of the Float (0.10000000149011612).
        for (value, shown) in [(Float(0.1), "0.1"), (5, "5"), (1e-15, "1e-15"), (-2.5, "-2.5")] {
            #expect(failure { try TargetStandardization(fittedOn: Matrix(rows: 3, columns: 1, storage: [value, value, value]), file: "t") }
                    == "t: the training targets are all \(shown): nothing to regress")
        }
    }

    @Test func tinyFeaturesAreStandardisedAndConstantOnesKeepFactorOne() {
        // Column 0: 1e-15, 2e-15, 3e-15 (deviation sqrt(2/3) e-15); column 1: constant 0.1;
        // column 2: 1e6 and 1e6 + 0.125 steps (deviation sqrt(2/3) * 0.125), no cancellation.
        let train = Matrix([[1e-15, 0.1, 1e6], [2e-15, 0.1, 1e6 + 0.125], [3e-15, 0.1, 1e6 + 0.25]])
        let scaler = FeatureScaler(method: .standardize, fittedOn: train)
        let root = (2.0 / 3).squareRoot()
        #expect(abs(Double(scaler.factors[0]) * root * 1e-15 - 1) < 1e-6 && scaler.factors[1] == 1)
        #expect(abs(Double(scaler.factors[2]) * root * 0.125 - 1) < 1e-6, "\(scaler.factors)")
        var scaled = train
        scaler.apply(to: &scaled)
        let edge = Float(1.5).squareRoot()
        for (column, values) in [0: [-edge, 0, edge], 1: [0, 0, 0], 2: [-edge, 0, edge]] {
            #expect((0..<3).allSatisfy { abs(scaled[$0, column] - values[$0]) < 1e-5 }, "column \(column): \(scaled)")
        }
        // Under max, a largest value whose inverse overflows a Float keeps factor 1.
        #expect(FeatureScaler(method: .max, fittedOn: Matrix([[1e-39], [0]])).factors == [1])
    }

    // MARK: Numeric category levels

    @Test func numericLevelsAreNamedAsTheFileWritesThem() throws {
        #expect([Float(0.1), 0.2, 5, -3, 1e-15, 1e20, 2.5e-7].map(\.shortestText) == ["0.1", "0.2", "5", "-3", "1e-15", "1e+20", "2.5e-07"])
        let path = writeFile("x,rate,label\n1,0.1,0\n2,0.25,1\n3,0.10,0\n4,3,1\n5, 0.25 ,0\n6,1e-3,1\n", named: "rates.csv", in: directory)
        let data = try DataLoader.load(path, categorical: .columns([.name("rate")]))
        // `0.1` and `0.10` are one level, named `0.1` (before: 0.10000000149011612).
        #expect(data.columns?[1].levels == ["0.1", "0.25", "3", "0.001"])
        let encoding = try FeatureEncoding(fittingOn: data, scaling: .none, missing: .error, file: path)
        #expect(encoding.columns[1].levels == ["0.001", "0.1", "0.25", "3"])
        #expect(encoding.notes == ["one-hot encoded column 'rate' as 4 inputs: 0.001, 0.1, 0.25, 3 (a level not in the training split gives all zeros)"])
        // New data whose column is all numbers matches the levels by value.
        let new = writeFile("x,rate,label\n7,0.10,0\n8,3.0,1\n9,0.7,0\n", named: "new.csv", in: directory)
        #expect(try encoding.encoded(try DataLoader.load(new)).features == Matrix([[7, 0, 1, 0, 0], [8, 0, 0, 0, 1], [9, 0, 0, 0, 0]]))
        // Levels sort numbers as a CSV cell writes them: `0x1p3` is a text (Swift's Double reads it as 8).
        #expect(FeatureEncoding.sortedLevels(["b", "0x1p3", "10", "2"]) == ["2", "10", "0x1p3", "b"])
    }

    @Test func levelsSavedAsTheDoubleOfAFloatAreReadByTheirShortName() throws {
        // A model file written before saved `0.1` as 0.10000000149011612; texts stay as they are.
        let json = #"{"columns":[{"factor":1,"hasMissingLevel":false,"levels":["0.10000000149011612","0.30000001192092896","2","0.5","1e-50","0x1p3","a"],"name":"rate","offset":0,"position":1}],"scaling":"none"}"#
        let encoding = try JSONDecoder().decode(FeatureEncoding.self, from: Data(json.utf8))
        #expect(encoding.columns[0].levels == ["0.1", "0.3", "2", "0.5", "1e-50", "0x1p3", "a"])
        let written = String(decoding: try JSONEncoder().encode(encoding), as: UTF8.self)
        #expect(try JSONDecoder().decode(FeatureEncoding.self, from: Data(written.utf8)) == encoding)
    }
}
