import Foundation
import Testing

/// Every output path of every command (issue 10, items 1 and 2): written through links and into
/// streams, `--csv -` on standard output, and bad or clashing paths refused before any work.
@Suite struct OutputPathTests {
    /// A folder with a file `c.csv` holding `keep`, an empty `curve.png`, a folder `folder.png`
    /// and a link `link.csv` to `c.csv`.
    static func workspace() throws -> URL {
        let folder = scratchDirectory()
        try "keep\n".write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        try Data().write(to: folder.appendingPathComponent("curve.png"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder.png"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.csv").path, withDestinationPath: "c.csv")
        return folder
    }

    static func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    static let schedule = ["schedule", "step:size=2", "--epochs", "3", "--lr", "0.1"]
    static let scheduleCSV = "step,lr\n0,0.1\n1,0.1\n2,0.010000000000000002\n"

    @Test(arguments: [
        (["--data", Fixtures.digits, "--model", "logreg", "--steps", "20", "--csv", "c.csv", "--plot", "nodir/x.png"],
         "--plot: no such folder 'nodir' for 'nodir/x.png'"),
        (["--csv", "nodir/c.csv"], "--csv: no such folder 'nodir' for 'nodir/c.csv'"),
        (["--record", "c.csv/r.json"], "--record: not a folder: 'c.csv' in 'c.csv/r.json'"),
        (["--plot", "folder.png"], "--plot: 'folder.png' is a folder"),
        (["--csv", "a.csv", "--plot", "./a.csv"], "--plot: './a.csv' is the same file as --csv 'a.csv'"),
        (["--csv", "new.csv", "--record", "./new.csv"], "--record: './new.csv' is the same file as --csv 'new.csv'"),
        (["--data", "c.csv", "--csv", "c.csv"], "--csv: 'c.csv' is the same file as --data 'c.csv'"),
        (["--data", "link.csv", "--record", "c.csv"], "--record: 'c.csv' is the same file as --data 'link.csv'"),
        (["--csv", "-", "--json"], "--csv -: standard output takes the --json document; give --csv FILE or drop --json"),
        (["analyze", "c.csv", "--plot", "c.csv"], "--plot: 'c.csv' is the same file as the input 'c.csv'"),
        (["analyze", "curve.png"], "--plot: the default 'curve.png' is the same file as the input 'curve.png'; give --plot FILE or --no-plot"),
        (["analyze", "c.csv", "--plot", "nodir/a.png"], "--plot: no such folder 'nodir' for 'nodir/a.png'"),
        (["train", "--plot", "nodir/t.png"], "--plot: no such folder 'nodir' for 'nodir/t.png'"),
        (["train", "--record", "folder.png"], "--record: 'folder.png' is a folder"),
        (["train", "--data", "c.csv", "--plot", "t.svg", "--record", "link.csv"], "--record: 'link.csv' is the same file as --data 'c.csv'"),
        (schedule + ["--csv", "nodir/s.csv"], "--csv: no such folder 'nodir' for 'nodir/s.csv'"),
        (schedule + ["--plot", "s.gif"], "--plot: unknown image format '.gif' in 's.gif'; use .png, .svg or .pdf"),
        (schedule + ["--plot", "nodir/s.png"], "--plot: no such folder 'nodir' for 'nodir/s.png'"),
        (schedule + ["--metrics", "c.csv", "--csv", "link.csv"], "--csv: 'link.csv' is the same file as --metrics 'c.csv'"),
        (schedule + ["--csv", "-", "--json"], "--csv -: standard output takes the --json document; give --csv FILE or drop --json"),
    ])
    func badOutputsAreUsageErrorsBeforeAnyWork(arguments: [String], message: String) throws {
        let folder = try Self.workspace()
        let before = try Self.contents(of: folder)
        let run = try runLRFind(arguments, in: folder)
        #expect(run.status == 2)
        #expect(run.error == "lrfind: error: \(message) (see 'lrfind --help')\n")
        #expect(run.output.isEmpty, "no table: \(run.output)")
        // Nothing was written: not the CSV that came before the bad plot, not a partial file.
        #expect(try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8) == "keep\n")
        #expect(try Self.contents(of: folder) == before)
    }

