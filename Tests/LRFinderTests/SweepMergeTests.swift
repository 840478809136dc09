import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// Merging sweep journals (`lrfind merge`): each run kept once from its earliest line, duplicates
/// counted, conflicts named, journals of another format, data or sweep refused in one line naming
/// both files, claims left out, runs in sweep order; and the record comparison that sets timings aside.
@Suite struct SweepMergeTests {
    /// A three-rate, one-seed sweep on iris (two epochs) and the record of each of its runs.
    static let sweep: (definition: SweepDefinition, runs: [SweepRun], records: [TrainingRecord]) = {
        let definition = try! SweepTests.definition(rates: [1e-3, 1e-2, 1e-1], epochs: 2)
        let runs = definition.runs()
        return (definition, runs, try! runs.map { try $0.recipe.run().record })
    }()

    /// 2023-11-14T22:13:20.000Z: the runs' start times count from here.
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// `start` plus `seconds`, as a journal writes it.
    static func started(_ seconds: Double) -> String { SweepJournal.timestamp(start.addingTimeInterval(seconds)) }

    /// A new journal of `definition` holding `entries`: each a run, its record, its start (seconds
    /// after ``start``) and its host.
    static func journal(_ entries: [(run: SweepRun, record: TrainingRecord, at: Double, host: String)],
                        definition: SweepDefinition = sweep.definition) throws -> String {
        let path = SweepJournalTests.scratch()
        var journal = try SweepJournal(path: path, definition: definition, resuming: false)
        for entry in entries {
            try journal.append(run: entry.run, record: entry.record, host: entry.host, worker: 1, started: start.addingTimeInterval(entry.at), seconds: 1.5)
        }
        return path
    }

    /// The journal at `path`, named `name` in errors and notes.
    static func read(_ path: String, as name: String) throws -> SweepMerge.Journal {
        SweepMerge.Journal(file: name, contents: try SweepJournal.read(path: path))
    }

    /// `record` as another process on another machine would time it.
    static func retimed(_ record: TrainingRecord) -> TrainingRecord {
        var record = record
        for index in record.result.epochs.indices { record.result.epochs[index].seconds += 0.25 }
        record.result.trainingSeconds += 1
        record.result.samplesPerSecond *= 2
        record.result.validationSeconds = 7
        record.environment.threads = 8
        record.environment.blasKernels = "Haswell"
        record.environment.seconds = 99
        record.inputs.data = "/elsewhere/iris.csv"
        return record
    }

    @Test func theRecordComparisonSetsTimingsAside() throws {
        let record = Self.sweep.records[0]
        let retimed = Self.retimed(record)
        #expect(retimed != record && retimed.withoutTimings == record.withoutTimings)
        #expect(retimed.resultDifference(from: record) == nil && record.resultDifference(from: record) == nil)

        // Any number of the results is a difference, named by its path in the record.
        var loss = record
        loss.result.epochs[1].trainLoss += 1e-12
        #expect(loss.resultDifference(from: record) == "result.epochs[1].trainLoss")
        var test = retimed
        test.result.test?.accuracy = 0.5
        #expect(test.resultDifference(from: record) == "result.test.accuracy")
        var shorter = record
        shorter.result.epochs.removeLast()
        #expect(shorter.resultDifference(from: record) == "result.epochs")
        var version = record
        version.lrfindVersion = "9.9.9"
        #expect(version.resultDifference(from: record) == "lrfindVersion")

        // A diverged run's NaN loss equals itself (`==` says NaN differs from NaN).
        var diverged = record
        diverged.result.epochs[1].trainLoss = .nan
        #expect(Self.retimed(diverged).withoutTimings != diverged.withoutTimings && Self.retimed(diverged).resultDifference(from: diverged) == nil)
        #expect(diverged.resultDifference(from: record) == "result.epochs[1].trainLoss")
    }

    @Test func aRunGivenTwiceIsKeptOnceFromItsEarliestLine() throws {
        let (definition, runs, records) = Self.sweep
        // a.jsonl holds runs 1 and 0; b.jsonl holds run 0 again, started earlier on another
        // machine, and run 2 twice (a second process finished it too).
        let a = try Self.journal([(runs[1], records[1], 10, "node1"), (runs[0], records[0], 20, "node1")])
        let b = try Self.journal([(runs[0], Self.retimed(records[0]), 5, "node2"), (runs[2], records[2], 30, "node2"),
                                  (runs[2], Self.retimed(records[2]), 40, "node3")])
        let merge = try SweepMerge([Self.read(a, as: "a.jsonl"), Self.read(b, as: "b.jsonl")])
        #expect(merge.runLines.map(\.identifier) == runs.map(\.identifier))
        #expect(merge.runLines.map(\.host) == ["node2", "node1", "node2"])
        #expect(merge.runLines.map(\.started) == [Self.started(5), Self.started(10), Self.started(30)])
        #expect(merge.duplicateCount == 2 && merge.conflicts.isEmpty && merge.notes.isEmpty && merge.runCount == 3)
        #expect(merge.definition == definition && merge.rangeTestLine == nil)

        // The lines: a.jsonl's header and the kept run lines, as the journals wrote them.
        let aLines = try SweepJournalTests.text(a).split(separator: "\n").map(String.init)
        let bLines = try SweepJournalTests.text(b).split(separator: "\n").map(String.init)
        let lines = try merge.lines().map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == [aLines[0], bLines[1], aLines[1], bLines[2]])

