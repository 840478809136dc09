/// Who is running which runs of a shared journal, as its claim, heartbeat, release and run lines
/// tell it (docs/journal.md, "Many writers").
///
/// A process claims a run (a `claim` line, written under the journal's lock) before it starts
/// it, and every `--heartbeat` seconds appends one `heartbeat` line naming the runs it still
/// holds. A run is free when no one holds it, and taken over when its holder has been silent
/// (no claim or heartbeat for it) for longer than the claim timeout: the holder died, or its node
/// did. A `release` line (an interrupted process) frees runs at once; a `run` line finishes one.
/// The latest claim of a run wins; times are the writers' wall clocks, in seconds since 1970.
public struct ClaimLedger: Equatable, Sendable {
    /// A run someone holds.
    public struct Claim: Equatable, Sendable {
        /// The holder: `host:pid:tag`.
        public var owner: String
        /// When it claimed the run, and when it last said it still held it.
        public var claimed: Double
        public var heard: Double
    }

    /// What a run is, to a given process at a given time.
    public enum Status: Equatable, Sendable {
        /// A run line holds its result.
        case finished
        /// No one holds it.
        case free
        /// The asking process holds it.
        case mine
        /// Another process holds it and was heard from within the timeout.
        case held(Claim)
        /// Another process holds it but has been silent for longer than the timeout.
        case stale(Claim)
    }

    /// The held runs, by recipe identifier.
    public private(set) var claims: [String: Claim] = [:]
    /// The finished runs' identifiers.
    public private(set) var finished: Set<String> = []

    /// An empty ledger.
    public init() {}

    /// `owner` claimed `identifier` at `time`.
    public mutating func claim(_ identifier: String, owner: String, at time: Double) {
        guard !finished.contains(identifier) else { return }
        claims[identifier] = Claim(owner: owner, claimed: time, heard: time)
    }

    /// `owner` still held `identifiers` at `time`.
    public mutating func heartbeat(_ identifiers: [String], owner: String, at time: Double) {
        for identifier in identifiers where claims[identifier]?.owner == owner {
            claims[identifier]!.heard = max(claims[identifier]!.heard, time)
        }
    }

    /// `owner` let go of `identifiers` unfinished.
    public mutating func release(_ identifiers: [String], owner: String) {
        for identifier in identifiers where claims[identifier]?.owner == owner { claims[identifier] = nil }
    }

    /// A run line finished `identifier`.
    public mutating func finish(_ identifier: String) {
        finished.insert(identifier)
        claims[identifier] = nil
    }

    /// What `identifier` is to `owner` at `now`, with holders silent for more than `timeout`
    /// seconds counted as gone.
    public func status(of identifier: String, owner: String, now: Double, timeout: Double) -> Status {
        if finished.contains(identifier) { return .finished }
        guard let claim = claims[identifier] else { return .free }
        if claim.owner == owner { return .mine }
        return now - claim.heard > timeout ? .stale(claim) : .held(claim)
    }
}
