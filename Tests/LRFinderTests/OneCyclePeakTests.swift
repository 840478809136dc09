import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// One-cycle's own peak (issue 27): the rule by hand, and a small version of the calibration on
/// digits: the peak a range test recommends lies on the plateau of a one-cycle grid, and its run
/// scores within one standard error of the grid's best.
@Suite struct OneCyclePeakTests {
    @Test func thePeakIsOneAndAQuarterTimesMaxBelowAFifthOfTheBlowUp() {
        // Far below the blow-up: 1.25 x max.
        #expect(LearningRateBounds.oneCycleMaximum(for: 0.004, divergence: 0.2) == 1.25 * 0.004)
        // Max a tenth of the blow-up (the ragged region): 1.25 x max = 0.125 x blow-up, under 0.2 x.
        #expect(LearningRateBounds.oneCycleMaximum(for: 0.01, divergence: 0.1) == 1.25 * 0.01)
        // A blow-up close above: capped at a fifth of it.
        #expect(LearningRateBounds.oneCycleMaximum(for: 0.01, divergence: 0.0575) == 0.0575 / 5)
        // Never below max; no blow-up in the range: max itself (nothing says how far it may go).
        #expect(LearningRateBounds.oneCycleMaximum(for: 0.01, divergence: 0.04) == 0.01)
        #expect(LearningRateBounds.oneCycleMaximum(for: 0.01, divergence: nil) == 0.01)
    }

    @Test func onDigitsTheRecommendedPeakLiesOnTheOneCycleGridsPlateau() throws {
        var data = DataRecipe(path: Fixtures.digits)
        data.digest = try data.contentDigest()
        let model = ModelRecipe(spec: try ModelSpec(parsing: "dense:64,relu"))
        // 18 epochs: --then's default on digits' 17 batches (300 updates); the best epoch scored.
        let epochs = 18
        let early = EarlyStopping(metric: .accuracy, patience: epochs)
        var settings = RangeTestSettings()
        (settings.minimumLearningRate, settings.maximumLearningRate) = (1e-5, 10)
        let find = try RangeTestRecipe(data: data, model: model, rangeTest: settings,
                                       handOff: HandOffPlan(schedule: .onecycle, epochs: epochs, earlyStopping: early, monitor: .accuracy)).run()
        let bounds = try #require(find.record.analysis.bounds)
        let divergence = find.record.analysis.points.divergence?.learningRate
        let peak = bounds.oneCycleMaximumLearningRate
        #expect(peak == LearningRateBounds.oneCycleMaximum(for: bounds.maximumLearningRate, divergence: divergence))
        let recommended = try #require(find.record.training.first?.result.test?.accuracy)

        // The grid: one-cycle peaks 10^-3.5 to 10^-0.5, half a decade apart, seed 0.
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.earlyStopping = early
        training.monitor = .accuracy
        let base = TrainingRecipe(data: data, model: model, training: training, schedule: ScheduleSpec(.oneCycle(OneCycleSettings(max: 1e-3))))
        let grid = SweepDefinition(base: base, rates: (-7 ... -1).map { pow(10, Double($0) / 2) }, seeds: [0])
        let outcomes = try grid.runs().map { SweepOutcome(run: $0, record: try $0.recipe.run().record) }
        let answer = SweepAnswer(outcomes: outcomes)
        let plateau = try #require(SweepPlateau(answer, validationCount: find.data.validation.count, regression: false))
        let best = try #require(answer.best)
        #expect(plateau.contains(peak), "peak \(peak) off the plateau \(plateau.range) (best \(best.rate), val \(best.validation), SE \(plateau.standardError))")
        let bestTest = try #require(best.test)
        let error = SweepPlateau.standardError(of: bestTest, count: find.data.test.count, regression: false)
        #expect(recommended >= bestTest - error, "test \(recommended) against the best peak's \(bestTest) - \(error)")
    }

    @Test func theStandardErrorsOfAnAccuracyAndAnRSquared() {
        // 94 % on 1,000 images: 0.75 points.
        #expect(abs(SweepPlateau.standardError(of: 0.94, count: 1000, regression: false) - 0.00751) < 1e-5)
        // R-squared 0.5 on 88 samples: sqrt(4 x 0.5 x 0.25 / 88) = 0.0754.
        #expect(abs(SweepPlateau.standardError(of: 0.5, count: 88, regression: true) - (0.5 / 88).squareRoot()) < 1e-12)
        #expect(SweepPlateau.standardError(of: -0.2, count: 88, regression: true) == 0)
    }
}
