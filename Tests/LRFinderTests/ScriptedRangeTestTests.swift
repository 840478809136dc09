import Foundation
import Testing
@testable import LRFinder

/// What a scripted trainer was asked, kept outside it: the range test trains a copy of the
/// trainer it is given, so the copy's own record would be lost with it.
final class ScriptLog {
    /// Every rate asked for, in order.
    var learningRates: [Double] = []
    /// Every momentum passed, in order.
    var momenta: [Double?] = []
}

/// A ``ScriptedTrainer`` that copies its record of rates and momenta into a shared log after every batch.
struct LoggedScript: Trainer {
    var script: ScriptedTrainer
    let log = ScriptLog()

    init(_ script: ScriptedTrainer) { self.script = script }

    var batchesPerEpoch: Int { script.batchesPerEpoch }
    var defaultMomentum: Double? { script.defaultMomentum }

    mutating func trainNextBatch(learningRate: Double, momentum: Double?) throws -> BatchOutcome {
        defer {
            log.learningRates = script.learningRates
            log.momenta = script.momenta
        }
        return try script.trainNextBatch(learningRate: learningRate, momentum: momentum)
    }

    mutating func evaluate(_ split: DataPart) throws -> Evaluation? { try script.evaluate(split) }
    mutating func keepBestWeights() { script.keepBestWeights() }
    mutating func restoreBestWeights() { script.restoreBestWeights() }

    /// The script's position.
    func snapshot() -> ScriptedTrainer.Snapshot { script.snapshot() }

    /// Goes back to `snapshot`'s position, and the log with it.
    mutating func restore(_ snapshot: ScriptedTrainer.Snapshot) {
        script.restore(snapshot)
        log.learningRates = script.learningRates
        log.momenta = script.momenta
    }
}

/// The range test on hand-made loss sequences replayed by ``ScriptedTrainer``: every expected
/// value is worked out here, by hand or by a direct formula.
@Suite struct ScriptedRangeTestTests {
    /// fastai's bias-corrected moving average written out: `a = beta a + (1 - beta) x` from
    /// `a = 0`, reported as `a / (1 - beta^n)` after `n` values.
    static func debiased(_ losses: [Double], beta: Double) -> [Double] {
        var average = 0.0, betaPower = 1.0
        return losses.map { loss in
            average = beta * average + (1 - beta) * loss
            betaPower *= beta
            return average / (1 - betaPower)
        }
    }

    /// The first step after the first at which `smoothed - best > (factor - 1) |best|`, `best`
    /// the lowest smoothed value before it.
    static func firstDivergence(_ smoothed: [Double], factor: Double) -> Int? {
        var best = smoothed[0]
        for index in 1..<smoothed.count {
            if smoothed[index] - best > (factor - 1) * abs(best) { return index }
            best = min(best, smoothed[index])
        }
        return nil
    }

    static func settings(steps: Int, from minimum: Double, to maximum: Double,
                         spacing: LearningRateSpacing = .exponential) -> RangeTestSettings {
        var settings = RangeTestSettings()
        settings.minimumLearningRate = minimum
        settings.maximumLearningRate = maximum
        settings.spacing = spacing
        settings.length = .steps(steps)
        return settings
    }

    static func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool { abs(a - b) <= relative * abs(b) }

    @Test func exponentialRatesRunFromTheMinimumToTheMaximum() throws {
        let trainer = LoggedScript(ScriptedTrainer(losses: [1, 1, 1, 1, 1], batchesPerEpoch: 5))
        let result = try RangeTest(settings: Self.settings(steps: 5, from: 1e-3, to: 10)).run(trainer)
        #expect(result.stopReason == .completed)
        #expect(result.plannedSteps == 5)
        // 1e-3 * (1e4)^(i/4): a decade a step.
        let rates = trainer.log.learningRates
        #expect(rates.count == 5)
        #expect(rates.first == 1e-3 && rates.last == 10)
        for (rate, expected) in zip(rates, [1e-3, 1e-2, 1e-1, 1, 10]) {
            #expect(Self.close(rate, expected, relative: 1e-14), "\(rate) for \(expected)")
        }
        // The steps record the rates the trainer was asked for, without a momentum.
        #expect(result.learningRates == rates)
        #expect(trainer.log.momenta == [nil, nil, nil, nil, nil])
    }

