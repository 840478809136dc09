import Foundation
import Testing
@testable import LRFinder

/// Synthetic range-test curves: a smooth logistic drop in log10(rate) centred at `dropCentre`
/// (width 0.3 decade, depth 1.5 from 2.3), then an exponential blow-up `0.2 * e^(3 (x - blowUp))`.
struct SyntheticCurve {
    var dropCentre = -3.0
    var blowUp = -1.0
    var depth = 1.5
    var rises = true

    func loss(atLog10 x: Double) -> Double {
        let fall = depth / (1 + exp(-(x - dropCentre) / 0.3))
        return 2.3 - fall + (rises ? 0.2 * exp(3 * (x - blowUp)) : 0)
    }

    /// `count` exponentially spaced points from 1e-6 to 10, with seeded relative Gaussian noise.
    func sampled(count: Int = 120, noise: Double = 0, seed: UInt64 = 1) -> (rates: [Double], losses: [Double]) {
        var random = RandomSource(seed: seed)
        let rates = (0..<count).map { LearningRateSpacing.exponential.learningRate(step: $0, of: count, from: 1e-6, to: 10) }
        let losses = rates.map { loss(atLog10: log10($0)) * (1 + noise * Double(random.nextNormal())) }
        return (rates, losses)
    }

    /// The true minimum and steepest descent (in log10 rate) on a fine grid from 1e-6 to 10.
    var truth: (minimum: Double, steepest: Double) {
        let grid = stride(from: -6.0, through: 1.0, by: 0.0005).map { $0 }
        let minimum = grid.min { loss(atLog10: $0) < loss(atLog10: $1) }!
        let slope = { (x: Double) in (loss(atLog10: x + 1e-5) - loss(atLog10: x - 1e-5)) / 2e-5 }
        let steepest = grid.filter { $0 <= minimum }.min { slope($0) < slope($1) }!
        return (minimum, steepest)
    }
}

@Suite struct SuggestionBoundsTests {
    static let rule = DivergenceRule(factor: 4)

    func bounds(_ rates: [Double], _ losses: [Double], smoother: ZeroPhaseSmoother = ZeroPhaseSmoother())
        -> (CurvePoints, Result<LearningRateBounds, NoRecommendation>) {
        let points = CurvePoints(learningRates: rates, losses: smoother.smoothed(losses), divergenceRule: Self.rule)
        return (points, LearningRateBounds.recommend(points: points, pointCount: rates.count, batchesPerEpoch: 47))
    }

    @Test func smoothCurveGivesTheMinimumKeptADecayBelowDivergence() throws {
        let curve = SyntheticCurve()
        let (rates, losses) = curve.sampled()
        let (points, result) = bounds(rates, losses)
        let truth = curve.truth
        // 120 points over 7 decades: one grid step is 0.059 decade.
        #expect(abs(log10(points.minimum!.learningRate) - truth.minimum) <= 0.06)
        #expect(abs(log10(points.steepestDescent!.learningRate) - truth.steepest) <= 0.06)
        #expect(points.divergence != nil)
        #expect(points.fallStart!.index < points.steepestDescent!.index)
        let bounds = try result.get()
        // Smith's max_lr: where the loss stops improving, at most a tenth of the divergence rate.
        let expected = min(truth.minimum, log10(points.divergence!.learningRate) - 1)
        #expect(abs(log10(bounds.maximumLearningRate) - expected) <= 0.06)
        #expect(bounds.baseLearningRate >= bounds.maximumLearningRate / 10 * (1 - 1e-12))
        #expect(bounds.baseLearningRate <= bounds.maximumLearningRate / 4 * (1 + 1e-12))
        #expect(bounds.stepSize == 4 * 47)
        // One-cycle: 1.25 x max, no higher than the blow-up / 5 (here max is a tenth of the blow-up or less).
        let peak = min(1.25 * bounds.maximumLearningRate, points.divergence!.learningRate / 5)
        #expect(abs(bounds.oneCycleMaximumLearningRate - peak) <= 1e-12 * peak)
        #expect(bounds.oneCycleInitialLearningRate == bounds.oneCycleMaximumLearningRate / 25)
        #expect(bounds.notes.count <= 1)
    }

    @Test func noisyCurvesStayNearTheNoiselessAnswer() throws {
        let curve = SyntheticCurve()
        let clean = try bounds(curve.sampled().rates, curve.sampled().losses).1.get().maximumLearningRate
        for seed: UInt64 in 1...5 {
            let (rates, losses) = curve.sampled(noise: 0.05, seed: seed)
            let noisy = try bounds(rates, losses).1.get().maximumLearningRate
            // Within a quarter decade of the clean answer, and inside the range.
            #expect(abs(log10(noisy / clean)) <= 0.25, "seed \(seed): \(noisy) vs \(clean)")
        }
    }

    @Test func curveThatNeverFallsGivesNoRecommendation() {
        let (rates, losses) = SyntheticCurve(dropCentre: 5, blowUp: 5, depth: 0).sampled(noise: 0.01)
        let (_, result) = bounds(rates, losses)
        guard case .failure(let reason) = result else { Issue.record("expected no recommendation"); return }
        #expect(reason.description.hasPrefix("no recommendation: the loss never falls"))
    }

