import Foundation
import Testing
@testable import LRFinder

/// Categorical feature columns: which columns are categories, their levels, the one-hot inputs
/// against hand-written rows, missing cells, unseen levels, and the errors.
@Suite struct CategoricalTests {
    let directory = temporaryDirectory()

    /// The error `body` throws, as text; nil when it throws none.
    func failure(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    @Test func textColumnsAreCategoriesWithSortedLevelsAndExactOneHotRows() throws {
        let path = writeFile("size,day,colour,label\n1,Tue,red,0\n2,Mon,blue,1\n3,Tue,3,0\n4,Wed,blue,1\n", named: "days.csv", in: directory)
        let data = try DataLoader.load(path)
        let columns = try #require(data.columns)
        #expect(columns.map(\.name) == ["size", "day", "colour"])
        #expect(columns.map(\.isCategorical) == [false, true, true])
        // Levels in order of first appearance; the number 3 is a level named by its value.
        #expect(columns[1].levels == ["Tue", "Mon", "Wed"])
        #expect(columns[2].levels == ["red", "blue", "3"])
        #expect(data.features == Matrix([[1, 0, 0], [2, 1, 1], [3, 0, 2], [4, 2, 1]]))

        let encoding = try FeatureEncoding(fittingOn: data, scaling: .standardize, missing: .error, file: path)
        // Sorted: numbers by value first, then texts by their bytes.
        #expect(encoding.columns[1].levels == ["Mon", "Tue", "Wed"])
        #expect(encoding.columns[2].levels == ["3", "blue", "red"])
        #expect(encoding.inputNames == ["size", "day=Mon", "day=Tue", "day=Wed", "colour=3", "colour=blue", "colour=red"])
        let encoded = try encoding.encoded(data)
        // size 1...4: mean 2.5, population deviation sqrt(1.25); one-hot inputs are not scaled.
        let d = Float(1.25).squareRoot()
        let expected: [[Float]] = [[-1.5 / d, 0, 1, 0, 0, 0, 1], [-0.5 / d, 1, 0, 0, 0, 1, 0],
                                   [0.5 / d, 0, 1, 0, 1, 0, 0], [1.5 / d, 0, 0, 1, 0, 1, 0]]
        for (row, values) in expected.enumerated() {
            for (column, value) in values.enumerated() {
                #expect(abs(encoded.features[row, column] - value) < 1e-6, "row \(row) input \(column)")
            }
        }
        #expect(encoded.shape == .vector(7))
        #expect(encoding.notes.first == "one-hot encoded column 'day' as 3 inputs: Mon, Tue, Wed (a level not in the training split gives all zeros)")
    }

    @Test func aLevelSeenOnlyOutsideTrainingGivesZerosAndColumnsAreFoundByName() throws {
        let train = writeFile("x,kind,label\n1,a,0\n2,b,1\n3,a,0\n", named: "train.csv", in: directory)
        let encoding = try FeatureEncoding(fittingOn: try DataLoader.load(train), scaling: .none, missing: .error, file: train)
        // New data: columns in another order, a level `c` never seen in training.
        let new = writeFile("kind,x,label\nc,5,0\nb,6,1\n", named: "new.csv", in: directory)
        let encoded = try encoding.encoded(try DataLoader.load(new))
        #expect(encoded.features == Matrix([[5, 0, 0], [6, 0, 1]]))
        // A categorical column whose cells all are numbers in new data is matched by value.
        let numeric = try FeatureEncoding(fittingOn: try DataLoader.load(writeFile("x,k,label\n1,a,0\n2,7,1\n3,a,1\n", named: "m.csv", in: directory)),
                                          scaling: .none, missing: .error, file: "m.csv")
        #expect(try numeric.encoded(try DataLoader.load(writeFile("x,k,label\n4,7.0,0\n5,7,1\n", named: "m2.csv", in: directory))).features
                == Matrix([[4, 1, 0], [5, 1, 0]]))
        let absent = writeFile("x,label\n1,0\n2,1\n", named: "absent.csv", in: directory)
        #expect(failure { try encoding.encoded(try DataLoader.load(absent)) }?.contains("no column 'kind'") == true)
        let extra = writeFile("x,kind,more,label\n1,a,3,0\n2,b,4,1\n", named: "extra.csv", in: directory)
        #expect(failure { try encoding.encoded(try DataLoader.load(extra)) }?.contains("column 'more' is not one the model was trained on") == true)
        let text = writeFile("x,kind,label\nq,a,0\nr,b,1\n", named: "text.csv", in: directory)
        #expect(failure { try encoding.encoded(try DataLoader.load(text)) }?.contains("column 'x' holds text here but was numeric in training") == true)
    }

    @Test func missingCellsDropTheirRowsOrFillTheMeanAndAMissingLevel() throws {
        let text = "x,kind,label\n1,a,0\nNA,b,1\n3,NA,0\n5,b,1\n7,a,0\n"
        let path = writeFile(text, named: "missing.csv", in: directory)
        #expect(failure { try DataLoader.load(path) }?.contains("missing.csv:3:1: missing value") == true)
        // drop: rows 2 and 3 go, and with them the text of their categorical cells.
        let dropped = try DataLoader.load(path, missing: .drop)
        #expect(dropped.labels == [0, 1, 0])
        #expect(dropped.columns?[1].levels == ["a", "b"])
        #expect(dropped.features == Matrix([[1, 0], [5, 1], [7, 0]]))
        // mean: x's missing cell takes the mean of 1, 3, 5, 7; kind gets a missing level.
        let filled = try DataLoader.load(path, missing: .mean)
        let encoding = try FeatureEncoding(fittingOn: filled, scaling: .none, missing: .mean, file: path)
        #expect(encoding.columns[0].fill == 4)
        #expect(encoding.columns[1].hasMissingLevel)
        #expect(encoding.inputNames == ["x", "kind=a", "kind=b", "kind=(missing)"])
        #expect(try encoding.encoded(filled).features == Matrix([[1, 1, 0, 0], [4, 0, 1, 0], [3, 0, 0, 1], [5, 0, 1, 0], [7, 1, 0, 0]]))
    }

