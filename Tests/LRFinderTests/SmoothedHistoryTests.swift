import Foundation
import Testing
@testable import LRFinder

/// `analyze --smoothed`: recovering raw losses from torch-lr-finder's and fastai's smoothed
/// histories, and telling a smoothed curve from a raw one (docs/curves.md).
@Suite struct SmoothedHistoryTests {
    /// The golden pairs: the smoothed file, its smoothing, and the raw twin.
    static let pairs: [(name: String, smoothing: LossSmoothing)] = [
        ("tlf_cnn_adamw", .torchLRFinder), ("tlf_cnn_sgd", .torchLRFinder), ("tlf_mlp_adamw", .torchLRFinder),
        ("tlf_mlp_sgd", .torchLRFinder), ("fastai_mlp_adam", .fastai), ("fastai_mlp_sgd", .fastai), ("pis_mlp_sgd", .fastai),
    ]

    static func curve(_ name: String) throws -> RecordedCurve {
        try RecordedCurve.read(path: Fixtures.goldenCurves.appendingPathComponent("\(name).csv").path)
    }

    /// What `lrfind analyze` computes on a recorded curve.
    static func analysis(_ curve: RecordedCurve) -> RangeTestAnalysis {
        let steps = curve.finiteCurve().steps
        return RangeTestAnalysis(steps: steps, plannedSteps: steps.count)
    }

    @Test func parsesTheFlagText() {
        #expect(LossSmoothing(parsing: "tlf") == .movingAverage(beta: 0.95))
        #expect(LossSmoothing(parsing: "FastAI") == .debiasedMovingAverage(beta: 0.98))
        #expect(LossSmoothing(parsing: "ema:0.9") == .movingAverage(beta: 0.9))
        #expect(LossSmoothing(parsing: "ema:0.9:debiased") == .debiasedMovingAverage(beta: 0.9))
        #expect(LossSmoothing(parsing: "ema:0") == .movingAverage(beta: 0))
        for bad in ["", "ema", "ema:", "ema:1", "ema:-0.1", "ema:0.9:biased", "ema:0.9:debiased:x", "torch", "ema:nan"] {
            #expect(LossSmoothing(parsing: bad) == nil, "\(bad)")
        }
        #expect(LossSmoothing.fastai.description == "ema:0.98:debiased")
    }

    @Test func invertsHandComputedSmoothing() {
        // torch-lr-finder, f = 0.05: s = [1, 0.95*1 + 0.05*2, 0.95*1.05 + 0.05*3] = [1, 1.05, 1.1475].
        let tlf = LossSmoothing.torchLRFinder.smoothed([1, 2, 3])
        #expect(zip(tlf, [1, 1.05, 1.1475]).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(zip(LossSmoothing.torchLRFinder.raw(from: [1, 1.05, 1.1475]), [1.0, 2, 3]).allSatisfy { abs($0 - $1) <= 1e-12 })
        // Debiased, beta 0.5: a = [1, 2.5], s = [1 / 0.5, 2.5 / 0.75] = [2, 10/3].
        let debiased = LossSmoothing.debiasedMovingAverage(beta: 0.5)
        #expect(zip(debiased.smoothed([2, 4]), [2, 10.0 / 3]).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(zip(debiased.raw(from: [2, 10.0 / 3]), [2.0, 4]).allSatisfy { abs($0 - $1) <= 1e-14 })
        // A non-finite smoothed value spoils its own raw value and the next one only.
        let spoiled = LossSmoothing.movingAverage(beta: 0.5).raw(from: [1, .nan, 2, 3])
        #expect(spoiled[0] == 1 && spoiled[1].isNaN && spoiled[2].isNaN && spoiled[3] == 4)
    }

    @Test(arguments: pairs.map(\.name))
    func recoversEveryGoldenRawTwin(name: String) throws {
        let smoothing = Self.pairs.first { $0.name == name }!.smoothing
        let recovered = try Self.curve(name).recoveringRaw(smoothing)
        let raw = try Self.curve(name + "_raw")
        #expect(recovered.steps.map(\.learningRate) == raw.steps.map(\.learningRate))
        // torch-lr-finder and the pis finder smooth in float64: exact to rounding; fastai in
        // float32 (torch.lerp), whose rounding the inversion amplifies about 100 times.
        let tolerance = name.hasPrefix("fastai") ? 1e-4 : 1e-13
        for (got, want) in zip(recovered.steps.map(\.loss), raw.steps.map(\.loss)) {
            #expect(abs(got - want) <= tolerance * abs(want), "\(name): \(got) vs \(want)")
        }
    }

