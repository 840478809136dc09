import Foundation
import Testing
@testable import LRFinder

@Suite struct RangeTestTests {
    /// A trainer in batches of 32 whose network is initialised from `seed`. The batch order (and
    /// dropout, which this model has none of) comes from `batchSeed`: the seed the range-test
    /// settings used to give the batch order (default 0).
    static func makeTrainer(seed: UInt64 = 3, optimizer: any Optimizer = Adam.adamW(), data: PreparedData = Fixtures.preparedDigits,
                            batchSeed: UInt64 = 0) -> EmbeddedTrainer {
        let network = try! Network(spec: try! ModelSpec(parsing: "dense:32,relu"), inputShape: .vector(data.featureCount),
                                   outputs: data.classCount, seed: seed)
        return EmbeddedTrainer(network: network, optimizer: optimizer, data: data, batchSize: 32, seed: batchSeed)
    }

    static func settings(steps: Int, from minimum: Double = 1e-4, to maximum: Double = 10) -> RangeTestSettings {
        var settings = RangeTestSettings()
        settings.minimumLearningRate = minimum
        settings.maximumLearningRate = maximum
        settings.length = .steps(steps)
        return settings
    }

    @Test func firstAndLastStepsUseExactlyTheEnds() {
        for spacing in LearningRateSpacing.allCases {
            #expect(spacing.learningRate(step: 0, of: 100, from: 1e-7, to: 10) == 1e-7)
            #expect(spacing.learningRate(step: 99, of: 100, from: 1e-7, to: 10) == 10)
        }
        // torch-lr-finder's exponential rate at i = 1 of 100 (golden curve tlf_mlp_sgd, row 2).
        let second = LearningRateSpacing.exponential.learningRate(step: 1, of: 100, from: 1e-7, to: 10)
        #expect(abs(second - 1.2045035402587822e-07) <= 1e-15 * second)
        // Linear: 1 + 9 * 1/3 = 4.
        #expect(LearningRateSpacing.linear.learningRate(step: 1, of: 4, from: 1, to: 10) == 4)
        // Exponential: 1e-3 * (1e4)^(1/2) = 0.1 at the midpoint of 3 steps.
        #expect(abs(LearningRateSpacing.exponential.learningRate(step: 1, of: 3, from: 1e-3, to: 10) - 0.1) < 1e-15)
    }

    @Test func stepCountFromEpochsAndBatchesPerStep() {
        var settings = RangeTestSettings()
        settings.length = .epochs(5)
        // The PyImageSearch finder's 5 x ceil(3000 / 64) = 235 steps.
        let batchesPerEpoch = BatchSampler.batchCount(samples: 3000, batchSize: 64)
        #expect(batchesPerEpoch == 47)
        #expect(settings.stepCount(batchesPerEpoch: batchesPerEpoch) == 235)
        settings.batchesPerStep = 2
        #expect(settings.stepCount(batchesPerEpoch: batchesPerEpoch) == 117)
        settings.length = .steps(100)
        #expect(settings.stepCount(batchesPerEpoch: batchesPerEpoch) == 100)
    }

