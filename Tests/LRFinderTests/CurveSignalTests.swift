import Foundation
import Testing
@testable import LRFinder

/// Issue 24: a curve whose fall is within its own batch noise gets no bounds (unless its minimum
/// marks where the flat loss starts to rise), and `--runs` that disagree by more than a decade take
/// the cautious end.
@Suite struct CurveSignalTests {
    /// 61 rates from 1e-6 to 1, 10 points a decade.
    static let rates = (0...60).map { 1e-6 * pow(10, Double($0) / 10) }

    /// A lag-free curve flat at 1, with a dip to 0.9 at `dip` and a blow-up to 10 from `blowUp` on.
    static func points(dip: Int, blowUp: Int?) -> CurvePoints {
        let losses = rates.indices.map { (i: Int) -> Double in
            if i == dip { return 0.9 }
            if let blowUp, i >= blowUp { return 10 }
            return 1
        }
        return CurvePoints(learningRates: rates, losses: losses, divergenceRule: DivergenceRule(factor: 4))
    }

    @Test func noiseIsTheScaledMedianAbsoluteDeviationUpToTheMinimum() throws {
        // Minimum at 4, so the first 10 points count (minimumNoisePoints); the 11th (residual 1000) does not.
        let lagFree = [2, 1.9, 1.8, 1.7, 1.0, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5]
        let residuals = [0.125, -0.125, 0.25, -0.25, 0, 0, 0.375, -0.375, 5, -5, 1000]
        let signal = try #require(CurveSignal(losses: zip(lagFree, residuals).map { $0 + $1 }, lagFreeLosses: lagFree, minimumIndex: 4))
        // Residuals' median 0; absolute deviations 0,0,.125,.125,.25,.25,.375,.375,5,5: median 0.25.
        #expect(signal.pointCount == 10)
        #expect(abs(signal.noise - 1.4826 * 0.25) < 1e-12)
        #expect(signal.fall == 1.0)
        #expect(abs(signal.ratio - 1 / (1.4826 * 0.25)) < 1e-9)
        #expect(signal.isSignificant)
        #expect(CurveSignal(fall: 0.1, noise: 0.2, pointCount: 10).ratio == 0.5)
        #expect(CurveSignal(fall: 0.1, noise: 0, pointCount: 10).ratio == .infinity)
        #expect(CurveSignal(fall: -0.1, noise: 0, pointCount: 10).ratio == 0)
    }

    @Test func aFallWithinTheNoiseFarBelowTheBlowUpGetsNoBounds() throws {
        // Minimum at index 10 (1e-5), blow-up at index 50 (0.1): 4 decades apart.
        let points = Self.points(dip: 10, blowUp: 50)
        let flat = CurveSignal(fall: 0.1, noise: 0.2, pointCount: 11)
        let outcome = LearningRateBounds.recommend(points: points, pointCount: 61, signal: flat)
        guard case .failure(let error) = outcome else { Issue.record("expected no recommendation, got \(outcome)"); return }
        #expect(error.reason == "the loss does not fall beyond its noise (fall 0.1 = 0.50 x the batch noise 0.2, below 2.5x): its minimum (1e-05) is the lowest draw of flat noise, 4.0 decades below the blow-up (0.1); a converged model has nothing left to learn here (start from an earlier checkpoint, or test a range that ends near the blow-up)")
        // The same curve with a fall 2.5 x its noise keeps its bounds, without a note on noise.
        let clear = try LearningRateBounds.recommend(points: points, pointCount: 61, signal: CurveSignal(fall: 0.5, noise: 0.2, pointCount: 11)).get()
        #expect(clear.maximumLearningRate == Self.rates[10])
        #expect(!clear.notes.contains { $0.contains("noise") })
        // Without a blow-up, too.
        let never = LearningRateBounds.recommend(points: Self.points(dip: 10, blowUp: nil), pointCount: 61, signal: flat)
        guard case .failure(let quiet) = never else { Issue.record("expected no recommendation, got \(never)"); return }
        #expect(quiet.reason.contains("its minimum (1e-05) is the lowest draw of flat noise, and the loss never blows up;"))
    }

    @Test func aFlatCurveWhoseMinimumSitsWhereItStartsToRiseKeepsItsBounds() throws {
        // Minimum at index 38 (10^-2.2), blow-up at 50 (0.1): 1.2 decades, within 1.5.
        let bounds = try LearningRateBounds.recommend(points: Self.points(dip: 38, blowUp: 50), pointCount: 61,
                                                      signal: CurveSignal(fall: 0.1, noise: 0.2, pointCount: 39)).get()
        #expect(bounds.maximumLearningRate == Self.rates[38])
        #expect(bounds.notes == ["the loss does not fall beyond its noise (fall 0.1 = 0.50 x the batch noise 0.2, below 2.5x): max_lr marks where the flat loss starts to rise, 1.2 decades below the blow-up (0.1)"])
    }