    @Test func curveThatDivergesAtOnceGivesNoRecommendation() {
        // The blow-up starts at the minimum rate.
        let (rates, losses) = SyntheticCurve(dropCentre: 5, blowUp: -6.5, depth: 0).sampled()
        let (points, result) = bounds(rates, losses)
        #expect(points.minimum!.index == 0)
        guard case .failure(let reason) = result else { Issue.record("expected no recommendation"); return }
        #expect(reason.reason.hasPrefix("the loss rises from the start"))
    }

    @Test func curveThatNeverDivergesGetsBoundsFromItsMinimumWithANote() throws {
        // Still falling at 10: the minimum is the last point.
        let (rates, losses) = SyntheticCurve(dropCentre: 0.5, blowUp: 9, depth: 1.5, rises: false).sampled()
        let (points, result) = bounds(rates, losses)
        #expect(points.divergence == nil)
        #expect(points.isStillFalling)
        let bounds = try result.get()
        #expect(bounds.notes.count == 1)
        #expect(bounds.notes[0].contains("still falling at the largest rate"))
        #expect(bounds.maximumLearningRate <= points.minimum!.learningRate / 1)
        // A curve with a flat bottom and no blow-up: the softer note.
        let (flatRates, flatLosses) = SyntheticCurve(dropCentre: -3, blowUp: 9, rises: false).sampled()
        let flat = try self.bounds(flatRates, flatLosses).1.get()
        #expect(flat.notes == ["the loss did not diverge within the range; bounds come from its minimum"])
    }

    @Test func tooShortOrEmptyCurvesGiveAReason() {
        let (points, result) = bounds([1e-3, 1e-2, 1e-1], [2, 1, 3], smoother: ZeroPhaseSmoother(bandwidth: 0.1))
        #expect(points.minimum?.index == 1)
        #expect(throws: NoRecommendation.self) { try result.get() }
        let empty = CurvePoints(learningRates: [], losses: [], divergenceRule: Self.rule)
        #expect(empty.minimum == nil)
        let nan = CurvePoints(learningRates: [1, 2, 3], losses: [.nan, .nan, .nan], divergenceRule: Self.rule)
        #expect(nan.minimum == nil)
    }

    @Test func referenceCurveGivesBoundsNearThePeersResults() throws {
        // torch-lr-finder's AdamW MLP run on mnist5k: the peers' CLR 0.000404..0.00404 and one-cycle
        // max 0.00404 scored 0.930 / 0.937; the best fixed rate was 10^-2.5.
        let raw = try GoldenCurves.curve("tlf_mlp_adamw_raw")
        let (points, result) = bounds(raw.learningRates, raw.losses)
        let bounds = try result.get()
        #expect(bounds.maximumLearningRate == min(points.minimum!.learningRate, points.divergence!.learningRate / 10))
        #expect(bounds.maximumLearningRate >= 0.004 && bounds.maximumLearningRate <= 0.05)
        #expect(bounds.baseLearningRate >= bounds.maximumLearningRate / 10 && bounds.baseLearningRate <= bounds.maximumLearningRate / 4)
        // Lag-free: the minimum sits well left of the moving average's 0.115 and divergence left of 0.35.
        #expect(points.minimum!.learningRate < 0.115 / 2)
        #expect(points.divergence!.learningRate < 0.35)
    }

    @Test func gradientOnANonUniformGridIsExactForAQuadratic() {
        // numpy.gradient is second-order inside: exact for y = x^2 (2x) on any grid.
        let x = [0.0, 0.5, 2, 2.25, 4]
        let g = CurvePoints.gradient(x.map { $0 * $0 }, coordinates: x)
        for i in 1..<4 { #expect(abs(g[i] - 2 * x[i]) < 1e-12) }
        #expect(g[0] == 0.5)
        #expect(abs(g[4] - (16 - 2.25 * 2.25) / 1.75) < 1e-12)
    }

    @Test func zeroPhaseSmootherKeepsLinesAndDoesNotLag() {
        // Local linear regression reproduces a straight line exactly, ends included.
        let line = (0..<50).map { 3 - 0.1 * Double($0) }
        let smoothed = ZeroPhaseSmoother(bandwidth: 4).smoothed(line)
        #expect(smoothed.count == 50 && zip(line, smoothed).allSatisfy { abs($0 - $1) < 1e-9 })
        // A symmetric bump stays centred, where the causal average moves it right.
        let bump = (0..<101).map { exp(-pow(Double($0 - 50) / 8, 2)) }
        let centred = ZeroPhaseSmoother(bandwidth: 4).smoothed(bump)
        #expect(firstArgmin(centred.map { -$0 }) == 50)
        #expect(firstArgmin(DebiasedMovingAverage.smoothed(bump, beta: 0.9).map { -$0 })! > 52)
        #expect(ZeroPhaseSmoother.automaticBandwidth(pointCount: 100) == 2.5)
        #expect(ZeroPhaseSmoother(bandwidth: 3).description == "gaussian-local-linear(bandwidth: 3 points)")
    }
}