    @Test func invalidSettingsNameTheValue() {
        // 100 samples in batches of 32: 4 batches per epoch.
        let batchesPerEpoch = BatchSampler.batchCount(samples: 100, batchSize: 32)
        var settings = Self.settings(steps: 10)
        settings.minimumLearningRate = 0
        #expect(throws: RecipeError.requirement(.minimumLearningRate, "must be a positive number", got: 0.0)) {
            try settings.validate(batchesPerEpoch: batchesPerEpoch)
        }
        #expect(RecipeError.requirement(.minimumLearningRate, "must be a positive number", got: 0.0).description == "--min must be a positive number, got 0.0")
        #expect(RecipeError.requirement(.minimumLearningRate, "must be a positive number", got: 0.0).fieldDescription
                    == "rangeTest.minimumLearningRate must be a positive number, got 0.0")
        settings = Self.settings(steps: 1)
        #expect(throws: RecipeError.self) { try settings.validate(batchesPerEpoch: batchesPerEpoch) }
        // 3 epochs of 4 batches, 8 batches per step: 1 step, too few; the error names the epochs.
        settings = Self.settings(steps: 10)
        settings.length = .epochs(3)
        settings.batchesPerStep = 8
        #expect(throws: RecipeError(setting: .rangeTestEpochs, reason: "gives 1 step of 8 batches on 4 batches per epoch; a test needs at least 2 (the first uses the first rate, the last the last)")) {
            try settings.validate(batchesPerEpoch: batchesPerEpoch)
        }
        // A validation metric without a validation split: the settings alone no longer know the
        // split, so the run refuses when the trainer has nothing to evaluate.
        settings = Self.settings(steps: 10)
        settings.metric = .validationLoss
        let noValidation = ScriptedTrainer(losses: Array(repeating: 1, count: 10), batchesPerEpoch: batchesPerEpoch)
        #expect(throws: RangeTestError.self) { try RangeTest(settings: settings).run(noValidation) }
        settings = Self.settings(steps: 10)
        settings.divergenceFactor = 1
        #expect(throws: RecipeError.requirement(.divergenceFactor, "must be above 1", got: 1.0)) { try settings.validate(batchesPerEpoch: batchesPerEpoch) }
    }

    @Test func debiasedAverageMatchesHandComputation() {
        // beta 0.5: a1 = 0.5 * 4 = 2 -> 2 / 0.5 = 4; a2 = 1 + 1 = 2 -> 2 / 0.75 = 8/3.
        let smoothed = DebiasedMovingAverage.smoothed([4, 2], beta: 0.5)
        #expect(smoothed[0] == 4)
        #expect(abs(smoothed[1] - 8.0 / 3) < 1e-15)
        // The golden PyImageSearch curve is this average (beta 0.98) of its raw losses.
        let raw = try! GoldenCurves.curve("pis_mlp_sgd_raw").losses
        let stored = try! GoldenCurves.curve("pis_mlp_sgd").losses
        let mine = DebiasedMovingAverage.smoothed(raw, beta: 0.98)
        #expect(mine.count == stored.count && zip(mine, stored).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) })
    }

    @Test func divergenceRuleHandlesZeroAndNegativeLosses() {
        let rule = DivergenceRule(factor: 4)
        // Positive best: exactly smoothed > 4 * best.
        #expect(!rule.hasDiverged(4.0, best: 1.0))
        #expect(rule.hasDiverged(4.000001, best: 1.0))
        // Zero best: any rise above the floor diverges, no rise does not.
        #expect(!rule.hasDiverged(0, best: 0))
        #expect(rule.hasDiverged(1e-6, best: 0))
        // Negative best -2: diverged once 3 * 2 = 6 above it, i.e. above 4.
        #expect(!rule.hasDiverged(3.9, best: -2))
        #expect(rule.hasDiverged(4.1, best: -2))
        // The naive form would already fire at -1.9 (> 4 * -2); this rule does not.
        #expect(!rule.hasDiverged(-1.9, best: -2))
        // The golden PyImageSearch run (4x, same rule for a positive loss) stops at its last point.
        let stored = try! GoldenCurves.curve("pis_mlp_sgd").losses
        var best = Double.infinity
        var stop: Int?
        for (i, s) in stored.enumerated() {
            if i > 0, rule.hasDiverged(s, best: best) { stop = i; break }
            best = min(best, s)
        }
        #expect(stop == stored.count - 1)
    }

    @Test func runLeavesTheCallersTrainerUntouched() throws {
        var trainer = Self.makeTrainer(optimizer: SGD(momentum: 0.9))
        var twin = trainer
        let result = try RangeTest(settings: Self.settings(steps: 20)).run(trainer)
        #expect(result.steps.count > 1)
        #expect(trainer.network.parameters == twin.network.parameters)
        // Same next update (momentum buffer and dropout stream unchanged too).
        let a = trainer.update(indices: 0..<16, learningRate: 0.05)
        let b = twin.update(indices: 0..<16, learningRate: 0.05)
        #expect(a == b)
        #expect(trainer.network.parameters == twin.network.parameters)
        // And the same next batch of the shuffled order.
        #expect(trainer.trainNextBatch(learningRate: 0.05, momentum: nil) == twin.trainNextBatch(learningRate: 0.05, momentum: nil))
        #expect(trainer.network.parameters == twin.network.parameters)
    }

    @Test func shouldStopReturnsThePartialCurve() throws {
        var polls = 0
        var reported: [RangeTestProgress] = []
        var settings = Self.settings(steps: 50)
        settings.batchesPerStep = 2
        let result = try RangeTest(settings: settings).run(
            Self.makeTrainer(), progress: { reported.append($0) },
            shouldStop: { polls += 1; return polls > 13 })
        // Polled before every batch: 13 batches run, i.e. 6 full steps of 2 batches.
        #expect(result.stopReason == .interrupted)
        #expect(result.steps.count == 6)
        #expect(reported.map(\.step) == Array(1...6))
        #expect(reported.allSatisfy { $0.totalSteps == 50 })
        #expect(result.learningRates == (0..<6).map { settings.learningRate(step: $0, of: 50) })
        // The result round-trips through JSON.
        let decoded = try JSONDecoder().decode(RangeTestResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }

    @Test func validationMetricsAreMeasuredAfterEachStep() throws {
        let data = Fixtures.preparedDigits
        for metric in [RangeTestMetric.validationAccuracy, .validationLoss] {
            var settings = Self.settings(steps: 3, from: 1e-3, to: 1e-1)
            settings.metric = metric
            let result = try RangeTest(settings: settings).run(Self.makeTrainer())
            // The same updates by hand: the sampler's first epoch (the trainer's seed, 0), one batch per step.
            var trainer = Self.makeTrainer()
            var sampler = BatchSampler(sampleCount: data.train.count, batchSize: 32, seed: 0)
            let batches = sampler.nextEpoch()
            for step in 0..<3 {
                trainer.update(indices: batches[step], learningRate: Float(settings.learningRate(step: step, of: 3)))
                let evaluation = trainer.network.evaluate(data.validation, loss: .crossEntropy)
                let expected = metric == .validationLoss ? evaluation.loss : 1 - evaluation.accuracy!
                #expect(result.steps[step].loss == expected, "\(metric) step \(step)")
            }
        }
    }

    @Test func nonFiniteLossStopsWithoutRecordingIt() throws {
        // One training sample with a NaN feature: the batch holding it gives a NaN loss.
        var train = Fixtures.preparedDigits.train
        var storage = train.features.storage
        storage[17 * train.featureCount] = .nan
        train.features = Matrix(rows: train.count, columns: train.featureCount, storage: storage)
        var settings = Self.settings(steps: 40, from: 1e-4, to: 1e-2)
        settings.stopsOnDivergence = false
        let data = PreparedData(train: train, validation: Fixtures.preparedDigits.validation, test: Fixtures.preparedDigits.test)
        let result = try RangeTest(settings: settings).run(Self.makeTrainer(data: data))
        #expect(result.stopReason == .nonFiniteLoss)
        // The NaN batch comes within the first epoch of 34 batches; earlier steps are kept.
        #expect(result.steps.count < 34)
        #expect(result.steps.allSatisfy { $0.loss.isFinite && $0.smoothedLoss.isFinite })
    }

    @Test func digitsRangeTestFallsThenDivergesAndSuggestionsLieInside() throws {
        BLASRuntime.setThreadCount(1)
        // 60 steps are few for beta 0.98 (the average would still lag by ~30 steps at the end).
        var short = Self.settings(steps: 60, from: 1e-4, to: 10)
        short.smoothingBeta = 0.9
        let test = RangeTest(settings: short)
        let result = try test.run(Self.makeTrainer())
        #expect(result.stopReason == .diverged)
        let smoothed = result.smoothedLosses
        let lowest = smoothed.min()!
        // Falls well below the start, then the last point is 4x the best.
        #expect(lowest < 0.5 * smoothed[0])
        #expect(smoothed.last! > 4 * lowest)
        // The smoothed values are the debiased average of the raw ones.
        let recomputed = DebiasedMovingAverage.smoothed(result.losses, beta: 0.9)
        #expect(recomputed.count == smoothed.count && zip(recomputed, smoothed).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) })
        for rule in SuggestionRule.allCases {
            let pick = try rule.suggestion(learningRates: result.learningRates, losses: smoothed,
                                           iterationCount: result.plannedSteps).get()
            #expect(pick.learningRate >= 1e-5 && pick.learningRate <= result.learningRates.last!, "\(rule)")
        }
        // lrfind's own points and bounds: inside the range, below the lag-free minimum, which lies
        // left of the moving average's minimum (the average lags).
        let analysis = RangeTestAnalysis(result, batchesPerEpoch: 34)
        let bounds = try #require(analysis.bounds, "\(analysis.noRecommendationReason ?? "")")
        let lagFreeMinimum = try #require(analysis.points.minimum)
        #expect(bounds.maximumLearningRate > 1e-4 && bounds.maximumLearningRate < lagFreeMinimum.learningRate)
        #expect(bounds.baseLearningRate < bounds.maximumLearningRate)
        #expect(bounds.stepSize == 136)
        #expect(lagFreeMinimum.learningRate <= result.learningRates[firstArgmin(smoothed)!])
        #expect(analysis.smoother == "gaussian-local-linear(bandwidth: auto)")
        // Without the stop the full range runs: the loss blows up past 100 but stays finite, and
        // all 30 steps run, the last at the maximum rate exactly.
        var settings = test.settings
        settings.stopsOnDivergence = false
        settings.length = .steps(30)
        let full = try RangeTest(settings: settings).run(Self.makeTrainer())
        #expect(full.stopReason == .completed)
        #expect(full.steps.count == 30 && full.learningRates.count == 30 && full.learningRates.last == 10)
        #expect(full.steps.allSatisfy { $0.loss.isFinite } && full.steps.map(\.loss).max()! > 100)
    }
}
