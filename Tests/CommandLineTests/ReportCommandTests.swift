import Foundation
import Testing

/// The classification report of `lrfind train`: the table's figures against the record's
/// confusion matrix, recomputed here by hand.
@Suite struct ReportCommandTests {
    /// A CSV of `classes` labels (`labels[c]`), `perClass` rows each, two noisy features that
    /// separate them partly; a fixed pattern, so the file is the same every time.
    static func writeCSV(labels: [Int], perClass: Int, in directory: URL) throws -> String {
        var text = "a,b,label\n"
        for (c, label) in labels.enumerated() {
            for i in 0..<perClass {
                let jitter = Double((i * 7 + c * 3) % 11) / 11 - 0.5
                text += "\(Double(c) + 1.5 * jitter),\(Double(c % 3) - jitter),\(label)\n"
            }
        }
        let url = directory.appendingPathComponent("classes.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func testReport(ofRecord path: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let test = (json["result"] as! [String: Any])["test"] as! [String: Any]
        return test["report"] as! [String: Any]
    }

    @Test func tableGivesPerClassScoresAndTheLabelledMatrix() throws {
        let directory = scratchDirectory()
        let data = try Self.writeCSV(labels: [5, 7, 9], perClass: 40, in: directory)
        let record = directory.appendingPathComponent("run.json").path
        let run = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "3", "--lr", "0.05", "--record", record])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let report = try Self.testReport(ofRecord: record)
        let matrix = report["confusionMatrix"] as! [String: Any]
        #expect(matrix["classCount"] as? Int == 3)
        let counts = (matrix["counts"] as! [Int])
        let rows = (0..<3).map { Array(counts[$0 * 3..<$0 * 3 + 3]) }

        // The matrix as printed, labelled with the file's labels.
        let start = try #require(lines.firstIndex(of: "confusion matrix (rows true class, columns predicted):"))
        #expect(lines[start + 1].split(separator: " ") == ["true\\pred", "5", "7", "9"])
        for (c, name) in ["5", "7", "9"].enumerated() {
            let cells = lines[start + 2 + c].split(separator: " ").map(String.init)
            #expect(cells == [name] + rows[c].map(String.init))
        }

        // Per class, from the matrix: precision TP / column sum, recall TP / row sum, F1 2TP / (both).
        let total = counts.reduce(0, +)
        var recalls: [Double] = [], f1s: [Double] = []
        for (c, name) in ["5", "7", "9"].enumerated() {
            let tp = rows[c][c], support = rows[c].reduce(0, +), predicted = rows.map { $0[c] }.reduce(0, +)
            let precision = predicted == 0 ? 0 : Double(tp) / Double(predicted)
            let recall = support == 0 ? 0 : Double(tp) / Double(support)
            let f1 = support + predicted == 0 ? 0 : Double(2 * tp) / Double(support + predicted)
            recalls.append(recall)
            f1s.append(f1)
            let expected = [name, String(format: "%.4f", precision), String(format: "%.4f", recall), String(format: "%.4f", f1), String(support)]
            #expect(lines.contains { $0.split(separator: " ").map(String.init) == expected }, "\(expected) in\n\(run.output)")
        }
        let accuracy = Double((0..<3).map { rows[$0][$0] }.reduce(0, +)) / Double(total)
        let balanced = recalls.reduce(0, +) / 3, macro = f1s.reduce(0, +) / 3
        let testLine = try #require(lines.first { $0.hasPrefix("test: ") })
        #expect(testLine.contains(String(format: "accuracy %.4f, balanced accuracy %.4f, macro F1 %.4f (%d samples)", accuracy, balanced, macro, total)),
                "\(testLine)")
        #expect(abs((report["balancedAccuracy"] as! Double) - balanced) < 1e-12)
        #expect(abs((report["macroF1"] as! Double) - macro) < 1e-12)
        #expect(report["precision"] is [Double] && report["recall"] is [Double] && report["f1"] is [Double])
        #expect(report["support"] as? [Int] == rows.map { $0.reduce(0, +) })
    }

    @Test func manyClassesKeepTheMatrixOutOfTheTableButInTheJSON() throws {
        let directory = scratchDirectory()
        let data = try Self.writeCSV(labels: Array(0..<21), perClass: 10, in: directory)
        let run = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "1", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        let test = (json["result"] as! [String: Any])["test"] as! [String: Any]
        let matrix = (test["report"] as! [String: Any])["confusionMatrix"] as! [String: Any]
        #expect((matrix["counts"] as! [Int]).count == 21 * 21)

        let table = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "1"])
        #expect(table.status == 0, "\(table.error)")
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("confusion matrix: 21 classes, more than 20, not printed (--json and --record have it)"))
        #expect(!lines.contains { $0.hasPrefix("true\\pred") })
        // The per-class table is still there, one row per class.
        let header = try #require(lines.firstIndex { $0.hasPrefix("class ") })
        #expect(lines[header + 1].hasPrefix("0 ") && lines[header + 21].hasPrefix("20 "))
    }
}

