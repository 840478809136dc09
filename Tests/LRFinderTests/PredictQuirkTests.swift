import Foundation
import Testing
@testable import LRFinder

/// Issue 23, items 6 to 9, in the library: `Predictor` finds columns by name whatever their order
/// and delimiter (the label by its saved name, extra columns left out with a note); a level the
/// model was not trained on is all zeros with a note (predicting on the training file itself
/// works); text quoted from model metadata is cut; control characters are escaped
/// (``DisplayText``) in messages, notes and the predictions' CSV.
@Suite struct PredictQuirkTests {
    /// The iris file's lines.
    static let irisLines = try! String(contentsOfFile: Fixtures.iris, encoding: .utf8).split(separator: "\n").map(String.init)

    /// The iris file with its columns in `order` (indices of the training columns; 5 is a new
    /// `note` column of `x`), joined by `delimiter`.
    static func iris(order: [Int], delimiter: String = ",") -> String {
        irisLines.enumerated().map { line, text in
            let fields = text.split(separator: ",").map(String.init) + [line == 0 ? "note" : "x"]
            return order.map { fields[$0] }.joined(separator: delimiter)
        }.joined(separator: "\n") + "\n"
    }

    /// A model saved from iris with the default label column (the last), and its predictor.
    static func irisPredictor() throws -> Predictor {
        var recipe = DataRecipe()
        recipe.path = Fixtures.iris
        return try PredictorTests.saved(recipe).2
    }

    // MARK: Item 7: columns by name

    @Test func theLabelsNameIsSavedFromTheHeader() throws {
        let predictor = try Self.irisPredictor()
        #expect(predictor.preprocessing.labelColumn == .last)
        #expect(predictor.preprocessing.labelName == "species")
    }

    @Test func reorderedExtraAndTabSeparatedFilesAreReadByName() throws {
        let predictor = try Self.irisPredictor()
        let directory = temporaryDirectory()
        let inOrder = try predictor.read(Fixtures.iris)
        #expect(inOrder.labels?.count == 150 && inOrder.notes.isEmpty)
        // The label first, a column of another name last, tabs: the same rows and labels.
        let files = [("reordered.csv", Self.iris(order: [4, 0, 1, 2, 3])), ("extra.csv", Self.iris(order: [0, 1, 2, 3, 4, 5])),
                     ("tabs.tsv", Self.iris(order: [3, 4, 2, 0, 1], delimiter: "\t"))]
        for (name, text) in files {
            let path = writeFile(text, named: name, in: directory)
            let read = try predictor.read(path)
            #expect(read.features == inOrder.features, "\(name)")
            #expect(read.labels == inOrder.labels, "\(name)")
            #expect(read.notes == (name == "extra.csv" ? ["\(path): left out 1 column the model was not trained on: note"] : []))
        }
        // Without the label: no evaluation, as before.
        let unlabelled = try predictor.read(writeFile(Self.iris(order: [1, 0, 3, 2]), named: "features.csv", in: directory))
        #expect(unlabelled.labels == nil && unlabelled.features == inOrder.features)
    }

