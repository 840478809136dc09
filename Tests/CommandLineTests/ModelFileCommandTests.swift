import Foundation
import Testing

/// `--save` and `--init-from` (issue 13): a saved model starts a run where it left off, a PyTorch
/// file needs `--model`, and every bad file or mismatch is one line.
@Suite struct ModelFileCommandTests {
    static let irisTraining = ["train", "--data", Fixtures.iris, "--label-column", "species", "--model", "dense:8,relu", "--quiet"]

    /// The header of the safetensors file at `url`, as JSON.
    static func header(_ url: URL) throws -> [String: Any] {
        let bytes = [UInt8](try Data(contentsOf: url))
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        return try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
    }

    static func testLine(_ output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("test: ") }.map(String.init)
    }

    @Test func aSavedModelStartsTheNextRunWhereItLeftOff() throws {
        let folder = scratchDirectory()
        let saved = try runLRFind(Self.irisTraining + ["--epochs", "20", "--save", "m.safetensors"], in: folder)
        #expect(saved.status == 0, "\(saved.error)")
        let header = try Self.header(folder.appendingPathComponent("m.safetensors"))
        let metadata = header["__metadata__"] as! [String: String]
        #expect(metadata["model"] == "dense:8,relu")
        #expect(metadata["class_names"] == "[\"setosa\",\"versicolor\",\"virginica\"]")
        #expect(metadata["input_shape"] == "[4,1,1]")
        #expect(Set(header.keys) == ["__metadata__", "0.weight", "0.bias", "2.weight", "2.bias"])
        // A rate too small to move the weights: the test figures are the saved model's.
        let resumed = try runLRFind(Self.irisTraining + ["--epochs", "1", "--lr", "1e-30", "--init-from", "m.safetensors"], in: folder)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("model dense:8,relu (weights from m.safetensors)"))
        #expect(Self.testLine(resumed.output) != nil && Self.testLine(resumed.output) == Self.testLine(saved.output))
        // From scratch, the same one epoch is far from it.
        let scratch = try runLRFind(Self.irisTraining + ["--epochs", "1", "--lr", "1e-30"], in: folder)
        #expect(Self.testLine(scratch.output) != Self.testLine(saved.output))
    }

    @Test func thePyTorchFileLoadsWithItsModelAndReportsOnMNIST() throws {
        let run = try runLRFind(["train", "--init-from", Fixtures.goldenModel, "--epochs", "1", "--lr", "1e-30", "--quiet", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        let test = (json["result"] as! [String: Any])["test"] as! [String: Any]
        // 20 AdamW steps of PyTorch: far above chance (0.1), far below a trained model.
        let accuracy = test["accuracy"] as! Double
        #expect(accuracy > 0.6 && accuracy < 0.95, "\(accuracy)")
        let model = ((json["recipe"] as! [String: Any])["model"] as! [String: Any])
        #expect((model["initialWeights"] as? String)?.count == 64)
    }

    @Test(arguments: [
        (["train", "--init-from", "nope.safetensors"], 1, "nope.safetensors: no such file"),
        (["train", "--init-from", Fixtures.goldenModel, "--model", "mlp:100,128"], 1,
         "tensor '0.weight' has shape [256, 784], expected [100, 784] for layer 1 (dense:100 on input 784)"),
        (["train", "--init-from", Fixtures.goldenModel, "--model", "mlp:100"], 1,
         "its tensors are not the model's: unexpected 4.bias, 4.weight (the model has 0.weight, 0.bias, 2.weight, 2.bias)"),
        (["train", "--init-from", Fixtures.goldenModel, "--data", Fixtures.iris, "--label-column", "species"], 1,
         "tensor '0.weight' has shape [256, 784], expected [256, 4] for layer 1 (dense:256 on input 4)"),
        (["train", "--init-from", "iris.safetensors", "--model", "dense:9"], 1,
         "iris.safetensors: saved with --model dense:8,relu, not dense:9; drop --model to use the file's"),
        (["train", "--init-from", "iris.safetensors", "--model", "mlp"], 1,
         "iris.safetensors: saved with --model dense:8,relu, not dense:256,relu,dense:128,relu; drop --model to use the file's"),
        (["train", "--init-from", "iris.safetensors"], 1,
         "mnist5k: no column 'sepal_length' (the model's inputs: sepal_length, sepal_width, petal_length, petal_width)"),
        (["train", "--init-from", "iris.csv"], 1, "iris.csv: not a safetensors file"),
        (["train", "--save", "nodir/m.safetensors"], 2, "--save: no such folder 'nodir' for 'nodir/m.safetensors'"),
        (["train", "--save", "m.safetensors", "--init-from", "./m.safetensors"], 2, "--save: 'm.safetensors' is the same file as --init-from './m.safetensors'"),
        (["find", "--save", "m.safetensors"], 2, "--save goes with --then"),
    ] as [([String], Int32, String)])
    func badModelFilesAreOneLineErrors(arguments: [String], status: Int32, message: String) throws {
        let folder = scratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.iris, toPath: folder.appendingPathComponent("iris.csv").path)
        if arguments.contains("iris.safetensors") {
            let saved = try runLRFind(Self.irisTraining + ["--epochs", "1", "--save", "iris.safetensors"], in: folder)
            #expect(saved.status == 0, "\(saved.error)")
        }
        let run = try runLRFind(arguments + ["--epochs", "1", "--quiet"], in: folder)
        #expect(run.status == status, "\(run.error)")
        #expect(run.error.hasPrefix("lrfind: error: ") && run.error.contains(message), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }

    @Test func predictWritesClassesAndProbabilitiesAndTheMetrics() throws {
        let folder = scratchDirectory()
        #expect(try runLRFind(Self.irisTraining + ["--epochs", "20", "--save", "m.safetensors"], in: folder).status == 0)
        let onStdout = try runLRFind(["predict", "m.safetensors", "--data", Fixtures.iris], in: folder)
        #expect(onStdout.status == 0, "\(onStdout.error)")
        let lines = onStdout.output.split(separator: "\n")
        #expect(lines.count == 151 && lines[0] == "class,p(setosa),p(versicolor),p(virginica)")
        #expect(onStdout.error.contains("labels: loss ") && onStdout.error.contains("(150 samples)"))
        // From standard input: the first row is read from the stream's kept bytes, not a second read.
        let piped = try runLRFind(["predict", "m.safetensors", "--data", "-"], standardInput: Data(contentsOf: URL(fileURLWithPath: Fixtures.iris)),
                                  in: folder)
        #expect(piped.status == 0 && piped.output == onStdout.output, "\(piped.error)")
        // Standard input redirected from the file itself (`< iris.csv`), a regular file open once.
        let process = Process(), output = Pipe(), error = Pipe()
        process.executableURL = lrfindBinary
        process.arguments = ["predict", "m.safetensors", "--data", "-"]
        process.currentDirectoryURL = folder
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: Fixtures.iris))
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let redirected = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let redirectedError = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && redirected == onStdout.output, "\(redirectedError)")
        let toFile = try runLRFind(["predict", "m.safetensors", "--data", Fixtures.iris, "--output", "p.csv"], in: folder)
        #expect(toFile.output.hasPrefix("predicted 150 rows of \(Fixtures.iris) with m.safetensors into p.csv\nlabels: loss "))
        #expect(try String(contentsOf: folder.appendingPathComponent("p.csv"), encoding: .utf8) == onStdout.output)
        let json = try runLRFind(["predict", "m.safetensors", "--data", Fixtures.iris, "--json"], in: folder)
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
        #expect((document["classes"] as! [Int]).count == 150)
        #expect((document["evaluation"] as! [String: Any])["count"] as? Int == 150)
    }

    @Test(arguments: [
        (["predict", Fixtures.goldenModel, "--data", Fixtures.iris], 1, "no lrfind metadata (written by another tool?); it needs a model saved by lrfind train --save"),
        (["predict", "nope.safetensors", "--data", Fixtures.iris], 1, "nope.safetensors: no such file"),
        (["predict", Fixtures.goldenModel, "--data", Fixtures.iris, "--output", Fixtures.iris], 2, "--output: '\(Fixtures.iris)' is the same file as --data '\(Fixtures.iris)'"),
    ] as [([String], Int32, String)])
    func predictRefusesWhatItCannotUse(arguments: [String], status: Int32, message: String) throws {
        let run = try runLRFind(arguments)
        #expect(run.status == status, "\(run.error)")
        #expect(run.error.hasPrefix("lrfind: error: ") && run.error.contains(message), "\(run.error)")
    }

    /// The mean loss of the first 10 steps of a range test's CSV.
    static func firstLosses(_ url: URL) throws -> Double {
        let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().prefix(10)
        return rows.map { Double($0.split(separator: ",")[2])! }.reduce(0, +) / Double(rows.count)
    }

    @Test func findSavesItsHandOffAndARangeTestStartsFromIt() throws {
        let folder = scratchDirectory()
        let sweep = ["--data", Fixtures.digits, "--model", "logreg", "--min", "1e-4", "--max", "1", "--steps", "40", "--no-plot", "--quiet"]
        let saved = try runLRFind(sweep + ["--then", "onecycle", "--train-epochs", "2", "--save", "m.safetensors", "--csv", "scratch.csv"], in: folder)
        #expect(saved.status == 0, "\(saved.error)")
        let header = try Self.header(folder.appendingPathComponent("m.safetensors"))
        #expect((header["__metadata__"] as! [String: String])["model"] == "logreg")
        let resumed = try runLRFind(sweep + ["--init-from", "m.safetensors", "--csv", "checkpoint.csv"], in: folder)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("model logreg (weights from m.safetensors)"))
        // The trained model starts far below the untrained one's log(10) = 2.3.
        let scratch = try Self.firstLosses(folder.appendingPathComponent("scratch.csv"))
        let checkpoint = try Self.firstLosses(folder.appendingPathComponent("checkpoint.csv"))
        #expect(scratch > 2 && checkpoint < 1, "first losses \(scratch) from scratch, \(checkpoint) from the checkpoint")
    }
}
