import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// Many processes on one journal: claims, heartbeats, releases and takeovers (``ClaimLedger``,
/// ``SweepJournal/claim(from:owner:now:timeout:)``, ``SweepDispatcher``), shards, and durations.
@Suite struct SweepClaimTests {
    /// A three-rate sweep on iris and a real record to append.
    static func sweep() throws -> (definition: SweepDefinition, record: TrainingRecord) {
        try SweepJournalTests.sweep(rates: [1e-3, 1e-2, 1e-1])
    }

    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

    // MARK: The ledger

    @Test func aClaimIsHeldUntilItsHolderIsSilentForLongerThanTheTimeout() {
        var ledger = ClaimLedger()
        #expect(ledger.status(of: "r1", owner: "a", now: 0, timeout: 300) == .free)
        ledger.claim("r1", owner: "a", at: 10)
        #expect(ledger.status(of: "r1", owner: "a", now: 11, timeout: 300) == .mine)
        let claim = ClaimLedger.Claim(owner: "a", claimed: 10, heard: 10)
        #expect(ledger.status(of: "r1", owner: "b", now: 310, timeout: 300) == .held(claim))
        #expect(ledger.status(of: "r1", owner: "b", now: 310.5, timeout: 300) == .stale(claim))
        // A heartbeat of the holder keeps it; one of another process for it does not.
        ledger.heartbeat(["r1"], owner: "a", at: 200)
        ledger.heartbeat(["r1"], owner: "c", at: 400)
        #expect(ledger.status(of: "r1", owner: "b", now: 500, timeout: 300) == .held(ClaimLedger.Claim(owner: "a", claimed: 10, heard: 200)))
        #expect(ledger.status(of: "r1", owner: "b", now: 501, timeout: 300) == .stale(ClaimLedger.Claim(owner: "a", claimed: 10, heard: 200)))
        // Taken over: the latest claim wins; the old holder's release no longer frees it.
        ledger.claim("r1", owner: "b", at: 501)
        ledger.release(["r1"], owner: "a")
        #expect(ledger.status(of: "r1", owner: "a", now: 502, timeout: 300) == .held(ClaimLedger.Claim(owner: "b", claimed: 501, heard: 501)))
        ledger.release(["r1"], owner: "b")
        #expect(ledger.status(of: "r1", owner: "a", now: 502, timeout: 300) == .free)
        // A finished run stays finished, whoever claims it after.
        ledger.finish("r1")
        ledger.claim("r1", owner: "c", at: 600)
        #expect(ledger.status(of: "r1", owner: "a", now: 601, timeout: 300) == .finished)
    }

    // MARK: Claims through the journal

    @Test func twoProcessesOnOneJournalNeverClaimTheSameRun() throws {
        let path = SweepJournalTests.scratch()
        let (definition, record) = try Self.sweep()
        let runs = definition.runs()
        var first = try SweepJournal(path: path, definition: definition, resuming: true)
        var second = try SweepJournal(path: path, definition: definition, resuming: true)
        // One header only: the second process found the first one's.
        #expect(try SweepJournalTests.text(path).split(separator: "\n").count == 1)
        let a = try first.claim(from: runs, owner: "a", now: Self.at(0), timeout: 300)
        let b = try second.claim(from: runs, owner: "b", now: Self.at(1), timeout: 300)
        let c = try first.claim(from: runs, owner: "a", now: Self.at(2), timeout: 300)
        #expect(a?.run.rate == 1e-3 && b?.run.rate == 1e-2 && c?.run.rate == 1e-1)
        #expect(a?.tookOver == nil && b?.tookOver == nil)
        #expect(try second.claim(from: runs, owner: "b", now: Self.at(3), timeout: 300) == nil)
        // The claim lines, in order, one per run.
        let claims = try SweepJournalTests.text(path).split(separator: "\n").dropFirst().map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(claims.map { $0["kind"] as? String } == ["claim", "claim", "claim"])
        #expect(claims.map { $0["owner"] as? String } == ["a", "b", "a"])
        #expect(claims.map { $0["identifier"] as? String } == runs.map(\.identifier))
        #expect(claims[1]["at"] as? Double == Self.at(1).timeIntervalSince1970)

        // b finishes its run; a sees it on its next visit.
        try second.append(run: runs[1], record: record, host: "h", worker: 1, started: Self.at(5), seconds: 1)
        try first.refresh()
        #expect(first.finished.keys.sorted() == [runs[1].identifier] && first.ledger.finished == [runs[1].identifier])
    }

