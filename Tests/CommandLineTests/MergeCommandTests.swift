import Foundation
import Testing

/// `lrfind merge` (issue 26): the journals of `--shard 1/2` and `--shard 2/2`, run one after the
/// other or by GNU parallel, merge into a journal whose report is the one-process sweep's; a run
/// with other results is a conflict noted on stderr; usage errors before any work, with exit 2.
@Suite struct MergeCommandTests {
    /// The small wine sweep of ``SweepCommandTests/small``, one worker per process.
    static let small = SweepCommandTests.small + ["--jobs", "1"]

    /// `lrfind report journal` in `folder`, the clock's figures left out: the first line, the rate
    /// rows without their seconds, and the answer's lines without their seconds.
    static func report(_ journal: String, in folder: URL) throws -> [String] {
        let result = try runLRFind(["report", journal], in: folder)
        #expect(result.status == 0 && result.error.isEmpty, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let answer = lines.filter { $0.hasPrefix("best:") || $0.hasPrefix("trade-off:") }
            .map { $0.replacingOccurrences(of: ", [0-9.]+ s ", with: " ", options: .regularExpression) }
        return Array(lines.prefix(1)) + SweepCommandTests.withoutSeconds(result.output) + answer
    }

    /// Runs the whole small sweep in one process into `one.jsonl` in `folder`.
    static func oneProcess(in folder: URL) throws {
        let one = try runLRFind(small + ["--journal", "one.jsonl"], in: folder)
        #expect(one.status == 0, "\(one.error)")
    }

