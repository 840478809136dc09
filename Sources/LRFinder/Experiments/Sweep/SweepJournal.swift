import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sweep's journal: JSON lines (docs/journal.md), each one `JSONEncoder` output with sorted
/// keys and no indentation (a NaN or infinity as `null`, ``JSONDocument``).
///
/// - Line 1, the header: `{"kind":"header","formatVersion":1,"experiment":"sweep","definition":{...},
///   "definitionIdentifier":"...","dataDigest":"...","inputs":{...},"lrfindVersion":"..."}`.
/// - One line per finished run: `{"kind":"run","identifier":...,"rate":...,"seed":...,
///   "recipe":...,"record":...,"host":...,"worker":...,"started":...,"seconds":...}`.
/// - With `--with-range-test`, one line `{"kind":"rangeTest","record":...,"host":...,"started":...}`
///   holding the range test's record (its band and one-cycle run are redrawn from it).
/// - Claims, heartbeats and releases of the processes sharing it (``ClaimLedger``):
///   `{"kind":"claim","identifier":...,"owner":...,"at":...}`, `{"kind":"heartbeat","owner":...,
///   "identifiers":[...],"at":...}`, `{"kind":"release",...}`.
///
/// Every visit locks the file (``JournalFile``), reads what others appended since the last one,
/// appends whole lines, `fsync`s and unlocks, so many processes on many machines may share one
/// journal. A writer killed mid-line leaves a last line without its newline: readers ignore it
/// with a note, and the next append, under the lock, truncates the file back to its last whole
/// line before writing (the torn run is simply run again). A whole line that does not parse is
/// ignored with a note; lines of unknown kinds are skipped.
public struct SweepJournal {
    /// The format version this lrfind writes and reads.
    public static let formatVersion = 1
    /// The experiment kind in the header.
    public static let experiment = "sweep"

    /// The journal's path.
    public let path: String
    /// The runs the journal holds, by recipe identifier (the first line of each counts).
    public var finished: [String: SweepOutcome] { state.finished }
    /// What was noticed while reading or writing (a torn last line, its repair), one line each.
    public var notes: [String] {
        get { state.notes }
        set { state.notes = newValue }
    }
    /// The range test of `--with-range-test`, when the journal holds one (the first).
    public var rangeTest: RangeTestRecord? { state.rangeTest }
    /// The claims of the processes that share the journal.
    public var ledger: ClaimLedger { state.ledger }

    /// What the lines read so far say.
    fileprivate struct State {
        var finished: [String: SweepOutcome] = [:]
        var notes: [String] = []
        var rangeTest: RangeTestRecord?
        var ledger = ClaimLedger()
    }

    private var state = State()
    private var file: JournalFile
    private let name: String

    /// The first line.
    public struct Header: Codable, Sendable {
        public var kind = "header"
        public var formatVersion = SweepJournal.formatVersion
        public var experiment = SweepJournal.experiment
        /// The sweep, without paths.
        public var definition: SweepDefinition
        /// ``SweepDefinition/identifier``.
        public var definitionIdentifier: String
        /// The data's SHA-256.
        public var dataDigest: String
        /// Where the data (and labels, weights) were.
        public var inputs: RunInputs
        /// The lrfind that started the journal.
        public var lrfindVersion = RecipeIdentity.lrfindVersion
    }

    /// What every line is read as first: its kind, and the header's fields that decide a refusal.
    private struct Probe: Decodable {
        var kind: String?
        var formatVersion: Int?
        var experiment: String?
        var dataDigest: String?
        var definitionIdentifier: String?
    }

    /// A finished run.
    public struct RunLine: Codable, Sendable {
        public var kind = "run"
        /// The run's recipe identifier.
        public var identifier: String
        /// The swept rate and the trainer's seed.
        public var rate: Double
        public var seed: UInt64
        /// The run's recipe, without paths.
        public var recipe: TrainingRecipe
        /// Its record.
        public var record: TrainingRecord
        /// The machine and the worker process (from 1) that ran it.
        public var host: String
        public var worker: Int
        /// When it started: ISO 8601 with milliseconds, UTC.
        public var started: String
        /// Its wall time in its worker.
        public var seconds: Double

        /// The sweep's view of the run.
        public var outcome: SweepOutcome {
            SweepOutcome(run: SweepRun(rate: rate, seed: seed, recipe: recipe, identifier: identifier), record: record)
        }
    }

    /// The range test run before the sweep.
    public struct RangeTestLine: Codable, Sendable {
        public var kind = "rangeTest"
        /// Its record.
        public var record: RangeTestRecord
        /// The machine that ran it, and when it started (ISO 8601 with milliseconds, UTC).
        public var host: String
        public var started: String
    }

