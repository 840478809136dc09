import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// `lrfind sweep`'s library: the rate grid, the runs of a definition, what a run's record gives,
/// and the answer.
@Suite struct SweepTests {
    /// A sweep of a small MLP on iris: AdamW, early stopping on validation accuracy.
    static func definition(rates: [Double] = [1e-3, 1e-2], seeds: [UInt64] = [0], epochs: Int = 6, patience: Int = 2,
                           schedule: ScheduleSpec? = nil) throws -> SweepDefinition {
        var data = DataRecipe(path: Fixtures.iris)
        data.digest = try data.contentDigest()
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.earlyStopping = EarlyStopping(metric: .accuracy, patience: patience)
        let base = TrainingRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "dense:8,relu")),
                                  trainer: TrainerSettings(batchSize: 16), training: training, schedule: schedule)
        return SweepDefinition(base: base, rates: rates, seeds: seeds)
    }

    // MARK: The grid

    @Test func theNotesGridHas46RatesFromTenToTheMinusSixToTenToTheMinusOnePointFive() throws {
        let grid = try SweepGrid.logarithmic(from: 1e-6, to: 0.0316, perDecade: 10)
        #expect(grid.rates.count == 46)
        #expect(grid.rates.first == 1e-6)
        #expect(grid.rates.first == pow(10, -60.0 / 10))
        #expect(grid.rates.last == pow(10, -15.0 / 10))
        #expect(abs(grid.rates.last! - 0.031622776601683794) < 1e-17)
        #expect(grid.rates[10] == pow(10, -50.0 / 10) && grid.rates[10] == 1e-5)
        #expect(zip(grid.rates, grid.rates.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func theEndsSnapToTheNearestGridPoint() throws {
        // 1.1e-6: log10 = -5.959, k = round(-59.59) = -60; 0.0316: k = round(-15.003) = -15.
        let grid = try SweepGrid.logarithmic(from: 1.1e-6, to: 0.0316, perDecade: 10)
        #expect(grid.rates.count == 46 && grid.rates.first == 1e-6 && grid.rates.last == pow(10, -1.5))
        // 1.5e-6: k = round(-58.24) = -58, up to the next point; 0.04: k = round(-13.98) = -14.
        let up = try SweepGrid.logarithmic(from: 1.5e-6, to: 0.04, perDecade: 10)
        #expect(up.rates.first == pow(10, -5.8) && up.rates.last == pow(10, -1.4) && up.rates.count == 45)
        // Four a decade, one point: both ends snap to 10^-2.
        #expect(try SweepGrid.logarithmic(from: 0.0099, to: 0.0101, perDecade: 4).rates == [0.01])
        #expect(try SweepGrid.logarithmic(from: 1e-3, to: 1e-1, perDecade: 1).rates == [1e-3, 1e-2, 1e-1])
    }

    @Test func aBadGridIsRefusedInOneLine() {
        func message(_ from: Double, _ to: Double, _ perDecade: Int) -> String? {
            do { _ = try SweepGrid.logarithmic(from: from, to: to, perDecade: perDecade); return nil } catch { return "\(error)" }
        }
        #expect(message(1e-2, 1e-6, 10) == "--from must be <= --to, got --from 0.01 --to 1e-06")
        #expect(message(0, 1e-2, 10) == "--from must be a positive finite rate, got 0.0")
        #expect(message(1e-6, .infinity, 10) == "--to must be a positive finite rate, got inf")
        #expect(message(-1, 1, 10) == "--from must be a positive finite rate, got -1.0")
        #expect(message(1e-6, .nan, 10) == "--to must be a positive finite rate, got nan")
        #expect(message(1e-6, 1e-2, 0) == "--per-decade must be >= 1, got 0")
        #expect(message(1e-6, 1e-2, 2500) == "--from 1e-06 --to 0.01 --per-decade 2500 is 10001 rates, more than the 10000 a sweep holds")
        #expect(message(1e-300, 1e300, Int.max) != nil)
    }

    @Test func aListKeepsItsOrderAndRefusesDuplicates() throws {
        #expect(try SweepGrid.list([0.1, 0.001, 0.01]).rates == [0.1, 0.001, 0.01])
        #expect(throws: SweepError("--rates lists 0.01 twice")) { try SweepGrid.list([0.01, 0.1, 0.01]) }
        #expect(throws: SweepError("--rates must list at least one rate")) { try SweepGrid.list([]) }
        #expect(throws: SweepError("--rates: every rate must be positive and finite, got -0.1")) { try SweepGrid.list([0.01, -0.1]) }
        #expect(throws: SweepError("--rates lists 10001 rates, more than the 10000 a sweep holds")) {
            try SweepGrid.list((1...10_001).map(Double.init))
        }
    }

    // MARK: The definition

    @Test func theRunsAreRateMajorWithTheRateAsTrainingRateOrPeak() throws {
        let definition = try Self.definition(rates: [1e-3, 1e-2], seeds: [0, 7])
        let runs = definition.runs()
        #expect(runs.map(\.rate) == [1e-3, 1e-3, 1e-2, 1e-2] && runs.map(\.seed) == [0, 7, 0, 7])
        #expect(runs.map(\.recipe.training.learningRate) == [1e-3, 1e-3, 1e-2, 1e-2])
        #expect(runs.map(\.recipe.trainer.seed) == [0, 7, 0, 7])
        #expect(Set(runs.map(\.identifier)).count == 4 && runs.allSatisfy { $0.identifier.count == 64 })
        #expect(try runs.allSatisfy { try $0.identifier == RecipeIdentity.identifier(of: $0.recipe) })
        let same = try Self.definition(rates: [1e-3, 1e-2], seeds: [0, 7]), fewer = try Self.definition(rates: [1e-3, 1e-2], seeds: [0])
        #expect(definition.identifier.count == 64 && definition.identifier == same.identifier && definition.identifier != fewer.identifier)

        // One-cycle and cyclic: the rate is the peak.
        let onecycle = try Self.definition(rates: [0.05], schedule: ScheduleSpec(.oneCycle(OneCycleSettings(max: 1))))
        guard case let .oneCycle(settings)? = onecycle.runs()[0].recipe.schedule?.kind else { Issue.record("not one-cycle"); return }
        #expect(settings.maximumLearningRate == 0.05 && settings.divFactor == 25)
        let cyclic = try Self.definition(rates: [0.05], schedule: ScheduleSpec(.cyclic(CyclicSettings(base: 1e-4, max: 1))))
        guard case let .cyclic(cycle)? = cyclic.runs()[0].recipe.schedule?.kind else { Issue.record("not cyclic"); return }
        #expect(cycle.maximumLearningRate == 0.05 && cycle.baseLearningRate == 1e-4)
    }

    @Test func aDefinitionChecksItsSize() throws {
        #expect(throws: SweepError("--seeds lists 3 twice")) { try Self.definition(seeds: [3, 1, 3]).validate() }
        #expect(throws: SweepError("--seeds must list at least one seed")) { try Self.definition(seeds: []).validate() }
        let many = try Self.definition(rates: (1...101).map { Double($0) * 1e-4 }, seeds: Array(0..<100))
        #expect(throws: SweepError("101 rates times 100 seeds is 10100 runs, more than the 10000 a sweep holds")) { try many.validate() }
        try Self.definition().validate()
    }

    // MARK: Outcomes

    @Test func anOutcomeReadsTheBestValidationAndTheTestAtItFromARealRun() throws {
        let definition = try Self.definition(rates: [0.01], epochs: 8, patience: 2)
        let run = definition.runs()[0]
        let record = try run.recipe.run().record
        let outcome = SweepOutcome(run: run, record: record)
        let epochs = record.result.epochs
        let accuracies = epochs.map { $0.validationAccuracy! }
        let best = accuracies.max()!
        #expect(outcome.rate == 0.01 && outcome.seed == 0 && !outcome.diverged)
        #expect(outcome.bestValidation == best)
        #expect(outcome.bestEpoch == accuracies.firstIndex(of: best)! + 1)
        #expect(outcome.bestEpoch == record.result.bestEpoch)
        // Early stopping restores the best weights, so the one test evaluation is the test at the best epoch.
        #expect(outcome.testAtBest == record.result.test?.accuracy && outcome.testAtBest != nil)
        #expect(outcome.epochsRun == epochs.count)
        #expect(record.result.validationSeconds! > 0)
        #expect(outcome.seconds == record.result.trainingSeconds + record.result.validationSeconds!)
    }

    @Test func anOutcomeOfADivergedOrUnrestoredRun() throws {
        let definition = try Self.definition(rates: [0.01], epochs: 3, patience: 5)
        let run = definition.runs()[0]
        let record = try run.recipe.run().record
        #expect(record.result.epochs.count == 3)

        // No restoring, best at epoch 2 of 3: the test was scored with epoch 3's weights.
        var unrestored = record
        unrestored.result.epochs[0].validationAccuracy = 0.5
        unrestored.result.epochs[1].validationAccuracy = 0.9
        unrestored.result.epochs[2].validationAccuracy = 0.8
        unrestored.result.restoredEpoch = nil
        var outcome = SweepOutcome(run: run, record: unrestored)
        #expect(outcome.bestValidation == 0.9 && outcome.bestEpoch == 2 && outcome.testAtBest == nil)
        // Restored to epoch 2: the test is epoch 2's.
        unrestored.result.restoredEpoch = 2
        outcome = SweepOutcome(run: run, record: unrestored)
        #expect(outcome.testAtBest == record.result.test?.accuracy)

        // Diverged in epoch 3 (cut short, NaN loss): epoch 3 does not count, the run is a result.
        var diverged = unrestored
        diverged.result.stopReason = .nonFiniteLoss
        diverged.result.epochs[2].trainLoss = .nan
        diverged.result.epochs[2].complete = false
        diverged.result.epochs[2].validationAccuracy = 0.95
        diverged.result.restoredEpoch = nil
        outcome = SweepOutcome(run: run, record: diverged)
        #expect(outcome.diverged && outcome.bestValidation == 0.9 && outcome.bestEpoch == 2 && outcome.testAtBest == nil && outcome.epochsRun == 3)
        // Diverged in its first epoch: no validation at all.
        diverged.result.epochs = [diverged.result.epochs[2]]
        outcome = SweepOutcome(run: run, record: diverged)
        #expect(outcome.diverged && outcome.bestValidation == nil && outcome.bestEpoch == nil && outcome.epochsRun == 1)

        // Regression: R-squared, and the test's R-squared.
        var regression = record
        regression.data.task = .regression
        for index in regression.result.epochs.indices {
            regression.result.epochs[index].validationAccuracy = nil
            regression.result.epochs[index].validationRSquared = [0.2, 0.7, 0.7][index]
        }
        regression.result.restoredEpoch = 2
        regression.result.test = Evaluation(loss: 0.3, accuracy: nil, count: 30,
                                            regression: RegressionReport(rootMeanSquaredError: 1, meanAbsoluteError: 1, rSquared: 0.65, count: 30))
        outcome = SweepOutcome(run: run, record: regression)
        #expect(outcome.bestValidation == 0.7 && outcome.bestEpoch == 2 && outcome.testAtBest == 0.65)
        // Records written before validation time was kept: training seconds alone.
        regression.result.validationSeconds = nil
        #expect(SweepOutcome(run: run, record: regression).seconds == record.result.trainingSeconds)
    }

    // MARK: The answer

    static func outcome(_ rate: Double, seed: UInt64 = 0, _ validation: Double?, epoch: Int?, test: Double? = nil,
                        seconds: Double = 10, diverged: Bool = false) -> SweepOutcome {
        SweepOutcome(rate: rate, seed: seed, bestValidation: validation, bestEpoch: epoch, testAtBest: test,
                     epochsRun: (epoch ?? 0) + 5, seconds: seconds, diverged: diverged)
    }

    @Test func theBestRateAndTheTradeOffWithinTolerance() {
        let outcomes = [
            Self.outcome(1e-4, 0.900, epoch: 40, test: 0.89, seconds: 45),
            Self.outcome(1e-3, 0.950, epoch: 20, test: 0.94, seconds: 25),
            Self.outcome(1e-2, 0.946, epoch: 6, test: 0.93, seconds: 11),
            Self.outcome(1e-1, 0.944, epoch: 2, test: 0.92, seconds: 7),
        ]
        let answer = SweepAnswer(outcomes: outcomes.reversed())
        #expect(answer.best == SweepAnswer.Pick(rate: 1e-3, validation: 0.95, test: 0.94, bestEpoch: 20, seconds: 25))
        // Within 0.5 points of 0.95: 0.946 (0.944 is 0.6 points below); the soonest best epoch wins.
        #expect(answer.tradeOff == SweepAnswer.Pick(rate: 1e-2, validation: 0.946, test: 0.93, bestEpoch: 6, seconds: 11))
        #expect(answer.perRate.map(\.rate) == [1e-4, 1e-3, 1e-2, 1e-1])
        // One point of tolerance takes 0.944 in; exactly at the edge (0.945 with 0.5) is in.
        #expect(SweepAnswer(outcomes: outcomes, tolerance: 1).tradeOff?.rate == 1e-1)
        let edge = [Self.outcome(1e-3, 0.95, epoch: 20), Self.outcome(1e-2, 0.945, epoch: 5)]
        #expect(SweepAnswer(outcomes: edge).tradeOff?.rate == 1e-2)
        // Zero tolerance: the trade-off is the best.
        #expect(SweepAnswer(outcomes: outcomes, tolerance: 0).tradeOff?.rate == 1e-3)
    }

    @Test func mediansOverSeedsDecideAndTiesGoToTheLowerRate() {
        let outcomes = [
            // 1e-3: 0.90, 0.96, 0.91 -> 0.91; epochs 10, 30, 20 -> 20.
            Self.outcome(1e-3, seed: 0, 0.90, epoch: 10, seconds: 5), Self.outcome(1e-3, seed: 1, 0.96, epoch: 30, seconds: 9),
            Self.outcome(1e-3, seed: 2, 0.91, epoch: 20, seconds: 7),
            // 1e-2: 0.93, 0.92, 0.50 -> 0.92 (one bad seed does not sink it).
            Self.outcome(1e-2, seed: 0, 0.93, epoch: 8), Self.outcome(1e-2, seed: 1, 0.92, epoch: 9), Self.outcome(1e-2, seed: 2, 0.50, epoch: 1),
        ]
        let answer = SweepAnswer(outcomes: outcomes)
        #expect(answer.best?.rate == 1e-2 && answer.best?.validation == 0.92 && answer.best?.bestEpoch == 8)
        #expect(answer.perRate[0] == RateSummary(rate: 1e-3, outcomes: Array(outcomes[0..<3])))
        #expect(answer.perRate[0].validation == 0.91 && answer.perRate[0].bestEpoch == 20 && answer.perRate[0].seconds == 7)
        #expect(answer.perRate[0].runCount == 3 && answer.perRate[0].divergedCount == 0 && answer.perRate[0].test == nil)
        // Two seeds: the mean of the middle two.
        #expect(RateSummary(rate: 1, outcomes: [Self.outcome(1, seed: 0, 0.8, epoch: 3), Self.outcome(1, seed: 1, 0.9, epoch: 6)]).validation == (0.8 + 0.9) / 2)
        // A tie in validation goes to the lower rate; a tie in epochs to the higher validation, then the lower rate.
        let tie = [Self.outcome(1e-2, 0.9, epoch: 5), Self.outcome(1e-3, 0.9, epoch: 5), Self.outcome(1e-1, 0.897, epoch: 5)]
        #expect(SweepAnswer(outcomes: tie).best?.rate == 1e-3 && SweepAnswer(outcomes: tie).tradeOff?.rate == 1e-3)
    }

    @Test func aRateWhoseMedianRunDivergedCannotBeBest() {
        let outcomes = [
            Self.outcome(1e-3, seed: 0, 0.90, epoch: 12),
            // 1e-1: two of three seeds diverged (one after a high validation): its median is minus infinity.
            Self.outcome(1e-1, seed: 0, 0.99, epoch: 2, diverged: true), Self.outcome(1e-1, seed: 1, nil, epoch: nil, diverged: true),
            Self.outcome(1e-1, seed: 2, 0.97, epoch: 3),
            // 1e-2: one of three diverged: the median is the lower of the other two.
            Self.outcome(1e-2, seed: 0, 0.93, epoch: 6), Self.outcome(1e-2, seed: 1, 0.95, epoch: 5), Self.outcome(1e-2, seed: 2, 0.2, epoch: 1, diverged: true),
        ]
        let answer = SweepAnswer(outcomes: outcomes)
        #expect(answer.best?.rate == 1e-2 && answer.best?.validation == 0.93 && answer.best?.bestEpoch == 5)
        let high = answer.perRate.first { $0.rate == 1e-1 }!
        #expect(high.validation == nil && high.divergedCount == 2 && high.runCount == 3 && high.bestEpoch == 2.5)
        #expect(answer.tradeOff?.rate == 1e-2)
        // Everything diverged: no answer.
        let none = SweepAnswer(outcomes: [Self.outcome(1, nil, epoch: nil, diverged: true)])
        #expect(none.best == nil && none.tradeOff == nil && none.perRate.count == 1)
        #expect(SweepAnswer(outcomes: []).best == nil)
    }
}
