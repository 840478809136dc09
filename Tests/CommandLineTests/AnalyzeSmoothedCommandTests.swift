import Foundation
import Testing

/// `lrfind analyze --smoothed` and the note on a curve that looks already smoothed
/// (docs/curves.md).
@Suite struct AnalyzeSmoothedCommandTests {
    static func golden(_ name: String) -> String { Fixtures.goldenCurves.appendingPathComponent("\(name).csv").path }

    /// The `CLR max_lr` line of an `analyze` table.
    static func maximumRateLine(_ output: String) -> String? {
        output.split(separator: "\n").first { $0.contains("CLR max_lr") }.map { String($0) }
    }

    static let smoothedNote = "the loss looks already smoothed"

    @Test func torchLRFinderCurveGetsTheNoteAndSmoothedGivesTheRawTwinsBounds() throws {
        let plain = try runLRFind(["analyze", Self.golden("tlf_cnn_adamw"), "--no-plot"])
        #expect(plain.status == 0)
        #expect(Self.maximumRateLine(plain.output) == "  CLR max_lr                0.1072      ")
        #expect(plain.error.contains("lrfind: note: \(Self.golden("tlf_cnn_adamw")): the loss looks already smoothed (its differences change sign at 0.29 of steps, below 0.44; raw losses: about 0.5 or more), so the bounds lag; if a tool smoothed it, rerun with --smoothed tlf (torch-lr-finder), --smoothed fastai or --smoothed ema:BETA (docs/curves.md)"))

        let recovered = try runLRFind(["analyze", Self.golden("tlf_cnn_adamw"), "--smoothed", "tlf", "--no-plot"])
        #expect(recovered.status == 0)
        #expect(!recovered.error.contains(Self.smoothedNote))
        let raw = try runLRFind(["analyze", Self.golden("tlf_cnn_adamw_raw"), "--no-plot"])
        #expect(!raw.error.contains(Self.smoothedNote))
        #expect(Self.maximumRateLine(recovered.output) == "  CLR max_lr                0.02009     ")
        #expect(Self.maximumRateLine(raw.output) == Self.maximumRateLine(recovered.output))
        // The reference tools' suggestions still read the stored curve.
        let suggestions = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("  fastai ") || $0.hasPrefix("  torch-lr-finder") } }
        #expect(suggestions(recovered.output) == suggestions(plain.output))
        #expect(suggestions(plain.output).count == 5)
    }

    @Test func fastaiCurveWithSmoothedFastaiGivesTheRawTwinsBounds() throws {
        let recovered = try runLRFind(["analyze", Self.golden("fastai_mlp_sgd"), "--smoothed", "fastai", "--no-plot"])
        let raw = try runLRFind(["analyze", Self.golden("fastai_mlp_sgd_raw"), "--no-plot"])
        #expect(recovered.status == 0 && raw.status == 0)
        #expect(Self.maximumRateLine(recovered.output) == "  CLR max_lr                0.07586     ")
        #expect(Self.maximumRateLine(raw.output) == Self.maximumRateLine(recovered.output))
    }

    @Test(arguments: ["ema:1", "ema", "ema:0.9:biased", "loess"])
    func badSmoothingIsAUsageError(text: String) throws {
        let result = try runLRFind(["analyze", Self.golden("tlf_cnn_adamw"), "--smoothed", text, "--no-plot"])
        #expect(result.status == 2)
        #expect(result.error == "lrfind: error: --smoothed must be tlf, fastai, ema:BETA or ema:BETA:debiased (0 <= BETA < 1), got '\(text)' (see 'lrfind --help')\n")
    }

    /// Each `find` run whose `--csv` must not look smoothed: a name and the options.
    static let ownRuns: [(String, [String])] = [
        ("mnist5k", []),
        ("digits", ["--data", Fixtures.digits]),
        ("wine", ["--data", Fixtures.wine]),
        ("iris", ["--data", Fixtures.iris]),
        ("diabetes", ["--data", Fixtures.diabetes, "--task", "regression"]),
        ("digits-linear", ["--data", Fixtures.digits, "--mode", "linear", "--min", "1e-4", "--max", "0.5"]),
    ]

    @Test(arguments: ownRuns.map(\.0))
    func lrfindsOwnCSVIsNotFlagged(name: String) throws {
        let directory = scratchDirectory()
        let options = Self.ownRuns.first { $0.0 == name }!.1
        let found = try runLRFind(["find"] + options + ["--csv", "curve.csv", "--no-plot"], in: directory)
        #expect(found.status == 0, "\(found.error)")
        let analysed = try runLRFind(["analyze", "curve.csv", "--no-plot"], in: directory)
        #expect(analysed.status == 0)
        #expect(!analysed.error.contains(Self.smoothedNote), "\(name): \(analysed.error)")
        // Its loss column is raw already: --smoothed refuses it.
        let refused = try runLRFind(["analyze", "curve.csv", "--smoothed", "tlf", "--no-plot"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.error == "lrfind: error: curve.csv: --smoothed: the file has a smoothed_loss column, so its loss column is raw already\n")
    }
}
