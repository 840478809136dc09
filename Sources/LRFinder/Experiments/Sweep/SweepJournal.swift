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
/// - Then one line per finished run: `{"kind":"run","identifier":...,"rate":...,"seed":...,
///   "recipe":...,"record":...,"host":...,"worker":...,"started":...,"seconds":...}`.
/// - With `--with-range-test`, one line `{"kind":"rangeTest","record":...,"host":...,"started":...}`
///   holding the range test's record (its band and one-cycle run are redrawn from it).
///
/// Every line is appended whole: the file opened for appending, locked with `flock(LOCK_EX)`, the
/// line and its newline written by one write loop, then `fsync`. A writer killed mid-line leaves
/// a last line without its newline: readers ignore it with a note, and the next append, under
/// the lock, truncates the file back to its last whole line before writing (the torn run is
/// simply run again). A whole line that does not parse is ignored with a note. Lines of another
/// kind (claims, in later versions) are skipped.
public struct SweepJournal {
    /// The format version this lrfind writes and reads.
    public static let formatVersion = 1
    /// The experiment kind in the header.
    public static let experiment = "sweep"

    /// The journal's path.
    public let path: String
    /// The runs the journal holds, by recipe identifier.
    public var finished: [String: SweepOutcome]
    /// What was noticed while reading or writing (a torn last line, its repair), one line each.
    public var notes: [String]
    /// The range test of `--with-range-test`, when the journal holds one (the first).
    public var rangeTest: RangeTestRecord?

    /// The first line.
    struct Header: Codable {
        var kind = "header"
        var formatVersion = SweepJournal.formatVersion
        var experiment = SweepJournal.experiment
        var definition: SweepDefinition
        var definitionIdentifier: String
        var dataDigest: String
        var inputs: RunInputs
        var lrfindVersion = RecipeIdentity.lrfindVersion
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
    struct RunLine: Codable {
        var kind = "run"
        var identifier: String
        var rate: Double
        var seed: UInt64
        var recipe: TrainingRecipe
        var record: TrainingRecord
        var host: String
        var worker: Int
        /// ISO 8601 with milliseconds, UTC.
        var started: String
        var seconds: Double
    }

    /// The range test run before the sweep.
    struct RangeTestLine: Codable {
        var kind = "rangeTest"
        var record: RangeTestRecord
        var host: String
        /// ISO 8601 with milliseconds, UTC.
        var started: String
    }

    /// Opens a journal for `definition`: creates it with its header, or, with `resuming`, reads an
    /// existing one (a missing or empty file is created as new).
    /// - Throws: ``SweepError`` when the base recipe has no data digest; ``DataError`` naming the
    ///   file (and line) for a file that exists without `resuming`, is not a sweep journal, or is
    ///   one of another format version, experiment, data or sweep definition.
    public init(path: String, definition: SweepDefinition, resuming: Bool) throws {
        guard let digest = definition.base.data.digest else {
            throw SweepError("sweep: the data's digest is not known yet (DataRecipe.contentDigest())")
        }
        self.path = path
        finished = [:]
        notes = []
        let name = FileBytes.displayName(path)
        let existing = try? Data(contentsOf: URL(fileURLWithPath: path))
        if let existing, !existing.isEmpty {
            guard resuming else {
                throw DataError(file: name, message: "the journal already exists; --resume continues it, or name another file")
            }
            let contents = Self.parse(existing, name: name)
            notes = contents.notes
            if let first = contents.lines.first {
                try Self.check(first, against: definition, digest: digest, name: name)
                for line in contents.lines.dropFirst() {
                    if rangeTest == nil, let record = Self.rangeTest(in: line, name: name, notes: &notes) { rangeTest = record }
                    guard let run = Self.run(in: line, name: name, notes: &notes) else { continue }
                    if finished[run.identifier] == nil { finished[run.identifier] = run.outcome }
                }
                return
            }
        }
        // A new journal (or one whose header itself was torn): the header first.
        let header = Header(definition: definition.locating(RunInputs()), definitionIdentifier: definition.identifier, dataDigest: digest,
                            inputs: definition.base.inputs)
        if try Self.appendLine(try JSONDocument.encode(header, prettyPrinted: false), to: path, name: name) {
            notes.append("\(name): a torn last line was removed")
        }
    }