    @Test func linearRatesAreEquallySpaced() throws {
        let trainer = LoggedScript(ScriptedTrainer(losses: [1, 1, 1, 1, 1], batchesPerEpoch: 5))
        let result = try RangeTest(settings: Self.settings(steps: 5, from: 1, to: 9, spacing: .linear)).run(trainer)
        // 1 + 8 i / 4: exact in binary.
        #expect(trainer.log.learningRates == [1, 3, 5, 7, 9])
        #expect(result.learningRates == [1, 3, 5, 7, 9])
    }

    @Test func epochLengthCountsTheTrainersBatches() throws {
        // 3 epochs of 4 batches, 2 batches a step: 6 steps, each rate asked for twice.
        var settings = Self.settings(steps: 0, from: 1, to: 6, spacing: .linear)
        settings.length = .epochs(3)
        settings.batchesPerStep = 2
        #expect(settings.stepCount(batchesPerEpoch: 4) == 6)
        let trainer = LoggedScript(ScriptedTrainer(losses: Array(repeating: 1, count: 12), batchesPerEpoch: 4))
        let result = try RangeTest(settings: settings).run(trainer)
        #expect(result.plannedSteps == 6 && result.steps.count == 6)
        let expected: [Double] = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
        #expect(trainer.log.learningRates.count == 12)
        #expect(zip(trainer.log.learningRates, expected).allSatisfy { Self.close($0, $1) }, "\(trainer.log.learningRates)")
    }

    @Test func divergenceStopsAtTheFirstStepPastTheFactor() throws {
        // beta 0.5, factor 4. By hand: a = 2, 2, 1.5, 1.25, 4.625, 17.3125 over 1 - 0.5^n, so the
        // smoothed losses are 4, 8/3, 12/7, 4/3, 148/31, 1108/63. The best before step 5 is 4/3:
        // 148/31 - 4/3 = 3.44 is not above 3 * 4/3 = 4, 1108/63 - 4/3 = 16.25 is.
        let losses: [Double] = [4, 2, 1, 1, 8, 30, 1, 1]
        let handSmoothed = [4, 8.0 / 3, 12.0 / 7, 4.0 / 3, 148.0 / 31, 1108.0 / 63]
        #expect(zip(Self.debiased(losses, beta: 0.5), handSmoothed).allSatisfy { Self.close($0, $1) })
        #expect(Self.firstDivergence(Self.debiased(losses, beta: 0.5), factor: 4) == 5)

        var settings = Self.settings(steps: 8, from: 1e-4, to: 1)
        settings.smoothingBeta = 0.5
        settings.divergenceFactor = 4
        let trainer = LoggedScript(ScriptedTrainer(losses: losses, batchesPerEpoch: 8))
        let result = try RangeTest(settings: settings).run(trainer)
        #expect(result.stopReason == .diverged)
        // The diverging step is recorded; no batch is trained after it.
        #expect(result.steps.count == 6)
        #expect(trainer.log.learningRates.count == 6)
        #expect(result.losses == Array(losses.prefix(6)))
        #expect(zip(result.smoothedLosses, handSmoothed).allSatisfy { Self.close($0, $1) }, "\(result.smoothedLosses)")

        // Without the stop the whole range runs.
        settings.stopsOnDivergence = false
        let full = try RangeTest(settings: settings).run(ScriptedTrainer(losses: losses, batchesPerEpoch: 8))
        #expect(full.stopReason == .completed && full.steps.count == 8)
    }

