import Foundation

/// Journals of one sweep combined into one (`lrfind merge`): the journals of `--shard`'s
/// processes, or of machines that shared no file, each read with ``SweepJournal/read(path:)``.
///
/// Every journal must hold the first one's sweep: its format version, data digest and definition
/// identifier. Each recipe identifier is kept once, from its earliest run line (by `started`; a
/// tie goes to the earlier journal, then the earlier line). Another line of that identifier is a
/// duplicate when it says the same, timings set aside (the line's host, worker, started and seconds,
/// and the record's ``TrainingRecord/withoutTimings``), and a conflict when it does not. The
/// merged journal is the first journal's header, the first range test line, then the kept run
/// lines in sweep order; claims, heartbeats and releases are left out.
public struct SweepMerge {
    /// One journal to merge: its file, as errors and notes name it, and what it holds.
    public struct Journal {
        /// The journal's path.
        public var file: String
        /// Its header, runs and range test.
        public var contents: SweepJournal.Contents

        /// The journal `file` holding `contents`.
        public init(file: String, contents: SweepJournal.Contents) {
            self.file = file
            self.contents = contents
        }

        /// Reads the journal at `path`.
        /// - Throws: ``DataError`` naming the file for one that cannot be read, is not a sweep
        ///   journal, or is of another format version.
        public init(reading path: String) throws {
            self.init(file: path, contents: try SweepJournal.read(path: path))
        }
    }

    /// Where a run line came from: its journal and when the run started.
    public struct Source: Equatable, Codable, Sendable {
        /// The journal's path.
        public var file: String
        /// The line's `started`: ISO 8601 with milliseconds, UTC.
        public var started: String
    }

    /// Two run lines of one recipe that say different things: the earliest is kept, the other dropped.
    public struct Conflict: Equatable, Codable, Sendable, CustomStringConvertible {
        /// The run's rate and seed.
        public var rate: Double
        public var seed: UInt64
        /// Its recipe identifier.
        public var identifier: String
        /// The line kept (the earliest) and the line dropped.
        public var kept: Source
        public var dropped: Source
        /// The first field where the lines differ, as a path into the line's JSON
        /// (`record.result.epochs[1].trainLoss`).
        public var difference: String

        /// One line: `rate 0.001, seed 0, run 3f2a9c0d1e4b: J2 (started T2) has other results than
        /// J1 (started T1), in record.result.epochs[1].trainLoss; the earlier, J1's, is kept`.
        public var description: String {
            "rate \(NumberText.significant(rate)), seed \(seed), run \(identifier.prefix(12)): \(dropped.file) (started \(dropped.started))"
                + " has other results than \(kept.file) (started \(kept.started))"
                + (difference.isEmpty ? "" : ", in \(difference)") + "; the earlier, \(kept.file)'s, is kept"
        }
    }

    /// The first journal's header, which the merged journal keeps.
    public let header: SweepJournal.Header
    /// The sweep, with the first journal's paths.
    public let definition: SweepDefinition
    /// The first range test line of the journals (in their order), if any.
    public let rangeTestLine: SweepJournal.RangeTestLine?
    /// The kept run lines, one per identifier, in sweep order (rate-major, then seed); lines of
    /// identifiers the sweep does not list follow, in the journals' order.
    public let runLines: [SweepJournal.RunLine]
    /// The run lines dropped because an earlier line said the same.
    public let duplicateCount: Int
    /// The run lines dropped although they said something else than the earlier line kept.
    public let conflicts: [Conflict]
    /// What was noticed while reading the journals (a torn last line), one line each.
    public let notes: [String]

    /// The number of runs in the sweep: rates times seeds.
    public var runCount: Int { definition.rates.count * definition.seeds.count }

