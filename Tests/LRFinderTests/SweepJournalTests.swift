import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// The sweep journal: appended whole lines under a lock, read back, resumed by identifier, a torn
/// last line ignored and removed, another format, experiment, data or sweep refused in one line.
@Suite struct SweepJournalTests {
    static func scratch() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-journal-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("sweep.jsonl").path
    }

    /// A two-rate, one-seed sweep on iris, and a real record of a two-epoch run to append.
    static func sweep(rates: [Double] = [1e-3, 1e-2]) throws -> (definition: SweepDefinition, record: TrainingRecord) {
        let definition = try SweepTests.definition(rates: rates, epochs: 2)
        return (definition, try definition.runs()[0].recipe.run().record)
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test func appendedRunsReadBackAndResumeSkipsThem() throws {
        let path = Self.scratch()
        let (definition, record) = try Self.sweep()
        let runs = definition.runs()
        var journal = try SweepJournal(path: path, definition: definition, resuming: false)
        #expect(journal.finished.isEmpty && journal.notes.isEmpty)
        let started = Date(timeIntervalSince1970: 1_700_000_000.25)
        try journal.append(run: runs[0], record: record, host: "node1", worker: 2, started: started, seconds: 1.5)
        #expect(journal.finished.keys.sorted() == [runs[0].identifier])

        // Two lines, each one sorted-keys JSON object with a kind.
        let lines = try Self.text(path).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[0].hasPrefix("{\"dataDigest\":\"\(definition.base.data.digest!)\"") && lines[0].contains("\"kind\":\"header\""))
        #expect(lines[0].contains("\"formatVersion\":1") && lines[0].contains("\"experiment\":\"sweep\""))
        #expect(lines[0].contains("\"definitionIdentifier\":\"\(definition.identifier)\""))
        #expect(lines[1].contains("\"kind\":\"run\"") && lines[1].contains("\"identifier\":\"\(runs[0].identifier)\""))
        #expect(lines[1].contains("\"host\":\"node1\"") && lines[1].contains("\"worker\":2") && lines[1].contains("\"started\":\"2023-11-14T22:13:20.250Z\""))
        let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(Set(object.keys) == ["kind", "identifier", "rate", "seed", "recipe", "record", "host", "worker", "started", "seconds"])

        // Read back: the definition with its paths, the outcome as from the record.
        let read = try SweepJournal.read(path: path)
        #expect(read.definition == definition && read.notes.isEmpty)
        #expect(read.outcomes == [SweepOutcome(run: runs[0], record: record)])

        // Resuming: the finished run is known by identifier, the rest remain.
        var resumed = try SweepJournal(path: path, definition: definition, resuming: true)
        #expect(resumed.finished == [runs[0].identifier: SweepOutcome(run: runs[0], record: record)])
        #expect(runs.filter { resumed.finished[$0.identifier] == nil }.map(\.rate) == [1e-2])
        try resumed.append(run: runs[1], record: record, host: "node1", worker: 1, started: started, seconds: 2)
        #expect(try SweepJournal.read(path: path).outcomes.map(\.rate) == [1e-3, 1e-2])

        // A journal that exists is not started again without resuming.
        #expect(Self.message { _ = try SweepJournal(path: path, definition: definition, resuming: false) }
                == "\(path): the journal already exists; --resume continues it, or name another file")
        // Resuming a journal that does not exist starts it.
        let fresh = Self.scratch()
        #expect(try SweepJournal(path: fresh, definition: definition, resuming: true).finished.isEmpty)
        #expect(try Self.text(fresh).split(separator: "\n").count == 1)
    }

    @Test func aTornLastLineIsIgnoredAndRemovedByTheNextAppend() throws {
        let path = Self.scratch()
        let (definition, record) = try Self.sweep()
        let runs = definition.runs()
        var journal = try SweepJournal(path: path, definition: definition, resuming: false)
        try journal.append(run: runs[0], record: record, host: "h", worker: 1, started: Date(), seconds: 1)
        let whole = try Self.text(path)
        // A writer killed mid-line: half of a run line, no newline.
        let torn = String(whole.split(separator: "\n")[1].prefix(200))
        try (whole + torn).write(toFile: path, atomically: false, encoding: .utf8)

        let read = try SweepJournal.read(path: path)
        #expect(read.outcomes.count == 1)
        #expect(read.notes == ["\(path):3: a torn last line (200 bytes without a newline: a writer stopped mid-line) is ignored; the next append removes it"])
        var resumed = try SweepJournal(path: path, definition: definition, resuming: true)
        #expect(resumed.finished.count == 1 && resumed.notes == read.notes)
        try resumed.append(run: runs[1], record: record, host: "h", worker: 1, started: Date(), seconds: 1)
        #expect(resumed.notes.last == "\(path): a torn last line was removed before appending")
        // The torn text is gone: the file is the two whole lines, then the new one.
        let repaired = try Self.text(path)
        #expect(repaired.hasPrefix(whole) && !repaired.contains(whole + torn) && repaired.hasSuffix("\n"))
        #expect(repaired.split(separator: "\n").count == 3)
        let again = try SweepJournal.read(path: path)
        #expect(again.notes.isEmpty && again.outcomes.map(\.rate) == [1e-3, 1e-2])

        // A header torn on creation: resuming writes the header again.
        let headerless = Self.scratch()
        try "{\"dataDig".write(toFile: headerless, atomically: false, encoding: .utf8)
        let restarted = try SweepJournal(path: headerless, definition: definition, resuming: true)
        #expect(restarted.finished.isEmpty && restarted.notes.count == 2)
        #expect(try Self.text(headerless).hasPrefix("{\"dataDigest\"") && (try SweepJournal.read(path: headerless)).notes.isEmpty)
        let missing = Self.scratch() + ".missing"
        #expect(Self.message { _ = try SweepJournal.read(path: missing) }?.hasPrefix("\(missing): cannot read the journal: ") == true)
    }

    @Test func anotherFormatExperimentDataOrSweepIsRefusedInOneLine() throws {
        let (definition, record) = try Self.sweep()
        let path = Self.scratch()
        var journal = try SweepJournal(path: path, definition: definition, resuming: false)
        try journal.append(run: definition.runs()[0], record: record, host: "h", worker: 1, started: Date(), seconds: 1)
        let original = try Self.text(path)
        func refusal(_ edit: (String) -> String, _ other: SweepDefinition? = nil) throws -> String? {
            let file = Self.scratch()
            try edit(original).write(toFile: file, atomically: false, encoding: .utf8)
            return Self.message { _ = try SweepJournal(path: file, definition: other ?? definition, resuming: true) }?
                .replacingOccurrences(of: file, with: "J")
        }
        #expect(try refusal { $0.replacingOccurrences(of: "\"formatVersion\":1,", with: "\"formatVersion\":2,") }
                == "J:1: journal format version 2 is not one this lrfind (\(RecipeIdentity.lrfindVersion)) reads: it reads version 1")
        #expect(try refusal { $0.replacingOccurrences(of: "\"experiment\":\"sweep\"", with: "\"experiment\":\"schedules\"") }
                == "J:1: a journal of a 'schedules' experiment, not of a sweep")
        #expect(try refusal { "{\"kind\":\"training\"}\n" + $0 } == "J:1: not a sweep journal: its first line is not a journal header")
        #expect(try refusal { "hello\n" + $0 } == "J:1: not a sweep journal: its first line is not a journal header")
        var otherData = definition
        otherData.base.data.digest = String(repeating: "0", count: 64)
        #expect(try refusal({ $0 }, otherData)
                == "J:1: a journal of other data (SHA-256 \(definition.base.data.digest!)), not this sweep's (SHA-256 \(String(repeating: "0", count: 64)))")
        var otherRates = definition
        otherRates.rates = [1e-3]
        #expect(try refusal({ $0 }, otherRates) == "J:1: a journal of another sweep (its rates differ); name another journal, or run the sweep it holds")
        var otherModel = definition
        otherModel.base.model.spec = try ModelSpec(parsing: "dense:4,relu")
        otherModel.seeds = [0, 1]
        #expect(try refusal({ $0 }, otherModel) == "J:1: a journal of another sweep (its seeds, model differ); name another journal, or run the sweep it holds")
        // A newer lrfind of the same format resumes it.
        let newer = try refusal { $0.replacingOccurrences(of: "\"lrfindVersion\":\"\(RecipeIdentity.lrfindVersion)\"", with: "\"lrfindVersion\":\"9.9.9\"") }
        #expect(newer == nil)
        // read (lrfind report) refuses another format too, and takes any sweep.
        let file = Self.scratch()
        try original.replacingOccurrences(of: "\"formatVersion\":1,", with: "\"formatVersion\":2,").write(toFile: file, atomically: false, encoding: .utf8)
        #expect(Self.message { _ = try SweepJournal.read(path: file) }?.hasPrefix("\(file):1: journal format version 2") == true)
        // A journal without the data's digest cannot be started.
        var undigested = definition
        undigested.base.data.digest = nil
        #expect(Self.message { _ = try SweepJournal(path: Self.scratch(), definition: undigested, resuming: false) }
                == "sweep: the data's digest is not known yet (DataRecipe.contentDigest())")
    }

    @Test func twoWritersAppendingAtOnceLeaveWholeLines() async throws {
        let path = Self.scratch()
        let (definition, record) = try Self.sweep(rates: (1...100).map { Double($0) * 1e-4 })
        let runs = definition.runs()
        _ = try SweepJournal(path: path, definition: definition, resuming: false)
        // Two journals (each append opens its own descriptor), on two threads, 50 lines each.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var journal = try SweepJournal(path: path, definition: definition, resuming: true)
                    for index in stride(from: writer, to: 100, by: 2) {
                        try journal.append(run: runs[index], record: record, host: "h", worker: writer, started: Date(), seconds: 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        let lines = try Self.text(path).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 102 && lines.last == "")
        #expect(lines.dropLast().allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        let read = try SweepJournal.read(path: path)
        #expect(read.notes.isEmpty && read.outcomes.count == 100 && Set(read.outcomes.map(\.rate)) == Set(definition.rates))
    }
}