    /// A claim (`claim`, one identifier), a heartbeat or a release (`heartbeat`, `release`:
    /// several): `owner` is `host:pid:tag`, `at` seconds since 1970.
    struct ClaimLine: Codable {
        var kind: String
        var identifier: String?
        var identifiers: [String]?
        var owner: String
        var at: Double
    }

    /// Opens a journal for `definition`: creates it with its header, or, with `resuming`, reads an
    /// existing one (a missing or empty file is created as new), all under the journal's lock, so
    /// that processes started together on one journal agree on its header.
    /// - Throws: ``SweepError`` when the base recipe has no data digest; ``DataError`` naming the
    ///   file (and line) for a file that exists without `resuming`, is not a sweep journal, or is
    ///   one of another format version, experiment, data or sweep definition.
    public init(path: String, definition: SweepDefinition, resuming: Bool) throws {
        guard let digest = definition.base.data.digest else {
            throw SweepError("sweep: the data's digest is not known yet (DataRecipe.contentDigest())")
        }
        self.path = path
        name = FileBytes.displayName(path)
        file = JournalFile(path: path)
        let header = Header(definition: definition.locating(RunInputs()), definitionIdentifier: definition.identifier, dataDigest: digest,
                            inputs: definition.base.inputs)
        let headerLine = try JSONDocument.encode(header, prettyPrinted: false)
        var file = self.file, state = State()
        let name = self.name
        let repaired = try file.visit { visit in
            guard let first = visit.lines.first else {
                if visit.tornBytes > 0 {
                    state.notes.append("\(name):1: a torn header (\(visit.tornBytes) bytes without a newline: a writer stopped mid-line) is written again")
                }
                return [headerLine]
            }
            guard resuming else {
                throw DataError(file: name, message: "the journal already exists; --resume continues it, or name another file")
            }
            try Self.check(first, against: definition, digest: digest, name: name)
            state.apply(visit.lines.dropFirst(), tornBytes: visit.tornBytes, tornLine: visit.tornLine, name: name)
            return []
        }
        if repaired { state.notes.append("\(name): a torn last line was removed") }
        (self.file, self.state) = (file, state)
    }

    /// Reads what other processes appended since the last visit.
    /// - Throws: ``DataError`` naming the file when it cannot be read, or was cut short.
    public mutating func refresh() throws {
        try visit { _ in [] }
    }

    /// Claims the first run of `runs` that no one holds (or whose holder has been silent for
    /// more than `timeout` seconds: taken over), for `owner` at `now`; nil when none is left.
    /// - Returns: the run, and the stale claim it took over, if any.
    /// - Throws: ``DataError`` naming the file when it cannot be read or written.
    public mutating func claim(from runs: [SweepRun], owner: String, now: Date = Date(),
                               timeout: Double) throws -> (run: SweepRun, tookOver: ClaimLedger.Claim?)? {
        var chosen: (run: SweepRun, tookOver: ClaimLedger.Claim?)?
        let time = now.timeIntervalSince1970
        try visit { state in
            for run in runs {
                switch state.ledger.status(of: run.identifier, owner: owner, now: time, timeout: timeout) {
                case .free: chosen = (run, nil)
                case .stale(let claim): chosen = (run, claim)
                case .finished, .mine, .held: continue
                }
                break
            }
            guard let chosen else { return [] }
            state.ledger.claim(chosen.run.identifier, owner: owner, at: time)
            return [try JSONDocument.encode(ClaimLine(kind: "claim", identifier: chosen.run.identifier, owner: owner, at: time), prettyPrinted: false)]
        }
        return chosen
    }

    /// Says that `owner` still holds `identifiers` (a `heartbeat` line).
    /// - Throws: ``DataError`` naming the file when it cannot be written.
    public mutating func heartbeat(_ identifiers: [String], owner: String, now: Date = Date()) throws {
        guard !identifiers.isEmpty else { return }
        let time = now.timeIntervalSince1970
        try visit { state in
            state.ledger.heartbeat(identifiers, owner: owner, at: time)
            return [try JSONDocument.encode(ClaimLine(kind: "heartbeat", identifiers: identifiers, owner: owner, at: time), prettyPrinted: false)]
        }
    }

