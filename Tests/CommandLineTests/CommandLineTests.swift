import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func trainsOnDigitsAndPrintsJSON() throws {
        let directory = scratchDirectory()
        // Run from an unrelated folder: the bundled data must still be found.
        let run = try runLRFind(["train", "--data", Fixtures.digits, "--model", "dense:32,relu", "--epochs", "3", "--lr", "0.003", "--json"], in: directory)
        #expect(run.status == 0, "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        let result = json["result"] as! [String: Any]
        let epochs = result["epochs"] as! [[String: Any]]
        #expect(epochs.count == 3)
        #expect((epochs[2]["validationAccuracy"] as! Double) > 0.85)
        #expect((json["data"] as! [String: Any])["scaling"] as? String == "standardize")
        #expect(((result["test"] as! [String: Any])["accuracy"] as! Double) > 0.85)
        #expect(run.error.isEmpty, "no progress bar when stderr is not a terminal: \(run.error)")
    }

    @Test func defaultDataFromAnyFolder() throws {
        let run = try runLRFind(["train", "--epochs", "1", "--model", "logreg", "--split", "600,200,200"], in: scratchDirectory())
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("data mnist5k (600 train / 200 validation / 200 test, scaling max)"))
        #expect(run.output.contains("test: loss"))
    }

    @Test(arguments: [
        (["train", "--model", "dense:abc"], "lrfind: error: --model: model spec 'dense:abc': item 'dense:abc': units must be a positive integer, e.g. dense:128, got 'abc'"),
        (["train", "--optimizer", "adagrad"], "lrfind: error: The value 'adagrad' is invalid for '--optimizer <optimizer>'"),
        (["train", "--epochs", "0"], "lrfind: error: --epochs must be >= 1, got 0"),
        (["train", "--optimizer", "sgd", "--momentum", "2"], "lrfind: error: momentum must be in [0, 1), got 2.0"),
        (["train", "--momentum", "0.9"], "lrfind: error: momentum does not apply to adamw"),
        (["train", "--split", "1,2"], "lrfind: error: --split: expected three sizes"),
        (["train", "--clip", "norm:-1"], "lrfind: error: --clip must be value:C or norm:C with C > 0, got 'norm:-1'"),
        (["train", "--no-such-option"], "lrfind: error: Unknown option '--no-such-option'"),
        (["train", "--threads", "0"], "lrfind: error: --threads must be >= 1, got 0"),
    ])
    func usageErrorsExitWithTwo(arguments: [String], message: String) throws {
        let run = try runLRFind(arguments)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix(message), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1, "one line: \(run.error)")
        #expect(run.output.isEmpty)
    }

    @Test func dataErrorsExitWithOne() throws {
        let directory = scratchDirectory()
        let bad = directory.appendingPathComponent("bad.csv")
        try "1,2,0\n3,oops,1\n".write(to: bad, atomically: true, encoding: .utf8)
        let run = try runLRFind(["train", "--data", bad.path])
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: \(bad.path):2:2: not a number in numeric column 'column 2' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'oops'\n")
        let missing = try runLRFind(["train", "--data", directory.appendingPathComponent("none.csv").path])
        #expect(missing.status == 1)
        #expect(missing.error == "lrfind: error: \(directory.appendingPathComponent("none.csv").path): no such file\n")
    }

    @Test func helpForEveryCommand() throws {
        for command in [[], ["train"], ["bench"]] {
            let run = try runLRFind(command + ["--help"])
            #expect(run.status == 0)
            #expect(run.output.contains("USAGE"))
        }
    }

    @Test func verboseNamesKernelsAndThreads() throws {
        let run = try runLRFind(["train", "--epochs", "1", "--model", "logreg", "--split", "300,100,100", "--threads", "2", "--verbose"])
        #expect(run.status == 0)
        #expect(run.error.contains("BLAS: OpenBLAS, kernels "))
        #expect(run.error.contains("2 thread(s)"))
    }

    @Test func benchReportsJSON() throws {
        let run = try runLRFind(["bench", "--model", "logreg", "--batch-sizes", "32", "--threads", "1", "--repeats", "1", "--steps", "5", "--warmup", "1", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        let results = json["results"] as! [[String: Any]]
        #expect(results.count == 1 && (results[0]["samplesPerSecond"] as! Double) > 0)
        #expect(!(json["blasKernels"] as! String).isEmpty)
    }

    @Test func benchLoadOnlyReportsTheLoad() throws {
        let folder = scratchDirectory()
        let path = folder.appendingPathComponent("d.csv").path
        let rows = (0..<50).map { "\($0 % 7),\($0 % 5),\($0 * 3),\($0 % 2)" }
        try ("a,b,c,label\n" + rows.joined(separator: "\n")).write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runLRFind(["bench", "--data", path, "--load-only", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        #expect(json["stage"] as? String == "load" && json["rows"] as? Int == 50 && json["columns"] as? Int == 3)
        #expect((json["peakResidentBytes"] as! Int) > 1_000_000 && (json["seconds"] as! Double) > 0)
        let prepared = try runLRFind(["bench", "--data", path, "--load-only", "--prepare", "--split", "30,10,5"])
        #expect(prepared.status == 0, "\(prepared.error)")
        #expect(prepared.output.hasPrefix("prepare \(path): 45 rows, 3 feature columns, "), "\(prepared.output)")
        let misused = try runLRFind(["bench", "--prepare"])
        #expect(misused.status == 2 && misused.error.hasPrefix("lrfind: error: --prepare goes with --load-only"), "\(misused.error)")
    }
}

/// `lrfind schedule`: its CSV against the golden sequence, its plot, and its errors.
@Suite struct ScheduleCommandTests {
    @Test func csvFollowsTheGoldenConvention() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-schedule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("s.csv").path, png = folder.appendingPathComponent("s.png").path
        let result = try runLRFind(["schedule", "step:size=10,gamma=0.5", "--epochs", "3", "--steps-per-epoch", "2", "--lr", "0.1",
                                    "--csv", csv, "--plot", png])
        #expect(result.status == 0, "\(result.error)")
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(text == "step,lr\n0,0.1\n1,0.1\n2,0.1\n3,0.1\n4,0.1\n5,0.1\n")
        #expect(FileManager.default.fileExists(atPath: png))
        let cyclic = try runLRFind(["schedule", "cyclic:base=0.001,max=0.1,step-up=2", "--epochs", "1", "--steps-per-epoch", "5", "--json"])
        #expect(cyclic.output.contains("\"momentum\" : 0.85"))
    }

    @Test func badSpecIsAUsageError() throws {
        let result = try runLRFind(["schedule", "cyclic:base=0.1,max=0.01"])
        #expect(result.status == 2)
        #expect(result.error == "lrfind: error: cyclic: base must be below max, got base=0.1, max=0.01 (see 'lrfind --help')\n")
        let plateau = try runLRFind(["schedule", "plateau:patience=2", "--epochs", "5"])
        #expect(plateau.status == 2 && plateau.error.contains("give --metrics FILE"))
    }
}

/// `lrfind` (find) and `lrfind analyze` end to end.
@Suite struct FindCommandTests {
    @Test func theDocumentedCommandLineRunsOnASmallFixture() throws {
        // `lrfind --min 1e-4 --max 1 --epochs 5`, on digits instead of the bundled mnist5k.
        let folder = scratchDirectory()
        let result = try runLRFind(["--min", "1e-4", "--max", "1", "--epochs", "5", "--data", Fixtures.digits, "--model", "dense:64,relu",
                                    "--csv", "curve.csv"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("recommended (lrfind)"))
        #expect(result.output.contains("plot: lrfind-range-test.png"))
        let png = try Data(contentsOf: folder.appendingPathComponent("lrfind-range-test.png"))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // 1,079 training rows in batches of 64: 17 per epoch, 85 steps; the first at --min exactly.
        let rows = try String(contentsOf: folder.appendingPathComponent("curve.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "step,lr,loss,smoothed_loss,lag_free_loss")
        #expect(rows[1].hasPrefix("0,0.0001,"))
        // The loss diverges near the top of the range: the run stops at step 83 of 85 (a row for
        // steps 0-82), each at its rate on the exponential from --min to --max.
        #expect(result.output.contains("run 1 (seed 0): stopped: diverged at step 83, lr 0.8031"), "\(result.output)")
        #expect(rows.count == 84, "\(rows.count - 1) steps: \(rows.last ?? "")")
        let last = try #require(rows.last?.split(separator: ",").map { Double($0) })
        #expect(last.count == 5 && last[0] == 82)
        let rate = try #require(last[1])
        #expect(abs(rate - pow(10, -4 + 4 * 82 / 84.0)) <= 1e-12 * rate, "\(rate)")
        // Without the stop, all 85 steps run and the last is at --max exactly.
        let full = try runLRFind(["--min", "1e-4", "--max", "1", "--epochs", "5", "--data", Fixtures.digits, "--model", "logreg",
                                  "--no-stop", "--no-plot", "--quiet", "--csv", "full.csv"], in: folder)
        #expect(full.status == 0, "\(full.error)")
        let fullRows = try String(contentsOf: folder.appendingPathComponent("full.csv"), encoding: .utf8).split(separator: "\n")
        #expect(fullRows.count == 86)
        #expect(fullRows.last?.hasPrefix("84,1.0,") == true, "\(fullRows.last ?? "")")
    }

    @Test func jsonCarriesTheCurveSuggestionsAndBounds() throws {
        let result = try runLRFind(["--min", "1e-5", "--max", "10", "--steps", "60", "--data", Fixtures.digits, "--no-plot", "--json", "--runs", "2"])
        #expect(result.status == 0, "\(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let curve = json["curve"] as! [String: Any]
        let steps = curve["steps"] as! [[String: Any]]
        #expect((steps.first!["learningRate"] as! Double) == 1e-5)
        #expect(curve["plannedSteps"] as? Int == 60)
        #expect((curve["settings"] as? [String: Any])?["minimumLearningRate"] as? Double == 1e-5)
        #expect((json["runs"] as! [Any]).count == 2)
        let analysis = json["analysis"] as! [String: Any]
        #expect((analysis["suggestions"] as! [Any]).count == 5)
        // The digits' curve falls, then diverges: bounds, no reason. Its lag-free minimum (about
        // 0.018) lies within a decade of the divergence (about 0.058), so max is a tenth of the
        // divergence rate, base where the loss starts to fall (within max/10 to max/4), and a
        // CLR half cycle of 4 epochs of 17 batches.
        #expect(analysis["noRecommendationReason"] == nil, "\(analysis["noRecommendationReason"] ?? "")")
        let bounds = try #require(analysis["bounds"] as? [String: Any])
        let points = try #require(analysis["points"] as? [String: Any])
        let divergence = try #require((points["divergence"] as? [String: Any])?["learningRate"] as? Double)
        let fallStart = try #require((points["fallStart"] as? [String: Any])?["learningRate"] as? Double)
        let maximum = try #require(bounds["maximumLearningRate"] as? Double)
        let base = try #require(bounds["baseLearningRate"] as? Double)
        #expect(maximum > 0.003 && maximum < 0.01, "max \(maximum)")
        #expect(abs(maximum - divergence / 10) <= 1e-12 * maximum, "max \(maximum), divergence \(divergence)")
        #expect(base == fallStart && base >= maximum / 10 && base <= maximum / 4, "base \(base), max \(maximum)")
        // One-cycle's peak: 1.25 x max (here a tenth of the blow-up), under the blow-up / 5.
        let peak = try #require(bounds["oneCycleMaximumLearningRate"] as? Double)
        #expect(abs(peak - 1.25 * maximum) <= 1e-12 * peak && peak < divergence / 5, "peak \(peak), max \(maximum)")
        #expect(bounds["stepSize"] as? Int == 68 && json["batchesPerEpoch"] as? Int == 17)
        let minimum = try #require((points["minimum"] as? [String: Any])?["learningRate"] as? Double)
        #expect(minimum > maximum && minimum < divergence)
        #expect(bounds["notes"] as? [String]
                == [String(format: "the minimum (%.3g) lies within a decade of the blow-up (%.3g); max kept a decade below it", minimum, divergence)])
        #expect(json["ensemble"] != nil)
    }

    @Test func thenTrainsWithTheRecommendedSchedule() throws {
        let result = try runLRFind(["--min", "1e-4", "--max", "1", "--epochs", "3", "--data", Fixtures.digits, "--no-plot",
                                    "--then", "onecycle", "--train-epochs", "3", "--baseline"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("training with onecycle:max="))
        #expect(result.output.contains("training with a constant rate "))
        #expect(result.output.contains("onecycle: final validation accuracy"))
    }

    @Test func analyzeGivesTheGoldenSuggestionsOfARecordedCurve() throws {
        let folder = scratchDirectory()
        let file = Fixtures.goldenCurves.appendingPathComponent("tlf_mlp_adamw.csv").path
        let result = try runLRFind(["analyze", file, "--num-it", "100", "--plot", folder.appendingPathComponent("a.pdf").path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let suggestions = ((json["analysis"] as! [String: Any])["suggestions"] as! [[String: Any]])
        let picks = Dictionary(uniqueKeysWithValues: suggestions.map { ($0["rule"] as! String, ($0["suggestion"] as! [String: Any])["index"] as! Int) })
        // suggestions_detail.json: valley 46, slide 57, minimum 75, steep 59, torch-lr-finder 57.
        #expect(picks == ["valley": 46, "slide": 57, "minimum": 75, "steep": 59, "torch-lr-finder": 57])
        let pdf = try Data(contentsOf: folder.appendingPathComponent("a.pdf"))
        #expect(pdf.prefix(5) == Data("%PDF-".utf8))
    }

    @Test(arguments: [
        (["--min", "0"], 2, "lrfind: error: --min must be a positive number, got 0.0"),
        (["--min", "1", "--max", "0.1"], 2, "lrfind: error: --max must be above the first rate (1.0), got 0.1"),
        (["--plot", "x.gif"], 2, "lrfind: error: --plot: unknown image format '.gif' in 'x.gif'; use .png, .svg or .pdf"),
        (["--then", "sgdr"], 2, "lrfind: error: The value 'sgdr' is invalid for '--then <then>'"),
        (["analyze", "/nonexistent.csv"], 1, "lrfind: error: /nonexistent.csv: no such file"),
    ])
    func badInputIsOneLine(arguments: [String], status: Int32, start: String) throws {
        let result = try runLRFind(arguments + ["--no-plot"])
        #expect(result.status == status)
        #expect(result.error.hasPrefix(start), "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test func analyzeNamesTheBadLine() throws {
        let folder = scratchDirectory()
        let file = folder.appendingPathComponent("c.csv")
        try "lr,loss\n0.001,2.3\n0.01,abc\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try runLRFind(["analyze", file.path, "--no-plot"])
        #expect(result.status == 1)
        #expect(result.error == "lrfind: error: \(file.path):3:2: not a number: 'abc'\n")
    }
}

@Suite struct TrainPlotTests {
    @Test func trainingCurvesArePlotted() throws {
        let folder = scratchDirectory()
        let result = try runLRFind(["train", "--data", Fixtures.digits, "--model", "logreg", "--epochs", "2",
                                    "--schedule", "step:size=1,gamma=0.5", "--lr", "0.01", "--plot", "curves.svg"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        let svg = try String(contentsOf: folder.appendingPathComponent("curves.svg"), encoding: .utf8)
        #expect(svg.contains("<svg"))
        // The table's lr column: epoch 2 runs at half the rate.
        let lines = result.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("epoch ") }, "\(result.output)")
        let lr = try #require(lines[header].range(of: " lr "))
        let column = lines[header].distance(from: lines[header].startIndex, to: lr.lowerBound) + 1
        let rates = lines[(header + 1)...].prefix { $0.first?.isNumber == true }.map { Double($0.dropFirst(column).prefix { $0 != " " }) }
        #expect(rates == [0.01, 0.005], "\(result.output)")
    }
}