    /// Appends the line of a finished run under an exclusive `flock`, then `fsync`s; first removes
    /// a torn last line if there is one.
    /// - Throws: ``DataError`` naming the file when it cannot be opened, locked or written.
    public mutating func append(run: SweepRun, record: TrainingRecord, host: String, worker: Int, started: Date, seconds: Double) throws {
        let line = RunLine(identifier: run.identifier, rate: run.rate, seed: run.seed, recipe: run.recipe.locating(RunInputs()), record: record,
                           host: host, worker: worker, started: Self.timestamp(started), seconds: seconds)
        let name = FileBytes.displayName(path)
        if try Self.appendLine(try JSONDocument.encode(line, prettyPrinted: false), to: path, name: name) {
            notes.append("\(name): a torn last line was removed before appending")
        }
        if finished[run.identifier] == nil { finished[run.identifier] = SweepOutcome(run: run, record: record) }
    }

    /// Appends the record of the range test run before the sweep (`--with-range-test`), as
    /// ``append(run:record:host:worker:started:seconds:)`` appends a run.
    /// - Throws: ``DataError`` naming the file when it cannot be opened, locked or written.
    public mutating func append(rangeTest record: RangeTestRecord, host: String, started: Date) throws {
        let line = RangeTestLine(record: record, host: host, started: Self.timestamp(started))
        let name = FileBytes.displayName(path)
        if try Self.appendLine(try JSONDocument.encode(line, prettyPrinted: false), to: path, name: name) {
            notes.append("\(name): a torn last line was removed before appending")
        }
        if rangeTest == nil { rangeTest = record }
    }

    /// What ``read(path:)`` gives.
    public struct Contents {
        /// The sweep, with the header's paths.
        public var definition: SweepDefinition
        /// The runs' outcomes in file order (a run given twice counted once).
        public var outcomes: [SweepOutcome]
        /// What was noticed while reading, one line each.
        public var notes: [String]
        /// The range test, when the journal holds one.
        public var rangeTest: RangeTestRecord?
    }

    /// Reads any journal (for `lrfind report`): its definition (with the header's paths), its
    /// runs' outcomes in file order (a run given twice counted once) and its range test, tolerant
    /// of a torn last line.
    /// - Throws: ``DataError`` naming the file for one that cannot be read, is not a sweep journal,
    ///   or is of another format version.
    public static func read(path: String) throws -> Contents {
        let name = FileBytes.displayName(path)
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError(file: name, message: "cannot read the journal: \((error as NSError).localizedDescription)")
        }
        var (lines, notes) = parse(bytes, name: name)
        guard let first = lines.first else { throw DataError(file: name, message: "not a sweep journal: it has no header line") }
        let header = try Self.header(in: first, name: name)
        var outcomes: [SweepOutcome] = [], seen = Set<String>()
        var rangeTest: RangeTestRecord?
        for line in lines.dropFirst() {
            if rangeTest == nil, let record = Self.rangeTest(in: line, name: name, notes: &notes) { rangeTest = record }
            guard let run = Self.run(in: line, name: name, notes: &notes), seen.insert(run.identifier).inserted else { continue }
            outcomes.append(run.outcome)
        }
        var definition = header.definition
        definition.base = definition.base.locating(header.inputs)
        return Contents(definition: definition, outcomes: outcomes, notes: notes, rangeTest: rangeTest)
    }

    // MARK: Reading

    /// A whole line: its 1-based number and bytes.
    private typealias Line = (number: Int, bytes: Data)