    /// Lets go of `identifiers` unfinished (a `release` line: an interrupted process), so that
    /// others take them at once.
    /// - Throws: ``DataError`` naming the file when it cannot be written.
    public mutating func release(_ identifiers: [String], owner: String, now: Date = Date()) throws {
        guard !identifiers.isEmpty else { return }
        try visit { state in
            state.ledger.release(identifiers, owner: owner)
            return [try JSONDocument.encode(ClaimLine(kind: "release", identifiers: identifiers, owner: owner, at: now.timeIntervalSince1970),
                                            prettyPrinted: false)]
        }
    }

    /// Appends the line of a finished run.
    /// - Throws: ``DataError`` naming the file when it cannot be opened, locked or written.
    public mutating func append(run: SweepRun, record: TrainingRecord, host: String, worker: Int, started: Date, seconds: Double) throws {
        let line = RunLine(identifier: run.identifier, rate: run.rate, seed: run.seed, recipe: run.recipe.locating(RunInputs()), record: record,
                           host: host, worker: worker, started: Self.timestamp(started), seconds: seconds)
        try visit { state in
            if state.finished[run.identifier] == nil { state.finished[run.identifier] = SweepOutcome(run: run, record: record) }
            state.ledger.finish(run.identifier)
            return [try JSONDocument.encode(line, prettyPrinted: false)]
        }
    }

    /// Appends the record of the range test run before the sweep (`--with-range-test`).
    /// - Throws: ``DataError`` naming the file when it cannot be opened, locked or written.
    public mutating func append(rangeTest record: RangeTestRecord, host: String, started: Date) throws {
        let line = RangeTestLine(record: record, host: host, started: Self.timestamp(started))
        try visit { state in
            if state.rangeTest == nil { state.rangeTest = record }
            return [try JSONDocument.encode(line, prettyPrinted: false)]
        }
    }

    /// One locked visit: the new lines applied, then the lines `lines` returns appended.
    private mutating func visit(_ lines: (inout State) throws -> [Data]) throws {
        var file = self.file, state = self.state
        let name = self.name
        defer { (self.file, self.state) = (file, state) }
        let repaired = try file.visit(creating: false) { visit in
            guard !visit.restarted else {
                throw DataError(file: name, message: "the journal was cut short while the sweep ran (another file in its place?)")
            }
            state.apply(visit.lines[...], tornBytes: visit.tornBytes, tornLine: visit.tornLine, name: name)
            return try lines(&state)
        }
        if repaired { state.notes.append("\(name): a torn last line was removed before appending") }
    }

    // MARK: Reading

    /// What ``read(path:)`` gives.
    public struct Contents {
        /// The header as written.
        public var header: Header
        /// The sweep, with the header's paths.
        public var definition: SweepDefinition
        /// Every run line in file order, a run given twice included.
        public var runLines: [RunLine]
        /// The runs' outcomes in file order (a run given twice counted once: its first line).
        public var outcomes: [SweepOutcome]
        /// What was noticed while reading, one line each.
        public var notes: [String]
        /// The range test line, when the journal holds one (the first).
        public var rangeTestLine: RangeTestLine?
        /// Its record.
        public var rangeTest: RangeTestRecord? { rangeTestLine?.record }
    }