    /// Negative controls: every golden curve falls by at least 4.9 x its noise and keeps its
    /// bounds (torch-lr-finder's smoothed `tlf_cnn_sgd` too: it falls 2.9 % of its first value,
    /// under the 3 % rule, which a fall beyond the noise overrides).
    @Test func everyGoldenCurveHasSignal() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.goldenCurves.path)
            .filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
        #expect(names.count == 14)
        var ratios: [String: Double] = [:]
        for name in names {
            let curve = try GoldenCurves.curve(name)
            let steps = zip(curve.learningRates, curve.losses).map { RangeTestStep(learningRate: $0, loss: $1, smoothedLoss: $1) }
            let analysis = RangeTestAnalysis(steps: steps, plannedSteps: steps.count)
            let signal = try #require(analysis.signal, "\(name)")
            ratios[name] = signal.ratio
            #expect(signal.ratio >= 4.9, "\(name): fall/noise \(signal.ratio)")
            // tlf_cnn_sgd falls 2.9 % of its first value, beyond its noise: it recommends too.
            #expect(analysis.bounds != nil, "\(name): \(analysis.noRecommendationReason ?? "")")
        }
        // The closest call: torch-lr-finder's raw CNN/SGD curve, fall 0.181 over noise 0.0367.
        #expect(abs(ratios["tlf_cnn_sgd_raw"]! - 4.95) < 0.01)
    }

    /// Run losses: 2 falling to 1 at `dip`, rising slowly, then 10 from `blowUp` on (40 steps, 1e-6 to 10).
    static func run(dip: Int, blowUp: Int) -> RangeTestResult {
        let losses = (0..<40).map { (i: Int) -> Double in
            if i >= blowUp { return 10 }
            if i <= dip { return 2 - Double(i) / Double(dip) }
            return 1 + 0.01 * Double(i - dip)
        }
        let rates = (0..<40).map { LearningRateSpacing.exponential.learningRate(step: $0, of: 40, from: 1e-6, to: 10) }
        let smoothed = DebiasedMovingAverage.smoothed(losses, beta: 0.98)
        let steps = (0..<40).map { RangeTestStep(learningRate: rates[$0], loss: losses[$0], smoothedLoss: smoothed[$0]) }
        return RangeTestResult(steps: steps, plannedSteps: 40, stopReason: .completed, settings: RangeTestSettings(), seconds: 0)
    }

    @Test func runsThatDisagreeByMoreThanADecadeTakeTheCautiousEnd() throws {
        let runs = [Self.run(dip: 10, blowUp: 36), Self.run(dip: 25, blowUp: 36), Self.run(dip: 20, blowUp: 36)]
        let ensemble = try RangeTestEnsemble(runs)
        let maxima = runs.map { RangeTestAnalysis($0).bounds!.maximumLearningRate }
        let decades = try #require(ensemble.maximumLearningRateDecades)
        #expect(abs(decades - log10(maxima.max()! / maxima.min()!)) < 1e-12)
        #expect(decades > 2)
        let plain = try #require(RangeTestAnalysis(ensemble.meanCurve).bounds)
        let bounds = try #require(RangeTestAnalysis(ensemble.meanCurve, ensemble: ensemble).bounds)
        #expect(plain.maximumLearningRate > maxima.min()!)
        #expect(bounds.maximumLearningRate == maxima.min()!)
        // One-cycle's peak keeps its ratio to max on the mean curve (1.25, the blow-up far above).
        #expect(abs(bounds.oneCycleMaximumLearningRate - 1.25 * maxima.min()!) <= 1e-12 * maxima.min()!)
        #expect(abs(plain.oneCycleMaximumLearningRate - 1.25 * plain.maximumLearningRate) <= 1e-12 * plain.maximumLearningRate)
        #expect(bounds.oneCycleInitialLearningRate == bounds.oneCycleMaximumLearningRate / 25)
        #expect(bounds.baseLearningRate >= bounds.maximumLearningRate / 10 && bounds.baseLearningRate <= bounds.maximumLearningRate / 4)
        #expect(bounds.notes.last == "the 3 runs disagree by " + String(format: "%.1f decades on max_lr (%.3g to %.3g)", decades, maxima.min()!, maxima.max()!)
            + ": max_lr is the lowest run's, the cautious end; more batches per step (--batches-per-step) or more runs steady the curve")
        // Runs within a decade of each other keep the mean curve's bounds untouched.
        let close = try RangeTestEnsemble([Self.run(dip: 20, blowUp: 36), Self.run(dip: 22, blowUp: 36)])
        #expect(try #require(close.maximumLearningRateDecades) <= 1)
        #expect(RangeTestAnalysis(close.meanCurve, ensemble: close).bounds == RangeTestAnalysis(close.meanCurve).bounds)
    }
}