    /// Merges `journals`.
    /// - Throws: ``SweepError`` for no journal; ``DataError`` naming a journal (line 1) and the
    ///   first one when it holds another format version, other data or another sweep.
    public init(_ journals: [Journal]) throws {
        guard let first = journals.first else { throw SweepError("merge: no journal to merge") }
        for journal in journals.dropFirst() { try Self.check(journal, against: first) }
        header = first.contents.header
        definition = first.contents.definition
        rangeTestLine = journals.lazy.compactMap(\.contents.rangeTestLine).first
        notes = journals.flatMap(\.contents.notes)

        // Every run line with where it came from, earliest first (ties: journal, then line order).
        struct Candidate {
            /// The line, where it came from, when it started, and its place among all the lines.
            var line: SweepJournal.RunLine
            var source: Source
            var time: Date
            var order: Int
        }
        var candidates: [Candidate] = []
        let dates = StartDates()
        for journal in journals {
            for line in journal.contents.runLines {
                candidates.append(Candidate(line: line, source: Source(file: journal.file, started: line.started),
                                            time: dates.date(line.started), order: candidates.count))
            }
        }
        candidates.sort { ($0.time, $0.order) < ($1.time, $1.order) }

        // The first of each identifier is kept; each later one is a duplicate or a conflict.
        var kept: [String: Candidate] = [:]
        var duplicateCount = 0
        var conflicts: [Conflict] = []
        for candidate in candidates {
            guard let earlier = kept[candidate.line.identifier] else {
                kept[candidate.line.identifier] = candidate
                continue
            }
            if let difference = Self.difference(candidate.line, earlier.line) {
                conflicts.append(Conflict(rate: earlier.line.rate, seed: earlier.line.seed, identifier: earlier.line.identifier,
                                          kept: earlier.source, dropped: candidate.source, difference: difference))
            } else {
                duplicateCount += 1
            }
        }
        (self.duplicateCount, self.conflicts) = (duplicateCount, conflicts)

        // Sweep order, then the identifiers the sweep does not list, in the journals' order.
        let sweep = definition.runs().map(\.identifier)
        let listed = Set(sweep)
        let unlisted = kept.values.filter { !listed.contains($0.line.identifier) }.sorted { $0.order < $1.order }
        runLines = sweep.compactMap { kept[$0]?.line } + unlisted.map(\.line)
    }

    /// The merged journal's lines, without their newlines: the header, the range test, the runs.
    /// - Throws: an `EncodingError` for a value JSON cannot hold.
    public func lines() throws -> [Data] {
        var lines = [try JSONDocument.encode(header, prettyPrinted: false)]
        if let rangeTestLine { lines.append(try JSONDocument.encode(rangeTestLine, prettyPrinted: false)) }
        for line in runLines { lines.append(try JSONDocument.encode(line, prettyPrinted: false)) }
        return lines
    }

    /// Writes the merged journal to `path` through ``AtomicFile``: an interrupted write leaves
    /// no part of it (a file `path` was stays as it was).
    /// - Throws: ``AtomicFile/WriteError`` naming `path` and the reason.
    public func write(to path: String) throws {
        let lines = try lines()
        try AtomicFile.write(to: path) { writer in
            for line in lines {
                writer.append(line)
                writer.append("\n")
            }
        }
    }

    // MARK: Deciding

    /// Refuses `journal` when its format version, data or sweep is not `first`'s.
    private static func check(_ journal: Journal, against first: Journal) throws {
        let ours = first.contents.header, theirs = journal.contents.header
        func fail(_ message: String) -> DataError { DataError(file: journal.file, line: 1, message: message + "; merge only the journals of one sweep") }
        guard theirs.formatVersion == ours.formatVersion else {
            throw fail("a journal of format version \(theirs.formatVersion), not \(first.file)'s version \(ours.formatVersion)")
        }
        guard theirs.dataDigest == ours.dataDigest else {
            throw fail("a journal of other data (SHA-256 \(theirs.dataDigest)) than \(first.file) (SHA-256 \(ours.dataDigest))")
        }
        guard theirs.definitionIdentifier == ours.definitionIdentifier else {
            throw fail("a journal of another sweep than \(first.file) (\(theirs.definition.differences(from: ours.definition)))")
        }
    }

    /// Where `line` says something else than `kept`, the line's host, worker, started and seconds
    /// and the record's timings set aside: a path into the line's JSON; nil when it says the same.
    private static func difference(_ line: SweepJournal.RunLine, _ kept: SweepJournal.RunLine) -> String? {
        func results(_ line: SweepJournal.RunLine) -> SweepJournal.RunLine {
            var line = line
            (line.host, line.worker, line.started, line.seconds) = ("", 0, "", 0)
            line.record = line.record.withoutTimings
            return line
        }
        return JSONDifference.first(between: results(line), and: results(kept))
    }

}

/// The run lines' `started` read as dates.
private struct StartDates {
    /// ISO 8601 with and without milliseconds.
    private let milliseconds = ISO8601DateFormatter(), seconds = ISO8601DateFormatter()

    /// Formatters for both forms.
    init() {
        milliseconds.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        seconds.formatOptions = [.withInternetDateTime]
    }

    /// `started` as a date; the distant future for a text that is not ISO 8601 (it sorts last).
    func date(_ started: String) -> Date {
        milliseconds.date(from: started) ?? seconds.date(from: started) ?? .distantFuture
    }
}