    @Test func divergenceIsMeasuredFromTheBestsMagnitude() throws {
        // beta 0: the smoothed loss is the loss. Best -2, factor 4: diverged once more than
        // 3 * |-2| = 6 above it, i.e. above 4: at step 3 (5), not at step 1 (-1 > 4 * -2 would be the naive form).
        let losses: [Double] = [-2, -1, -2, 5, 9, 9]
        #expect(Self.firstDivergence(losses, factor: 4) == 3)
        var settings = Self.settings(steps: 6, from: 1e-4, to: 1)
        settings.smoothingBeta = 0
        let result = try RangeTest(settings: settings).run(ScriptedTrainer(losses: losses, batchesPerEpoch: 6))
        #expect(result.stopReason == .diverged)
        #expect(result.steps.count == 4)
        #expect(result.smoothedLosses == [-2, -1, -2, 5])
    }

    @Test func divergenceOnALongerCurveFollowsTheDebiasedAverage() throws {
        // Flat, then doubling: beta 0.9, factor 2, the step worked out from the formula.
        let losses = Array(repeating: 1.0, count: 10) + (1...12).map { pow(2, Double($0)) }
        let expectedStop = try #require(Self.firstDivergence(Self.debiased(losses, beta: 0.9), factor: 2))
        var settings = Self.settings(steps: losses.count, from: 1e-5, to: 1)
        settings.smoothingBeta = 0.9
        settings.divergenceFactor = 2
        let result = try RangeTest(settings: settings).run(ScriptedTrainer(losses: losses, batchesPerEpoch: 10))
        #expect(result.stopReason == .diverged)
        #expect(result.steps.count == expectedStop + 1)
        #expect(result.smoothedLosses.count == expectedStop + 1 && zip(result.smoothedLosses, Self.debiased(losses, beta: 0.9)).allSatisfy { Self.close($0, $1) })
    }

    @Test(arguments: [Double.nan, .infinity])
    func nonFiniteLossStopsAndIsNotRecorded(bad: Double) throws {
        var reported: [Int] = []
        let trainer = LoggedScript(ScriptedTrainer(losses: [3, 2, bad, 1, 1], batchesPerEpoch: 5))
        let result = try RangeTest(settings: Self.settings(steps: 5, from: 1e-4, to: 1)).run(trainer, progress: { reported.append($0.step) })
        #expect(result.stopReason == .nonFiniteLoss)
        #expect(result.losses == [3, 2])
        #expect(reported == [1, 2])
        // The bad batch was trained, nothing after it.
        #expect(trainer.log.learningRates.count == 3)
    }

    @Test func batchesPerStepAreAveragedIntoOnePoint() throws {
        // Pairs (1, 3), (2, 6), (4, 4): means 2, 4, 4; beta 0.5 gives 2, 2.5 / 0.75 = 10/3, 3.25 / 0.875 = 26/7.
        var settings = Self.settings(steps: 3, from: 1e-3, to: 1e-1)
        settings.batchesPerStep = 2
        settings.smoothingBeta = 0.5
        let trainer = LoggedScript(ScriptedTrainer(losses: [1, 3, 2, 6, 4, 4], batchesPerEpoch: 6))
        let result = try RangeTest(settings: settings).run(trainer)
        #expect(result.stopReason == .completed)
        #expect(result.losses == [2, 4, 4])
        #expect(result.smoothedLosses.count == 3 && zip(result.smoothedLosses, [2, 10.0 / 3, 26.0 / 7]).allSatisfy { Self.close($0, $1) })
        // Both batches of a step at the step's rate: 1e-3, 1e-2, 1e-1.
        let rates = trainer.log.learningRates
        #expect(rates.count == 6)
        #expect(zip(rates, [1e-3, 1e-3, 1e-2, 1e-2, 1e-1, 1e-1]).allSatisfy { Self.close($0, $1, relative: 1e-14) }, "\(rates)")
    }