    @Test(arguments: pairs.map(\.name))
    func smoothedGivesTheRawTwinsMaximumRate(name: String) throws {
        let smoothing = Self.pairs.first { $0.name == name }!.smoothing
        let stored = try Self.curve(name)
        let recovered = Self.analysis(stored.recoveringRaw(smoothing))
        let fromRaw = Self.analysis(try Self.curve(name + "_raw"))
        let got = try #require(recovered.bounds?.maximumLearningRate), want = try #require(fromRaw.bounds?.maximumLearningRate)
        #expect(abs(log10(got / want)) <= 0.1, "\(name): \(got) vs \(want)")
        // The reference tools' suggestions still read the stored (smoothed) curve.
        #expect(recovered.suggestions == Self.analysis(stored).suggestions)
    }

    @Test func withoutTheFlagTorchLRFinderCurvesLag() throws {
        // The bug: analysing the stored curve puts max_lr far above the raw twin's (0.107 vs 0.020).
        let lagging = try #require(Self.analysis(try Self.curve("tlf_cnn_adamw")).bounds?.maximumLearningRate)
        let raw = try #require(Self.analysis(try Self.curve("tlf_cnn_adamw_raw")).bounds?.maximumLearningRate)
        #expect(log10(lagging / raw) > 0.5)
    }

    static func rate(_ losses: [Double]) -> SmoothingDetection { SmoothingDetection(losses: losses) }

    @Test func handComputedSignChangeRate() {
        // Differences +1, -1, +1, ... (20 of them): every pair changes sign.
        let zigzag = (0...20).map { Double($0 % 2) }
        #expect(Self.rate(zigzag).signChangeRate == 1)
        #expect(!Self.rate(zigzag).looksSmoothed)
        // 10 rises then 10 falls: 1 change in 19 pairs; zero differences skipped.
        let hill = (0...10).map(Double.init) + [10] + (0..<10).map { Double(9 - $0) }
        #expect(Self.rate(hill).signChangeRate == 1.0 / 19)
        #expect(Self.rate(hill).differenceCount == 20)
        #expect(Self.rate(hill).looksSmoothed)
        // Too few differences: no verdict.
        #expect(Self.rate([3, 2, 1]).signChangeRate == nil)
        #expect(!Self.rate([3, 2, 1]).looksSmoothed)
    }

    static let smoothedGoldens = ["tlf_cnn_adamw", "tlf_cnn_sgd", "tlf_mlp_adamw", "tlf_mlp_sgd", "fastai_mlp_adam", "fastai_mlp_sgd", "pis_mlp_sgd"]

    static func losses(_ name: String) throws -> [Double] { try curve(name).finiteCurve().steps.map(\.loss) }

    @Test(arguments: smoothedGoldens)
    func flagsEverySmoothedGolden(name: String) throws {
        let detection = Self.rate(try Self.losses(name))
        #expect(detection.looksSmoothed, "\(name): \(detection.signChangeRate ?? .nan)")
    }

    @Test(arguments: smoothedGoldens)
    func flagsEveryRawTwinResmoothed(name: String) throws {
        let raw = try Self.losses(name + "_raw")
        for beta in [0.8, 0.9, 0.95] {
            let detection = Self.rate(LossSmoothing.movingAverage(beta: beta).smoothed(raw))
            #expect(detection.looksSmoothed, "\(name)_raw at EMA \(beta): \(detection.signChangeRate ?? .nan)")
        }
    }

    @Test(arguments: smoothedGoldens)
    func flagsNoRawTwin(name: String) throws {
        let detection = Self.rate(try Self.losses(name + "_raw"))
        #expect(!detection.looksSmoothed, "\(name)_raw: \(detection.signChangeRate ?? .nan)")
        // With a margin: the lowest raw twin (tlf_cnn_adamw_raw) measures 0.471.
        #expect(try #require(detection.signChangeRate) >= 0.47)
    }
}
