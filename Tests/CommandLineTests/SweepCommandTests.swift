import Foundation
import Testing

/// `lrfind sweep` and `lrfind report` (issue 25): the runs listed, worker processes that give
/// the results of one, a journal that resumes and survives Ctrl-C, a report from any journal,
/// and usage errors before any work.
@Suite struct SweepCommandTests {
    /// A small sweep: wine, one hidden layer, 4 rates, at most 5 epochs.
    static let small = ["sweep", "--data", Fixtures.wine, "--model", "dense:8,relu", "--rates", "0.0001,0.001,0.01,0.1",
                        "--max-epochs", "5", "--patience", "2", "--quiet", "--no-plot"]

    /// A journal's lines as JSON objects (every line must parse).
    static func lines(_ file: URL) throws -> [[String: Any]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
    }

    /// The run lines' per-epoch figures but times, by recipe identifier.
    static func epochs(_ file: URL) throws -> [String: NSArray] {
        var result: [String: NSArray] = [:]
        for line in try lines(file) where line["kind"] as? String == "run" {
            let record = try #require(line["record"] as? [String: Any])
            let epochs = try #require((record["result"] as? [String: Any])?["epochs"] as? [[String: Any]])
            result[try #require(line["identifier"] as? String)] = epochs.map { $0.filter { $0.key != "seconds" } } as NSArray
        }
        return result
    }

    /// A journal's header and run lines, as text (claims, heartbeats and releases left out).
    static func headerAndRuns(_ file: URL) throws -> [Substring] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").filter {
            $0.hasPrefix("{") && ($0.contains("\"kind\":\"header\"") || $0.contains("\"kind\":\"run\""))
        }
    }

    /// The rate rows of a sweep's table without their seconds column (the clock's).
    static func withoutSeconds(_ text: String) -> [String] {
        text.split(separator: "\n").dropFirst(2).prefix { !$0.hasPrefix("best") }.map {
            $0.split(separator: " ").enumerated().filter { $0.offset != 6 }.map(\.element).joined(separator: " ")
        }
    }

    @Test func dryRunListsEveryRateAndSeedWithItsIdentifier() throws {
        let folder = scratchDirectory()
        let listed = try runLRFind(Self.small + ["--seeds", "0,1", "--dry-run", "--json"], in: folder)
        #expect(listed.status == 0, "\(listed.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["rate"] as? Double } == [0.0001, 0.0001, 0.001, 0.001, 0.01, 0.01, 0.1, 0.1])
        #expect(runs.map { $0["seed"] as? Int } == [0, 1, 0, 1, 0, 1, 0, 1])
        let identifiers = runs.compactMap { $0["identifier"] as? String }
        #expect(Set(identifiers).count == 8 && identifiers.allSatisfy { $0.count == 64 })
        let table = try runLRFind(Self.small + ["--seeds", "0,1", "--dry-run"], in: folder)
        let rows = table.output.split(separator: "\n")
        #expect(rows.count == 10 && rows[0].hasPrefix("8 runs (4 rates x 2 seeds), experiment "))
        #expect(rows[2] == "0.0001        0     \(identifiers[0])")
        // Nothing ran, nothing was written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func twoWorkersGiveTheResultsOfOne() throws {
        let folder = scratchDirectory()
        let one = try runLRFind(Self.small + ["--jobs", "1", "--journal", "one.jsonl"], in: folder)
        #expect(one.status == 0, "\(one.error)")
        let two = try runLRFind(Self.small + ["--jobs", "2", "--journal", "two.jsonl"], in: folder)
        #expect(two.status == 0, "\(two.error)")
        let first = try Self.epochs(folder.appendingPathComponent("one.jsonl"))
        let second = try Self.epochs(folder.appendingPathComponent("two.jsonl"))
        #expect(first.count == 4 && first == second)
        #expect(Self.withoutSeconds(one.output) == Self.withoutSeconds(two.output))
    }

    @Test func resumeRunsOnlyWhatTheJournalLacks() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let full = try runLRFind(Self.small + ["--jobs", "1", "--journal", "j.jsonl"], in: folder)
        #expect(full.status == 0, "\(full.error)")
        let complete = try Self.headerAndRuns(journal)
        #expect(complete.count == 5)
        let completeEpochs = try Self.epochs(journal)
        // The header and the first two runs, as if stopped there.
        try (complete[0...2].joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
        let resumed = try runLRFind(Self.small + ["--jobs", "2", "--journal", "j.jsonl", "--resume", "--verbose"], in: folder)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("lrfind: note: j.jsonl holds 2 of the 4 runs; running the others\n"), "\(resumed.error)")
        #expect(resumed.error.contains("sweep: 2 runs on 2 worker(s) of 1 thread(s)\n"), "\(resumed.error)")
        let after = try Self.headerAndRuns(journal)
        #expect(after.count == 5 && Array(after[0...2]) == Array(complete[0...2]))
        #expect(try Self.epochs(journal) == completeEpochs)
        #expect(Self.withoutSeconds(resumed.output) == Self.withoutSeconds(full.output) && Self.withoutSeconds(full.output).count == 4)
        // Nothing is left to run.
        let again = try runLRFind(Self.small + ["--journal", "j.jsonl", "--resume"], in: folder)
        #expect(again.status == 0 && again.error.contains("holds 4 of the 4 runs; running the others"), "\(again.error)")
        #expect(try Self.headerAndRuns(journal) == after)
    }

    /// The process ids of `lrfind worker` processes whose working directory is `folder`.
    static func workers(in folder: URL) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                  cwd == folder.path || cwd == folder.resolvingSymlinksInPath().path,
                  let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.contains("worker")
        }
    }

    @Test func anInterruptKeepsTheFinishedRuns() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let run = try RunningLRFind(["sweep", "--data", Fixtures.digits, "--model", "dense:32,relu", "--from", "1e-4", "--to", "1e-2",
                                     "--per-decade", "10", "--max-epochs", "40", "--patience", "40", "--jobs", "1", "--journal", "j.jsonl",
                                     "--no-plot", "--verbose"], in: folder)
        // The first run is journaled before the sweep says it finished.
        let firstFinished = run.waitForError(containing: "sweep: run 1 of 21 finished", deadline: 300)
        #expect(firstFinished, "no finished run")
        run.send(firstFinished ? SIGINT : SIGKILL)
        let outcome = run.finish()
        guard firstFinished else { return }
        #expect(outcome.reason == .exit && outcome.status == 130, "\(outcome.error)")
        let lines = try Self.lines(journal)
        let finished = lines.filter { $0["kind"] as? String == "run" }.count
        #expect(lines.first?["kind"] as? String == "header" && finished >= 1 && finished < 21)
        #expect(outcome.error.contains("lrfind: interrupted: \(finished) of 21 runs finished (\(finished) in this session); the journal j.jsonl keeps them: --resume continues"),
                "\(outcome.error)")
        // No worker is left behind (the sweep waits for its workers before it exits): no
        // `lrfind worker` process runs in this folder, so the journal cannot grow.
        #expect(Self.workers(in: folder).isEmpty, "workers still running: \(Self.workers(in: folder))")
        #expect(try Self.lines(journal).count == lines.count)
    }

    @Test func reportRedrawsAPartialJournal() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let full = try runLRFind(Self.small + ["--jobs", "2", "--journal", "j.jsonl"], in: folder)
        #expect(full.status == 0, "\(full.error)")
        // The header, two runs and a torn third line.
        let complete = try Self.headerAndRuns(journal)
        let identifiers = try Self.lines(journal).filter { $0["kind"] as? String == "run" }.compactMap { $0["identifier"] as? String }
        try (complete[0...2].joined(separator: "\n") + "\n" + complete[3].prefix(40)).write(to: journal, atomically: true, encoding: .utf8)
        let report = try runLRFind(["report", "j.jsonl", "--csv", "runs.csv", "--plot", "partial.svg"], in: folder)
        #expect(report.status == 0, "\(report.error)")
        #expect(report.error.contains("holds 2 of the sweep's 4 runs"), "\(report.error)")
        let rows = report.output.split(separator: "\n")
        #expect(rows[0].hasSuffix("; 2 of 4 runs finished"))
        // Each rate's row is the full sweep's (a run's figures do not depend on the others).
        let fullRows = full.output.split(separator: "\n")
        let reported = Set(rows[2...3])
        #expect(reported.isSubset(of: Set(fullRows[2...5])), "\(rows)")
        let csv = try String(contentsOf: folder.appendingPathComponent("runs.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[0] == "rate,seed,identifier,best_validation,best_epoch,test_at_best,epochs_run,seconds,diverged")
        #expect(Set(csv.dropFirst().map { String($0.split(separator: ",")[2]) }) == Set(identifiers.prefix(2)))
        #expect(try String(contentsOf: folder.appendingPathComponent("partial.svg"), encoding: .utf8).contains("<svg"))
    }

    @Test func theRangeTestIsJournaledAndRedrawnByReport() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let sweep = try runLRFind(Self.small + ["--with-range-test", "--journal", "j.jsonl", "--json"], in: folder)
        #expect(sweep.status == 0, "\(sweep.error)")
        let kinds = try Self.lines(journal).compactMap { $0["kind"] as? String }
        #expect(kinds.filter { $0 != "claim" } == ["header", "rangeTest", "run", "run", "run", "run"])
        #expect(kinds.filter { $0 == "claim" }.count == 4)
        let swept = try #require(try JSONSerialization.jsonObject(with: Data(sweep.output.utf8)) as? [String: Any])
        let band = try #require(swept["rangeTest"] as? [String: Any])
        #expect((band["range"] as? [Double])?.count == 2 && (band["oneCycle"] as? [String: Any])?["maximumRate"] is Double)
        // The report redraws the same band and one-cycle point from the journal alone.
        let report = try runLRFind(["report", "j.jsonl", "--json"], in: folder)
        #expect(report.status == 0, "\(report.error)")
        let reported = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any])
        #expect((reported["rangeTest"] as? NSDictionary) == (band as NSDictionary))
        // Resuming the complete journal runs neither the range test nor a run again.
        let resumed = try runLRFind(Self.small + ["--with-range-test", "--journal", "j.jsonl", "--resume"], in: folder)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("j.jsonl holds the range test; it is not run again"), "\(resumed.error)")
        #expect(try Self.lines(journal).count == kinds.count)
        #expect(resumed.output.contains("range test: recommended range "))
    }

    @Test(arguments: [
        (["--resume"], "--resume goes with --journal FILE"),
        (["--from", "1e-3"], "--rates lists the rates; --from, --to and --per-decade make a grid: give one or the other"),
        (["--jobs", "0"], "--jobs must be >= 1, got 0"),
        (["--patience", "0"], "--patience must be >= 1, got 0"),
        (["--seeds", "0,x"], "--seeds: 'x' is not a seed (an integer >= 0)"),
        (["--seeds", "1,1"], "--seeds lists 1 twice"),
        (["--save", "m.safetensors"], "--save: a sweep trains many models and saves none"),
        (["--journal", "taken.jsonl"], "--journal taken.jsonl exists; --resume continues it, or give another file"),
    ])
    func usageErrorsComeBeforeAnyWork(extra: [String], message: String) throws {
        let folder = scratchDirectory()
        try "x\n".write(to: folder.appendingPathComponent("taken.jsonl"), atomically: true, encoding: .utf8)
        let result = try runLRFind(Self.small + extra, in: folder)
        #expect(result.status == 2)
        #expect(result.error == "lrfind: error: \(message) (see 'lrfind --help')\n", "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["taken.jsonl"])
    }

    @Test func aBadRateListIsAUsageError() throws {
        let result = try runLRFind(["sweep", "--data", Fixtures.wine, "--rates", "0.1,-1", "--dry-run"], in: scratchDirectory())
        #expect(result.status == 2 && result.error == "lrfind: error: --rates: every rate must be positive and finite, got -1.0 (see 'lrfind --help')\n",
                "\(result.error)")
    }
}
