import Foundation
import Testing
@testable import LRFinder

/// Issue 22, item 7: `predict` matches the columns of a wide file by name in time linear in the
/// columns (100,000 columns took 15.7 s against training's 1.3 s). The work is counted, not
/// timed (``ColumnLookupCount``: columns examined while matching), and the match is still by
/// name, whatever the order, refusing a missing column by its name in a message of bounded size.
@Suite struct WidePredictTests {
    /// Feature columns of the wide file.
    static let width = 2_000

    /// The wide file's text: an `id` column, `width` features `f0`, `f1`, ... (every 100th holds
    /// the categories `a`, `b`, `c`), and `label`; `order` gives the columns' order in the file
    /// (indices into that list), `dropping` leaves one out.
    static func wideText(order: [Int]? = nil, dropping dropped: String? = nil) -> String {
        let names = ["id"] + (0..<width).map { "f\($0)" } + ["label"]
        let rows = (0..<30).map { (row: Int) -> [String] in
            let features = (0..<width).map { (column: Int) -> String in
                column % 100 == 0 ? ["a", "b", "c"][(row + column / 100) % 3] : String((row * 7 + column * 3) % 11)
            }
            return [String(row)] + features + [String(row % 2)]
        }
        let columns = (order ?? Array(names.indices)).filter { names[$0] != dropped }
        return ([columns.map { names[$0] }] + rows.map { row in columns.map { row[$0] } })
            .map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A seeded shuffle of `0..<count`.
    static func shuffled(_ count: Int) -> [Int] {
        var generator = RandomSource(seed: 22)
        return Array(0..<count).shuffled(using: &generator)
    }

    @Test func aWideShuffledFileIsMatchedByNameInLinearWork() throws {
        let directory = temporaryDirectory()
        let training = writeFile(Self.wideText(), named: "wide.csv", in: directory)
        var recipe = DataRecipe()
        recipe.path = training
        recipe.labelColumn = .name("label")
        recipe.ignoredColumns = [.name("id")]
        let (_, _, predictor) = try PredictorTests.saved(recipe, spec: "dense:2,relu")
        #expect(predictor.preprocessing.encoding.categoricalColumns.count == Self.width / 100)
        let inOrder = try predictor.read(training)

        let shuffled = writeFile(Self.wideText(order: Self.shuffled(Self.width + 2)), named: "shuffled.csv", in: directory)
        let count = ColumnLookupCount()
        let read = try ColumnLookupCount.$current.withValue(count) { try predictor.read(shuffled) }
        // The same encoded rows and labels: every column found by its name.
        #expect(read.features == inOrder.features)
        #expect(read.labels == inOrder.labels)
        // A few passes over the columns (an index of the header for predict, one for the parser's
        // named columns, the feature positions, the level check), not one per column looked up.
        let columns = Self.width + 2
        #expect(count.value > 0 && count.value <= 10 * columns, "\(count.value) columns examined for \(columns) columns")
    }

    @Test func aMissingColumnOfAWideFileIsNamed() throws {
        let directory = temporaryDirectory()
        var recipe = DataRecipe()
        recipe.path = writeFile(Self.wideText(), named: "wide.csv", in: directory)
        recipe.labelColumn = .name("label")
        recipe.ignoredColumns = [.name("id")]
        let (_, _, predictor) = try PredictorTests.saved(recipe, spec: "dense:2,relu")
        let path = writeFile(Self.wideText(order: Self.shuffled(Self.width + 2), dropping: "f1234"), named: "missing.csv", in: directory)
        #expect {
            _ = try predictor.read(path)
        } throws: { error in
            // The message lists the first 20 of the model's 2,000 inputs, not all of them.
            let inputs = (0..<20).map { "f\($0)" }.joined(separator: ", ") + ", ... (2000 in all)"
            return error as? DataError == DataError(file: path, line: 1, message: "no column 'f1234' in the header (the model's inputs: \(inputs))")
        }
    }
}
