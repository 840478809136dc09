import Foundation
import Testing

/// SIGINT and SIGTERM (issue 10, items 8 and 14): the range test stops after the current batch,
/// saves what it recorded as a finished run would, and exits 130 or 143 without an error line.
/// The signal is sent once the process says it has started training (`--verbose`), never after
/// a fixed time.
@Suite struct SignalTests {
    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalStillWritesWhatWasRecorded(signal: Int32, status: Int32) throws {
        let folder = scratchDirectory()
        let run = try RunningLRFind(["--data", Fixtures.digits, "--model", "logreg", "--steps", "2000000", "--no-stop",
                                     "--csv", "partial.csv", "--plot", "partial.svg", "--record", "record.json", "--json", "--verbose"],
                                    in: folder)
        let started = run.waitForError(containing: "range test: started\n", deadline: 300)
        #expect(started, "no sign of training")
        run.send(started ? signal : SIGKILL)
        let outcome = run.finish()
        guard started else { return }
        #expect(outcome.reason == .exit, "ended by its own exit, not killed by the signal")
        #expect(outcome.status == status)
        #expect(!outcome.error.contains("error"), "quietly: \(outcome.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.first?["stopReason"] as? String == "interrupted")
        let recorded = try #require((runs.first?["steps"] as? [Any])?.count)
        let rows = try String(contentsOf: folder.appendingPathComponent("partial.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == recorded + 1 && recorded >= 1 && recorded < 2_000_000)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("record.json"))) as? [String: Any]
        #expect(((record?["runs"] as? [[String: Any]])?.first?["stopReason"] as? String) == "interrupted")
        #expect(try String(contentsOf: folder.appendingPathComponent("partial.svg"), encoding: .utf8).contains("<svg"))
        // Nothing half-written is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["partial.csv", "partial.svg", "record.json"])
    }

    @Test func trainingStopsOnSIGTERMAndPrintsItsTable() throws {
        let folder = scratchDirectory()
        let run = try RunningLRFind(["train", "--data", Fixtures.digits, "--model", "logreg", "--epochs", "100000",
                                     "--plot", "curves.svg", "--record", "record.json", "--verbose"], in: folder)
        let started = run.waitForError(containing: "train: started\n", deadline: 300)
        #expect(started, "no sign of training")
        run.send(started ? SIGTERM : SIGKILL)
        let outcome = run.finish()
        guard started else { return }
        #expect(outcome.reason == .exit && outcome.status == 143)
        #expect(!outcome.error.contains("error"), "quietly: \(outcome.error)")
        #expect(outcome.output.contains("stopped: interrupted after "), "\(outcome.output)")
        #expect(outcome.output.contains("test: loss"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("record.json"))) as? [String: Any]
        #expect(((record?["result"] as? [String: Any])?["stopReason"] as? String) == "interrupted")
    }
}