    /// Reads any journal (for `lrfind report` and `lrfind merge`) without locking it (it may be
    /// read-only): its header, its runs and its range test, tolerant of a torn last line.
    /// - Throws: ``DataError`` naming the file for one that cannot be read, is not a sweep journal,
    ///   or is of another format version.
    public static func read(path: String) throws -> Contents {
        let name = FileBytes.displayName(path)
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError(file: name, message: "cannot read the journal: \((error as NSError).localizedDescription)")
        }
        let (lines, torn, newlines) = JournalFile.lines(in: bytes)
        var notes: [String] = []
        guard let first = lines.first else { throw DataError(file: name, message: "not a sweep journal: it has no header line") }
        let header = try Self.header(in: first, name: name)
        var runLines: [RunLine] = [], outcomes: [SweepOutcome] = [], seen = Set<String>()
        var rangeTestLine: RangeTestLine?
        for line in lines.dropFirst() {
            switch parse(line, name: name, notes: &notes) {
            case .run(let run):
                runLines.append(run)
                if seen.insert(run.identifier).inserted { outcomes.append(run.outcome) }
            case .rangeTest(let test): if rangeTestLine == nil { rangeTestLine = test }
            case .claim, .other: continue
            }
        }
        if torn > 0 {
            notes.append("\(name):\(newlines + 1): a torn last line (\(torn) bytes without a newline: a writer stopped mid-line) is ignored; the next append removes it")
        }
        var definition = header.definition
        definition.base = definition.base.locating(header.inputs)
        return Contents(header: header, definition: definition, runLines: runLines, outcomes: outcomes, notes: notes, rangeTestLine: rangeTestLine)
    }

    /// A line after the header, by kind.
    fileprivate enum Parsed {
        case run(RunLine)
        case rangeTest(RangeTestLine)
        case claim(ClaimLine)
        case other
    }

    /// The line `line` holds; `.other` (with a note for a line that does not parse or decode)
    /// for anything else.
    fileprivate static func parse(_ line: (number: Int, bytes: Data), name: String, notes: inout [String]) -> Parsed {
        guard let probe = try? JSONDocument.decode(Probe.self, from: line.bytes) else {
            notes.append("\(name):\(line.number): not a JSON line; ignored")
            return .other
        }
        do {
            switch probe.kind {
            case "run": return .run(try JSONDocument.decode(RunLine.self, from: line.bytes))
            case "rangeTest": return .rangeTest(try JSONDocument.decode(RangeTestLine.self, from: line.bytes))
            case "claim", "heartbeat", "release": return .claim(try JSONDocument.decode(ClaimLine.self, from: line.bytes))
            default: return .other
            }
        } catch {
            notes.append("\(name):\(line.number): a \(probe.kind ?? "") line that does not decode (\(RunFileError.describe(error))); ignored")
            return .other
        }
    }

    /// The header on `line`.
    /// - Throws: ``DataError`` for a line that is not a sweep journal header of this format.
    static func header(in line: (number: Int, bytes: Data), name: String) throws -> Header {
        func fail(_ message: String) -> DataError { DataError(file: name, line: line.number, message: message) }
        guard let probe = try? JSONDocument.decode(Probe.self, from: line.bytes), probe.kind == "header" else {
            throw fail("not a sweep journal: its first line is not a journal header")
        }
        guard probe.formatVersion == formatVersion else {
            throw fail("journal format version \(probe.formatVersion.map(String.init) ?? "missing") is not one this lrfind (\(RecipeIdentity.lrfindVersion)) reads: it reads version \(formatVersion)")
        }
        guard probe.experiment == experiment else {
            throw fail("a journal of a '\(probe.experiment ?? "unnamed")' experiment, not of a sweep")
        }
        do { return try JSONDocument.decode(Header.self, from: line.bytes) } catch {
            throw fail("the journal header does not decode: \(RunFileError.describe(error))")
        }
    }

    /// Refuses a header of another experiment, data or definition than `definition`'s.
    private static func check(_ line: (number: Int, bytes: Data), against definition: SweepDefinition, digest: String, name: String) throws {
        let header = try header(in: line, name: name)
        func fail(_ message: String) -> DataError { DataError(file: name, line: line.number, message: message) }
        guard header.dataDigest == digest else {
            throw fail("a journal of other data (SHA-256 \(header.dataDigest)), not this sweep's (SHA-256 \(digest))")
        }
        guard header.definitionIdentifier == definition.identifier else {
            throw fail("a journal of another sweep (\(header.definition.differences(from: definition))); name another journal, or run the sweep it holds")
        }
    }

    // MARK: Writing

    /// `date` as ISO 8601 with milliseconds, UTC.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

private extension SweepJournal.State {
    /// Takes in lines after the header; `tornLine` numbers a torn last line of `tornBytes` bytes.
    mutating func apply(_ lines: ArraySlice<(number: Int, bytes: Data)>, tornBytes: Int, tornLine: Int, name: String) {
        for line in lines {
            switch SweepJournal.parse(line, name: name, notes: &notes) {
            case .run(let run):
                if finished[run.identifier] == nil { finished[run.identifier] = run.outcome }
                ledger.finish(run.identifier)
            case .rangeTest(let test):
                if rangeTest == nil { rangeTest = test.record }
            case .claim(let claim):
                switch claim.kind {
                case "claim": if let identifier = claim.identifier { ledger.claim(identifier, owner: claim.owner, at: claim.at) }
                case "heartbeat": ledger.heartbeat(claim.identifiers ?? [], owner: claim.owner, at: claim.at)
                default: ledger.release(claim.identifiers ?? [], owner: claim.owner)
                }
            case .other: continue
            }
        }
        if tornBytes > 0 {
            notes.append("\(name):\(tornLine): a torn last line (\(tornBytes) bytes without a newline: a writer stopped mid-line) is ignored; the next append removes it")
        }
    }
}

private extension SweepDefinition {
    /// The definition without paths (as its header keeps it).
    func locating(_ inputs: RunInputs) -> SweepDefinition {
        var definition = self
        definition.base = base.locating(inputs)
        return definition
    }
}