    @Test func aStrayTokenInANumericColumnIsAnErrorNamingItsCell() throws {
        for token in ["-", "#N/A", "inf"] {
            let path = writeFile("a,b,label\n1,2,0\n3,\(token),1\n5,6,0\n7,8,1\n", named: "stray.csv", in: directory)
            let message = failure { try DataLoader.load(path) }
            #expect(message == "\(path):3:2: not a number in numeric column 'b' (3 of its 4 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: '\(token)'",
                    "\(message ?? "no error")")
        }
        // An out-of-range number is not a category.
        let huge = writeFile("a,b,label\nx,1e39,0\ny,2,1\n", named: "huge.csv", in: directory)
        #expect(failure { try DataLoader.load(huge) }?.contains(":2:2: value out of range for a 32-bit float: '1e39'") == true)
    }

    @Test func noneRefusesTextAndDeclaredColumnsAreCategoriesEvenWhenNumeric() throws {
        let path = writeFile("year,kind,label\n2007,a,0\n2008,b,1\n2007,b,0\n2009,a,1\n", named: "years.csv", in: directory)
        #expect(failure { try DataLoader.load(path, categorical: .none) }
                == "\(path):2:2: not a number (to one-hot encode the column as categories, name it in --categorical): 'a'")
        let data = try DataLoader.load(path, categorical: .columns([.name("year"), .index(1)]))
        #expect(data.columns?[0].levels == ["2007", "2008", "2009"])
        #expect(data.columns?[1].levels == ["a", "b"])
        // Only the declared ones: kind is text but not declared.
        #expect(failure { try DataLoader.load(path, categorical: .columns([.name("year")])) }?.contains(":2:2: not a number (to one-hot") == true)
        #expect(failure { try DataLoader.load(path, categorical: .columns([.name("label")])) }?.contains("is the label column") == true)
        #expect(failure { try DataLoader.load(path, categorical: .columns([.name("colour")])) }?.contains("no categorical column 'colour'") == true)
    }

    @Test func moreThanAHundredLevelsIsAnErrorSuggestingIgnoreColumns() throws {
        let rows = (0..<101).map { "\($0),id\($0),\($0 % 2)" }.joined(separator: "\n")
        let path = writeFile("x,name,label\n" + rows + "\n", named: "ids.csv", in: directory)
        #expect(failure { try DataLoader.load(path) }
                == "\(path): column 'name' has 101 categories, more than 100 (an identifier or free text?); leave it out with --ignore-columns 'name'")
        #expect(try DataLoader.load(path, ignoredColumns: [.name("name")]).featureCount == 1)
    }

    @Test func categoricalColumnsParseFromTheCommandLine() {
        #expect(CategoricalColumns(parsing: "auto") == .auto)
        #expect(CategoricalColumns(parsing: "none") == CategoricalColumns.none)
        #expect(CategoricalColumns(parsing: "island,3") == .columns([.name("island"), .index(2)]))
        #expect(CategoricalColumns(parsing: "") == nil)
        #expect(CategoricalColumns(parsing: "a,,b") == nil)
        #expect(CategoricalColumns(parsing: "0") == nil)
    }

    @Test func aPreparedSplitEncodesEveryPartWithTheTrainingLevels() throws {
        let rows = (0..<40).map { "\($0 % 7),\(["x", "y", "z"][$0 % 3]),\($0 % 2)" }.joined(separator: "\n")
        var recipe = DataRecipe()
        recipe.path = writeFile("n,c,label\n" + rows + "\n", named: "split.csv", in: directory)
        let prepared = try recipe.prepare()
        let encoding = try #require(prepared.encoding)
        #expect(encoding.inputNames == ["n", "c=x", "c=y", "c=z"])
        for part in DataPart.allCases {
            let split = prepared[part]
            #expect(split.featureCount == 4)
            // Each row has exactly one level of c.
            for row in 0..<split.count { #expect((1...3).map { split.features[row, $0] }.reduce(0, +) == 1) }
        }
    }
}

/// A model's saved preprocessing applied to other data instead of a fresh fit (`--init-from`).
@Suite struct ReusedPreprocessingTests {
    @Test func aSavedEncodingIsAppliedNotRefitted() throws {
        var first = DataRecipe()
        first.path = Fixtures.penguins
        first.labelColumn = .name("species")
        first.missing = .mean
        let trained = try first.prepare()
        let saved = try #require(SavedPreprocessing(recipe: first, data: trained))
        // Another split: a fresh fit has other means; the reused one keeps the first split's.
        var second = first
        second.splitSeed = 7
        let fresh = try second.prepare()
        let reused = try second.prepare(reusing: saved)
        #expect(reused.encoding == trained.encoding)
        #expect(fresh.encoding != trained.encoding)
        let column = try #require(trained.encoding?.columns[1])
        #expect(column.name == "bill_length_mm")
        // The same rows as the fresh preparation, scaled with the first split's statistics.
        let freshColumn = try #require(fresh.encoding?.columns[1])
        for row in 0..<5 {
            let raw = fresh.train.features[row, 3] / freshColumn.factor + freshColumn.offset
            #expect(abs(reused.train.features[row, 3] - (raw - column.offset) * column.factor) < 1e-4)
        }
    }
}
