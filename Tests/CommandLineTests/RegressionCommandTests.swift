import Foundation
import Testing

/// Regression and small data through the command line: the shipped diabetes (442 rows, integer
/// targets) and wine (178 rows, three classes) files.
@Suite struct RegressionCommandTests {
    let folder = scratchDirectory()

    @Test func manyDistinctIntegerTargetsNeedTheTask() throws {
        let run = try runLRFind(["train", "--data", Fixtures.diabetes, "--model", "logreg", "--epochs", "1"])
        #expect(run.status == 2)
        #expect(run.error == "lrfind: error: \(Fixtures.diabetes): the labels are 214 distinct integers (more than 100): classes or a quantity to predict? name the task, classification or regression with --task (see 'lrfind --help')\n")
        let confusion = folder.appendingPathComponent("confusion.png").path
        for arguments in [["--loss", "huber:0"], ["--loss", "cross-entropy", "--task", "regression"], ["--task", "numbers"],
                          ["--task", "regression", "--confusion-plot", confusion]] {
            let usage = try runLRFind(["train", "--data", Fixtures.diabetes, "--model", "logreg"] + arguments)
            #expect(usage.status == 2, "\(arguments): \(usage.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: confusion))
        let bundled = try runLRFind(["train", "--task", "regression"])
        #expect(bundled.status == 2 && bundled.error.contains("--task regression: needs a CSV --data file"), "\(bundled.error)")
        let monitor = try runLRFind(["train", "--data", Fixtures.wine, "--model", "logreg", "--monitor", "val-r2", "--epochs", "1"])
        #expect(monitor.status == 2)
        #expect(monitor.error.contains("--monitor val-r2: has no value for \(Fixtures.wine), a classification task"), "\(monitor.error)")
        let huber = try runLRFind(["train", "--data", Fixtures.wine, "--model", "logreg", "--loss", "huber"])
        #expect(huber.status == 2 && huber.error.contains("lrfind: error: --loss huber:1: does not go with \(Fixtures.wine), a classification task"), "\(huber.error)")
    }

    @Test func regressionTrainsAndReportsInTheTargetsUnits() throws {
        let run = try runLRFind(["train", "--data", Fixtures.diabetes, "--task", "regression", "--model", "logreg", "--optimizer", "adam",
                                 "--lr", "0.01", "--epochs", "40", "--monitor", "val-r2", "--early-stop", "10", "--loss", "huber", "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("epoch  train loss  train acc  val loss  val r2   lr          momentum  time s"), "\(run.output)")
        let test = lines.first { $0.hasPrefix("test: ") } ?? ""
        // `test: loss L, RMSE R, MAE M, R-squared Q (88 samples)`, RMSE in the target's units (its deviation is about 77).
        let rmse = Double(test.components(separatedBy: "RMSE ").last?.prefix { $0 != "," } ?? "") ?? 0
        let r2 = Double(test.components(separatedBy: "R-squared ").last?.prefix { $0 != " " } ?? "") ?? 0
        #expect(rmse > 40 && rmse < 70 && r2 > 0.3 && r2 < 0.8 && test.hasSuffix("(88 samples)"), "\(test)")

        let json = try runLRFind(["train", "--data", Fixtures.diabetes, "--task", "regression", "--model", "logreg", "--epochs", "2", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let data = try #require(document["data"] as? [String: Any])
        #expect(data["task"] as? String == "regression")
        let standardization = try #require(data["targetStandardization"] as? [String: Double])
        #expect(abs(standardization["mean"]! - 150) < 10 && abs(standardization["deviation"]! - 77) < 8, "\(standardization)")
        let result = try #require(document["result"] as? [String: Any])
        let regression = try #require((result["test"] as? [String: Any])?["regression"] as? [String: Any])
        #expect(regression["rSquared"] is Double && regression["rootMeanSquaredError"] is Double && regression["meanAbsoluteError"] is Double)
    }

    @Test func aFractionalLabelIsRegressionWithANoteAndTheRangeTestRuns() throws {
        let rows = (0..<80).map { i in "\(Double(i % 9) / 3),\(i % 4),\(Double(i % 9) / 1.5 + Double(i % 4) + 0.5)" }
        let path = folder.appendingPathComponent("fraction.csv")
        try Data(("a,b,y\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: path)
        let plot = folder.appendingPathComponent("curve.svg").path
        let run = try runLRFind(["find", "--data", path.path, "--model", "logreg", "--plot", plot, "--quiet", "--then", "onecycle"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("lrfind: note: \(path.path): the labels are numbers, some with a fraction (line 2: '0.5'): a regression task"), "\(run.error)")
        #expect(run.output.contains("recommended (lrfind)"), "\(run.output)")
        #expect(run.output.contains("onecycle: final validation R-squared"), "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: plot))
    }

    @Test func smallDataGetsAHundredStepsAClampedBatchAndALongerHandOff() throws {
        let run = try runLRFind(["find", "--data", Fixtures.wine, "--no-plot", "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let first = run.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("range test: \(Fixtures.wine) (108 train, delimiter ','), model mlp, "), "\(first)")
        #expect(first.hasSuffix("batch 64; 100 steps, 50 epochs of 2 batches (the default: 5 epochs or 100 steps, whichever is more)"), "\(first)")
        #expect(run.output.contains("recommended (lrfind)"), "\(run.output)")

        let coarse = try runLRFind(["find", "--data", Fixtures.wine, "--no-plot", "--quiet", "--epochs", "5", "--batch-size", "500", "--model", "logreg"])
        #expect(coarse.status == 0, "\(coarse.error)")
        #expect(coarse.error.contains("lrfind: note: --batch-size 500 is larger than the 108 training samples: batches of 108"), "\(coarse.error)")
        #expect(coarse.error.contains("lrfind: note: the range test has 5 steps (fewer than 50): the curve will be coarse"), "\(coarse.error)")
        #expect(coarse.output.split(separator: "\n").first?.hasSuffix("batch 108") == true, "\(coarse.output)")

        let handOff = try runLRFind(["find", "--data", Fixtures.wine, "--no-plot", "--quiet", "--model", "logreg", "--then", "onecycle", "--json"])
        #expect(handOff.status == 0, "\(handOff.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(handOff.output.utf8)) as? [String: Any])
        let training = try #require((document["training"] as? [[String: Any]])?.first)
        // 2 batches per epoch: 150 epochs give the 300 updates of the default hand-off.
        #expect(((training["result"] as? [String: Any])?["epochs"] as? [Any])?.count == 150)
    }
}
