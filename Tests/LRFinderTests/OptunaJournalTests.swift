import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// Optuna's journal-file format: the 5-trial study Optuna 5.1.0 wrote
/// (`fixtures/golden/optuna_journal/study.log`), written again line for line from its trials,
/// with the worker and the times, which vary from run to run, taken from the golden.
@Suite struct OptunaJournalTests {
    static let folder = Fixtures.root.appendingPathComponent("fixtures/golden/optuna_journal")

    @Test func theGoldenStudyIsWrittenAgainLineForLine() throws {
        let golden = try String(contentsOf: Self.folder.appendingPathComponent("study.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let objects = try golden.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let worker = try #require(objects[0]["worker_id"] as? String)
        let choices = CompareContender.notes.map(\.optunaName)
        let parameters: [(String, ParameterDistribution)] = [("scheduler_name", .categorical(choices: choices)),
                                                             ("learning_rate", .float(low: 5e-5, high: 1e-2, log: true))]
        // The trials as the golden study.json reads them back.
        let study = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("study.json"))) as? [String: Any])
        let trials = try #require(study["trials"] as? [[String: Any]])
        var entries: [OptunaJournal.Entry] = []
        for (index, trial) in trials.enumerated() {
            let params = try #require(trial["params"] as? [String: Any])
            let state: TrialState = switch trial["state"] as? String { case "COMPLETE": .complete; case "PRUNED": .pruned; default: .fail }
            let steps = (trial["intermediate_values"] as? [String: Double] ?? [:]).reduce(into: [Int: Double]()) { $0[Int($1.key)!] = $1.value }
            let attributes = try #require(trial["user_attrs"] as? [String: Any])
            let tuning = TuningTrial(number: index, state: state,
                                     params: ["scheduler_name": Double(choices.firstIndex(of: params["scheduler_name"] as! String)!),
                                              "learning_rate": params["learning_rate"] as! Double],
                                     value: trial["value"] as? Double, intermediateValues: steps)
            entries.append(OptunaJournal.Entry(trial: tuning, attributes: [("epochs", .integer(attributes["epochs"] as! Int)),
                                                                           ("recipe_id", .text(attributes["recipe_id"] as! String))],
                                               started: Date(timeIntervalSince1970: 0), completed: Date(timeIntervalSince1970: 0)))
        }
        let written = OptunaJournal.lines(name: "lrfind-compare", direction: .maximize, attributes: [("tool", "lrfind compare")],
                                          parameters: parameters, entries: entries, workerID: worker)
        // The times differ from run to run: compare with the golden's own.
        func withoutTimes(_ line: String) -> String {
            line.replacingOccurrences(of: #""datetime_(start|complete)":"[^"]*""#, with: "\"datetime\":\"\"", options: .regularExpression)
        }
        #expect(written.count == golden.count)
        for (mine, theirs) in zip(written, golden) { #expect(withoutTimes(mine) == withoutTimes(theirs)) }
    }

    @Test func timesNumbersAndStringsAsPythonWritesThem() {
        // 2026-12-07T15:54:09.903681 UTC.
        #expect(OptunaJournal.timestamp(Date(timeIntervalSince1970: 1_796_658_849.903681)) == "2026-12-07T15:54:09.903681+00:00")
        #expect(OptunaJournal.number(5e-05) == "5e-05" && OptunaJournal.number(0.01) == "0.01" && OptunaJournal.number(1) == "1.0")
        #expect(OptunaJournal.number(.nan) == "NaN" && OptunaJournal.number(-.infinity) == "-Infinity")
        #expect(OptunaJournal.string("a\"b\\c\né") == #""a\"b\\c\n\u00e9""#)
        #expect(OptunaJournal.distributionJSON(.int(low: 16, high: 512, log: true))
                == #"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 512}}"#)
    }
}
