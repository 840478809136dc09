import Foundation
import Testing

/// Cell values through the command line (issue 23): Latin-1 labels refused in one line, tiny
/// regression targets trained and constant ones refused quoting their value, numeric category
/// levels noted, saved and matched by predict as the file writes them.
@Suite struct ValueCommandTests {
    let folder = scratchDirectory()

    /// Writes `bytes` to `name` in the test's folder; returns its path.
    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func latin1LabelsAreRefusedInOneLine() throws {
        // Rows alternate Z\xFCrich and Z\xE4rich (Latin-1): before, one class `Z\u{FFFD}rich`.
        var bytes = Array("x,city\n".utf8)
        for row in 0..<20 { bytes += Array("\(row),Z".utf8) + [row % 2 == 0 ? 0xFC : 0xE4] + Array("rich\n".utf8) }
        let path = try write(bytes, named: "latin1.csv")
        let run = try runLRFind(["train", "--data", path, "--model", "logreg", "--epochs", "1"])
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: \(path):2:2: label is not valid UTF-8 text (byte 0xFC at offset 1 of the field); convert the file to UTF-8 (from Latin-1: iconv -f latin1 -t utf-8): 'Z\\xFCrich'\n")
    }

    @Test func tinyTargetsTrainAndConstantOnesAreRefusedQuotingTheirValue() throws {
        // y = 1e-15 (1 + x) for x = 0, 0.025, ..., 0.975: 1e-15 to 1.975e-15.
        let rows = (0..<40).map { i in "\(Double(i) / 40),\(1e-15 * (1 + Double(i) / 40))" }
        let tiny = folder.appendingPathComponent("tiny.csv").path
        try ("x,y\n" + rows.joined(separator: "\n") + "\n").write(toFile: tiny, atomically: true, encoding: .utf8)
        let run = try runLRFind(["train", "--data", tiny, "--task", "regression", "--model", "logreg", "--optimizer", "adam", "--lr", "0.05",
                                 "--epochs", "30", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let standardization = try #require((document["data"] as? [String: Any])?["targetStandardization"] as? [String: Double])
        // The training split's mean lies within the targets, its deviation near theirs (0.29e-15 for the whole file).
        #expect(standardization["mean"]! > 1.2e-15 && standardization["mean"]! < 1.8e-15, "\(standardization)")
        #expect(standardization["deviation"]! > 0.2e-15 && standardization["deviation"]! < 0.4e-15, "\(standardization)")
        // y is linear in x: a fitted line explains most of it.
        let regression = try #require(((document["result"] as? [String: Any])?["test"] as? [String: Any])?["regression"] as? [String: Double])
        #expect(regression["rSquared"]! > 0.9 && regression["rootMeanSquaredError"]! < 1e-16, "\(regression)")

        let constant = folder.appendingPathComponent("constant.csv").path
        try ("x,y\n" + (0..<40).map { "\($0),0.1" }.joined(separator: "\n") + "\n").write(toFile: constant, atomically: true, encoding: .utf8)
        let refused = try runLRFind(["train", "--data", constant, "--task", "regression", "--model", "logreg", "--epochs", "1"])
        #expect(refused.status == 1)
        #expect(refused.error == "lrfind: error: \(constant): the training targets are all 0.1: nothing to regress\n")
    }

    @Test func numericLevelsAreNotedSavedAndPredictedAsWritten() throws {
        let rows = (0..<60).map { i in "\(i % 7),\(["0.1", "0.2", "0.30"][i % 3]),\(i % 3 == 0 ? 1 : 0)" }
        let train = folder.appendingPathComponent("rates.csv").path
        try ("x,rate,label\n" + rows.joined(separator: "\n") + "\n").write(toFile: train, atomically: true, encoding: .utf8)
        let run = try runLRFind(["train", "--data", train, "--model", "logreg", "--categorical", "rate", "--epochs", "2", "--save", "m.safetensors"],
                                in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("lrfind: note: \(train): one-hot encoded column 'rate' as 3 inputs: 0.1, 0.2, 0.3 (a level not in the training split gives all zeros)\n"),
                "\(run.error)")
        // The model file's preprocessing metadata lists the levels as written.
        let file = try Data(contentsOf: folder.appendingPathComponent("m.safetensors"))
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: file.subdata(in: 8..<8 + headerLength)) as? [String: Any])
        let preprocessing = try #require((header["__metadata__"] as? [String: String])?["preprocessing"])
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(preprocessing.utf8)) as? [String: Any])
        let columns = try #require((saved["encoding"] as? [String: Any])?["columns"] as? [[String: Any]])
        #expect(columns.map { $0["levels"] as? [String] } == [nil, ["0.1", "0.2", "0.3"]])
        // New data writing a level `0.10` or `0.3` is matched by value.
        let new = folder.appendingPathComponent("new.csv").path
        try "x,rate,label\n1,0.10,1\n2,0.3,0\n3,0.2,0\n".write(toFile: new, atomically: true, encoding: .utf8)
        let predicted = try runLRFind(["predict", "m.safetensors", "--data", new], in: folder)
        #expect(predicted.status == 0, "\(predicted.error)")
        #expect(predicted.output.split(separator: "\n").count == 4, "\(predicted.output)")
    }
}
