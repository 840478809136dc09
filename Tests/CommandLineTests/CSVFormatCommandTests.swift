import Foundation
import Testing

/// The CSV files people have, through the command line: iris with string labels by name,
/// semicolons and quotes, label and ignored columns that do not exist.
@Suite struct CSVFormatCommandTests {
    let folder = scratchDirectory()

    /// Writes `text` to `name` in the scratch folder; its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func irisTrainsOnItsSpeciesNames() throws {
        let run = try runLRFind(["train", "--data", Fixtures.iris, "--label-column", "species", "--epochs", "30", "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let first = run.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("data \(Fixtures.iris) (90 train / 30 validation / 30 test, scaling standardize, delimiter ',', labels setosa, versicolor, virginica as classes 0-2)"), "\(first)")
        let test = run.output.split(separator: "\n").first { $0.hasPrefix("test: ") }.map(String.init) ?? ""
        // `test: loss L, accuracy A, balanced accuracy B, ...`: the first accuracy.
        let parts = test.components(separatedBy: ", accuracy ")
        let accuracy = parts.count > 1 ? Double(parts[1].prefix { $0 != "," && $0 != " " }) ?? 0 : 0
        #expect(accuracy > 0.85, "\(test)")
    }

    @Test func penguinsWithCategoriesAndMissingCellsTrainAndFind() throws {
        let missing = try runLRFind(["train", "--data", Fixtures.penguins, "--label-column", "species", "--epochs", "1"])
        #expect(missing.status == 1)
        #expect(missing.error.hasPrefix("lrfind: error: \(Fixtures.penguins):5:3: missing value"), "\(missing.error)")
        let run = try runLRFind(["train", "--data", Fixtures.penguins, "--label-column", "species", "--missing", "mean", "--epochs", "15",
                                 "--quiet", "--json"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("one-hot encoded column 'island' as 3 inputs: Biscoe, Dream, Torgersen"), "\(run.error)")
        #expect(run.error.contains("one-hot encoded column 'sex' as 3 inputs: female, male, (missing)"), "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        #expect((json["data"] as? [String: Any])?["classNames"] as? [String] == ["Adelie", "Chinstrap", "Gentoo"])
        // The three species separate well on these measurements: well above chance (0.44).
        let test = (json["result"] as? [String: Any])?["test"] as? [String: Any]
        #expect(((test?["accuracy"] as? Double) ?? 0) > 0.9, "\(String(describing: test))")
        let find = try runLRFind(["find", "--data", Fixtures.penguins, "--label-column", "species", "--missing", "drop",
                                  "--categorical", "island,sex", "--steps", "60", "--no-plot", "--quiet"])
        #expect(find.status == 0, "\(find.error)")
        #expect(find.output.hasPrefix("range test: \(Fixtures.penguins) (201 train, delimiter ','), model"), "\(find.output)")
        #expect(find.error.contains("'sex' as 2 inputs: female, male "), "\(find.error)")
    }

    @Test func aSemicolonFileWithQuotesAndAnIdColumnTrainsAndFinds() throws {
        let rows = (0..<60).map { index in
            let label = ["\"No\"", "Yes"][index % 2]
            return "\(index);\"r\(index);\nnote\";\(Double(index % 2) + Double(index % 5) / 10);\(index % 3);\(label)"
        }
        let path = try file("semi.csv", "id;\"comment\";x;y;answer\n" + rows.joined(separator: "\n") + "\n")
        let run = try runLRFind(["train", "--data", path, "--ignore-columns", "id,2", "--label-column", "answer",
                                 "--model", "logreg", "--epochs", "1", "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix("data \(path) (36 train / 12 validation / 12 test, scaling standardize, delimiter ';', labels No, Yes as classes 0-1)"),
                "\(run.output)")
        let find = try runLRFind(["find", "--data", path, "--ignore-columns", "id,comment", "--label-column", "5", "--model", "logreg",
                                  "--steps", "20", "--no-plot", "--quiet"])
        #expect(find.status == 0, "\(find.error)")
        #expect(find.output.hasPrefix("range test: \(path) (36 train, delimiter ';'), model"), "\(find.output)")
    }

    @Test func unknownColumnsAndBadValuesAreErrors() throws {
        let path = try file("named.csv", "a,b,label\n1,2,x\n3,\"4\n\",y\n5,6,x\n")
        let unknown = try runLRFind(["train", "--data", path, "--label-column", "species"])
        #expect(unknown.status == 1)
        #expect(unknown.error == "lrfind: error: \(path):1: no label column 'species' in the header; its columns: a, b, label\n")
        let ignored = try runLRFind(["train", "--data", path, "--ignore-columns", "c"])
        #expect(ignored.status == 1)
        #expect(ignored.error == "lrfind: error: \(path):1: no ignored column 'c' in the header; its columns: a, b, label\n")
        let afterQuotes = try runLRFind(["train", "--data", path])
        #expect(afterQuotes.status == 1)
        #expect(afterQuotes.error == "lrfind: error: \(path):3:2: not a number in numeric column 'b' (2 of its 3 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: '4\\u{a}'\n")
        for arguments in [["--label-column", "0"], ["--ignore-columns", "a,,b"], ["--delimiter", "pipe"],
                          ["--label-column", "label", "--header", "absent"]] {
            let usage = try runLRFind(["train", "--data", path] + arguments)
            #expect(usage.status == 2, "\(arguments): \(usage.error)")
        }
    }

    @Test func missingValuesAreNamedThenDroppedOrFilled() throws {
        let rows = (0..<60).map { index in "\(index % 7 == 3 ? "NA" : String(Double(index % 2) + Double(index % 5) / 10)),\(index % 3),\(index % 2)" }
        let path = try file("missing.csv", "x,y,label\n" + rows.joined(separator: "\n") + "\n")
        let refused = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1"])
        #expect(refused.status == 1)
        #expect(refused.error == "lrfind: error: \(path):5:1: missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean): 'NA'\n")
        let dropped = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1", "--missing", "drop", "--quiet"])
        #expect(dropped.status == 0, "\(dropped.error)")
        #expect(dropped.output.hasPrefix("data \(path) (31 train / 10 validation / 10 test"), "\(dropped.output)")
        let filled = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1", "--missing", "mean", "--quiet"])
        #expect(filled.status == 0, "\(filled.error)")
        #expect(filled.output.hasPrefix("data \(path) (36 train / 12 validation / 12 test"), "\(filled.output)")
        #expect(!filled.output.contains("nan"))
    }
}