    @Test func shouldStopInterruptsBeforeTheNextBatch() throws {
        // Polled before every batch: batches 1-5 run, the sixth poll stops. Steps of 2 batches:
        // 2 complete steps are recorded, the fifth batch's step is not.
        var settings = Self.settings(steps: 5, from: 1e-4, to: 1)
        settings.batchesPerStep = 2
        var polls = 0
        let trainer = LoggedScript(ScriptedTrainer(losses: Array(repeating: 1, count: 10), batchesPerEpoch: 10))
        let result = try RangeTest(settings: settings).run(trainer, shouldStop: { polls += 1; return polls > 5 })
        #expect(result.stopReason == .interrupted)
        #expect(polls == 6)
        #expect(result.steps.count == 2)
        #expect(trainer.log.learningRates.count == 5)
    }

    @Test func runsTakeAFreshTrainerEachAndStopAfterAnInterruptedOne() throws {
        // Three runs of 5 one-batch steps: run 0 polls 1-5, run 1 polls 6-7 then stops at the
        // eighth; run 2 never starts.
        var made: [Int] = []
        var polls = 0
        let results = try RangeTest(settings: Self.settings(steps: 5, from: 1e-4, to: 1)).runs(
            3, makeTrainer: { run -> ScriptedTrainer in
                made.append(run)
                return ScriptedTrainer(losses: Array(repeating: Double(run + 1), count: 5), batchesPerEpoch: 5)
            },
            shouldStop: { polls += 1; return polls > 7 })
        #expect(made == [0, 1])
        #expect(results.count == 2)
        #expect(results[0].stopReason == .completed && results[0].losses == [1, 1, 1, 1, 1])
        #expect(results[1].stopReason == .interrupted && results[1].losses == [2, 2])
    }

    @Test func validationMetricsReadTheTrainersEvaluations() throws {
        // One batch, then one validation pass per step: the scripted validation losses are the curve.
        var settings = Self.settings(steps: 3, from: 1e-3, to: 1e-1)
        settings.metric = .validationLoss
        let trainer = ScriptedTrainer(losses: [9, 9, 9], validationLosses: [0.5, 0.25, 0.125], batchesPerEpoch: 3)
        #expect(try RangeTest(settings: settings).run(trainer).losses == [0.5, 0.25, 0.125])
        // The error rate needs accuracies, which the script does not give.
        settings.metric = .validationAccuracy
        #expect(throws: RangeTestError(description: "range test: metric val-accuracy needs class targets")) { try RangeTest(settings: settings).run(trainer) }
    }

    /// A hand-made curve at a quarter decade a step from 1e-3, falling then rising.
    static let rates = (0..<12).map { pow(10, -3 + Double($0) / 4) }
    static let curve: [Double] = [2, 1.9375, 1.75, 1.375, 0.75, 0.5, 0.5625, 0.625, 0.75, 0.875, 2.5, 9]

