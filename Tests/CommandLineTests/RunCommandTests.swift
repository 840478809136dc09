import Foundation
import Testing

/// `lrfind run`: a record's recipe run again gives the same record, bit for bit but for times;
/// moved files are found and checked by digest; what cannot be run again is refused in one line.
@Suite struct RunCommandTests {
    /// A record's JSON without what the clock changes: every `seconds`, `trainingSeconds` and
    /// `samplesPerSecond`, at any depth.
    static func timeless(_ file: URL) throws -> NSDictionary {
        func strip(_ value: Any) -> Any {
            if let dictionary = value as? [String: Any] {
                return dictionary.filter { !["seconds", "trainingSeconds", "validationSeconds", "samplesPerSecond"].contains($0.key) }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return strip(try JSONSerialization.jsonObject(with: Data(contentsOf: file))) as! NSDictionary
    }

    /// Runs `arguments` with `--record first.json`, then `lrfind run first.json` (plus `runArguments`),
    /// and checks that the second record equals the first but for times; returns the folder.
    @discardableResult
    static func reproduces(_ arguments: [String], runArguments: [String] = [], in folder: URL = scratchDirectory(),
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let first = try runLRFind(arguments + ["--record", "first.json", "--quiet"], in: folder)
        #expect(first.status == 0, "\(first.error)", sourceLocation: sourceLocation)
        let again = try runLRFind(["run", "first.json", "--record", "again.json", "--quiet"] + runArguments, in: folder)
        #expect(again.status == 0, "\(again.error)", sourceLocation: sourceLocation)
        let original = try timeless(folder.appendingPathComponent("first.json"))
        let repeated = try timeless(folder.appendingPathComponent("again.json"))
        #expect(original["identifier"] as? String != nil, sourceLocation: sourceLocation)
        #expect(original["recipe"] as? NSDictionary == repeated["recipe"] as? NSDictionary, sourceLocation: sourceLocation)
        for key in ["identifier", "kind", "formatVersion", "data", "model", "result", "runs", "curve", "analysis", "ensemble", "training"] {
            #expect(original[key] as? NSObject == repeated[key] as? NSObject, "\(key) differs", sourceLocation: sourceLocation)
        }
        return folder
    }

    @Test func aTrainingRunWithAScheduleReproduces() throws {
        let folder = try Self.reproduces(["train", "--data", Fixtures.digits, "--model", "dense:32,relu", "--epochs", "3", "--optimizer", "sgd",
                                          "--momentum", "0.9", "--clip", "norm:1", "--schedule", "onecycle:max=0.05", "--batch-size", "50"])
        let record = try Self.timeless(folder.appendingPathComponent("first.json"))
        let recipe = record["recipe"] as! [String: Any]
        #expect((recipe["trainer"] as! [String: Any])["clipping"] as? [String: Double] == ["norm": 1])
        #expect(recipe["schedule"] as? String == "onecycle:max=0.05")
        #expect((record["inputs"] as! [String: Any])["data"] as? String == Fixtures.digits)
    }

    @Test func aRangeTestWithRunsAndAHandOffReproduces() throws {
        let folder = try Self.reproduces(["find", "--data", Fixtures.digits, "--model", "dense:16,relu", "--min", "1e-4", "--max", "1", "--steps", "30",
                                          "--runs", "3", "--then", "onecycle", "--baseline", "--train-epochs", "2", "--no-plot"])
        let record = try Self.timeless(folder.appendingPathComponent("again.json"))
        #expect((record["runs"] as! [Any]).count == 3 && (record["training"] as! [[String: Any]]).map { $0["name"] as! String } == ["onecycle", "constant"])
        let handOff = (record["recipe"] as! [String: Any])["handOff"] as! [String: Any]
        #expect(handOff["baseline"] as? Bool == true && handOff["epochs"] as? Int == 2 && handOff["schedule"] as? String == "onecycle")
        // Nothing unused: no rate, and no epochs outside the hand-off.
        let recipe = record["recipe"] as! [String: Any]
        #expect(recipe["training"] == nil && !(recipe.description.contains("learningRate\"")))
    }

    @Test func aRunFromSavedWeightsReproducesAndFindsMovedWeights() throws {
        let folder = scratchDirectory()
        let saved = try runLRFind(["train", "--data", Fixtures.digits, "--model", "dense:16,relu", "--epochs", "1", "--save", "m.safetensors", "--quiet"], in: folder)
        #expect(saved.status == 0, "\(saved.error)")
        try Self.reproduces(["train", "--data", Fixtures.digits, "--init-from", "m.safetensors", "--epochs", "2", "--lr", "0.01"], in: folder)
        let record = try Self.timeless(folder.appendingPathComponent("first.json"))
        #expect((record["inputs"] as! [String: Any])["initialWeights"] as? String == "m.safetensors")
        #expect((((record["recipe"] as! [String: Any])["model"] as! [String: Any])["initialWeights"] as? String)?.count == 64)
        // Moved: the same bytes under another name reproduce; other weights are refused in one line.
        try FileManager.default.moveItem(at: folder.appendingPathComponent("m.safetensors"), to: folder.appendingPathComponent("moved.safetensors"))
        let missing = try runLRFind(["run", "first.json", "--quiet"], in: folder)
        #expect(missing.status == 1 && missing.error.contains("m.safetensors"), "\(missing.error)")
        let moved = try runLRFind(["run", "first.json", "--init-from", "moved.safetensors", "--record", "moved.json", "--quiet"], in: folder)
        #expect(moved.status == 0, "\(moved.error)")
        #expect(try Self.timeless(folder.appendingPathComponent("moved.json"))["result"] as? NSDictionary == record["result"] as? NSDictionary)
        let other = try runLRFind(["train", "--data", Fixtures.digits, "--model", "dense:16,relu", "--epochs", "1", "--seed", "5", "--save", "other.safetensors", "--quiet"], in: folder)
        #expect(other.status == 0)
        let refused = try runLRFind(["run", "first.json", "--init-from", "other.safetensors"], in: folder)
        #expect(refused.status == 2 && refused.error.hasPrefix("lrfind: error: first.json: inputs.initialWeights 'other.safetensors': its SHA-256 is "), "\(refused.error)")
        #expect(refused.error.split(separator: "\n").count == 1)
    }

    @Test func aSmallConvolutionalRangeTestReproduces() throws {
        try Self.reproduces(["find", "--data", Fixtures.digits, "--model", "conv(4,3),relu,maxpool:2,flatten", "--steps", "20", "--no-plot",
                             "--optimizer", "sgd", "--momentum", "0.9", "--threads", "2"])
    }

    @Test func movedDataIsCheckedByItsDigest() throws {
        let folder = scratchDirectory()
        let copy = folder.appendingPathComponent("digits-copy.csv.gz")
        // The fixture is a link: copy its bytes.
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.digits)).write(to: copy)
        try Self.reproduces(["train", "--data", copy.path, "--model", "logreg", "--epochs", "1"], in: folder)
        try FileManager.default.moveItem(at: copy, to: folder.appendingPathComponent("elsewhere.csv.gz"))
        let moved = try runLRFind(["run", "first.json", "--data", "elsewhere.csv.gz", "--record", "moved.json", "--quiet"], in: folder)
        #expect(moved.status == 0, "\(moved.error)")
        let first = try Self.timeless(folder.appendingPathComponent("first.json"))
        let again = try Self.timeless(folder.appendingPathComponent("moved.json"))
        #expect(first["identifier"] as? String == again["identifier"] as? String && first["result"] as? NSDictionary == again["result"] as? NSDictionary)
        #expect((again["inputs"] as! [String: Any])["data"] as? String == "elsewhere.csv.gz")
        let other = try runLRFind(["run", "first.json", "--data", Fixtures.wine], in: folder)
        #expect(other.status == 2 && other.error.hasPrefix("lrfind: error: first.json: inputs.data '\(Fixtures.wine)': its SHA-256 is "), "\(other.error)")
        #expect(other.error.split(separator: "\n").count == 1)
    }