    /// The whole lines of `bytes` (empty ones dropped); a last line without its newline is left
    /// out with a note.
    private static func parse(_ bytes: Data, name: String) -> (lines: [Line], notes: [String]) {
        var lines: [Line] = [], notes: [String] = []
        var start = bytes.startIndex, number = 1
        while start < bytes.endIndex {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                notes.append("\(name):\(number): a torn last line (\(bytes.endIndex - start) bytes without a newline: a writer stopped mid-line) is ignored; the next append removes it")
                break
            }
            if end > start { lines.append((number, bytes[start..<end])) }
            start = end + 1
            number += 1
        }
        return (lines, notes)
    }

    /// The header on `line`.
    /// - Throws: ``DataError`` for a line that is not a sweep journal header of this format.
    private static func header(in line: Line, name: String) throws -> Header {
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
    private static func check(_ line: Line, against definition: SweepDefinition, digest: String, name: String) throws {
        let header = try header(in: line, name: name)
        func fail(_ message: String) -> DataError { DataError(file: name, line: line.number, message: message) }
        guard header.dataDigest == digest else {
            throw fail("a journal of other data (SHA-256 \(header.dataDigest)), not this sweep's (SHA-256 \(digest))")
        }
        guard header.definitionIdentifier == definition.identifier else {
            let theirs = header.definition, ours = definition
            let differences = [
                theirs.rates != ours.rates ? "rates" : nil,
                theirs.seeds != ours.seeds ? "seeds" : nil,
                theirs.base.model != ours.base.model.locatedNowhere ? "model" : nil,
                theirs.base.optimizer != ours.base.optimizer ? "optimizer" : nil,
                theirs.base.trainer != ours.base.trainer ? "trainer settings" : nil,
                theirs.base.training != ours.base.training ? "training settings" : nil,
                theirs.base.schedule != ours.base.schedule ? "schedule" : nil,
                theirs.base.data.locatedNowhere != ours.base.data.locatedNowhere ? "data preparation" : nil,
            ].compactMap { $0 }
            let what = differences.isEmpty ? "its definition differs" : "its \(differences.joined(separator: ", ")) differ"
            throw fail("a journal of another sweep (\(what)); name another journal, or run the sweep it holds")
        }
    }

    /// The run on `line`; nil (with a note) for a line that does not parse, nil silently for a
    /// line of another kind.
    private static func run(in line: Line, name: String, notes: inout [String]) -> (identifier: String, outcome: SweepOutcome)? {
        guard let probe = try? JSONDocument.decode(Probe.self, from: line.bytes) else {
            notes.append("\(name):\(line.number): not a JSON line; ignored")
            return nil
        }
        guard probe.kind == "run" else { return nil }
        do {
            let run = try JSONDocument.decode(RunLine.self, from: line.bytes)
            let sweepRun = SweepRun(rate: run.rate, seed: run.seed, recipe: run.recipe, identifier: run.identifier)
            return (run.identifier, SweepOutcome(run: sweepRun, record: run.record))
        } catch {
            notes.append("\(name):\(line.number): a run line that does not decode (\(RunFileError.describe(error))); ignored")
            return nil
        }
    }

    /// The range test record on `line`; nil (with a note) for a range test line that does not
    /// decode, nil silently for a line of another kind.
    private static func rangeTest(in line: Line, name: String, notes: inout [String]) -> RangeTestRecord? {
        guard let probe = try? JSONDocument.decode(Probe.self, from: line.bytes), probe.kind == "rangeTest" else { return nil }
        do { return try JSONDocument.decode(RangeTestLine.self, from: line.bytes).record } catch {
            notes.append("\(name):\(line.number): a range test line that does not decode (\(RunFileError.describe(error))); ignored")
            return nil
        }
    }

    // MARK: Writing

    /// `date` as ISO 8601 with milliseconds, UTC.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Appends `line` and a newline to `path` (created if missing) under an exclusive `flock`,
    /// after truncating a torn last line, then `fsync`s. Returns whether a torn line was removed.
    static func appendLine(_ line: Data, to path: String, name: String) throws -> Bool {
        func fail(_ doing: String) -> DataError {
            DataError(file: name, message: "cannot \(doing) the journal: \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw fail("open") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 { guard errno == EINTR else { throw fail("lock") } }
        defer { _ = flock(descriptor, LOCK_UN) }

        // Under the lock: back to the end of the last whole line.
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else { throw fail("seek in") }
        var repaired = false
        if end > 0 {
            var last: UInt8 = 0
            guard pread(descriptor, &last, 1, end - 1) == 1 else { throw fail("read") }
            if last != 0x0A {
                var position = end, keep: off_t = 0
                var chunk = [UInt8](repeating: 0, count: 65536)
                scan: while position > 0 {
                    let size = Int(min(off_t(chunk.count), position))
                    position -= off_t(size)
                    guard pread(descriptor, &chunk, size, position) == size else { throw fail("read") }
                    if let newline = chunk[..<size].lastIndex(of: 0x0A) {
                        keep = position + off_t(newline) + 1
                        break scan
                    }
                }
                guard ftruncate(descriptor, keep) == 0 else { throw fail("truncate") }
                repaired = true
            }
        }
        // The line and its newline in one buffer, written by one loop.
        var bytes = [UInt8](line)
        bytes.append(0x0A)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw fail("fsync") }
        return repaired
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

private extension ModelRecipe {
    /// The model without its weights file's path.
    var locatedNowhere: ModelRecipe {
        var model = self
        model.initialWeightsPath = nil
        return model
    }
}

private extension DataRecipe {
    /// The data without its paths and guard.
    var locatedNowhere: DataRecipe {
        var data = self
        (data.path, data.labelsPath, data.maximumClassCount) = (nil, nil, nil)
        return data
    }
}
