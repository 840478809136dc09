import Foundation
import Testing

/// Issue 23 through the command line: a header that names a column twice is refused (it trained
/// on the first column twice), pandas' index column is ignored with a note and `predict` reads
/// the file the same way, a quote closed before more text and `--missing drop` that leaves no row
/// are named. Data errors exit 1 in one line.
@Suite struct HeaderCommandTests {
    let folder = scratchDirectory()

    /// Writes `text` to `name` in the scratch folder.
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    /// A value in [0, 1) that follows neither the row nor the label.
    static func noise(_ row: Int, _ salt: Int) -> Double { Double((row * 7919 + salt * 104_729) % 97) / 97 }

    /// The test accuracy of a `train --json` run's output.
    static func testAccuracy(_ output: String) throws -> Double? {
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return ((json?["result"] as? [String: Any])?["test"] as? [String: Any])?["accuracy"] as? Double
    }

    /// `train --json` on `file` with a logistic regression that fits a separable column.
    static func training(_ file: String) -> [String] {
        ["train", "--data", file, "--model", "logreg", "--epochs", "50", "--lr", "0.1", "--batch-size", "16", "--quiet", "--json"]
    }

    @Test func aHeaderNamingAColumnTwiceIsRefusedNotTrainedOnTheFirst() throws {
        // Column 1 is noise, column 2 separates the labels.
        let rows = (0..<100).map { row in
            String(format: "%.3f,%.3f,%d", Self.noise(row, 1), (row % 2 == 0 ? -1 : 1) + 0.1 * Self.noise(row, 2), row % 2)
        }.joined(separator: "\n") + "\n"
        try write("twice.csv", "a,a,label\n" + rows)
        try write("named.csv", "a,b,label\n" + rows)
        // Named apart, column 2 predicts every test label.
        let named = try runLRFind(Self.training("named.csv"), in: folder)
        #expect(named.status == 0, "\(named.error)")
        #expect(try Self.testAccuracy(named.output) == 1)
        for command in [Self.training("twice.csv"), ["find", "--data", "twice.csv", "--steps", "20", "--no-plot", "--quiet"]] {
            let run = try runLRFind(command, in: folder)
            #expect(run.status == 1 && run.output.isEmpty)
            #expect(run.error == "lrfind: error: twice.csv:1: column 'a' appears twice in the header (columns 1 and 2)\n")
        }
        try write("labels.csv", "x,label,label\n" + (0..<20).map { "\($0),\($0 % 2),\(1 - $0 % 2)" }.joined(separator: "\n") + "\n")
        let label = try runLRFind(["train", "--data", "labels.csv", "--label-column", "label", "--quiet"], in: folder)
        #expect(label.status == 1 && label.error == "lrfind: error: labels.csv:1: column 'label' appears twice in the header (columns 2 and 3)\n")
        try write("blank.csv", "x,,column 2,label\n" + (0..<20).map { "\($0),1,2,\($0 % 2)" }.joined(separator: "\n") + "\n")
        let blank = try runLRFind(["train", "--data", "blank.csv", "--quiet"], in: folder)
        #expect(blank.status == 1)
        #expect(blank.error == "lrfind: error: blank.csv:1: column 'column 2' appears twice in the header (columns 2 and 3; a blank header cell is named by its position)\n")
        // predict reads a file's header as training does.
        #expect(try runLRFind(Self.training("named.csv") + ["--save", "m.safetensors"], in: folder).status == 0)
        let extra = rows.split(separator: "\n").map { line in
            var fields = line.split(separator: ",")
            fields.insert("0", at: 2)
            return fields.joined(separator: ",")
        }
        try write("extra.csv", "a,b,b,label\n" + extra.joined(separator: "\n") + "\n")
        let predict = try runLRFind(["predict", "m.safetensors", "--data", "extra.csv"], in: folder)
        #expect(predict.status == 1 && predict.output.isEmpty)
        #expect(predict.error == "lrfind: error: extra.csv:1: column 'b' appears twice in the header (columns 2 and 3)\n")
    }

    @Test func aPandasIndexOnSortedDataIsIgnoredAndPredictReadsTheFileAlike() throws {
        // df.to_csv(path) of a frame sorted by label: the index alone separates the classes.
        let rows = (0..<100).map { row in String(format: "%d,%.3f,%.3f,%d", row, Self.noise(row, 1), Self.noise(row, 2), row < 50 ? 0 : 1) }
        try write("sorted.csv", ",x1,x2,label\n" + rows.joined(separator: "\n") + "\n")
        let run = try runLRFind(Self.training("sorted.csv") + ["--save", "m.safetensors"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error == "lrfind: note: sorted.csv: column 1 (blank header, values 0..99) looks like a pandas index and is ignored; --keep-index-column to use it\n")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        #expect((json?["data"] as? [String: Any])?["shape"] as? String == "2")
        // Without it, the noise left predicts little (0.45 here); with it, nearly every label (0.95).
        #expect(try Self.testAccuracy(run.output) ?? 1 < 0.7)
        let predict = try runLRFind(["predict", "m.safetensors", "--data", "sorted.csv", "--output", "p.csv"], in: folder)
        #expect(predict.status == 0, "\(predict.error)")
        #expect(predict.output.hasPrefix("predicted 100 rows of sorted.csv with m.safetensors into p.csv\n"), "\(predict.output)")
        // Kept on request: the leak, and a model whose inputs include it.
        let kept = try runLRFind(Self.training("sorted.csv") + ["--keep-index-column", "--save", "k.safetensors"], in: folder)
        #expect(kept.status == 0 && kept.error.isEmpty, "\(kept.error)")
        let keptJSON = try JSONSerialization.jsonObject(with: Data(kept.output.utf8)) as? [String: Any]
        #expect((keptJSON?["data"] as? [String: Any])?["shape"] as? String == "3")
        #expect(((keptJSON?["recipe"] as? [String: Any])?["data"] as? [String: Any])?["keepsIndexColumn"] as? Bool == true)
        #expect(try Self.testAccuracy(kept.output) ?? 0 >= 0.9)
        let keptPredict = try runLRFind(["predict", "k.safetensors", "--data", "sorted.csv", "--output", "k.csv"], in: folder)
        #expect(keptPredict.status == 0, "\(keptPredict.error)")
        #expect(keptPredict.output.hasPrefix("predicted 100 rows of sorted.csv with k.safetensors into k.csv\n"))
    }

    @Test func textAfterAClosingQuoteIsNamed() throws {
        try write("quote.csv", "a,b,label\n1,2,0\n1,\"x\"y,0\n")
        let run = try runLRFind(["train", "--data", "quote.csv", "--quiet"], in: folder)
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: quote.csv:3:2: text after a closing quote: '\"x\"y'\n")
    }

    @Test func droppingEveryRowSaysHowMany() throws {
        try write("drop.csv", "a,b,label\n" + (0..<50).map { "\($0),NA,\($0 % 2)" }.joined(separator: "\n") + "\n")
        let run = try runLRFind(["train", "--data", "drop.csv", "--missing", "drop", "--quiet"], in: folder)
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: drop.csv:2:2: all 50 data rows have a missing value, so --missing drop left none; the first: 'NA'\n")
    }
}
