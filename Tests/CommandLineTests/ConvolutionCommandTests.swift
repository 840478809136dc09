import Foundation
import Testing

/// Convolutional models end to end: a range test with a tiny CNN on the digits CSV (64 features
/// seen as 1x8x8), the presets on the bundled mnist5k, `--shape` and its errors, `lrfind model`,
/// and the benchmark's memory line.
@Suite struct ConvolutionCommandTests {
    @Test func aTinyCNNRangeTestRunsOnTheDigitsAsEightByEightImages() throws {
        let result = try runLRFind(["--data", Fixtures.digits, "--model", "conv(4,3,padding=1),relu,maxpool:2,batchnorm,dropout:0.1,flatten",
                                    "--min", "1e-4", "--max", "1", "--steps", "40", "--no-plot", "--json", "--then", "onecycle",
                                    "--train-epochs", "1"], in: scratchDirectory())
        #expect(result.status == 0, "\(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let steps = (json["curve"] as! [String: Any])["steps"] as! [[String: Any]]
        // The loss falls and never diverges in this range: all 40 steps run, each with a finite
        // loss (a non-finite one would be null in the JSON).
        #expect((json["runs"] as? [[String: Any]])?.first?["stopReason"] as? String == "completed")
        #expect(steps.count == 40)
        #expect(steps.allSatisfy { ($0["loss"] as? Double)?.isFinite == true })
        #expect(result.output.contains("\"1x8x8\""), "the model saw the digits as 1x8x8 images")
    }

    @Test func thePresetsTrainOnTheBundledData() throws {
        for preset in ["cnn", "dnn"] {
            let result = try runLRFind(["train", "--model", preset, "--epochs", "1", "--split", "200,100,100", "--lr", "0.001", "--verbose"],
                                       in: scratchDirectory())
            #expect(result.status == 0, "\(preset): \(result.error)")
            #expect(result.output.contains("test: loss"), "\(preset): \(result.output)")
            #expect(result.error.contains(preset == "cnn" ? "on 1x28x28 (225034 parameters" : "on 784 (142282 parameters"), "\(result.error)")
        }
    }

    @Test(arguments: [
        (["--shape", "1x8x7"], "lrfind: error: --shape 1x8x7: the shape 1x8x7 holds 56 values, but the data's samples have 64 features (see 'lrfind --help')\n"),
        (["--shape", "1x8x8", "--model", "conv(4,9)"], "lrfind: error: --model: layer 1 (conv(4,9)) on input 1x8x8: the 9x9 window does not fit a 8x8 plane with padding 0 (see 'lrfind --help')\n"),
        (["--model", "conv(4,3),dense:8"], "lrfind: error: --model: layer 2 (dense:8) on input 4x6x6: dense needs a vector; put flatten before it (see 'lrfind --help')\n"),
    ])
    func shapesThatDoNotFitAreUsageErrors(arguments: [String], message: String) throws {
        let result = try runLRFind(["--data", Fixtures.digits, "--steps", "10", "--no-plot", "--model", "conv(4,3),flatten"] + arguments,
                                   in: scratchDirectory())
        #expect(result.status == 2)
        #expect(result.error == message)
    }