    @Test func aHeaderWithoutTheModelsColumnsSaysWhichDelimiterItWasReadWith() throws {
        let predictor = try Self.irisPredictor()
        let text = Self.iris(order: [0, 1, 2, 3, 4], delimiter: "\t").replacingOccurrences(of: "sepal_length", with: "sl")
        let path = writeFile(text, named: "renamed.tsv", in: temporaryDirectory())
        #expect(throws: DataError(file: path, line: 1, message: "no column 'sepal_length' in the header (the model's inputs: sepal_length, sepal_width, petal_length, petal_width); the model was trained on comma-separated data and this file looks tab-separated")) {
            try predictor.read(path)
        }
    }

    @Test func textInANumericColumnNamesTheColumnNotAnOptionPredictLacks() throws {
        let predictor = try Self.irisPredictor()
        let text = Self.iris(order: [4, 0, 1, 2, 3]).replacingOccurrences(of: "setosa,5.1,3.5,1.4,0.2\n", with: "setosa,5.1,3.5,1.4,abc\n")
        let path = writeFile(text, named: "text.csv", in: temporaryDirectory())
        #expect {
            try predictor.read(path)
        } throws: { error in
            "\(error)" == "\(path):2:5: not a number in column 'petal_width', which was numeric in training: 'abc'"
        }
    }

    @Test func aFileOfOneClassIsEvaluated() throws {
        let predictor = try Self.irisPredictor()
        let path = writeFile(Self.irisLines.prefix(11).joined(separator: "\n") + "\n", named: "setosa.csv", in: temporaryDirectory())
        let read = try predictor.read(path)
        #expect(read.labels == [Int32](repeating: 0, count: 10))
    }

    // MARK: Item 8: levels the model was not trained on

    @Test func aLevelTheModelWasNotTrainedOnIsAllZerosWithANote() throws {
        var recipe = DataRecipe()
        recipe.path = Fixtures.penguins
        recipe.labelColumn = .name("species")
        recipe.missing = .mean
        let predictor = try PredictorTests.saved(recipe).2
        #expect(predictor.preprocessing.encoding.columns[0].levels == ["Biscoe", "Dream", "Torgersen"])
        var lines = try String(contentsOfFile: Fixtures.penguins, encoding: .utf8).split(separator: "\n").map(String.init)
        // The first two Adelie of Dream (lines 2 and more: data rows 1 less) on an island of their own.
        let edited = Array(lines.indices.filter { lines[$0].hasPrefix("Adelie,Dream,") }.prefix(2))
        for line in edited { lines[line] = lines[line].replacingOccurrences(of: "Adelie,Dream,", with: "Adelie,Atlantis,") }
        let path = writeFile(lines.joined(separator: "\n") + "\n", named: "atlantis.csv", in: temporaryDirectory())
        let read = try predictor.read(path)
        #expect(read.notes == ["\(path): column 'island' has a level the model was not trained on, encoded as all zeros: 'Atlantis' (2 rows)"])
        // The island's three inputs: zeros in the edited rows, one 1 in every other.
        for row in 0..<read.features.rows {
            #expect(read.features.row(row)[0..<3].reduce(0, +) == (edited.contains(row + 1) ? 0 : 1), "row \(row)")
        }
    }

    @Test func predictingOnTheTrainingFileWorksWhenALevelWasOnlyInTheTestSplit() throws {
        // 40 rows of the categories a and b, one row of `rare`.
        let rows = (0..<40).map { "\($0 % 7),\($0 % 2 == 0 ? "a" : "b"),\($0 % 2)" } + ["3,rare,1"]
        let path = writeFile((["x,c,label"] + rows).joined(separator: "\n") + "\n", named: "rare.csv", in: temporaryDirectory())
        var recipe = DataRecipe()
        recipe.path = path
        // A split seed that leaves `rare` out of the training split.
        let seed = try #require((0..<40).first { seed in
            recipe.splitSeed = UInt64(seed)
            return (try? recipe.prepare())?.encoding?.columns[1].levels == ["a", "b"]
        })
        recipe.splitSeed = UInt64(seed)
        let predictor = try PredictorTests.saved(recipe).2
        let read = try predictor.read(path)
        #expect(read.labels?.count == 41)
        #expect(read.notes == ["\(path): column 'c' has a level the model was not trained on, encoded as all zeros: 'rare' (1 row)"])
    }

    // MARK: Item 9: metadata text cut

    @Test func aHugeModelSpecInMetadataIsCut() throws {
        let spec = "dense:" + String(repeating: "9", count: 10_000_000)
        let metadata = ["lrfind_version": "0.10.0", "model": spec, "outputs": "3", "input_shape": "[4,1,1]",
                        "task": "classification", "class_names": "[\"a\",\"b\",\"c\"]"]
        #expect {
            _ = try SavedModel.Description(metadata: metadata, file: "m.st")
        } throws: { error in
            let text = "\(error)"
            return text.count < 500 && text.hasPrefix("m.st: metadata 'model': item 'dense:999") && (error as? DataError)?.text?.count == 61
        }
        var names = metadata
        names["model"] = "logreg"
        names["class_names"] = "[" + String(repeating: "\"x\",", count: 5_000_000)
        #expect {
            _ = try SavedModel.Description(metadata: names, file: "m.st")
        } throws: { error in
            (error as? DataError)?.text?.count == 61 && "\(error)" == "m.st: metadata 'class_names' cannot be read: '[\(String(repeating: "\"x\",", count: 14))\"x\"...'"
        }
    }

    @Test func aHugeTensorNameOrKeyIsCut() throws {
        let name = String(repeating: "n", count: 1_000_000)
        for header in ["{\"\(name)\":{\"dtype\":\"F99\",\"shape\":[],\"data_offsets\":[0,0]}}", "{\"__metadata__\":{\"\(name)\":1}}"] {
            var bytes = Array(header.utf8)
            bytes += [UInt8](repeating: 0x20, count: (8 - bytes.count % 8) % 8)
            let length = withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init)
            #expect {
                _ = try SafeTensorsFile(bytes: length + bytes, file: "m.st")
            } throws: { error in
                "\(error)".count < 250 && "\(error)".contains("'\(String(repeating: "n", count: 60))...'")
            }
        }
    }

    @Test func hugeLevelsAndLabelsAreCutInNotesAndErrors() throws {
        let huge = String(repeating: "h", count: 100_000)
        // A level of 100,000 characters in training; new data with another one, and a label that is none of the classes.
        let rows = (0..<40).map { "\($0 % 7),\(["a", huge][$0 % 2]),\($0 % 2)" }
        let directory = temporaryDirectory()
        var recipe = DataRecipe()
        recipe.path = writeFile((["x,c,label"] + rows).joined(separator: "\n") + "\n", named: "train.csv", in: directory)
        recipe.split = .fractions(train: 0.8, validation: 0.1, test: 0.1)
        let predictor = try PredictorTests.saved(recipe).2
        let newLevel = writeFile("x,c,label\n1,\(huge)z,1\n2,a,0\n", named: "level.csv", in: directory)
        let read = try predictor.read(newLevel)
        #expect(read.notes == ["\(newLevel): column 'c' has a level the model was not trained on, encoded as all zeros: '\(String(repeating: "h", count: 60))...' (1 row)"])
        let newLabel = writeFile("x,c,label\n1,a,\(huge)\n", named: "label.csv", in: directory)
        #expect {
            try predictor.read(newLabel)
        } throws: { error in
            "\(error)" == "\(newLabel): label '\(String(repeating: "h", count: 60))...' is not one of the model's classes (0, 1)"
        }
    }

    // MARK: Item 6: control characters escaped

    @Test func controlCharactersAreEscapedAndLongTextsCut() {
        #expect(DisplayText.escaped("a\u{1B}[31mb\u{0}\u{7F}\u{85}\té\n") == "a\\u{1b}[31mb\\u{0}\\u{7f}\\u{85}\\u{9}é\\u{a}")
        #expect(DisplayText.escaped("plain é ü") == "plain é ü")
        let sixty = String(repeating: "x", count: 60)
        #expect(DisplayText.shown(sixty) == sixty)
        #expect(DisplayText.shown(sixty + "y") == sixty + "...")
        #expect(DisplayText.shown("\u{1B}" + sixty) == "\\u{1b}" + String(repeating: "x", count: 59) + "...")
        #expect(DisplayText.listed(["a", "b\u{7}"]) == "a, b\\u{7}")
        #expect(DisplayText.listed((1...25).map(String.init)) == (1...20).map(String.init).joined(separator: ", ") + ", ... (25 in all)")
        // A data error escapes its message (which quotes names) as its text.
        #expect(DataError(file: "f", line: 2, message: "label 'a\u{1B}[2J' is odd", text: "\u{9B}x").description == "f:2: label 'a\\u{1b}[2J' is odd: '\\u{9b}x'")
    }

    @Test func thePredictionsCSVEscapesAndQuotesClassNames() {
        let predictions = Predictions(classNames: ["a\u{1B}[2J", "x,\"y\"", "new\nline"],
                                      outputs: Matrix(rows: 2, columns: 3, storage: [0, 0, 0, 0, 9, 0]), evaluation: nil)
        let lines = predictions.csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(lines[0] == "class,p(a\\u{1b}[2J),\"p(x,\"\"y\"\")\",p(new\\u{a}line)")
        #expect(lines[1] == "a\\u{1b}[2J,0.333333,0.333333,0.333333")
        #expect(lines[2] == "\"x,\"\"y\"\"\",0.000123379,0.999753,0.000123379")
    }
}
