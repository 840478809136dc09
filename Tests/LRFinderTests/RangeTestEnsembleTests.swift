import Foundation
import Testing
@testable import LRFinder

@Suite struct RangeTestEnsembleTests {
    func result(_ losses: [Double], rates: [Double]? = nil, planned: Int = 40) -> RangeTestResult {
        let rates = rates ?? (0..<losses.count).map { LearningRateSpacing.exponential.learningRate(step: $0, of: planned, from: 1e-6, to: 10) }
        let smoothed = DebiasedMovingAverage.smoothed(losses, beta: 0.98)
        let steps = (0..<losses.count).map { RangeTestStep(learningRate: rates[$0], loss: losses[$0], smoothedLoss: smoothed[$0]) }
        return RangeTestResult(steps: steps, plannedSteps: planned, stopReason: .completed, settings: RangeTestSettings(), seconds: 0)
    }

    @Test func spreadMatchesHandComputation() throws {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32, sample variance 32/7.
        let spread = try #require(Spread([2, 4, 4, 4, 5, 5, 7, 9]))
        #expect(spread.mean == 5)
        #expect(abs(spread.standardDeviation - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(spread.minimum == 2 && spread.maximum == 9 && spread.count == 8)
        #expect(Spread([3])!.standardDeviation == 0)
        #expect(Spread([]) == nil)
    }

    @Test func meanCurveRunsToTheShortestRun() throws {
        let a = result([3, 2, 1, 2, 5])
        let b = result([1, 2, 3])
        let ensemble = try RangeTestEnsemble([a, b])
        #expect(ensemble.runCount == 2)
        #expect(ensemble.steps.count == 3)
        #expect(ensemble.steps.map(\.loss.mean) == [2, 2, 2])
        #expect(ensemble.steps.map(\.loss.minimum) == [1, 2, 1])
        #expect(ensemble.steps.map(\.loss.maximum) == [3, 2, 3])
        // Two values x, y: sample standard deviation |x - y| / sqrt(2).
        #expect(abs(ensemble.steps[0].loss.standardDeviation - 2 / 2.0.squareRoot()) < 1e-15)
        #expect(ensemble.steps[1].smoothedLoss.mean == (a.steps[1].smoothedLoss + b.steps[1].smoothedLoss) / 2)
        #expect(ensemble.steps.map(\.learningRate) == Array(a.learningRates.prefix(3)))
    }

    @Test func suggestionsAndBoundsSpreadAcrossSeededNoisyRuns() throws {
        let curve = SyntheticCurve()
        let runs = (1...4).map { (seed: UInt64) -> RangeTestResult in
            let (rates, losses) = curve.sampled(count: 120, noise: 0.03, seed: seed)
            return result(losses, rates: rates, planned: 120)
        }
        let ensemble = try RangeTestEnsemble(runs, batchesPerEpoch: 10)
        for (index, run) in runs.enumerated() {
            let analysis = RangeTestAnalysis(run)
            let valley = try #require(analysis.learningRate(suggestedBy: SuggestionRule.valley))
            let spread = try #require(ensemble.spread(of: .suggestion(.valley)))
            #expect(valley >= spread.minimum && valley <= spread.maximum, "run \(index)")
        }
        let maximum = try #require(ensemble.spread(of: .maximumLearningRate))
        #expect(maximum.count == 4)
        let each = runs.map { RangeTestAnalysis($0).bounds!.maximumLearningRate }
        #expect(abs(maximum.mean - each.reduce(0, +) / 4) <= 1e-15 * maximum.mean)
        #expect(maximum.minimum == each.min() && maximum.maximum == each.max())
        #expect(ensemble.spread(of: .baseLearningRate)?.count == 4)
        #expect(ensemble.spread(of: .suggestion(.steepestGradient))?.count == 4)
    }

    @Test func differentRangesOrNoRunsAreRejected() {
        #expect(throws: RangeTestError.self) { try RangeTestEnsemble([]) }
        let a = result([3, 2, 1])
        let b = result([3, 2, 1], rates: [1e-5, 1e-4, 1e-3])
        #expect(throws: RangeTestError.self) { try RangeTestEnsemble([a, b]) }
    }
}