    @Test func analysisPointsOfAHandMadeCurve() throws {
        // The run: beta 0 (the moving average is the loss), no stop, 12 steps from 1e-3 to 10^-0.25.
        var settings = Self.settings(steps: 12, from: 1e-3, to: pow(10, -0.25))
        settings.smoothingBeta = 0
        settings.stopsOnDivergence = false
        let result = try RangeTest(settings: settings).run(ScriptedTrainer(losses: Self.curve, batchesPerEpoch: 12))
        #expect(result.losses == Self.curve)
        #expect(result.learningRates.count == Self.rates.count && zip(result.learningRates, Self.rates).allSatisfy { Self.close($0, $1) })

        // A bandwidth of 0.1 point leaves the lag-free curve equal to the raw one.
        let reading = AnalysisSettings(smoother: ZeroPhaseSmoother(bandwidth: 0.1), divergenceFactor: 4)
        let analysis = RangeTestAnalysis(result, settings: reading, batchesPerEpoch: 10)
        #expect(analysis == RangeTestAnalysis(steps: result.steps, plannedSteps: 12, settings: reading, batchesPerEpoch: 10))
        #expect(analysis.lagFreeLosses.count == Self.curve.count && zip(analysis.lagFreeLosses, Self.curve).allSatisfy { abs($0 - $1) <= 1e-12 })
        let points = analysis.points
        // Minimum: 0.5 at step 5.
        #expect(points.minimum?.index == 5 && points.minimum?.loss == 0.5)
        // Steepest descent: on an even ln(rate) grid the slope is (next - previous) / (2 h); the
        // differences next - previous up to the minimum are -0.25, -0.5625, -1, -0.875, -0.1875:
        // steepest at step 3.
        #expect(points.steepestDescent?.index == 3)
        // Fall start: the first loss at least a tenth of the drop 2 - 0.5 below 2 (<= 1.85): step 2.
        #expect(points.fallStart?.index == 2)
        // Divergence: the first loss after the minimum more than 3 * 0.5 above it (> 2): step 10.
        #expect(points.divergence?.index == 10)
        #expect(points.initialLoss == 2 && !points.isStillFalling)
        for point in [points.minimum, points.steepestDescent, points.fallStart, points.divergence].compactMap({ $0 }) {
            #expect(Self.close(point.learningRate, Self.rates[point.index]))
        }

        // Bounds: max at the minimum's rate 10^-1.75 (more than a decade below the divergence's
        // 10^-0.5); base at the fall start's 10^-2.5, which lies between max / 10 and max / 4;
        // the CLR half cycle is 4 epochs of 10 iterations; one-cycle peaks at 1.25 x max (below the
        // divergence's 10^-0.5 / 5) and starts at its peak / 25.
        let bounds = try #require(analysis.bounds, "\(analysis.noRecommendationReason ?? "")")
        #expect(Self.close(bounds.maximumLearningRate, pow(10, -1.75)))
        #expect(Self.close(bounds.baseLearningRate, pow(10, -2.5)))
        #expect(bounds.stepSize == 40)
        #expect(Self.close(bounds.oneCycleMaximumLearningRate, 1.25 * pow(10, -1.75)))
        #expect(Self.close(bounds.oneCycleInitialLearningRate, 1.25 * pow(10, -1.75) / 25))
        #expect(bounds.notes.isEmpty)
        // fastai's minimum on num_it = 12 looks at steps 12 / 10 = 1 to 12 - 5 = 7 (exclusive):
        // lowest at step 5, divided by 10.
        let fastaiMinimum = try #require(analysis.learningRate(suggestedBy: .minimum))
        #expect(Self.close(fastaiMinimum, pow(10, -1.75) / 10))

        // Read with a factor of 20, nothing after the minimum is more than 19 * 0.5 above it.
        let lenient = RangeTestAnalysis(result, settings: AnalysisSettings(smoother: ZeroPhaseSmoother(bandwidth: 0.1), divergenceFactor: 20))
        #expect(lenient.points.divergence == nil)
        #expect(lenient.points.minimum == points.minimum)
    }
}

