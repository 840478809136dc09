import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// Validation rungs: how many a range test affords, where they fall, and when the bounds follow
/// the validation loss instead of the training loss.
@Suite struct ValidationRungsTests {
    @Test func theRungCountKeepsTheirCostWithinFifteenPercent() {
        // mnist5k: 235 steps of 64, 1,000 validation images: 0.45 x 15,040 / 1,000 = 6.77 -> 6.
        #expect(ValidationRungs.count(maximum: 16, steps: 235, samplesPerStep: 64, validationCount: 1000) == 6)
        // diabetes: 100 steps of 64, 88 validation rows: 72.7 affordable, capped at 16.
        #expect(ValidationRungs.count(maximum: 16, steps: 100, samplesPerStep: 64, validationCount: 88) == 16)
        // digits: 100 steps of 64, 359 validation rows: 8.02 -> 8.
        #expect(ValidationRungs.count(maximum: 16, steps: 100, samplesPerStep: 64, validationCount: 359) == 8)
        // Fewer than 4 affordable: none; none asked, no validation or no steps: none.
        #expect(ValidationRungs.count(maximum: 16, steps: 100, samplesPerStep: 64, validationCount: 10_000) == 0)
        #expect(ValidationRungs.count(maximum: 0, steps: 100, samplesPerStep: 64, validationCount: 88) == 0)
        #expect(ValidationRungs.count(maximum: 16, steps: 100, samplesPerStep: 64, validationCount: 0) == 0)
        // Never more rungs than steps.
        #expect(ValidationRungs.count(maximum: 16, steps: 10, samplesPerStep: 64, validationCount: 8) == 10)
    }

    @Test func rungsAreSpreadEvenlyAndTheLastIsTheLastStep() {
        #expect(ValidationRungs.steps(count: 4, of: 100) == [25, 50, 75, 100])
        #expect(ValidationRungs.steps(count: 6, of: 235) == [40, 79, 118, 157, 196, 235])
        #expect(ValidationRungs.steps(count: 3, of: 3) == [1, 2, 3])
        #expect(ValidationRungs.steps(count: 0, of: 100).isEmpty)
    }

    /// Bounds with max 0.01 and base 0.002.
    static let trained = LearningRateBounds(maximumLearningRate: 0.01, baseLearningRate: 0.002, stepSize: 20,
                                            oneCycleMaximumLearningRate: 0.01, oneCycleInitialLearningRate: 0.0004, notes: [])

    static func rungs(_ points: [(Double, Double)]) -> [ValidationRung] {
        points.enumerated().map { ValidationRung(step: 10 * ($0.offset + 1), learningRate: $0.element.0, loss: $0.element.1, metric: nil) }
    }

    @Test func overFittingMovesTheBoundsToTheValidationMinimum() {
        // The validation loss bottoms out at 1e-3 (a decade below max) and is 30 % higher at 0.01.
        let rungs = Self.rungs([(1e-5, 1.0), (1e-4, 0.8), (1e-3, 0.5), (3e-3, 0.55), (0.01, 0.65), (0.03, 0.9)])
        let adjusted = ValidationRungs.adjusted(Self.trained, rungs: rungs)
        #expect(adjusted.maximumLearningRate == 1e-3 && adjusted.oneCycleMaximumLearningRate == 1e-3)
        #expect(adjusted.oneCycleInitialLearningRate == 1e-3 / 25)
        // base_lr kept between max/10 and max/4: 0.002 -> 0.00025.
        #expect(adjusted.baseLearningRate == 1e-3 / 4)
        #expect(adjusted.stepSize == 20)
        #expect(adjusted.notes == ["the validation loss bottoms out at 0.001 (rung at step 30), 1.0 decades below the training loss's max_lr 0.01, and is 30% higher there: the model over-fits as the test goes on, so the bounds follow the validation loss"])
    }

    @Test func aSmallRiseAClosePlaceOrTooFewRungsKeepTheBounds() {
        // Risen 8 % only: noise, not a gap.
        #expect(ValidationRungs.adjusted(Self.trained, rungs: Self.rungs([(1e-5, 1.0), (1e-4, 0.8), (1e-3, 0.5), (0.01, 0.54)])) == Self.trained)
        // The minimum 0.4 decades below max: the same place, within the rungs' spacing.
        #expect(ValidationRungs.adjusted(Self.trained, rungs: Self.rungs([(1e-5, 1.0), (1e-4, 0.8), (0.004, 0.5), (0.01, 0.7)])) == Self.trained)
        // The validation minimum at max itself (large data): unchanged.
        #expect(ValidationRungs.adjusted(Self.trained, rungs: Self.rungs([(1e-5, 1.0), (1e-4, 0.8), (1e-3, 0.6), (0.01, 0.5)])) == Self.trained)
        // Three rungs cannot place a minimum.
        #expect(ValidationRungs.adjusted(Self.trained, rungs: Self.rungs([(1e-4, 0.8), (1e-3, 0.5), (0.01, 0.9)])) == Self.trained)
        // Non-finite rungs do not count.
        #expect(ValidationRungs.adjusted(Self.trained, rungs: Self.rungs([(1e-5, .nan), (1e-4, 0.8), (1e-3, 0.5), (0.01, 0.9)])) == Self.trained)
    }

    @Test func aRangeTestScoresItsRungsOnTheValidationSplitAndTheRecordKeepsThem() throws {
        var data = DataRecipe(path: Fixtures.diabetes)
        data.task = .regression
        var settings = RangeTestSettings()
        (settings.minimumLearningRate, settings.maximumLearningRate) = (1e-5, 1)
        let recipe = RangeTestRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "dense:16,relu")), rangeTest: settings)
        let run = try recipe.run()
        let result = try #require(run.record.runs.first)
        let rungs = try #require(result.rungs)
        // 100 steps of 64 on 265 rows, 88 validation rows: 16 rungs, at steps 7, 13, ..., 100 (those reached).
        let planned = ValidationRungs.steps(count: 16, of: result.plannedSteps)
        #expect(result.plannedSteps == 100 && planned.count == 16)
        #expect(rungs.count >= 4 && rungs.allSatisfy { planned.contains($0.step) })
        #expect(rungs.map(\.step) == rungs.map(\.step).sorted())
        // Each rung's rate is its step's; its loss the validation MSE of a standardised target.
        for rung in rungs {
            #expect(rung.learningRate == result.steps[rung.step - 1].learningRate)
            #expect(rung.loss.isFinite && rung.loss > 0 && rung.metric != nil)
        }
        // The record decodes back with them; none without validation rungs asked.
        let decoded = try JSONDocument.decode(RangeTestRecord.self, from: try JSONDocument.encode(run.record, prettyPrinted: false))
        #expect(decoded.runs.first?.rungs == rungs)
        var none = recipe
        none.rangeTest.validationRungs = 0
        #expect(try none.run().record.runs.first?.rungs == nil)
    }
}
