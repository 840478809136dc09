import Foundation
import Testing

/// `find --then` with `--early-stop` and `--monitor`, as `train` takes them (issue 27).
@Suite struct HandOffEarlyStopTests {
    static let find = ["--data", Fixtures.wine, "--model", "dense:8,relu", "--min", "1e-4", "--max", "1", "--no-plot", "--quiet"]

    @Test func theHandOffRunStopsEarlyRestoresItsBestAndItsCommandSaysSo() throws {
        let folder = scratchDirectory()
        let result = try runLRFind(Self.find + ["--then", "onecycle", "--train-epochs", "40", "--early-stop", "3", "--monitor", "val-accuracy", "--json"],
                                   in: folder)
        #expect(result.status == 0, "\(result.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let run = try #require((document["training"] as? [[String: Any]])?.first)
        let outcome = try #require(run["result"] as? [String: Any])
        let epochs = try #require(outcome["epochs"] as? [[String: Any]])
        let accuracies = epochs.compactMap { $0["validationAccuracy"] as? Double }
        let best = try #require(outcome["bestEpoch"] as? Int)
        // The best epoch is the first with the highest validation accuracy, and the run ends 3 epochs after it.
        #expect(accuracies.firstIndex(of: accuracies.max()!) == best - 1)
        #expect(epochs.count == min(40, best + 3))
        if epochs.count < 40 { #expect(outcome["stopReason"] as? String == "early-stopped") }
        let words = try #require((run["command"] as? [String: Any])?["arguments"] as? [String])
        #expect(words.joined(separator: " ").contains("--epochs 40 --early-stop 3 --monitor val-accuracy"))
        // The recipe keeps them.
        let handOff = try #require(((document["recipe"] as? [String: Any])?["handOff"]) as? [String: Any])
        #expect((handOff["earlyStopping"] as? [String: Any])?["patience"] as? Int == 3)
        #expect(handOff["monitor"] as? String == "val-accuracy")
    }

    @Test(arguments: [
        (["--early-stop", "3"], 2, "lrfind: error: --early-stop and --monitor go with --then (they apply to its training runs)"),
        (["--monitor", "val-accuracy"], 2, "lrfind: error: --early-stop and --monitor go with --then (they apply to its training runs)"),
        (["--then", "onecycle", "--early-stop", "-1"], 2, "lrfind: error: --early-stop must be >= 0, got -1"),
        (["--then", "onecycle", "--early-stop", "2", "--monitor", "val-r2"], 2, "lrfind: error: --monitor val-r2: has no value for "),
        (["--validation-rungs", "-1"], 2, "lrfind: error: --validation-rungs must be >= 0, got -1"),
    ])
    func misuseIsAUsageError(extra: [String], status: Int32, message: String) throws {
        let result = try runLRFind(Self.find + extra, in: scratchDirectory())
        #expect(result.status == status, "\(result.error)")
        #expect(result.error.hasPrefix(message), "\(result.error)")
    }
}
