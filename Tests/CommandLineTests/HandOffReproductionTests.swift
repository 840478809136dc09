import Foundation
import Testing

/// `find --then` prints the `lrfind train` command it ran; running that command gives the
/// hand-off run's per-epoch losses bit for bit (same binary, same threads).
@Suite struct HandOffReproductionTests {
    /// The words of a POSIX shell command line: unquoted runs, `'...'` (taken as is) and `\x`
    /// outside quotes (the forms ``ShellWord`` writes, and a little more).
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false, quoted = false, escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
            } else if quoted {
                if character == "'" { quoted = false } else { word.append(character) }
            } else if character == "'" {
                quoted = true
                inWord = true
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The parts of the JSON read here. `JSONDecoder` reads every number to the nearest `Double`
    /// (`JSONSerialization` on Linux does not: 0.0025605065748095512 comes back 2 ulps off).
    struct Epoch: Decodable, Equatable {
        var trainLoss: Double
        var validationLoss: Double?
    }
    struct Result: Decodable { var epochs: [Epoch] }
    struct Command: Decodable {
        var arguments: [String]
        var text: String
    }
    struct Run: Decodable {
        var name: String
        var result: Result
        var command: Command?
    }
    struct FindRecord: Decodable { var training: [Run] }
    struct TrainRecord: Decodable { var result: Result }

    /// `type` from a command's JSON output.
    static func decode<T: Decodable>(_ type: T.Type, _ output: String) throws -> T { try JSONDecoder().decode(type, from: Data(output.utf8)) }

    /// Runs `find` with `arguments --json`, then every hand-off run's printed command (its shell
    /// text, split back into words, which must equal the JSON's `arguments`) with `--json`, and
    /// checks that each training run's losses are the hand-off's, bit for bit. Returns the
    /// commands' texts.
    @discardableResult
    static func reproduces(_ arguments: [String], runs expectedRuns: [String], in folder: URL = scratchDirectory(),
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let find = try runLRFind(arguments + ["--json", "--quiet", "--no-plot"], in: folder)
        try #require(find.status == 0, "\(find.error)", sourceLocation: sourceLocation)
        let training = try decode(FindRecord.self, find.output).training
        #expect(training.map(\.name) == expectedRuns, sourceLocation: sourceLocation)
        var texts: [String] = []
        for run in training {
            guard let command = run.command else {
                Issue.record("no command for the \(run.name) run", sourceLocation: sourceLocation)
                continue
            }
            let words = shellWords(command.text)
            #expect(words.first == "lrfind", sourceLocation: sourceLocation)
            #expect(Array(words.dropFirst()) == command.arguments, sourceLocation: sourceLocation)
            let train = try runLRFind(Array(words.dropFirst()) + ["--json", "--quiet"], in: folder)
            try #require(train.status == 0, "\(command.text): \(train.error)", sourceLocation: sourceLocation)
            let handOff = run.result.epochs, again = try decode(TrainRecord.self, train.output).result.epochs
            #expect(!handOff.isEmpty && handOff.count == again.count, sourceLocation: sourceLocation)
            // Equal Doubles (no NaN or -0 here) are equal bits.
            for (epoch, (a, b)) in zip(handOff, again).enumerated() where a != b {
                Issue.record("\(run.name) epoch \(epoch + 1): hand-off \(a), `\(command.text)` gives \(b)", sourceLocation: sourceLocation)
                break
            }
            texts.append(command.text)
        }
        return texts
    }

    @Test func theOneCycleHandOffReproducesWithTheDefaults() throws {
        let texts = try Self.reproduces(["--data", Fixtures.wine, "--then", "onecycle"], runs: ["onecycle"])
        // The schedule at full precision (not onecycle:max=0.003478) and the default epochs said.
        // One-cycle's peak is 1.25 x the CLR max 0.002782559402207121.
        #expect(texts == ["lrfind train --data \(Fixtures.wine) --lr 0.002782559402207121 --epochs 150 --schedule onecycle:max=0.003478199252758901 --threads 1"])
        // The 4-digit text the table shows for reading is another schedule: its run ends elsewhere.
        let rounded = try runLRFind(["train", "--data", Fixtures.wine, "--lr", "0.002782559402207121", "--epochs", "150",
                                     "--schedule", "onecycle:max=0.003478", "--json", "--quiet"])
        let full = try runLRFind(Self.shellWords(texts[0]).dropFirst() + ["--json", "--quiet"])
        let last = { (output: String) in try Self.decode(TrainRecord.self, output).result.epochs.last }
        #expect(try last(full.output) == Epoch(trainLoss: 0.0002105677547795629, validationLoss: 0.0021301405504345894))
        #expect(try last(rounded.output)?.validationLoss == 0.0021305561531335115)
        #expect(try last(rounded.output) != last(full.output))
    }

    @Test func theCyclicHandOffAndItsBaselineReproduceWithSGDAndDataOptions() throws {
        let texts = try Self.reproduces(["--data", Fixtures.wine, "--label-column", "class", "--split-seed", "2", "--optimizer", "sgd",
                                         "--momentum", "0.9", "--batch-size", "32", "--seed", "3", "--train-epochs", "20",
                                         "--then", "cyclic", "--baseline"], runs: ["cyclic", "constant"])
        let options = "--label-column class --split-seed 2 --optimizer sgd --momentum 0.9 --batch-size 32 --seed 3 --lr 0.027825594022071232 --epochs 20"
        #expect(texts == [
            "lrfind train --data \(Fixtures.wine) \(options) --schedule cyclic:base=0.004641588833612785,max=0.027825594022071232,step-up=13.333333333333334 --threads 1",
            "lrfind train --data \(Fixtures.wine) \(options) --threads 1",
        ])
    }

    @Test func aQuotedPathAndCategoricalDataReproduceWithTwoThreads() throws {
        let folder = scratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.penguins, toPath: folder.appendingPathComponent("pen guin's.csv").path)
        let texts = try Self.reproduces(["--data", "pen guin's.csv", "--label-column", "first", "--missing", "drop", "--categorical", "island,sex",
                                         "--split", "0.5,0.25,0.25", "--optimizer", "rmsprop", "--momentum", "0.5", "--clip", "norm:1",
                                         "--train-epochs", "12", "--then", "onecycle", "--threads", "2"], runs: ["onecycle"], in: folder)
        #expect(texts.first?.hasPrefix("lrfind train --data 'pen guin'\\''s.csv' --label-column first --missing drop --categorical island,sex --split 0.5,0.25,0.25 --optimizer rmsprop --momentum 0.5 --clip norm:1 ") == true)
        #expect(texts.first?.contains(" --epochs 12 --schedule onecycle:max=") == true)
        // --threads as run: 2, or fewer on a machine with fewer processors.
        #expect(texts.first?.hasSuffix(" --threads \(min(2, ProcessInfo.processInfo.activeProcessorCount))") == true)
    }

    @Test func theTableSaysWhichCommandReproducesTheRun() throws {
        let result = try runLRFind(["--data", Fixtures.wine, "--then", "onecycle", "--train-epochs", "3", "--quiet", "--no-plot"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex(of: "this command reproduces the onecycle run bit for bit (same lrfind binary and threads, from this directory):"))
        #expect(lines[index + 1] == "  lrfind train --data \(Fixtures.wine) --lr 0.002782559402207121 --epochs 3 --schedule onecycle:max=0.003478199252758901 --threads 1")
        #expect(lines.contains("  (rounded for reading; the train command after each run below reproduces it exactly)"))
    }
}