    @Test func aSilentHoldersRunIsTakenOverAndAHeartbeatOrReleaseIsHonoured() throws {
        let path = SweepJournalTests.scratch()
        let (definition, _) = try Self.sweep()
        let runs = Array(definition.runs().prefix(2))
        var dead = try SweepJournal(path: path, definition: definition, resuming: true)
        var live = try SweepJournal(path: path, definition: definition, resuming: true)
        _ = try dead.claim(from: runs, owner: "dead", now: Self.at(0), timeout: 10)
        _ = try live.claim(from: runs, owner: "live", now: Self.at(0), timeout: 10)
        try live.heartbeat([runs[1].identifier], owner: "live", now: Self.at(8))
        var third = try SweepJournal(path: path, definition: definition, resuming: true)
        // At 10 s nobody is stale; at 10.5 s the dead holder's run is taken over, not the live one's.
        #expect(try third.claim(from: runs, owner: "third", now: Self.at(10), timeout: 10) == nil)
        let taken = try #require(try third.claim(from: runs, owner: "third", now: Self.at(10.5), timeout: 10))
        #expect(taken.run.identifier == runs[0].identifier)
        #expect(taken.tookOver == ClaimLedger.Claim(owner: "dead", claimed: Self.at(0).timeIntervalSince1970, heard: Self.at(0).timeIntervalSince1970))
        // The live process lets its run go: free at once, long before the timeout.
        try live.release([runs[1].identifier], owner: "live", now: Self.at(11))
        let freed = try #require(try third.claim(from: runs, owner: "third", now: Self.at(11), timeout: 10))
        #expect(freed.run.identifier == runs[1].identifier && freed.tookOver == nil)
    }

    @Test func theDispatcherClaimsWaitsForOthersAndBeatsItsHeart() throws {
        let path = SweepJournalTests.scratch()
        let (definition, record) = try Self.sweep()
        let runs = definition.runs()
        var other = try SweepJournal(path: path, definition: definition, resuming: true)
        _ = try other.claim(from: runs, owner: "other", now: Self.at(0), timeout: 60)
        var dispatcher = SweepDispatcher(runs: runs, journal: try SweepJournal(path: path, definition: definition, resuming: true),
                                         owner: "me", timeout: 60, heartbeat: 5, now: Self.at(0))
        #expect(dispatcher.unfinishedCount == 3)
        #expect(try dispatcher.next(now: Self.at(1)) == .run(1, runs[1]))
        #expect(try dispatcher.next(now: Self.at(1)) == .run(2, runs[2]))
        // The first run is the other's: wait, and do not look again within a second.
        #expect(try dispatcher.next(now: Self.at(1)) == .wait)
        #expect(dispatcher.holding == [runs[1].identifier: 1, runs[2].identifier: 2])
        // A heartbeat is due 5 s after the last one, naming both runs.
        try dispatcher.tick(now: Self.at(4))
        try dispatcher.tick(now: Self.at(5))
        try dispatcher.tick(now: Self.at(6))
        let heartbeats = try SweepJournalTests.text(path).split(separator: "\n").filter { $0.contains("\"kind\":\"heartbeat\"") }
        #expect(heartbeats.count == 1 && heartbeats[0].contains("\"owner\":\"me\""))
        #expect(heartbeats[0].contains("\"identifiers\":[\"\(min(runs[1].identifier, runs[2].identifier))\",\"\(max(runs[1].identifier, runs[2].identifier))\"]"))
        try dispatcher.finished(runs[1], record: record, host: "h", worker: 1, started: Self.at(6), seconds: 1)
        try dispatcher.finished(runs[2], record: record, host: "h", worker: 2, started: Self.at(6), seconds: 1)
        #expect(try dispatcher.next(now: Self.at(7)) == .wait)
        // The other process finishes its run: now there is nothing left.
        try other.append(run: runs[0], record: record, host: "h2", worker: 1, started: Self.at(8), seconds: 1)
        #expect(try dispatcher.next(now: Self.at(9)) == .done)
        #expect(dispatcher.journal?.finished.count == 3)
    }