    @Test func csvDashPrintsTheCSVInsteadOfTheTable() throws {
        let folder = scratchDirectory()
        let find = try runLRFind(["--data", Fixtures.digits, "--model", "logreg", "--steps", "30", "--no-plot", "--csv", "-"], in: folder)
        #expect(find.status == 0, "\(find.error)")
        let rows = find.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.first == "step,lr,loss,smoothed_loss,lag_free_loss")
        #expect(rows.count >= 3 && rows.dropFirst().dropLast().allSatisfy { $0.split(separator: ",").count == 5 }, "\(find.output)")
        #expect(rows.last == "", "ends with a newline")
        #expect(!find.output.contains("recommended") && !find.output.contains("time:"), "no table")
        #expect(try Self.contents(of: folder).isEmpty, "no file named '-'")
        let schedule = try runLRFind(Self.schedule + ["--csv", "-"], in: folder)
        #expect(schedule.status == 0 && schedule.output == Self.scheduleCSV, "\(schedule.output)\(schedule.error)")
    }

    @Test func csvOntoALinkWritesItsTargetAndKeepsTheLink() throws {
        let folder = scratchDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("real"), withIntermediateDirectories: false)
        let link = folder.appendingPathComponent("s.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/t.csv")
        for _ in 0..<2 {   // dangling, then onto the file the first run made
            let run = try runLRFind(Self.schedule + ["--csv", "s.csv"], in: folder)
            #expect(run.status == 0, "\(run.error)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/t.csv")
            #expect(try String(contentsOfFile: folder.path + "/real/t.csv", encoding: .utf8) == Self.scheduleCSV)
        }
        #expect(try Self.contents(of: folder) == ["real", "s.csv"])
        #expect(try Self.contents(of: folder.appendingPathComponent("real")) == ["t.csv"])
    }

    @Test func csvOntoStandardOutputPrintsIt() throws {
        // /dev/stdout is a link to /proc/self/fd/1; a link of our own to it behaves the same,
        // and a regression replaces that link rather than the machine's /dev/stdout.
        let folder = scratchDirectory()
        let link = folder.appendingPathComponent("stdout").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
        let run = try runLRFind(Self.schedule + ["--csv", link], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix(Self.scheduleCSV), "the CSV, then the summary: \(run.output)")
        #expect(run.output.contains("step:size=2: 3 steps"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "/proc/self/fd/1")

        // Standard output is a file: the CSV goes into it, before the summary, not over it.
        let file = folder.appendingPathComponent("out.txt")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let process = Process()
        process.executableURL = lrfindBinary
        process.arguments = Self.schedule + ["--csv", link]
        process.standardOutput = try FileHandle(forWritingTo: file)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix(Self.scheduleCSV) && text.contains("step:size=2: 3 steps"), "\(text)")
    }

    @Test func devicesAndPipesAreWrittenInPlace() throws {
        let folder = scratchDirectory()
        let full = folder.appendingPathComponent("full").path, null = folder.appendingPathComponent("null").path
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "/dev/full")
        try FileManager.default.createSymbolicLink(atPath: null, withDestinationPath: "/dev/null")
        let failed = try runLRFind(Self.schedule + ["--csv", full], in: folder)
        #expect(failed.status == 1)
        #expect(failed.error == "lrfind: error: cannot write \(full): No space left on device\n")
        let discarded = try runLRFind(["--data", Fixtures.digits, "--model", "logreg", "--steps", "20", "--no-plot",
                                       "--csv", null, "--record", "/dev/null"], in: folder)
        #expect(discarded.status == 0, "two outputs on one stream are fine: \(discarded.error)")
        for device in ["/dev/full", "/dev/null"] {
            #expect((try FileManager.default.attributesOfItem(atPath: device)[.type] as? FileAttributeType) == .typeCharacterSpecial)
        }
        #expect(try Self.contents(of: folder) == ["full", "null"])

        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)   // so that the writer need not wait for a reader
        defer { close(reader) }
        let piped = try runLRFind(Self.schedule + ["--csv", fifo], in: folder)
        #expect(piped.status == 0, "\(piped.error)")
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(reader, &buffer, buffer.count)
        #expect(count > 0 && String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == Self.scheduleCSV)
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a pipe")
    }
}