/// The epoch loop on scripted losses.
@Suite struct ScriptedTrainingLoopTests {
    static func configuration(epochs: Int, learningRate: Double = 0.25, earlyStopping: EarlyStopping? = nil) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.learningRate = learningRate
        configuration.earlyStopping = earlyStopping
        return configuration
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }

    @Test func epochRecordsHoldTheMeanLossOfTheirBatches() throws {
        var trainer = ScriptedTrainer(losses: [1, 2, 3, 4, 5, 9], validationLosses: [0.75, 0.5], batchesPerEpoch: 3, defaultMomentum: 0.9)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 2)).run(&trainer)
        #expect(result.stopReason == .completed)
        // (1 + 2 + 3) / 3 and (4 + 5 + 9) / 3.
        #expect(result.epochs.map(\.trainLoss) == [2, 6])
        #expect(result.epochs.map(\.trainAccuracy) == [nil, nil])
        #expect(result.epochs.map(\.validationLoss) == [0.75, 0.5])
        #expect(result.epochs.map(\.validationAccuracy) == [nil, nil])
        #expect(result.epochs.allSatisfy { $0.complete && $0.learningRate == 0.25 && $0.momentum == 0.9 })
        // Every batch at the configured rate, with the optimizer's own momentum (none passed).
        #expect(trainer.learningRates == Array(repeating: 0.25, count: 6))
        #expect(trainer.momenta == Array(repeating: nil, count: 6))
        // The script has no test split.
        #expect(result.test == nil)
    }

    @Test func nonFiniteLossEndsTheRun() throws {
        var trainer = ScriptedTrainer(losses: [1, 3, .nan, 5], batchesPerEpoch: 2)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 2)).run(&trainer)
        #expect(result.stopReason == .nonFiniteLoss)
        // Epoch 2 recorded nothing finite, so it has no record; nothing is trained after the NaN.
        #expect(result.epochs.map(\.trainLoss) == [2])
        #expect(trainer.learningRates.count == 3)
    }

    @Test func earlyStoppingKeepsTheBestAndRestoresIt() throws {
        // Validation 3, 2, 2.5, 2.75: epochs 1 and 2 improve (kept twice), 3 and 4 do not; with
        // patience 2 the run stops after epoch 4 and puts back epoch 2.
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 10), validationLosses: [3, 2, 2.5, 2.75, 1], batchesPerEpoch: 2)
        let loop = TrainingLoop(configuration: Self.configuration(epochs: 5, earlyStopping: EarlyStopping(metric: .loss, patience: 2)))
        let result = try loop.run(&trainer)
        #expect(result.stopReason == .earlyStopped)
        #expect(result.epochs.count == 4)
        #expect(result.bestEpoch == 2 && result.restoredEpoch == 2)
        #expect(trainer.keptCount == 2 && trainer.restoredCount == 1)
        #expect(trainer.learningRates.count == 8)

        // Without restoring, nothing is kept or put back; the stop is the same.
        var plain = ScriptedTrainer(losses: Array(repeating: 1, count: 10), validationLosses: [3, 2, 2.5, 2.75, 1], batchesPerEpoch: 2)
        let noRestore = EarlyStopping(metric: .loss, patience: 2, restoresBestWeights: false)
        let unrestored = try TrainingLoop(configuration: Self.configuration(epochs: 5, earlyStopping: noRestore)).run(&plain)
        #expect(unrestored.stopReason == .earlyStopped && unrestored.epochs.count == 4)
        #expect(unrestored.bestEpoch == 2 && unrestored.restoredEpoch == nil)
        #expect(plain.keptCount == 0 && plain.restoredCount == 0)
    }

    @Test func earlyStoppingWithTheBestEpochLastRestoresNothing() throws {
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 6), validationLosses: [3, 2, 1], batchesPerEpoch: 2)
        let loop = TrainingLoop(configuration: Self.configuration(epochs: 3, earlyStopping: EarlyStopping(metric: .loss, patience: 2)))
        let result = try loop.run(&trainer)
        #expect(result.stopReason == .completed)
        #expect(result.bestEpoch == 3 && result.restoredEpoch == nil)
        #expect(trainer.keptCount == 3 && trainer.restoredCount == 0)
    }

    @Test func earlyStoppingNeedsMoreThanTheMinimumDelta() throws {
        // minimumDelta 0.5: 2.9 and 2.8 are not below 3 - 0.5, so epochs 2 and 3 stall: stop
        // after epoch 3, back to epoch 1.
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 8), validationLosses: [3, 2.9, 2.8, 1], batchesPerEpoch: 2)
        let early = EarlyStopping(metric: .loss, patience: 2, minimumDelta: 0.5)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 4, earlyStopping: early)).run(&trainer)
        #expect(result.stopReason == .earlyStopped && result.epochs.count == 3)
        #expect(result.bestEpoch == 1 && result.restoredEpoch == 1)
        #expect(trainer.keptCount == 1 && trainer.restoredCount == 1)
    }

    @Test func anEpochScheduleSetsTheRateOfEveryBatch() throws {
        // StepLR(step_size=1, gamma=0.5) from 0.4: 0.4, 0.2, 0.1 per epoch, two batches each.
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 6), batchesPerEpoch: 2)
        let scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "step:size=1,gamma=0.5"), initialLearningRate: 0.4)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 3, learningRate: 0.4), schedule: scheduler).run(&trainer)
        let expected = [0.4, 0.4, 0.2, 0.2, 0.1, 0.1]
        #expect(zip(trainer.learningRates, expected).allSatisfy { Self.close($0, $1) } && trainer.learningRates.count == 6,
                "\(trainer.learningRates)")
        #expect(result.epochs.count == 3 && zip(result.epochs.map(\.learningRate), [0.4, 0.2, 0.1]).allSatisfy { Self.close($0, $1) })
        #expect(trainer.momenta == Array(repeating: nil, count: 6))
    }

    @Test func aBatchScheduleSetsTheRateAndMomentumOfEachBatch() throws {
        // CLR triangular, base 0.001, max 0.1, step size 2 (Smith 2017): cycle = floor(1 + t / 4),
        // x = |t / 2 - 2 cycle + 1|, rate = base + (max - base) max(0, 1 - x); momentum cycled
        // the other way between 0.9 and 0.8 (PyTorch's defaults).
        func rate(_ t: Int) -> Double {
            let cycle = (1 + Double(t) / 4).rounded(.down)
            let x = abs(Double(t) / 2 - 2 * cycle + 1)
            return 0.001 + (0.1 - 0.001) * max(0, 1 - x)
        }
        func momentum(_ t: Int) -> Double {
            let cycle = (1 + Double(t) / 4).rounded(.down)
            let x = abs(Double(t) / 2 - 2 * cycle + 1)
            return 0.9 - (0.9 - 0.8) * max(0, 1 - x)
        }
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 6), batchesPerEpoch: 3, defaultMomentum: 0.95)
        let spec = try ScheduleSpec(parsing: "cyclic:base=0.001,max=0.1,step-up=2")
        let scheduler = try Scheduler(spec: spec, initialLearningRate: 0.001, initialMomentum: 0.95)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 2, learningRate: 0.001), schedule: scheduler).run(&trainer)
        #expect(trainer.learningRates.count == 6 && trainer.momenta.count == 6)
        for t in 0..<6 {
            #expect(Self.close(trainer.learningRates[t], rate(t)), "rate of batch \(t): \(trainer.learningRates[t]) for \(rate(t))")
            let passed = try #require(trainer.momenta[t], "momentum of batch \(t)")
            #expect(Self.close(passed, momentum(t)), "momentum of batch \(t): \(passed) for \(momentum(t))")
        }
        // Each epoch reports its last batch's rate and momentum: t = 2 and t = 5.
        let first = try #require(result.epochs.first?.momentum), second = try #require(result.epochs.last?.momentum)
        #expect(result.epochs.count == 2)
        #expect(Self.close(result.epochs[0].learningRate, 0.1) && Self.close(first, 0.8))
        #expect(Self.close(result.epochs[1].learningRate, 0.0505) && Self.close(second, 0.85))
    }

    @Test func aPlateauScheduleWatchesTheScriptedValidationLoss() throws {
        // ReduceLROnPlateau(patience=0, factor=0.5): 1 (best), 1 (not better: halve), 0.5 (best),
        // 0.6 (not better: halve, for an epoch 5 that does not come). Rates 0.4, 0.4, 0.2, 0.2.
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 4), validationLosses: [1, 1, 0.5, 0.6], batchesPerEpoch: 1)
        let scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "plateau:patience=0,factor=0.5"), initialLearningRate: 0.4)
        let result = try TrainingLoop(configuration: Self.configuration(epochs: 4, learningRate: 0.4), schedule: scheduler).run(&trainer)
        #expect(result.epochs.count == 4 && zip(result.epochs.map(\.learningRate), [0.4, 0.4, 0.2, 0.2]).allSatisfy { Self.close($0, $1) },
                "\(result.epochs.map(\.learningRate))")
        #expect(trainer.learningRates.count == 4 && zip(trainer.learningRates, [0.4, 0.4, 0.2, 0.2]).allSatisfy { Self.close($0, $1) })
    }
}