    @Test func withoutAJournalTheRunsComeInOrder() throws {
        let runs = try Self.sweep().definition.runs()
        var dispatcher = SweepDispatcher(runs: runs, journal: nil, owner: "me", timeout: 60, heartbeat: 5)
        #expect(try dispatcher.next() == .run(0, runs[0]) && dispatcher.next() == .run(1, runs[1]) && dispatcher.next() == .run(2, runs[2]))
        #expect(try dispatcher.next() == .done)
    }

    // MARK: Shards

    @Test func shardsAreRoundRobinSharesFromTheOptionOrTheEnvironment() throws {
        let runs = Array(1...7)
        #expect(try SweepShard(parsing: "1/3", environment: [:]).share(of: runs) == [1, 4, 7])
        #expect(try SweepShard(parsing: "3/3", environment: [:]).share(of: runs) == [3, 6])
        let all = try (1...3).flatMap { try SweepShard(index: $0, count: 3).share(of: runs) }
        #expect(all.sorted() == runs)
        // SLURM: --array=1-3 gives ids 1..3; --array=0-4:2 gives 0, 2, 4 (min 0, step 2).
        #expect(try SweepShard(parsing: "slurm", environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"])
            == SweepShard(index: 2, count: 3))
        #expect(try SweepShard(parsing: "slurm", environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3",
                                                                "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"]) == SweepShard(index: 3, count: 3))
        // Kubernetes: JOB_COMPLETION_INDEX counts from 0.
        #expect(try SweepShard(parsing: "k8s/4", environment: ["JOB_COMPLETION_INDEX": "0"]) == SweepShard(index: 1, count: 4))
        #expect(try SweepShard(parsing: "k8s/4", environment: ["JOB_COMPLETION_INDEX": "3"]) == SweepShard(index: 4, count: 4))
    }

    @Test(arguments: [
        ("0/3", [:], "--shard: shard 0 is not one of 1 to 3"),
        ("4/3", [:], "--shard: shard 4 is not one of 1 to 3"),
        ("1/0", [:], "--shard: '0' is not a number of shards (a whole number >= 1)"),
        ("x/3", [:], "--shard: 'x' is not a shard number (K in K/N)"),
        ("half", [:], "--shard: 'half' is not K/N, slurm or k8s/N"),
        ("slurm", [:], "--shard slurm: SLURM_ARRAY_TASK_ID is not set (is this a SLURM job array task?)"),
        ("slurm", ["SLURM_ARRAY_TASK_ID": "a", "SLURM_ARRAY_TASK_COUNT": "3"], "--shard slurm: SLURM_ARRAY_TASK_ID is 'a', not a whole number"),
        ("slurm", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"],
         "--shard slurm: SLURM_ARRAY_TASK_ID 3 is not on the array's grid (first 0, step 2)"),
        ("k8s", ["JOB_COMPLETION_INDEX": "0"], "--shard k8s needs the Job's completions: --shard k8s/N"),
        ("k8s/2", [:], "--shard k8s/2: JOB_COMPLETION_INDEX is not set (is this a Kubernetes Indexed Job task?)"),
        ("k8s/2", ["JOB_COMPLETION_INDEX": "2"], "--shard: shard 3 is not one of 1 to 2"),
    ] as [(String, [String: String], String)])
    func aBadShardIsRefusedInOneLine(text: String, environment: [String: String], message: String) {
        #expect(throws: SweepError(message)) { try SweepShard(parsing: text, environment: environment) }
    }

    // MARK: Durations

    @Test func durationsTakeUnitsOrSeconds() throws {
        #expect(try DurationText.seconds("30s", option: "--heartbeat") == 30)
        #expect(try DurationText.seconds("5m", option: "--heartbeat") == 300)
        #expect(try DurationText.seconds("1.5h", option: "--heartbeat") == 5400)
        #expect(try DurationText.seconds("250ms", option: "--heartbeat") == 0.25)
        #expect(try DurationText.seconds("12", option: "--heartbeat") == 12)
        for bad in ["0s", "-1m", "soon", "5 minutes", "inf", ""] {
            #expect(throws: SweepError("--claim-timeout: '\(bad)' is not a duration (30s, 5m, 1h or seconds > 0)")) {
                try DurationText.seconds(bad, option: "--claim-timeout")
            }
        }
    }
}