extension ReportCommandTests {
    @Test func confusionPlotIsDrawnAndCheckedBeforeWork() throws {
        let directory = scratchDirectory()
        let data = try Self.writeCSV(labels: [5, 7, 9], perClass: 40, in: directory)
        let plot = directory.appendingPathComponent("confusion.png").path
        let run = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "1", "--confusion-plot", plot])
        #expect(run.status == 0, "\(run.error)")
        let png = try Data(contentsOf: URL(fileURLWithPath: plot))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let svg = directory.appendingPathComponent("confusion.svg").path
        let then = try runLRFind(["find", "--data", data, "--model", "logreg", "--steps", "30", "--no-plot", "--then", "onecycle",
                                  "--train-epochs", "1", "--confusion-plot", svg])
        #expect(then.status == 0, "\(then.error)")
        // The run's summary has the test report's averages beside accuracy.
        let summary = try #require(then.output.split(separator: "\n").first { $0.hasPrefix("onecycle: final validation accuracy") })
        #expect(summary.range(of: #"test accuracy \d\.\d{4}, balanced accuracy \d\.\d{4}, macro F1 \d\.\d{4}, "#, options: .regularExpression) != nil,
                "\(summary)")
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: svg)), as: UTF8.self).contains("<svg"))

        for (arguments, message) in [
            (["train", "--confusion-plot", "nodir/c.png"], "lrfind: error: --confusion-plot: no such folder 'nodir' for 'nodir/c.png'"),
            (["train", "--confusion-plot", "c.jpg"], "lrfind: error: --confusion-plot: unknown image format '.jpg' in 'c.jpg'; use .png, .svg or .pdf"),
            (["train", "--plot", "a.png", "--confusion-plot", "./a.png"], "lrfind: error: --confusion-plot: './a.png' is the same file as --plot 'a.png'"),
            (["find", "--no-plot", "--confusion-plot", "c.png"], "lrfind: error: --confusion-plot goes with --then"),
        ] {
            let refused = try runLRFind(arguments, in: directory)
            #expect(refused.status == 2, "\(arguments)")
            #expect(refused.error.hasPrefix(message), "\(arguments): \(refused.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("c.png").path))
    }
}

extension ReportCommandTests {
    @Test func monitorTakesBalancedAccuracyAndMacroF1() throws {
        let directory = scratchDirectory()
        let data = try Self.writeCSV(labels: [5, 7, 9], perClass: 40, in: directory)
        for metric in ["val-balanced-accuracy", "val-macro-f1"] {
            let run = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "3", "--early-stop", "1", "--monitor", metric,
                                     "--schedule", "plateau:mode=max,patience=0", "--json"])
            #expect(run.status == 0, "\(run.error)")
            let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
            let training = ((json["recipe"] as! [String: Any])["training"] as! [String: Any])
            #expect(training["monitor"] as? String == metric)
            #expect((training["earlyStopping"] as! [String: Any])["metric"] as? String == metric)
        }
        let refused = try runLRFind(["train", "--monitor", "val-f1"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("val-balanced-accuracy") && refused.error.contains("val-macro-f1"), "\(refused.error)")
    }
}