    /// A journal's line of `kind` at `index` among them, as text.
    static func line(_ kind: String, _ index: Int, of file: URL) throws -> String {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"kind\":\"\(kind)\"") }
        return String(lines[index])
    }

    @Test func shardJournalsMergeIntoTheOneProcessSweep() throws {
        let folder = scratchDirectory()
        try Self.oneProcess(in: folder)
        for shard in 1...2 {
            let run = try runLRFind(Self.small + ["--shard", "\(shard)/2", "--journal", "j\(shard).jsonl"], in: folder)
            #expect(run.status == 0, "\(run.error)")
        }
        let merged = try runLRFind(["merge", "j1.jsonl", "j2.jsonl", "--output", "merged.jsonl"], in: folder)
        #expect(merged.status == 0 && merged.error.isEmpty, "\(merged.error)")
        #expect(merged.output == "merged 2 journals: 4 of the sweep's 4 runs (0 duplicates, 0 conflicts) into merged.jsonl\n")

        // The first shard's header, then the four runs in sweep order, no claims.
        let file = folder.appendingPathComponent("merged.jsonl")
        let lines = try SweepCommandTests.lines(file)
        #expect(lines.map { $0["kind"] as? String } == ["header", "run", "run", "run", "run"])
        #expect(lines.dropFirst().map { $0["rate"] as? Double } == [0.0001, 0.001, 0.01, 0.1])
        #expect(try Self.line("header", 0, of: file) == (try Self.line("header", 0, of: folder.appendingPathComponent("j1.jsonl"))))
        // The runs' figures and the report are the one-process sweep's, the clock's aside.
        let one = folder.appendingPathComponent("one.jsonl")
        #expect(try SweepCommandTests.epochs(file) == (try SweepCommandTests.epochs(one)))
        let report = try Self.report("merged.jsonl", in: folder)
        #expect(report.count == 7 && report[0].hasSuffix("; 4 of 4 runs finished"), "\(report)")
        #expect(report == (try Self.report("one.jsonl", in: folder)))

        // Merged again with the one-process journal and a shard: every run of those two is a duplicate.
        let again = try runLRFind(["merge", "merged.jsonl", "one.jsonl", "j2.jsonl", "--output", "all.jsonl", "--json"], in: folder)
        #expect(again.status == 0 && again.error.isEmpty, "\(again.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [String: Any])
        #expect(document["inputs"] as? [String] == ["merged.jsonl", "one.jsonl", "j2.jsonl"] && document["output"] as? String == "all.jsonl")
        #expect(document["runsKept"] as? Int == 4 && document["runCount"] as? Int == 4 && document["duplicates"] as? Int == 6)
        #expect((document["conflicts"] as? [Any])?.isEmpty == true && document["rangeTest"] as? Bool == false)
        #expect(try Self.report("all.jsonl", in: folder) == report)
    }

    @Test func shardsRunByGNUParallelMergeToo() throws {
        let folder = scratchDirectory()
        try Self.oneProcess(in: folder)
        // parallel -q passes each argument as it is; {} is the shard number.
        let parallel = try runWrapped("/usr/bin/parallel", ["--will-cite", "-q", "-j", "2", lrfindBinary.path] + Self.small
                                      + ["--shard", "{}/2", "--journal", "j{}.jsonl", ":::", "1", "2"], in: folder)
        #expect(parallel.status == 0, "\(parallel.error)")
        #expect(parallel.error.contains("shard 1/2 ran 2 of the sweep's 4 runs") && parallel.error.contains("shard 2/2 ran 2 of the sweep's 4 runs"),
                "\(parallel.error)")
        let merged = try runLRFind(["merge", "j1.jsonl", "j2.jsonl", "--output", "merged.jsonl"], in: folder)
        #expect(merged.status == 0 && merged.output == "merged 2 journals: 4 of the sweep's 4 runs (0 duplicates, 0 conflicts) into merged.jsonl\n",
                "\(merged.output)\(merged.error)")
        #expect(try Self.report("merged.jsonl", in: folder) == (try Self.report("one.jsonl", in: folder)))
    }

    @Test func aRunWithOtherResultsIsNotedOnStandardError() throws {
        let folder = scratchDirectory()
        try Self.oneProcess(in: folder)
        // other.jsonl: one.jsonl with its first run's first training loss changed and started earlier.
        let one = folder.appendingPathComponent("one.jsonl")
        var line = try #require(try JSONSerialization.jsonObject(with: Data(try Self.line("run", 0, of: one).utf8)) as? [String: Any])
        var record = try #require(line["record"] as? [String: Any]), result = try #require(record["result"] as? [String: Any])
        var epochs = try #require(result["epochs"] as? [[String: Any]])
        let identifier = try #require(line["identifier"] as? String), started = try #require(line["started"] as? String)
        #expect(line["rate"] as? Double == 0.0001)
        epochs[0]["trainLoss"] = 123.5
        result["epochs"] = epochs
        record["result"] = result
        line["record"] = record
        line["started"] = "2001-01-01T00:00:00.000Z"
        let edited = String(decoding: try JSONSerialization.data(withJSONObject: line, options: .sortedKeys), as: UTF8.self)
        try (Self.line("header", 0, of: one) + "\n" + edited + "\n").write(to: folder.appendingPathComponent("other.jsonl"), atomically: true, encoding: .utf8)

        let merged = try runLRFind(["merge", "one.jsonl", "other.jsonl", "--output", "merged.jsonl"], in: folder)
        #expect(merged.status == 0, "\(merged.error)")
        #expect(merged.output == "merged 2 journals: 4 of the sweep's 4 runs (0 duplicates, 1 conflict) into merged.jsonl\n")
        #expect(merged.error == "lrfind: note: rate 0.0001, seed 0, run \(identifier.prefix(12)): one.jsonl (started \(started)) has other results than other.jsonl (started 2001-01-01T00:00:00.000Z), in record.result.epochs[0].trainLoss; the earlier, other.jsonl's, is kept\n",
                "\(merged.error)")
        let kept = try SweepCommandTests.lines(folder.appendingPathComponent("merged.jsonl"))[1]
        #expect(kept["started"] as? String == "2001-01-01T00:00:00.000Z")
    }

    @Test func usageErrorsComeBeforeAnyWork() throws {
        let folder = scratchDirectory()
        for shard in 1...2 {
            let run = try runLRFind(Self.small + ["--shard", "\(shard)/2", "--journal", "j\(shard).jsonl"], in: folder)
            #expect(run.status == 0, "\(run.error)")
        }
        // Journals of another sweep (other rates) and of other data (iris).
        let rates = try runLRFind(Self.small.map { $0 == "0.0001,0.001,0.01,0.1" ? "0.001,0.01" : $0 } + ["--journal", "rates.jsonl"], in: folder)
        let iris = try runLRFind(Self.small.map { $0 == Fixtures.wine ? Fixtures.iris : $0 } + ["--journal", "iris.jsonl"], in: folder)
        #expect(rates.status == 0 && iris.status == 0, "\(rates.error)\(iris.error)")
        // Another format version, a file that is not a journal, an output that exists.
        let j2 = try String(contentsOf: folder.appendingPathComponent("j2.jsonl"), encoding: .utf8)
        try j2.replacingOccurrences(of: "\"formatVersion\":1,", with: "\"formatVersion\":2,").write(to: folder.appendingPathComponent("v2.jsonl"), atomically: true, encoding: .utf8)
        try "rate,seed\n".write(to: folder.appendingPathComponent("notes.csv"), atomically: true, encoding: .utf8)
        try "x\n".write(to: folder.appendingPathComponent("taken.jsonl"), atomically: true, encoding: .utf8)
        let header = try #require(try SweepCommandTests.lines(folder.appendingPathComponent("j1.jsonl")).first)
        let irisHeader = try #require(try SweepCommandTests.lines(folder.appendingPathComponent("iris.jsonl")).first)
        let (wineDigest, irisDigest) = (try #require(header["dataDigest"] as? String), try #require(irisHeader["dataDigest"] as? String))
        let version = try #require(header["lrfindVersion"] as? String)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()

        let cases: [([String], String)] = [
            (["j1.jsonl", "j2.jsonl", "--output", "j1.jsonl"], "--output: 'j1.jsonl' is the same file as JOURNAL 'j1.jsonl'"),
            (["j1.jsonl", "j2.jsonl", "--output", "taken.jsonl"], "--output taken.jsonl exists; give another file"),
            (["j1.jsonl", "j2.jsonl", "--output", "nowhere/m.jsonl"], "--output: no such folder 'nowhere' for 'nowhere/m.jsonl'"),
            (["j1.jsonl", "./j1.jsonl", "--output", "m.jsonl"], "JOURNAL './j1.jsonl' is the same file as JOURNAL 'j1.jsonl'; give each journal once"),
            (["--output", "m.jsonl"], "give the journals to merge: lrfind merge J1 J2 ... --output FILE"),
            (["j1.jsonl", "notes.csv", "--output", "m.jsonl"], "notes.csv:1: not a sweep journal: its first line is not a journal header"),
            (["j1.jsonl", "v2.jsonl", "--output", "m.jsonl"], "v2.jsonl:1: journal format version 2 is not one this lrfind (\(version)) reads: it reads version 1"),
            (["j1.jsonl", "rates.jsonl", "--output", "m.jsonl"], "rates.jsonl:1: a journal of another sweep than j1.jsonl (its rates differ); merge only the journals of one sweep"),
            (["j1.jsonl", "iris.jsonl", "--output", "m.jsonl"], "iris.jsonl:1: a journal of other data (SHA-256 \(irisDigest)) than j1.jsonl (SHA-256 \(wineDigest)); merge only the journals of one sweep"),
        ]
        for (arguments, message) in cases {
            let result = try runLRFind(["merge"] + arguments, in: folder)
            #expect(result.status == 2 && result.output.isEmpty, "\(arguments): \(result.status) \(result.output)")
            #expect(result.error == "lrfind: error: \(message) (see 'lrfind --help')\n", "\(arguments)")
        }
        // A journal that is not there: the system's reason (its wording is Foundation's).
        let missing = try runLRFind(["merge", "j1.jsonl", "missing.jsonl", "--output", "m.jsonl"], in: folder)
        #expect(missing.status == 2 && missing.error.hasPrefix("lrfind: error: missing.jsonl: cannot read the journal: ") && missing.error.split(separator: "\n").count == 1,
                "\(missing.error)")
        // Nothing was written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }
}
