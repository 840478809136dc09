import Foundation
import Testing

/// Many `lrfind sweep` processes on one journal (issue 26): they claim runs through it, so no
/// run is done twice and the answer equals one process's; a process killed mid-run has its claim
/// taken over once it has been silent for `--claim-timeout`.
@Suite struct SharedJournalTests {
    /// Seven rates on digits, runs of about half a second.
    static let sweep = ["sweep", "--data", Fixtures.digits, "--model", "dense:32,relu", "--from", "1e-4", "--to", "1e-1",
                        "--per-decade", "2", "--max-epochs", "8", "--patience", "8", "--no-plot"]

    /// The journal's lines of `kind`.
    static func lines(_ file: URL, kind: String) throws -> [[String: Any]] {
        try SweepCommandTests.lines(file).filter { $0["kind"] as? String == kind }
    }

    @Test func threeProcessesOnOneJournalDoEveryRunOnceAndAgreeWithOne() throws {
        let folder = scratchDirectory()
        let processes = try (1...3).map { _ in
            try RunningLRFind(Self.sweep + ["--jobs", "1", "--journal", "shared.jsonl", "--resume", "--quiet"], in: folder)
        }
        let outcomes = processes.map { $0.finish() }
        for outcome in outcomes { #expect(outcome.reason == .exit && outcome.status == 0, "\(outcome.error)") }
        let journal = folder.appendingPathComponent("shared.jsonl")
        let runs = try Self.lines(journal, kind: "run").compactMap { $0["identifier"] as? String }
        let claims = try Self.lines(journal, kind: "claim")
        // Seven runs, each run once and claimed once; more than one process did some.
        #expect(runs.count == 7 && Set(runs).count == 7)
        #expect(claims.count == 7 && Set(claims.compactMap { $0["identifier"] as? String }) == Set(runs))
        let owners = Set(claims.compactMap { $0["owner"] as? String })
        #expect(owners.count >= 2, "one process ran every run: \(owners)")
        #expect(try SweepCommandTests.lines(journal).filter { $0["kind"] as? String == "header" }.count == 1)
        // Every process waits for the others and prints the whole answer: one process's.
        let alone = try runLRFind(Self.sweep + ["--jobs", "1", "--quiet"], in: folder)
        #expect(alone.status == 0, "\(alone.error)")
        let expected = SweepCommandTests.withoutSeconds(alone.output)
        #expect(expected.count == 7)
        // The answer lines up to their seconds.
        func answer(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { $0.hasPrefix("best:") || $0.hasPrefix("trade-off:") }.map { $0.prefix { $0 != "," } }
        }
        #expect(answer(alone.output).count == 2)
        for outcome in outcomes {
            #expect(SweepCommandTests.withoutSeconds(outcome.output) == expected)
            #expect(answer(outcome.output) == answer(alone.output))
        }
    }

    @Test func aKilledProcessesRunIsTakenOverAfterTheClaimTimeout() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let timing = ["--heartbeat", "1s", "--claim-timeout", "3s", "--journal", "j.jsonl", "--resume", "--jobs", "1"]
        let twoRates = ["sweep", "--data", Fixtures.digits, "--model", "dense:32,relu", "--rates", "0.001,0.01",
                        "--max-epochs", "30", "--patience", "30", "--no-plot"]
        let doomed = try RunningLRFind(twoRates + timing + ["--verbose"], in: folder)
        // Its first claim is in the journal (written before the run starts): kill it (no release
        // line, as a node that died).
        #expect(doomed.waitForError(containing: "sweep: run 1 of 2 started", deadline: 120))
        doomed.send(SIGKILL)
        _ = doomed.finish()
        let dead = try #require(try Self.lines(journal, kind: "claim").first)
        let deadOwner = try #require(dead["owner"] as? String)
        #expect(try Self.lines(journal, kind: "run").isEmpty && Self.lines(journal, kind: "release").isEmpty)

        let rescuer = try runLRFind(twoRates + timing, in: folder)
        #expect(rescuer.status == 0, "\(rescuer.error)")
        #expect(rescuer.error.contains("lrfind: note: took over the run at lr 0.001, seed 0 from \(deadOwner), silent for "), "\(rescuer.error)")
        let runs = try Self.lines(journal, kind: "run")
        #expect(runs.count == 2 && Set(runs.compactMap { $0["identifier"] as? String }).count == 2)
        #expect(runs.compactMap { $0["rate"] as? Double }.sorted() == [0.001, 0.01])
        // The dead claim was taken over at least 3 s after it was last heard of.
        let claims = try Self.lines(journal, kind: "claim")
        let takeover = try #require(claims.last { $0["identifier"] as? String == dead["identifier"] as? String && $0["owner"] as? String != deadOwner })
        #expect(try #require(takeover["at"] as? Double) - (try #require(dead["at"] as? Double)) > 3)
    }

    @Test func anInterruptedProcessReleasesItsRuns() throws {
        let folder = scratchDirectory()
        let journal = folder.appendingPathComponent("j.jsonl")
        let run = try RunningLRFind(Self.sweep + ["--max-epochs", "200", "--patience", "200", "--jobs", "2", "--journal", "j.jsonl", "--verbose"],
                                    in: folder)
        // Both workers' runs are claimed.
        #expect(run.waitForError(containing: "sweep: run 2 of 7 started", deadline: 120))
        run.send(SIGINT)
        let outcome = run.finish()
        #expect(outcome.status == 130, "\(outcome.error)")
        let finished = Set(try Self.lines(journal, kind: "run").compactMap { $0["identifier"] as? String })
        let claimed = Set(try Self.lines(journal, kind: "claim").compactMap { $0["identifier"] as? String })
        let released = try Self.lines(journal, kind: "release")
        // One release line names every claimed run that did not finish.
        #expect(released.count == 1)
        #expect(Set(released.first?["identifiers"] as? [String] ?? []) == claimed.subtracting(finished))
    }

    @Test func aSlurmJobsCPUsOnTheNodeBoundTheDefaultWorkers() throws {
        let folder = scratchDirectory()
        let bound = try runWrapped("/usr/bin/env", ["SLURM_CPUS_ON_NODE=1", lrfindBinary.path] + SweepCommandTests.small + ["--verbose"], in: folder)
        #expect(bound.status == 0, "\(bound.error)")
        #expect(bound.error.contains("sweep: 4 runs on 1 worker(s) of 1 thread(s)"), "\(bound.error)")
        let free = try runWrapped("/usr/bin/env", ["-u", "SLURM_CPUS_ON_NODE", "taskset", "-c", "0,1", lrfindBinary.path] + SweepCommandTests.small + ["--verbose"],
                                  in: folder)
        #expect(free.error.contains("sweep: 4 runs on 2 worker(s) of 1 thread(s)"), "\(free.error)")
    }

    @Test(arguments: [
        (["--shard", "3/2"], "--shard: shard 3 is not one of 1 to 2"),
        (["--shard", "slurm"], "--shard slurm: SLURM_ARRAY_TASK_ID is not set (is this a SLURM job array task?)"),
        (["--heartbeat", "soon"], "--heartbeat: 'soon' is not a duration (30s, 5m, 1h or seconds > 0)"),
        (["--heartbeat", "1m", "--claim-timeout", "90s"], "--claim-timeout 90s must be more than twice --heartbeat 1m: a live process would lose its runs"),
    ])
    func badSharingOptionsAreUsageErrors(extra: [String], message: String) throws {
        let folder = scratchDirectory()
        let result = try runLRFind(SweepCommandTests.small + extra, in: folder)
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("lrfind: error: \(message) (see 'lrfind --help')"), "\(result.error)")
    }
}