        // Written whole; read back as one journal of the three runs.
        let output = SweepJournalTests.scratch()
        try merge.write(to: output)
        #expect(try SweepJournalTests.text(output) == lines.joined(separator: "\n") + "\n")
        let merged = try SweepJournal.read(path: output)
        #expect(merged.outcomes.map(\.rate) == [1e-3, 1e-2, 1e-1] && merged.runLines.count == 3 && merged.notes.isEmpty)
        #expect(merged.outcomes.map(\.bestValidation) == runs.indices.map { SweepOutcome(run: runs[$0], record: records[$0]).bestValidation })
    }

    @Test func aRunWithOtherResultsIsAConflictAndTheEarliestIsKept() throws {
        let (_, runs, records) = Self.sweep
        var altered = records[0]
        altered.result.epochs[1].trainLoss += 0.5
        let a = try Self.journal([(runs[0], records[0], 20, "node1"), (runs[1], records[1], 21, "node1")])
        let b = try Self.journal([(runs[0], altered, 10, "node2"), (runs[1], records[1], 22, "node2")])
        let merge = try SweepMerge([Self.read(a, as: "a.jsonl"), Self.read(b, as: "b.jsonl")])
        // b.jsonl's line started first: kept, a.jsonl's dropped and named.
        #expect(merge.runLines.map(\.record.result.epochs[1].trainLoss) == [altered.result.epochs[1].trainLoss, records[1].result.epochs[1].trainLoss])
        #expect(merge.runLines.map(\.host) == ["node2", "node1"] && merge.duplicateCount == 1)
        let identifier = runs[0].identifier
        #expect(merge.conflicts == [SweepMerge.Conflict(rate: 1e-3, seed: 0, identifier: identifier,
                                                        kept: .init(file: "b.jsonl", started: "2023-11-14T22:13:30.000Z"),
                                                        dropped: .init(file: "a.jsonl", started: "2023-11-14T22:13:40.000Z"),
                                                        difference: "record.result.epochs[1].trainLoss")])
        #expect(merge.conflicts.map(\.description) == [
            "rate 0.001, seed 0, run \(identifier.prefix(12)): a.jsonl (started 2023-11-14T22:13:40.000Z) has other results than b.jsonl (started 2023-11-14T22:13:30.000Z), in record.result.epochs[1].trainLoss; the earlier, b.jsonl's, is kept",
        ])
        // Started at the same millisecond: the earlier journal's line is kept.
        let c = try Self.journal([(runs[0], altered, 20, "node3")])
        let tie = try SweepMerge([Self.read(a, as: "a.jsonl"), Self.read(c, as: "c.jsonl")])
        #expect(tie.runLines.first?.host == "node1" && tie.conflicts.map(\.dropped.file) == ["c.jsonl"])
    }

    @Test func journalsOfAnotherFormatDataOrSweepAreRefusedInOneLine() throws {
        let (definition, runs, records) = Self.sweep
        let a = try Self.read(try Self.journal([(runs[0], records[0], 0, "h")]), as: "a.jsonl")
        func refusal(_ other: SweepMerge.Journal) -> String? {
            SweepJournalTests.message { _ = try SweepMerge([a, other]) }
        }
        // Another sweep: other rates.
        var rates = definition
        rates.rates = [1e-3, 1e-2]
        #expect(refusal(try Self.read(try Self.journal([], definition: rates), as: "b.jsonl"))
                == "b.jsonl:1: a journal of another sweep than a.jsonl (its rates differ); merge only the journals of one sweep")
        var seedsAndModel = definition
        seedsAndModel.seeds = [0, 1]
        seedsAndModel.base.model.spec = try ModelSpec(parsing: "dense:4,relu")
        #expect(refusal(try Self.read(try Self.journal([], definition: seedsAndModel), as: "b.jsonl"))
                == "b.jsonl:1: a journal of another sweep than a.jsonl (its seeds, model differ); merge only the journals of one sweep")
        // Other data: the same sweep on another file.
        var wine = definition
        wine.base.data = DataRecipe(path: Fixtures.wine)
        wine.base.data.digest = try wine.base.data.contentDigest()
        let irisDigest = definition.base.data.digest!, wineDigest = wine.base.data.digest!
        #expect(irisDigest != wineDigest)
        #expect(refusal(try Self.read(try Self.journal([], definition: wine), as: "b.jsonl"))
                == "b.jsonl:1: a journal of other data (SHA-256 \(wineDigest)) than a.jsonl (SHA-256 \(irisDigest)); merge only the journals of one sweep")
        // Another format version: refused by the merge, and by the reading first.
        var version = a
        version.file = "b.jsonl"
        version.contents.header.formatVersion = 2
        #expect(refusal(version) == "b.jsonl:1: a journal of format version 2, not a.jsonl's version 1; merge only the journals of one sweep")
        let edited = SweepJournalTests.scratch()
        try SweepJournalTests.text(try Self.journal([])).replacingOccurrences(of: "\"formatVersion\":1,", with: "\"formatVersion\":2,")
            .write(toFile: edited, atomically: false, encoding: .utf8)
        #expect(SweepJournalTests.message { _ = try SweepMerge.Journal(reading: edited) }
                == "\(edited):1: journal format version 2 is not one this lrfind (\(RecipeIdentity.lrfindVersion)) reads: it reads version 1")
        // Not a journal at all; no journal at all.
        let text = SweepJournalTests.scratch()
        try "rate,seed\n0.1,0\n".write(toFile: text, atomically: false, encoding: .utf8)
        #expect(SweepJournalTests.message { _ = try SweepMerge.Journal(reading: text) } == "\(text):1: not a sweep journal: its first line is not a journal header")
        #expect(SweepJournalTests.message { _ = try SweepMerge([]) } == "merge: no journal to merge")
        // The same sweep by a newer lrfind of the same format merges.
        var newer = try Self.read(try Self.journal([(runs[1], records[1], 1, "h")]), as: "b.jsonl")
        newer.contents.header.lrfindVersion = "9.9.9"
        #expect(try SweepMerge([a, newer]).runLines.count == 2)
    }

    @Test func claimsAreLeftOutAndTheFirstRangeTestIsKept() throws {
        let (definition, runs, records) = Self.sweep
        // a.jsonl: a process's claims, heartbeat and release around run 0, then a torn last line.
        let a = try Self.journal([])
        var shared = try SweepJournal(path: a, definition: definition, resuming: true)
        let claimed = try shared.claim(from: runs, owner: "node1:42:x", now: Self.start, timeout: 300)
        #expect(claimed?.run == runs[0])
        try shared.heartbeat([runs[0].identifier], owner: "node1:42:x", now: Self.start)
        try shared.append(run: runs[0], record: records[0], host: "node1", worker: 1, started: Self.start, seconds: 1)
        _ = try shared.claim(from: runs, owner: "node1:42:x", now: Self.start, timeout: 300)
        try shared.release([runs[1].identifier], owner: "node1:42:x", now: Self.start)
        let whole = try SweepJournalTests.text(a)
        let torn = "{\"kind\":\"run\",\"ident"
        try (whole + torn).write(toFile: a, atomically: false, encoding: .utf8)
        // b.jsonl and c.jsonl: a range test each (the first counts) and run 1.
        var settings = RangeTestSettings()
        settings.length = .steps(12)
        let rangeTest = RangeTestRecipe(data: definition.base.data, model: definition.base.model, trainer: TrainerSettings(batchSize: 16), rangeTest: settings)
        let firstTest = try rangeTest.run().record
        var secondTest = firstTest
        secondTest.batchesPerEpoch += 1
        let b = try Self.journal([(runs[1], records[1], 1, "node2")]), c = try Self.journal([])
        var withTest = try SweepJournal(path: b, definition: definition, resuming: true)
        try withTest.append(rangeTest: firstTest, host: "node2", started: Self.start)
        var withOther = try SweepJournal(path: c, definition: definition, resuming: true)
        try withOther.append(rangeTest: secondTest, host: "node3", started: Self.start)

        let merge = try SweepMerge([Self.read(a, as: "a.jsonl"), Self.read(b, as: "b.jsonl"), Self.read(c, as: "c.jsonl")])
        #expect(merge.notes == ["\(a):7: a torn last line (\(torn.utf8.count) bytes without a newline: a writer stopped mid-line) is ignored; the next append removes it"])
        #expect(merge.rangeTestLine?.record == firstTest && merge.rangeTestLine?.host == "node2")
        let kinds = try merge.lines().map { try #require(try JSONSerialization.jsonObject(with: $0) as? [String: Any])["kind"] as? String }
        #expect(kinds == ["header", "rangeTest", "run", "run"])
        #expect(try SweepJournalTests.text(a).components(separatedBy: "\"kind\":\"claim\"").count == 3)
    }

    @Test func theRunsFollowTheSweepsOrderAndUnlistedRunsComeLast() throws {
        let (_, runs, records) = Self.sweep
        // A line whose identifier the sweep does not list (it should not happen): after the sweep's runs.
        let stranger = SweepRun(rate: 0.5, seed: 0, recipe: runs[0].recipe, identifier: String(repeating: "f", count: 64))
        let a = try Self.journal([(runs[2], records[2], 1, "h"), (stranger, records[0], 2, "h")])
        let b = try Self.journal([(runs[1], records[1], 3, "h"), (runs[0], records[0], 4, "h")])
        let merge = try SweepMerge([Self.read(a, as: "a.jsonl"), Self.read(b, as: "b.jsonl")])
        #expect(merge.runLines.map(\.identifier) == runs.map(\.identifier) + [stranger.identifier])
        #expect(merge.runLines.map(\.rate) == [1e-3, 1e-2, 1e-1, 0.5] && merge.duplicateCount == 0 && merge.conflicts.isEmpty)
    }
}
