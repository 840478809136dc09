import Foundation

/// Which run a free worker of a sweep takes next. Without a journal, the runs in their order.
/// With one, the first run no process holds, claimed through the journal (``SweepJournal/claim(from:owner:now:timeout:)``)
/// before it starts, so that many processes on many machines share one journal and no run is
/// done twice; a run whose holder has been silent for longer than the claim timeout is taken
/// over. The dispatcher says it still holds its runs every `heartbeat` seconds, and lets them go
/// when it is interrupted.
public struct SweepDispatcher {
    /// What a free worker is given.
    public enum Next: Equatable {
        /// The run at this position of ``runs``.
        case run(Int, SweepRun)
        /// Nothing yet: every run left is another process's for now.
        case wait
        /// Nothing any more.
        case done
    }

    /// The runs this process may run (a shard's share, or all).
    public let runs: [SweepRun]
    /// The journal, as this process last read it.
    public private(set) var journal: SweepJournal?
    /// This process's name in claims: `host:pid:tag`.
    public let owner: String
    /// Seconds of silence after which a holder is counted as gone, and between heartbeats.
    public let timeout: Double
    public let heartbeat: Double

    /// The runs this process holds, by identifier (their positions).
    public private(set) var holding: [String: Int] = [:]
    private var position = 0
    private var lastHeartbeat: Double
    private var lastLook = -Double.infinity
    private var notes: [String] = []
    /// Seconds between looks at the journal while waiting for other processes' runs.
    static let waitingLook = 1.0

    /// A dispatcher of `runs` through `journal` (or in order without one).
    public init(runs: [SweepRun], journal: SweepJournal?, owner: String, timeout: Double, heartbeat: Double, now: Date = Date()) {
        self.runs = runs
        self.journal = journal
        self.owner = owner
        self.timeout = timeout
        self.heartbeat = heartbeat
        lastHeartbeat = now.timeIntervalSince1970
    }

    /// A name no other process has: the host, the process number and a random tag (a process
    /// number can come back after a reboot).
    public static func owner(host: String) -> String {
        "\(host):\(getpid()):\(String(UInt16.random(in: .min ... .max), radix: 16))"
    }

    /// The runs no journal line has finished yet.
    public var unfinishedCount: Int { runs.filter { journal?.finished[$0.identifier] == nil }.count }

    /// The next run for a free worker.
    /// - Throws: ``DataError`` naming the journal when it cannot be read or written.
    public mutating func next(now: Date = Date()) throws -> Next {
        guard var journal else {
            guard position < runs.count else { return .done }
            position += 1
            return .run(position - 1, runs[position - 1])
        }
        let time = now.timeIntervalSince1970
        if time - lastLook < Self.waitingLook { return .wait }
        defer { self.journal = journal }
        if let (run, tookOver) = try journal.claim(from: runs, owner: owner, now: now, timeout: timeout),
           let index = runs.firstIndex(where: { $0.identifier == run.identifier }) {
            holding[run.identifier] = index
            if let tookOver {
                notes.append("took over the run at lr \(NumberText.significant(run.rate)), seed \(run.seed) from \(tookOver.owner), silent for \(Int(time - tookOver.heard)) s")
            }
            return .run(index, run)
        }
        lastLook = time
        if runs.allSatisfy({ journal.finished[$0.identifier] != nil || holding[$0.identifier] != nil }) { return .done }
        return .wait
    }

    /// Journals a finished run.
    /// - Throws: ``DataError`` naming the journal when it cannot be written.
    public mutating func finished(_ run: SweepRun, record: TrainingRecord, host: String, worker: Int, started: Date, seconds: Double) throws {
        holding[run.identifier] = nil
        try journal?.append(run: run, record: record, host: host, worker: worker, started: started, seconds: seconds)
        lastLook = -.infinity
    }

    /// Appends a heartbeat for the runs held when one is due.
    /// - Throws: ``DataError`` naming the journal when it cannot be written.
    public mutating func tick(now: Date = Date()) throws {
        let time = now.timeIntervalSince1970
        guard journal != nil, !holding.isEmpty, time - lastHeartbeat >= heartbeat else { return }
        lastHeartbeat = time
        try journal?.heartbeat(holding.keys.sorted(), owner: owner, now: now)
    }

    /// Lets go of the runs held (an interrupted process), so that others take them at once.
    /// - Throws: ``DataError`` naming the journal when it cannot be written.
    public mutating func release(now: Date = Date()) throws {
        defer { holding = [:] }
        try journal?.release(holding.keys.sorted(), owner: owner, now: now)
    }

    /// The notes gathered since the last call (runs taken over).
    public mutating func takeNotes() -> [String] {
        defer { notes = [] }
        return notes
    }
}
