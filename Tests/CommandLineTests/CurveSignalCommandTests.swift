import Foundation
import Testing

/// Issue 24, from the command line: a converged checkpoint's flat curve gets no recommendation;
/// the README's 5-epoch mnist5k checkpoint and the bundled data sets still get one.
@Suite(.serialized) struct CurveSignalCommandTests {
    /// digits trained 50 epochs (training loss about 1e-4; 200 epochs reads the same, 0.68 x the
    /// noise, but trains 4 times longer), saved, then range-tested from the file.
    @Test func aConvergedCheckpointGetsNoRecommendation() throws {
        let folder = scratchDirectory()
        let train = try runLRFind(["train", "--data", Fixtures.digits, "--epochs", "50", "--save", "c.st", "--quiet"], in: folder)
        #expect(train.status == 0, "\(train.error)")
        let find = try runLRFind(["find", "--data", Fixtures.digits, "--init-from", "c.st", "--no-plot"], in: folder)
        #expect(find.status == 0, "\(find.error)")
        #expect(find.output.contains("\nno recommendation: the loss does not fall beyond its noise (fall 4.65e-05 = 0.38 x the batch noise 0.000124, below 2.5x): its minimum (7.74e-08) is the lowest draw of flat noise, 4.6 decades below the blow-up (0.00278); a converged model has nothing left to learn here (start from an earlier checkpoint, or test a range that ends near the blow-up)\n"), "\(find.output)")
        #expect(!find.output.contains("recommended (lrfind)"))
    }

    /// The README's checkpoint: `train --epochs 5 --save mnist.safetensors`, then
    /// `--min 1e-5 --max 1 --epochs 3 --init-from mnist.safetensors` (max_lr 0.000562, as in the README).
    @Test func theReadmeCheckpointStillGetsBounds() throws {
        let folder = scratchDirectory()
        let train = try runLRFind(["train", "--epochs", "5", "--save", "mnist.safetensors", "--quiet"], in: folder)
        #expect(train.status == 0, "\(train.error)")
        let find = try runLRFind(["--min", "1e-5", "--max", "1", "--epochs", "3", "--init-from", "mnist.safetensors", "--no-plot"], in: folder)
        #expect(find.status == 0, "\(find.error)")
        #expect(find.output.contains("  CLR max_lr                0.0005623   \n"), "\(find.output)")
        #expect(find.output.contains("  note: the loss does not fall beyond its noise (fall 0.00884 = 0.19 x the batch noise 0.0461, below 2.5x): max_lr marks where the flat loss starts to rise, 1.2 decades below the blow-up (0.00848)\n"))
    }

    @Test func bundledDataSetsStillGetBounds() throws {
        let folder = scratchDirectory()
        for (arguments, maximum) in [([Fixtures.iris], "0.005995"), ([Fixtures.wine], "0.002783"),
                                     ([Fixtures.diabetes, "--task", "regression"], "0.003594"),
                                     // Falls 3.0 % of its first value, 4.7x its noise: the 3 % rule alone refused it.
                                     ([Fixtures.penguins, "--missing", "mean"], "0.007743")] {
            let find = try runLRFind(["find", "--data"] + arguments + ["--no-plot"], in: folder)
            #expect(find.status == 0, "\(find.error)")
            #expect(find.output.contains("  CLR max_lr                \(maximum)"), "\(arguments): \(find.output)")
            #expect(!find.output.contains("noise"), "\(arguments): \(find.output)")
        }
    }

    /// A coarse, noisy curve (batches of 64 and 8 alternate) that is still falling at the end of
    /// the range has a trend, not a noise floor: its fall is 2.2x its noise, yet it keeps bounds.
    @Test func aNoisyCurveStillFallingAtTheEndKeepsItsBounds() throws {
        let folder = scratchDirectory()
        var text = "a,b,label\n"
        for (c, label) in [5, 7, 9].enumerated() {
            for i in 0..<40 {
                let jitter = Double((i * 7 + c * 3) % 11) / 11 - 0.5
                text += "\(Double(c) + 1.5 * jitter),\(Double(c % 3) - jitter),\(label)\n"
            }
        }
        try text.write(to: folder.appendingPathComponent("classes.csv"), atomically: true, encoding: .utf8)
        let find = try runLRFind(["find", "--data", "classes.csv", "--model", "logreg", "--steps", "30", "--no-plot"], in: folder)
        #expect(find.status == 0, "\(find.error)")
        #expect(find.output.contains("  CLR max_lr                1.743"), "\(find.output)")
        #expect(find.output.contains("note: the loss was still falling at the largest rate tried (1.74)"), "\(find.output)")
    }
}
