import Foundation
import Testing

/// Issue 10's limits on what the command line accepts: nesting, rates, sizes, tables, and the
/// options that take numbers. Each failure is one line on stderr and a usage error (exit 2)
/// when it can be known before any work, or a failed run (exit 1).
@Suite struct LimitsCommandTests {
    /// Item 3: a formula nested past 200 levels was a crash (signal 11); now one line.
    @Test func deepFormulaIsAUsageError() throws {
        let run = try runLRFind(["schedule", "lambda:f=" + String(repeating: "-", count: 100_000) + "1", "--epochs", "2"])
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("lrfind: error: lambda: f: formula '----------------------------------------...' (100001 characters): at character 201: expected at most 200 levels of nesting"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.output.isEmpty)
    }

    /// Item 6: a schedule's unusable rate is refused before any work, with its step and value.
    @Test(arguments: [
        (["train", "--data", Fixtures.digits, "--model", "logreg", "--epochs", "2", "--schedule", "lambda:f=-1"],
         "lrfind: error: --schedule lambda:f=-1: learning rate -0.001 at step 0 (per epoch) is negative"),
        (["train", "--data", Fixtures.digits, "--model", "logreg", "--epochs", "2", "--schedule", "lambda:f=0/0"],
         "lrfind: error: --schedule lambda:f=0/0: learning rate NaN at step 0 (per epoch) is not a number"),
        (["train", "--data", Fixtures.digits, "--model", "logreg", "--lr", "1", "--epochs", "3", "--schedule", "exponential:gamma=1e20"],
         "lrfind: error: --schedule exponential:gamma=1e20: learning rate 1e+40 at step 2 (per epoch) is above Float's largest value 3.403e+38"),
        (["schedule", "lambda:f=-1"], "lrfind: error: lambda:f=-1: learning rate -0.0016 at step 0 (per epoch) is negative"),
        (["schedule", "lambda:f=0/0", "--json"], "lrfind: error: lambda:f=0/0: learning rate NaN at step 0 (per epoch) is not a number"),
        (["schedule", "cyclic:base=1,max=1e39,step-up=2", "--epochs", "1", "--steps-per-epoch", "4", "--csv", "-"],
         "lrfind: error: cyclic:base=1,max=1e39,step-up=2: learning rate 5e+38 at step 1 (per batch) is above Float's largest value"),
        (["--min", "1e-300", "--max", "1e300"],
         "lrfind: error: --min must be at least Float's smallest normal value 1.175e-38 (the optimizers compute in Float), got 1e-300"),
        (["--min", "1e-4", "--max", "1e300"], "lrfind: error: --max must be at most Float's largest value 3.403e+38 (the optimizers compute in Float), got 1e+300"),
        (["train", "--lr", "1e39"], "lrfind: error: --lr must be at most Float's largest value 3.403e+38 (the optimizers compute in Float), got 1e+39"),
        (["train", "--lr", "1e-40"], "lrfind: error: --lr must be at least Float's smallest normal value 1.175e-38"),
        (["schedule", "step:size=2", "--lr", "1e-39"], "lrfind: error: --lr must be at least Float's smallest normal value 1.175e-38"),
    ])
    func unusableRatesAreUsageErrors(arguments: [String], start: String) throws {
        let run = try runLRFind(arguments + (arguments.first == "train" || arguments.first == "schedule" ? [] : ["--no-plot"]))
        #expect(run.status == 2, "\(run.error)")
        #expect(run.error.hasPrefix(start), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.output.isEmpty, "nothing printed before the refusal: \(run.output)")
    }

    /// Items 6 and 13: a loss that blows up under a schedule names the rate in use at that update,
    /// not --lr.
    @Test func aNonFiniteLossNamesTheScheduledRate() throws {
        let run = try runLRFind(["train", "--data", Fixtures.digits, "--model", "logreg", "--optimizer", "sgd", "--lr", "1", "--epochs", "3",
                                 "--schedule", "exponential:gamma=1e19"])
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: the training loss became NaN or infinite at epoch 3, batch 3 (learning rate 1e+38 from the schedule too high?)\n", "\(run.error)")
        #expect(!run.output.contains("-nan"), "\(run.output)")
    }

