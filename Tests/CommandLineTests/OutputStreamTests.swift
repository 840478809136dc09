import Foundation
import Testing

/// Results on standard output and the outputs' names (issue 22, items 9, 10, 14 and 15): a failed
/// write of standard output is an error, `--data -` is an input the outputs may not replace,
/// `--json` has standard output to itself, and a long output name is written.
@Suite struct OutputStreamTests {
    /// Runs `lrfind arguments` in `folder` with standard output on `output` and standard input
    /// from `input` (if given); returns the exit code and stderr.
    static func run(_ arguments: [String], output: FileHandle, input: FileHandle? = nil, in folder: URL) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = lrfindBinary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let error = Pipe()
        process.standardOutput = output
        if let input { process.standardInput = input }
        process.standardError = error
        try process.run()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errData, as: UTF8.self))
    }

    /// A scratch folder holding `m.st`, a logistic regression trained on wine for one epoch.
    static func folderWithModel() throws -> URL {
        let folder = scratchDirectory()
        let train = try runLRFind(["train", "--data", Fixtures.wine, "--model", "logreg", "--epochs", "1", "--quiet", "--save", "m.st"], in: folder)
        #expect(train.status == 0, "\(train.error)")
        return folder
    }

    static let trainWine = ["train", "--data", Fixtures.wine, "--model", "logreg", "--epochs", "1", "--quiet"]

    @Test(arguments: [
        ["model", "mlp"],
        ["model", "mlp", "--json"],
        trainWine,
        trainWine + ["--json"],
        ["predict", "m.st", "--data", Fixtures.wine],
        ["predict", "m.st", "--data", Fixtures.wine, "--json"],
        ["predict", "m.st", "--data", Fixtures.wine, "--output", "p.csv"],
        ["--data", Fixtures.wine, "--model", "logreg", "--steps", "60", "--no-plot", "--quiet"],
        ["--data", Fixtures.wine, "--model", "logreg", "--steps", "60", "--no-plot", "--quiet", "--csv", "-"],
        ["schedule", "step:size=2", "--epochs", "3", "--lr", "0.1"],
    ])
    func aFullStandardOutputIsAnError(arguments: [String]) throws {
        let folder = try Self.folderWithModel()
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let run = try Self.run(arguments, output: full, in: folder)
        #expect(run.status == 1)
        #expect(run.error == "lrfind: error: cannot write standard output: No space left on device\n")
    }

    @Test func aFullStandardErrorIsNoCrash() throws {
        let folder = scratchDirectory()
        for (arguments, status) in [(["predict", "missing.st", "--data", "x.csv"], Int32(1)), (["model", "mlp", "--batch-size", "0"], 2),
                                    (["model", "mlp"], 0)] {
            let process = Process()
            process.executableURL = lrfindBinary
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == status, "\(arguments)")
        }
    }

    @Test func dataFromStandardInputIsNotReplacedByAnOutput() throws {
        let folder = try Self.folderWithModel()
        let data = folder.appendingPathComponent("d.csv")
        try FileManager.default.copyItem(atPath: Fixtures.wine, toPath: data.path)
        let before = try Data(contentsOf: data)
        for (arguments, message) in [
            (["predict", "m.st", "--data", "-", "--output", "d.csv"], "--output: 'd.csv' is the same file as --data '-' (standard input)"),
            (Self.trainWine + ["--data", "-", "--record", "d.csv"], "--record: 'd.csv' is the same file as --data '-' (standard input)"),
            (Self.trainWine + ["--data", "-", "--save", "./d.csv"], "--save: './d.csv' is the same file as --data '-' (standard input)"),
        ] {
            let input = try #require(FileHandle(forReadingAtPath: data.path))
            let run = try Self.run(arguments, output: FileHandle.nullDevice, input: input, in: folder)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.error == "lrfind: error: \(message) (see 'lrfind --help')\n")
            #expect(try Data(contentsOf: data) == before, "the data is unchanged")
        }
        // Standard input from another file, or a pipe, is no clash.
        let input = try #require(FileHandle(forReadingAtPath: Fixtures.wine))
        let run = try Self.run(["predict", "m.st", "--data", "-", "--output", "d.csv"], output: FileHandle.nullDevice, input: input, in: folder)
        #expect(run.status == 0, "\(run.error)")
        let piped = try runLRFind(["predict", "m.st", "--data", "-", "--output", "d.csv"], standardInput: before, in: folder)
        #expect(piped.status == 0, "\(piped.error)")
    }

    @Test func jsonHasStandardOutputToItself() throws {
        let folder = try Self.folderWithModel()
        for (arguments, message) in [
            (Self.trainWine + ["--json", "--record", "/dev/stdout"], "--record /dev/stdout: standard output takes the --json document; give --record FILE or drop --json"),
            (["predict", "m.st", "--data", Fixtures.wine, "--json", "--output", "/dev/stdout"],
             "--output /dev/stdout: standard output takes the --json document; give --output FILE or drop --json"),
            (["--data", Fixtures.wine, "--model", "logreg", "--json", "--no-plot", "--record", "/dev/fd/1"],
             "--record /dev/fd/1: standard output takes the --json document; give --record FILE or drop --json"),
        ] {
            let run = try runLRFind(arguments, in: folder)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.error == "lrfind: error: \(message) (see 'lrfind --help')\n")
            #expect(run.output.isEmpty)
        }
        // Standard output is a file: --record naming that file is the same clash.
        let out = folder.appendingPathComponent("out.json")
        #expect(FileManager.default.createFile(atPath: out.path, contents: nil))
        let run = try Self.run(Self.trainWine + ["--json", "--record", "out.json"], output: try FileHandle(forWritingTo: out), in: folder)
        #expect(run.status == 2)
        #expect(run.error == "lrfind: error: --record out.json: standard output takes the --json document; give --record FILE or drop --json (see 'lrfind --help')\n")
        // `--record -` is a file named `-`, not standard output.
        let dash = try runLRFind(Self.trainWine + ["--json", "--record", "-"], in: folder)
        #expect(dash.status == 0, "\(dash.error)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
    }

    @Test func aLongOutputNameIsWritten() throws {
        let folder = scratchDirectory()
        let save = String(repeating: "s", count: 250 - 3) + ".st", plot = String(repeating: "p", count: 250 - 4) + ".png"
        #expect(save.utf8.count == 250 && plot.utf8.count == 250)
        let run = try runLRFind(Self.trainWine + ["--save", save, "--plot", plot], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [plot, save])
        let csv = String(repeating: "c", count: 255 - 4) + ".csv"
        let predict = try runLRFind(["predict", save, "--data", Fixtures.wine, "--output", csv], in: folder)
        #expect(predict.status == 0, "\(predict.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [csv, plot, save])
    }
}