    @Test func aNonSquareFeatureCountNeedsAShape() throws {
        let folder = scratchDirectory()
        let rows = (0..<40).map { row in (0..<12).map { String(($0 * 7 + row) % 10) }.joined(separator: ",") + ",\(row % 2)" }
        try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("twelve.csv"), atomically: true, encoding: .utf8)
        let refused = try runLRFind(["--data", "twelve.csv", "--model", "conv(2,2),flatten", "--steps", "5", "--no-plot"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.error.contains("--model conv(2,2),flatten: the model needs an image, but its 12 features are not a square one-channel image; give the image's shape (channels x height x width) with --shape CxHxW"), "\(refused.error)")
        let shaped = try runLRFind(["--data", "twelve.csv", "--model", "conv(2,2),flatten", "--shape", "3x2x2", "--steps", "5", "--no-plot",
                                    "--batch-size", "8", "--record", "record.json"], in: folder)
        #expect(shaped.status == 0, "\(shaped.error)")
        // The declared shape is part of the recipe, and the record names the shape the model saw.
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("record.json"))) as! [String: Any]
        let model = (record["recipe"] as! [String: Any])["model"] as! [String: Any]
        #expect(model["inputShape"] as? String == "3x2x2")
        #expect((record["model"] as! [String: Any])["inputShape"] as? String == "3x2x2")
    }

    @Test func modelSummarisesThePresets() throws {
        let cnn = try runLRFind(["model", "cnn", "--batch-size", "256", "--json"])
        #expect(cnn.status == 0, "\(cnn.error)")
        let json = try JSONSerialization.jsonObject(with: Data(cnn.output.utf8)) as! [String: Any]
        let summary = json["summary"] as! [String: Any]
        #expect(summary["parameters"] as? Int == 225_034)
        #expect(summary["multiplyAdds"] as? Int == 2_660_554)
        #expect(summary["inputShape"] as? String == "1x28x28")
        // Parameters and gradients 2 x 900,136, AdamW's two moments 1,800,272, activations and
        // their gradients 4 x 256 x (784 + 2 x (21,632 + 5,408 + 7,744 + 1,600 + 128 + 128 + 10))
        // (the ReLUs before the poolings and the flatten share their inputs' buffers), and scratch: max pooling's winners (256 x (5,408 + 1,600)
        // Int32), the convolution region for a chunk of 8 samples (8 x (288 + 64) x 121 Floats),
        // the batch's labels (256 Int32) and target values (256 x 10 Floats).
        let scratch = 4 * (256 * (5_408 + 1_600) + 8 * (288 + 64) * 121 + 256 + 256 * 10)
        #expect(scratch == 8_550_400)
        #expect((summary["memory"] as! [String: Any])["total"] as? Int == 2 * 900_136 + 1_800_272 + 4 * 256 * (784 + 2 * (21_632 + 5_408 + 7_744 + 1_600 + 128 + 128 + 10)) + scratch)
        #expect((summary["rows"] as! [[String: Any]]).map { $0["outputShape"] as! String }
                == ["32x26x26", "32x26x26", "32x13x13", "64x11x11", "64x11x11", "64x5x5", "1600", "128", "128", "10"])
        let dnn = try runLRFind(["model", "dnn", "--classes", "10"])
        #expect(dnn.status == 0 && dnn.output.contains("parameters: 142,282"), "\(dnn.output)")
        #expect(dnn.output.contains("model dnn on input 784"))
        let digits = try runLRFind(["model", "conv(8,3),avgpool:2,flatten", "--shape", "1x8x8"])
        #expect(digits.output.contains("avgpool:2") && digits.output.contains("8x3x3"), "\(digits.output)")
        let bad = try runLRFind(["model", "cnn", "--shape", "1x4x4"])
        #expect(bad.status == 2 && bad.error.contains("layer 4 (conv(64,3)) on input 32: the 3x3 window does not fit a 1x1 plane with padding 0"), "\(bad.error)")
    }

    @Test func benchPrintsThePeakBesideTheEstimate() throws {
        let result = try runLRFind(["bench", "--data", Fixtures.digits, "--model", "conv(4,3),flatten", "--batch-sizes", "16", "--threads", "1",
                                    "--repeats", "1", "--steps", "2", "--warmup", "0", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let memory = json["memory"] as! [String: Any]
        #expect(memory["batchSize"] as? Int == 16)
        let estimate = memory["estimatedStepBytes"] as! Int, peak = memory["peakResidentBytes"] as! Int
        #expect(estimate > 0 && peak > estimate)
    }

    @Test func helpListsThePresets() throws {
        let help = try runLRFind(["find", "--help"])
        #expect(help.output.contains("cnn, dnn"))
        #expect(help.output.contains("--shape"))
    }
}