    /// Item 9: a billion rows stream from the first second, in little memory.
    @Test func aVeryLongScheduleStreams() throws {
        let process = Process()
        process.executableURL = lrfindBinary
        process.arguments = ["schedule", "step:size=10", "--epochs", "1000000000"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        var text = ""
        while text.split(separator: "\n").count < 1_001 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let rss = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ")[1]) }
        // SIGKILL: a child of Foundation's Process starts with SIGTERM blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 1_001)
        #expect(lines[0] == "step      lr")   // the step column is as wide as 999999999 and a space
        #expect(lines[1] == "0         0.0016")
        #expect(lines[1_000] == "999       1.6e-102")
        let resident = try #require(rss, "no VmRSS in /proc/\(process.processIdentifier)/status")
        #expect(resident < 200_000, "resident \(resident) kB")
    }

    /// Item 9: the streamed JSON and CSV are what the whole sequence gives; a long plot is
    /// decimated and says how.
    @Test func streamedOutputsMatchTheSequence() throws {
        let folder = scratchDirectory()
        let json = try runLRFind(["schedule", "cyclic:base=0.001,max=0.1,step-up=3", "--epochs", "2", "--batches-per-epoch", "4", "--json"])
        #expect(json.status == 0, "\(json.error)")
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
        #expect(document["epochs"] as? Int == 2 && document["batchesPerEpoch"] as? Int == 4 && document["unit"] as? String == "batch")
        #expect(document["spec"] as? String == "cyclic:base=0.001,max=0.1,step-up=3" && document["initialLearningRate"] as? Double == 0.0016)
        let steps = document["steps"] as! [[String: Double]]
        // CyclicLR up from 0.001 to 0.1 in 3 steps and back, momentum the other way.
        let want = [0.001, 0.034, 0.067, 0.1, 0.067, 0.034, 0.001, 0.034]
        #expect(steps.count == 8 && zip(steps, want).allSatisfy { abs($0["learningRate"]! - $1) < 1e-12 })
        #expect(abs(steps[3]["momentum"]! - 0.8) < 1e-12 && abs(steps[0]["momentum"]! - 0.9) < 1e-12)

        let long = try runLRFind(["schedule", "cyclic:base=0.001,max=0.1,step-up=5000", "--epochs", "300", "--steps-per-epoch", "1000",
                                  "--plot", "long.svg", "--csv", "long.csv"], in: folder)
        #expect(long.status == 0, "\(long.error)")
        #expect(long.output.hasPrefix("cyclic:base=0.001,max=0.1,step-up=5000: 300000 steps (per batch), lr from 0.001 to"), "\(long.output)")
        #expect(long.output.hasSuffix("; plot long.svg (plotted: 100000 points, the lowest and highest rate of every 6 steps)\n"), "\(long.output)")
        #expect(try String(contentsOf: folder.appendingPathComponent("long.svg"), encoding: .utf8).contains("<svg"))
        let csv = try String(contentsOf: folder.appendingPathComponent("long.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 300_001 && csv[0] == "step,lr,momentum" && csv[300_000].hasPrefix("299999,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["long.csv", "long.svg"])
    }

    /// Item 6 on a run too long to go through twice: checked as the rows stream; the CSV,
    /// written through a temporary file, is not left behind.
    @Test func aLongRunIsCheckedAsItStreams() throws {
        let folder = scratchDirectory()
        let run = try runLRFind(["schedule", "lambda:f=epoch < 1500000 ? 1 : -1", "--epochs", "2000000", "--csv", "rows.csv"], in: folder)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("lrfind: error: lambda:f=epoch < 1500000 ? 1 : -1: learning rate -0.0016 at step 1500000 (per epoch) is negative"), "\(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func rowCountsThatOverflowAreUsageErrors() throws {
        let run = try runLRFind(["schedule", "step:size=10", "--epochs", "9223372036854775807", "--steps-per-epoch", "2"])
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("lrfind: error: --epochs 9223372036854775807 times --batches-per-epoch 2 is more rows than 9223372036854775807"), "\(run.error)")
    }

    /// Item 11: large values keep their columns (`--lr 1e6`, a feature of 1e30).
    @Test func tableColumnsNeverRunTogether() throws {
        let folder = scratchDirectory()
        let data = folder.appendingPathComponent("big.csv")
        var text = "a,b,label\n"
        for row in 0..<60 { text += "\(row % 2 == 0 ? "1e30" : "-1e30"),\(Double(row) / 7),\(row % 2)\n" }
        try text.write(to: data, atomically: true, encoding: .utf8)
        for arguments in [["--data", Fixtures.digits, "--lr", "1e6", "--optimizer", "sgd"], ["--data", data.path, "--scale", "none", "--lr", "1"]] {
            let run = try runLRFind(["train", "--model", "logreg", "--epochs", "2"] + arguments)
            #expect(run.status == 0, "\(run.error)")   // huge but finite: both runs complete
            let lines = run.output.split(separator: "\n")
            let header = try #require(lines.firstIndex { $0.hasPrefix("epoch ") })
            let rows = lines[(header + 1)...].prefix { $0.first?.isNumber == true }
            #expect(rows.count == 2, "\(run.output)")
            for row in rows {
                // epoch, 4 losses and accuracies, lr, momentum, seconds: 8 fields, each at most its column.
                let fields = row.split(separator: " ")
                #expect(fields.count == 8, "\(row)")
                for (field, width) in zip(fields, [7, 12, 11, 10, 9, 12, 10, 10]) { #expect(field.count < width, "\(field) in \(row)") }
            }
        }
    }

    /// Item 12: --steps and --epochs both set the test's length; giving both is refused.
    @Test func stepsWithEpochsIsAUsageError() throws {
        let run = try runLRFind(["--steps", "10", "--epochs", "3", "--no-plot"])
        #expect(run.status == 2)
        #expect(run.error == "lrfind: error: --steps 10 and --epochs 3 both set the length of the test; give one of them (see 'lrfind --help')\n")
        let help = try runLRFind(["find", "--help"])
        #expect(help.output.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
            .contains("Length of the test in epochs of the training split (not with --steps). (default: 5 epochs or 100 steps, whichever is more)"), "\(help.output)")
    }

    /// Item 13: a negative number after a number option is its value, refused with the option's
    /// own message rather than "Missing value".
    @Test(arguments: [
        (["--min", "-1"], "lrfind: error: --min must be a positive number, got -1.0"),
        (["--max", "-1"], "lrfind: error: --max must be a positive number, got -1.0"),
        (["--epochs", "-3"], "lrfind: error: --epochs must be >= 1, got -3"),
        (["--beta", "-0.5"], "lrfind: error: --beta must be in [0, 1), got -0.5"),
        (["train", "--lr", "-1"], "lrfind: error: --lr must be a positive number, got -1.0"),
        (["train", "--batch-size", "-64"], "lrfind: error: --batch-size must be >= 1, got -64"),
        (["train", "--momentum", "-0.9", "--optimizer", "sgd"], "lrfind: error: momentum must be in [0, 1), got -0.9"),
        (["train", "--threads", "-2"], "lrfind: error: --threads must be >= 1, got -2"),
        (["schedule", "step:size=2", "--epochs", "-1"], "lrfind: error: --epochs must be >= 1, got -1"),
        (["analyze", "x.csv", "--stop-factor", "-4"], "lrfind: error: --stop-factor must be above 1, got -4.0"),
        (["bench", "--repeats", "-1"], "lrfind: error: --repeats and --steps must be >= 1, --warmup >= 0"),
    ])
    func negativeNumbersAreValues(arguments: [String], start: String) throws {
        let run = try runLRFind(arguments)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix(start), "\(run.error)")
        #expect(!run.error.contains("Missing value"))
    }

