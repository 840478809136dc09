import Foundation
import Testing

/// Data and curve files as other tools write them, pipes, and what lrfind says about them.
@Suite struct DataInputCommandTests {
    let folder = scratchDirectory()

    /// Writes `text` to `name` in the scratch folder; its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A small separable data set: `rows` rows of two features and a label from `labels`.
    static func rows(_ count: Int, labels: [Int], end: String = "\n") -> String {
        (0..<count).map { index in
            let label = labels[index % labels.count]
            return "\(Double(label) + Double(index % 5) / 10),\(index % 3),\(label)"
        }.joined(separator: end) + end
    }

    /// An exponential sweep of `count` rates with a dip and a blow-up, `loss(i)` overriding points.
    static func curve(_ count: Int, end: String = "\n", loss: (Int) -> String? = { _ in nil }) -> String {
        "lr,loss" + end + (0..<count).map { index in
            let rate = 1e-4 * pow(10, 4 * Double(index) / Double(count - 1))
            let value = 2.3 - 1.5 * exp(-pow((Double(index) - 0.6 * Double(count)) / 20, 2)) + (index > count * 9 / 10 ? Double(index - count * 9 / 10) : 0)
            return "\(rate),\(loss(index) ?? String(value))"
        }.joined(separator: end) + end
    }