    @Test func dataFromStandardInputIsRefusedWithoutAFile() throws {
        let folder = scratchDirectory()
        let recipe = #"{"kind": "training", "formatVersion": 1, "inputs": {"data": "-"}, "recipe": {"data": {"digest": "00"}, "model": {"spec": "logreg"}, "optimizer": {"kind": "sgd"}}}"#
        try recipe.write(to: folder.appendingPathComponent("stdin.json"), atomically: true, encoding: .utf8)
        let refused = try runLRFind(["run", "stdin.json"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.error == "lrfind: error: stdin.json: its data came from standard input, which cannot be read again; give the same data with --data FILE (its digest is checked) (see 'lrfind --help')\n", "\(refused.error)")
    }

    @Test func aHandWrittenRecipeRunsAndBadOnesAreRefused() throws {
        let folder = scratchDirectory()
        let recipe = #"{"kind": "training", "formatVersion": 1, "inputs": {"data": "\#(Fixtures.digits)"}, "recipe": {"data": {}, "model": {"spec": "logreg"}, "optimizer": {"kind": "sgd", "momentum": 0.5}, "training": {"epochs": 2, "learningRate": 0.05}}}"#
        try recipe.write(to: folder.appendingPathComponent("r.json"), atomically: true, encoding: .utf8)
        let run = try runLRFind(["run", "r.json", "--json", "--quiet"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        let record = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [String: Any]
        #expect((record["result"] as! [String: Any])["epochs"] as? [Any] != nil && (record["identifier"] as? String)?.count == 64)
        for (text, message) in [
            (#"{"kind": "training", "formatVersion": 1, "recipe": {"model": {"spec": "logreg"}, "optimizer": {"kind": "sgd"}, "trainer": {"batchSize": 0}}}"#,
             "lrfind: error: bad.json: trainer.batchSize must be >= 1, got 0 (see 'lrfind --help')\n"),
            (#"{"kind": "training", "formatVersion": 3}"#,
             "lrfind: error: bad.json: format version 3 is not one this lrfind (0.10.0) reads: it reads version 1 (see 'lrfind --help')\n"),
        ] {
            try text.write(to: folder.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
            let refused = try runLRFind(["run", "bad.json"], in: folder)
            #expect(refused.status == 2 && refused.error == message, "\(refused.error)")
        }
    }

    @Test func theRecordedThreadsAreAppliedAgainAndTheVersionIsPrinted() throws {
        let folder = scratchDirectory()
        let first = try runLRFind(["train", "--data", Fixtures.digits, "--model", "logreg", "--epochs", "1", "--threads", "2", "--record", "r.json", "--quiet"], in: folder)
        #expect(first.status == 0, "\(first.error)")
        let again = try runLRFind(["run", "r.json", "--json", "--quiet"], in: folder)
        let record = try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as! [String: Any]
        #expect((record["environment"] as! [String: Any])["threads"] as? Int == 2)
        let version = try runLRFind(["--version"])
        #expect(version.status == 0 && version.output == "0.10.0\n")
    }
}