    /// Item 4: a model that cannot fit in physical memory is refused before it is built, with
    /// the figure; a size too large to count is an error, not a wrapped-around negative.
    @Test func hugeModelsAreRefusedWithTheirSize() throws {
        let physical = ProcessInfo.processInfo.physicalMemory
        // Beyond any machine even on one feature: refused before the data is read.
        let early = try runLRFind(["train", "--data", "/nonexistent.csv", "--model", "dense:100000000000"])
        #expect(early.status == 2)
        #expect(early.error.hasPrefix("lrfind: error: --model dense:100000000000: training it needs at least "), "\(early.error)")
        #expect(early.error.contains("even on data of one feature") && early.error.contains("of physical memory"), "\(early.error)")
        // A width that fits on one feature but not on digits' 64 (about 5,000 bytes a unit there,
        // under 100 on one feature): refused once the data is read, with the figure.
        let units = physical / 700
        let late = try runLRFind(["train", "--data", Fixtures.digits, "--model", "dense:\(units)"])
        #expect(late.status == 2)
        #expect(late.error.hasPrefix("lrfind: error: --model dense:\(units): training it needs about "), "\(late.error)")
        #expect(late.error.contains(" GB of physical memory") || late.error.contains(" TB of physical memory"), "\(late.error)")
        let overflow = try runLRFind(["train", "--model", "dense:99999999999999,dense:99999999999999"])
        #expect(overflow.status == 2)
        #expect(overflow.error.hasPrefix("lrfind: error: --model: layer 2 (dense:99999999999999) on input 99999999999999: too large: its sizes overflow a 64-bit count"), "\(overflow.error)")
        let find = try runLRFind(["--data", Fixtures.digits, "--model", "dense:\(units)", "--no-plot"])
        #expect(find.status == 2 && find.error.contains("network and workspace held 2 times"), "\(find.error)")
    }
}
