import Foundation
import Testing

/// Issue 22, item 7: `lrfind bench --data FILE --load-only --predict MODEL` times predict's read
/// of the file (columns matched by name, encoded) beside the training load, so that the two can
/// be compared on a wide file without a timed test.
@Suite struct BenchPredictCommandTests {
    @Test func benchTimesPredictsReadBesideTheLoad() throws {
        let folder = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trained = try runLRFind(["train", "--data", Fixtures.iris, "--label-column", "species", "--epochs", "1", "--quiet",
                                     "--save", "iris.st"], in: folder)
        #expect(trained.status == 0, "\(trained.error)")
        let run = try runLRFind(["bench", "--data", Fixtures.iris, "--label-column", "species", "--load-only", "--predict", "iris.st"],
                                in: folder)
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(run.output)")
        #expect(lines.first?.hasPrefix("load \(Fixtures.iris): 150 rows, 4 feature columns, ") == true, "\(run.output)")
        #expect(lines.last?.hasPrefix("predict \(Fixtures.iris) with iris.st: 150 rows, 4 model inputs, ") == true, "\(run.output)")

        let json = try runLRFind(["bench", "--data", Fixtures.iris, "--label-column", "species", "--load-only", "--predict", "iris.st", "--json"],
                                 in: folder)
        #expect(json.status == 0, "\(json.error)")
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: [String: Any]]
        #expect(document["load"]?["stage"] as? String == "load" && document["load"]?["rows"] as? Int == 150)
        #expect(document["predict"]?["stage"] as? String == "predict" && document["predict"]?["rows"] as? Int == 150)
        #expect((document["predict"]?["seconds"] as? Double ?? 0) > 0)

        let misused = try runLRFind(["bench", "--predict", "iris.st"], in: folder)
        #expect(misused.status == 2 && misused.error.hasPrefix("lrfind: error: --predict goes with --load-only"), "\(misused.error)")
        let bundled = try runLRFind(["bench", "--load-only", "--predict", "iris.st"], in: folder)
        #expect(bundled.status == 1 && bundled.error == "lrfind: error: --predict needs --data FILE: the file predict reads\n", "\(bundled.error)")
    }
}
