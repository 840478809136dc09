import Foundation
import Testing

/// Issue 22's bounds on the command line: a shape too large to count, a model file whose input
/// shape or one-hot levels cannot be used, a `bench` batch larger than the data, and more threads
/// than the machine has. Each failure is one line on stderr, never a trap.
@Suite struct InputBoundsCommandTests {
    /// Rewrites the `__metadata__` of the safetensors file at `url` with `change`.
    static func rewriteMetadata(_ url: URL, _ change: (inout [String: String]) throws -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        var header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        var metadata = header["__metadata__"] as! [String: String]
        try change(&metadata)
        header["__metadata__"] = metadata
        var text = [UInt8](try JSONSerialization.data(withJSONObject: header))
        text += [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8)
        let newLength = (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) }
        try Data(newLength + text + bytes[(8 + length)...]).write(to: url)
    }

    /// Whether `run` failed with `status` and one line on stderr containing `message`, no trace.
    static func expectOneLine(_ run: (status: Int32, output: String, error: String), status: Int32, message: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == status, "\(run.error)", sourceLocation: sourceLocation)
        #expect(run.error.hasPrefix("lrfind: error: ") && run.error.contains(message), "\(run.error)", sourceLocation: sourceLocation)
        #expect(run.error.split(separator: "\n").count == 1, "\(run.error)", sourceLocation: sourceLocation)
        #expect(!run.error.contains("Fatal error") && !run.error.contains("Stack dump"), "\(run.error)", sourceLocation: sourceLocation)
    }

    /// Item 1: a `--shape` whose element count overflows was an arithmetic trap; now a usage error.
    @Test(arguments: [
        ["model", "conv(8,3)", "--shape", "1000000000x1000000000x1000000000"],
        ["train", "--data", Fixtures.wine, "--model", "conv(2,1),flatten", "--shape", "3037000500x3037000500x1"],
        ["find", "--data", Fixtures.wine, "--model", "conv(2,1),flatten", "--shape", "3037000500x3037000500x1", "--no-plot"],
        ["bench", "--data", Fixtures.wine, "--model", "conv(2,1),flatten", "--shape", "3037000500x3037000500x1"],
    ])
    func aShapeWhoseCountOverflowsIsAUsageError(arguments: [String]) throws {
        let run = try runLRFind(arguments)
        let shape = arguments[arguments.firstIndex(of: "--shape")! + 1]
        Self.expectOneLine(run, status: 2, message: "The value '\(shape)' is invalid for '--shape <shape>': too large: its sizes overflow a 64-bit count")
        #expect(run.output.isEmpty, "\(run.output)")
    }

    /// Item 1: a model file whose saved `input_shape` overflows is refused, naming the file.
    @Test(arguments: [
        ["predict", "m.safetensors", "--data", Fixtures.iris],
        ["train", "--data", Fixtures.iris, "--label-column", "species", "--init-from", "m.safetensors", "--epochs", "1", "--quiet"],
    ])
    func aSavedInputShapeWhoseCountOverflowsIsRefused(arguments: [String]) throws {
        let folder = scratchDirectory()
        let saved = try runLRFind(["train", "--data", Fixtures.iris, "--label-column", "species", "--model", "logreg", "--epochs", "1",
                                   "--quiet", "--save", "m.safetensors"], in: folder)
        #expect(saved.status == 0, "\(saved.error)")
        try Self.rewriteMetadata(folder.appendingPathComponent("m.safetensors")) { $0["input_shape"] = "[3037000500,3037000500,1]" }
        let run = try runLRFind(arguments, in: folder)
        Self.expectOneLine(run, status: 1,
                           message: "m.safetensors: metadata 'input_shape' is too large: its sizes overflow a 64-bit count: '[3037000500,3037000500,1]'")
    }

    /// Item 2: a `bench` batch larger than the training split was a trap; now clamped, as train
    /// and find clamp it, with their note.
    @Test func aBenchBatchLargerThanTheDataIsClamped() throws {
        let run = try runLRFind(["bench", "--data", Fixtures.wine, "--batch-sizes", "256", "--threads", "1", "--repeats", "1", "--steps", "2",
                                 "--warmup", "0", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let note = "lrfind: note: --batch-sizes 256 is larger than the 108 training samples: batches of 108\n"
        #expect(run.error.components(separatedBy: note).count == 2, "noted once: \(run.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["batchSize"] as? Int } == [108])
        #expect((json["memory"] as? [String: Any])?["batchSize"] as? Int == 108)
    }

    /// Item 3: a model file whose saved preprocessing lists a one-hot level twice was a trap on
    /// a duplicate key (in `predict`, on data with only those levels, and in `--init-from`); now
    /// one line naming the file, the column and the level.
    @Test(arguments: [
        ["predict", "m.safetensors", "--data", "two-islands.csv"],
        ["train", "--data", Fixtures.penguins, "--label-column", "first", "--missing", "mean", "--init-from", "m.safetensors", "--epochs", "1", "--quiet"],
    ])
    func aDuplicateOneHotLevelInAModelFileIsRefused(arguments: [String]) throws {
        let folder = scratchDirectory()
        let saved = try runLRFind(["train", "--data", Fixtures.penguins, "--label-column", "first", "--missing", "mean", "--model", "logreg",
                                   "--epochs", "1", "--quiet", "--save", "m.safetensors"], in: folder)
        #expect(saved.status == 0, "\(saved.error)")
        try Self.rewriteMetadata(folder.appendingPathComponent("m.safetensors")) { metadata in
            var preprocessing = try JSONSerialization.jsonObject(with: Data(metadata["preprocessing"]!.utf8)) as! [String: Any]
            var encoding = preprocessing["encoding"] as! [String: Any]
            var columns = encoding["columns"] as! [[String: Any]]
            let island = try #require(columns.firstIndex { $0["name"] as? String == "island" })
            columns[island]["levels"] = ["Biscoe", "Biscoe", "Dream"]
            encoding["columns"] = columns
            preprocessing["encoding"] = encoding
            metadata["preprocessing"] = String(decoding: try JSONSerialization.data(withJSONObject: preprocessing), as: UTF8.self)
        }
        // The penguins of the two listed islands only: no level the model lacks.
        let lines = try String(contentsOfFile: Fixtures.penguins, encoding: .utf8).split(separator: "\n")
        try (([lines[0]] + lines.dropFirst().filter { !$0.contains(",Torgersen,") }).joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("two-islands.csv"), atomically: true, encoding: .utf8)
        let run = try runLRFind(arguments, in: folder)
        Self.expectOneLine(run, status: 1, message: "m.safetensors: metadata 'preprocessing': column 'island' lists a one-hot level twice: 'Biscoe'")
    }

    /// Item 4: `--threads` above the processors is held to them, with a note, and the record
    /// holds the threads used.
    @Test func threadsAreHeldToTheProcessors() throws {
        let run = try runLRFind(["train", "--data", Fixtures.wine, "--model", "logreg", "--epochs", "1", "--threads", "100000", "--quiet", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let notes = run.error.split(separator: "\n").filter { $0.hasPrefix("lrfind: note: --threads 100000 is more than") }
        #expect(notes.count == 1, "\(run.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let threads = try #require((json["environment"] as? [String: Any])?["threads"] as? Int)
        #expect(threads >= 1 && threads < 100_000)
        let processors = threads == 1 ? "1 processor: 1 thread" : "\(threads) processors: \(threads) threads"
        #expect(notes.first == "lrfind: note: --threads 100000 is more than this machine's \(processors)"[...], "\(run.error)")
        #expect(threads == ProcessInfo.processInfo.activeProcessorCount)
    }
}