    @Test func crlfCurvesAndDataWithAHeaderWork() throws {
        let curve = try file("crlf-curve.csv", Self.curve(100, end: "\r\n"))
        let analyzed = try runLRFind(["analyze", curve, "--no-plot"])
        #expect(analyzed.status == 0, "\(analyzed.error)")
        #expect(analyzed.output.contains("rates 0.0001 to 1 over 100 steps") && analyzed.output.contains("recommended (lrfind)"))
        let data = try file("crlf.csv", "a,b,label\r\n" + Self.rows(60, labels: [0, 1], end: "\r\n"))
        let trained = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "1"])
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.hasPrefix("data \(data) (36 train / 12 validation / 12 test, scaling standardize, delimiter ','), model logreg"))
    }

    @Test func aByteOrderMarkAndOldMacLineEndsKeepEveryRow() throws {
        let bom = try file("bom.csv", "\u{FEFF}" + Self.rows(300, labels: [0, 1]))
        let run = try runLRFind(["train", "--data", bom, "--model", "logreg", "--epochs", "1", "--split", "200,50,50"])
        #expect(run.status == 0, "\(run.error)")
        let mac = try file("mac.csv", Self.rows(300, labels: [0, 1], end: "\r"))
        let macRun = try runLRFind(["train", "--data", mac, "--model", "logreg", "--epochs", "1", "--split", "200,50,50"])
        #expect(macRun.status == 0, "\(macRun.error)")
        let macCurve = try file("mac-curve.csv", Self.curve(60, end: "\r"))
        #expect(try runLRFind(["analyze", macCurve, "--no-plot"]).output.contains("over 60 steps"))
    }

    @Test func pandasColumnNamesAreAHeader() throws {
        let data = try file("pandas.csv", "0,1,2\n" + Self.rows(100, labels: [0, 1]))
        let run = try runLRFind(["train", "--data", data, "--model", "logreg", "--epochs", "1"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("(60 train / 20 validation / 20 test"))
    }

    @Test(arguments: [
        ("big.csv", "1,2,0\n3,1e400,1\n", ":2:2: value out of range for a 32-bit float: '1e400'"),
        ("label.csv", "1,2,0\n3,4,1e12\n", ":2:3: label is out of range for a class label (at most 2147483647 in magnitude): '1e12'"),
    ])
    func dataValuesThatDoNotFit(name: String, text: String, message: String) throws {
        let path = try file(name, text)
        let run = try runLRFind(["train", "--data", path])
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: \(path)\(message)\n")
    }

    @Test func binaryFilesAreNamedNotEchoed() throws {
        let binary = folder.appendingPathComponent("program.csv")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFE, 0x0A, 0x6C, 0x72]).write(to: binary)
        for arguments in [["analyze", binary.path, "--no-plot"], ["train", "--data", binary.path]] {
            let run = try runLRFind(arguments)
            #expect(run.status == 1)
            #expect(run.error == "lrfind: error: \(binary.path): not a text CSV file (binary data)\n")
        }
        // A gzip file is inflated first: a compressed curve is read, compressed binary is named.
        let gzip = folder.appendingPathComponent("program.csv.gz")
        let zipped = Process()
        zipped.executableURL = URL(fileURLWithPath: "/bin/sh")
        zipped.arguments = ["-c", "gzip -c '\(binary.path)' > '\(gzip.path)' && gzip -c '\(try file("c.csv", Self.curve(50)))' > '\(folder.path)/c.csv.gz'"]
        try zipped.run()
        zipped.waitUntilExit()
        #expect(try runLRFind(["analyze", gzip.path, "--no-plot"]).error == "lrfind: error: \(gzip.path): not a text CSV file (binary data)\n")
        #expect(try runLRFind(["analyze", folder.path + "/c.csv.gz", "--no-plot"]).status == 0)
    }

    @Test func analyzeDropsIsolatedNaNsAndStopsAtATrailingRun() throws {
        // One NaN every seven points: 86 of 100 finite, enough for an analysis.
        let sparse = try file("nan7.csv", Self.curve(100) { $0 % 7 == 3 ? "nan" : nil })
        let run = try runLRFind(["analyze", sparse, "--no-plot"])
        #expect(run.status == 0, "\(run.error)")
        // The synthetic curve has no batch noise: the smoothed-input note follows (issue 24).
        #expect(run.error.hasPrefix("lrfind: note: \(sparse): dropped 14 isolated non-finite loss(es), at line(s) 5, 12, 19, 26, 33, 40, 47, 54, 61, 68 and 4 more\n"))
        #expect(run.error.contains("the loss looks already smoothed"), "\(run.error)")
        #expect(run.output.contains("over 86 steps") && run.output.contains("recommended (lrfind)"))
        let json = try runLRFind(["analyze", sparse, "--no-plot", "--json"])
        #expect(json.status == 0, "\(json.error)")
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
        #expect((document["steps"] as! [Any]).count == 86)
        #expect((document["droppedLines"] as! [Int]).prefix(3) == [5, 12, 19])
        let diverged = try file("tail.csv", Self.curve(80) { $0 >= 75 ? ["inf", "NaN", "-inf", "nan", "inf"][$0 - 75] : nil })
        let tail = try runLRFind(["analyze", diverged, "--no-plot", "--json"])
        #expect(tail.status == 0, "\(tail.error)")
        #expect(tail.error.hasPrefix("lrfind: note: \(diverged): the loss is non-finite from line 77 to the end (5 row(s)): the curve stops there (divergence)\n"))
        let tailDocument = try JSONSerialization.jsonObject(with: Data(tail.output.utf8)) as! [String: Any]
        #expect((tailDocument["steps"] as! [Any]).count == 75 && tailDocument["stopLine"] as? Int == 77)
    }

    @Test func aCurveWithTwoLossColumnsIsRefused() throws {
        let path = try file("two.csv", "lr,Loss,val,loss\n0.001,2,1,1\n0.01,1,1,1\n")
        let run = try runLRFind(["analyze", path, "--no-plot"])
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: \(path):1: columns 2 ('Loss') and 4 ('loss') are both named loss: keep one\n")
    }

    @Test func nonFiniteNumbersAreNullInJSONAndRecords() throws {
        let record = folder.appendingPathComponent("record.json").path
        let run = try runLRFind(["train", "--data", Fixtures.digits, "--model", "dense:16,relu", "--epochs", "2", "--lr", "1e10",
                                 "--optimizer", "sgd", "--json", "--record", record])
        #expect(run.status == 1)
        #expect(run.error.contains("the training loss became NaN or infinite"), "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        let epochs = (json["result"] as! [String: Any])["epochs"] as! [[String: Any]]
        // Batch 3 of epoch 1 is the first non-finite one: the cut epoch keeps the mean of the two
        // finite batches, and its validation loss, infinite or NaN, is null.
        #expect(epochs.count == 1 && epochs[0]["complete"] as? Bool == false, "\(epochs)")
        #expect((epochs[0]["trainLoss"] as? Double)?.isFinite == true, "\(epochs)")
        #expect(epochs[0]["validationLoss"] is NSNull, "\(epochs)")
        #expect(try String(contentsOfFile: record, encoding: .utf8) + "\n" == run.output)
    }

    @Test func standardInputPipesAndFIFOs() throws {
        let text = Self.rows(100, labels: [0, 1])
        let piped = try runLRFind(["train", "--data", "-", "--model", "logreg", "--epochs", "1", "--json"], standardInput: Data(text.utf8))
        #expect(piped.status == 0, "\(piped.error)")
        let json = try JSONSerialization.jsonObject(with: Data(piped.output.utf8)) as! [String: Any]
        #expect((json["data"] as! [String: Any])["name"] as? String == "standard input")
        let bad = try runLRFind(["train", "--data", "-"], standardInput: Data("1,2,0\n3,x,1\n".utf8))
        #expect(bad.status == 1 && bad.error == "lrfind: error: standard input:2:2: not a number in numeric column 'column 2' (1 of its 2 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'x'\n")
        // A FIFO, as bash's <(...) gives: gzip is found by its magic bytes on the stream.
        let fifo = folder.appendingPathComponent("data.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "gzip -c < '\(try file("fifo.csv", text))' > '\(fifo)'"]
        try writer.run()
        let fromFIFO = try runLRFind(["train", "--data", fifo, "--model", "logreg", "--epochs", "1"])
        writer.waitUntilExit()
        #expect(fromFIFO.status == 0, "\(fromFIFO.error)")
        #expect(fromFIFO.output.hasPrefix("data \(fifo) (60 train / 20 validation / 20 test"))
        let empty = try runLRFind(["train", "--data", "/dev/null"])
        #expect(empty.status == 1 && empty.error == "lrfind: error: /dev/null: no data rows\n")
        #expect(try runLRFind(["analyze", "/dev/null", "--no-plot"]).error == "lrfind: error: /dev/null: empty file\n")
    }

    @Test func labelsAreMappedToClassesAndNamed() throws {
        let path = try file("gaps.csv", Self.rows(90, labels: [5, 7, 9]))
        let run = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix("data \(path) (54 train / 18 validation / 18 test, scaling standardize, delimiter ',', labels 5, 7, 9 as classes 0-2), model logreg"))
        let json = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1", "--json"])
        let data = (try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any])["data"] as! [String: Any]
        #expect(data["classCount"] as? Int == 3 && data["classNames"] as? [String] == ["5", "7", "9"])
        // One huge label is one more class (no 100-million-way layer).
        let huge = try file("huge.csv", Self.rows(90, labels: [0, 1]) + "0.5,1,99999999\n")
        let hugeRun = try runLRFind(["train", "--data", huge, "--model", "logreg", "--epochs", "1"])
        #expect(hugeRun.status == 0, "\(hugeRun.error)")
        #expect(hugeRun.output.contains("labels 0, 1, 99999999 as classes 0-2"))
    }

    @Test func tooManyClassesNeedMaxClasses() throws {
        let ids = try file("ids.csv", (0..<200).map { "\($0 % 7),\($0 % 3),\($0)" }.joined(separator: "\n"))
        // 200 distinct integers need the task named (TaskInferenceTests); as classes, the class count guard.
        for command in [["train"], ["find", "--no-plot"], ["bench", "--repeats", "1", "--steps", "1", "--warmup", "0", "--threads", "1", "--batch-sizes", "8"]] {
            let run = try runLRFind(command + ["--data", ids, "--model", "logreg", "--task", "classification"])
            #expect(run.status == 1, "\(command)")
            #expect(run.error == "lrfind: error: \(ids): 200 classes for 120 training samples: most classes would have one sample or none; is the label column right? (--max-classes 200 allows it)\n")
        }
        let allowed = try runLRFind(["train", "--data", ids, "--model", "logreg", "--epochs", "1", "--max-classes", "200", "--task", "classification"])
        #expect(allowed.status == 0, "\(allowed.error)")
        let tooFew = try runLRFind(["train", "--data", ids, "--max-classes", "100", "--task", "classification"])
        #expect(tooFew.status == 1 && tooFew.error.contains("200 classes, more than the maximum of 100"))
        #expect(try runLRFind(["train", "--max-classes", "1"]).status == 2)
    }

    @Test func anAmbiguousSplitIsAUsageError() throws {
        for split in ["1,0,0", "0,0,1"] {
            let run = try runLRFind(["train", "--split", split])
            #expect(run.status == 2)
            #expect(run.error.hasPrefix("lrfind: error: --split: '\(split)' is ambiguous: as counts it is 1 sample in all; write "), "\(run.error)")
        }
    }
}
