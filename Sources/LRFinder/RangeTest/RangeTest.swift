import Foundation

/// A learning-rate range test: trains a copy of a model while the rate rises every step from a
/// tiny to a huge value, recording the loss (Smith 2017, arXiv:1506.01186, section 3.3; as
/// torch-lr-finder's `range_test` and fastai's `lr_find`).
public struct RangeTest: Sendable {
    /// How the test runs.
    public var settings: RangeTestSettings

    /// Validation rungs to score (0: none); ``ValidationRungs/count(maximum:steps:samplesPerStep:validationCount:)``.
    public var rungCount: Int

    /// A test with `settings`, scoring the validation split at `rungCount` rungs.
    public init(settings: RangeTestSettings = RangeTestSettings(), rungCount: Int = 0) {
        self.settings = settings
        self.rungCount = rungCount
    }

    /// Runs the test on `trainer`.
    ///
    /// A value trainer (``EmbeddedTrainer``) is copied in, so the caller's weights, optimizer
    /// state and random streams are untouched; a trainer that cannot be copied must be a fresh
    /// one. Step `i` trains `batchesPerStep` batches at rate `settings.learningRate(step: i, of: N)`
    /// and records the metric (their mean for the training loss) and its bias-corrected moving
    /// average; the test stops at divergence, at a non-finite value, or when `shouldStop` turns true.
    /// - Parameters:
    ///   - progress: called after every recorded step.
    ///   - shouldStop: polled before every batch (Ctrl-C); returns the steps so far as `.interrupted`.
    /// - Throws: ``RangeTestError`` for invalid settings, and whatever the trainer throws.
    public func run<T: Trainer>(
        _ trainer: T,
        progress: (RangeTestProgress) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> RangeTestResult {
        var trainer = trainer
        try settings.validate(batchesPerEpoch: trainer.batchesPerEpoch)
        let stepCount = settings.stepCount(batchesPerEpoch: trainer.batchesPerEpoch)
        var average = DebiasedMovingAverage(beta: settings.smoothingBeta)
        let rule = settings.divergenceRule
        var best = Double.infinity
        var steps: [RangeTestStep] = []
        var rungs: [ValidationRung] = []
        let rungSteps = ValidationRungs.steps(count: rungCount, of: stepCount)
        var stopReason = RangeTestStopReason.completed
        let started = DispatchTime.now().uptimeNanoseconds

        run: for index in 0..<stepCount {
            let rate = settings.learningRate(step: index, of: stepCount)
            var lossSum = 0.0
            for _ in 0..<settings.batchesPerStep {
                if shouldStop() { stopReason = .interrupted; break run }
                lossSum += Double(try trainer.trainNextBatch(learningRate: rate, momentum: nil).loss)
            }
            let value: Double
            switch settings.metric {
            case .trainingLoss: value = lossSum / Double(settings.batchesPerStep)
            case .validationLoss, .validationAccuracy:
                guard let evaluation = try trainer.evaluate(.validation) else {
                    throw RangeTestError(description: "range test: metric \(settings.metric.rawValue) needs a non-empty validation split")
                }
                if settings.metric == .validationLoss {
                    value = evaluation.loss
                } else {
                    guard let accuracy = evaluation.accuracy else {
                        throw RangeTestError(description: "range test: metric val-accuracy needs class targets")
                    }
                    value = 1 - accuracy
                }
            }
            guard value.isFinite else { stopReason = .nonFiniteLoss; break }
            let smoothed = average.add(value)
            guard smoothed.isFinite else { stopReason = .nonFiniteLoss; break }
            steps.append(RangeTestStep(learningRate: rate, loss: value, smoothedLoss: smoothed))
            if rungSteps.contains(index + 1), let evaluation = try trainer.evaluate(.validation) {
                rungs.append(ValidationRung(step: index + 1, learningRate: rate, loss: evaluation.loss,
                                            metric: evaluation.accuracy ?? evaluation.regression?.rSquared))
            }
            progress(RangeTestProgress(step: index + 1, totalSteps: stepCount, learningRate: rate,
                                       loss: value, smoothedLoss: smoothed))
            if settings.stopsOnDivergence, steps.count > 1, rule.hasDiverged(smoothed, best: best) {
                stopReason = .diverged
                break
            }
            best = min(best, smoothed)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return RangeTestResult(steps: steps, plannedSteps: stepCount, stopReason: stopReason,
                               settings: settings, seconds: seconds, rungs: rungSteps.isEmpty ? nil : rungs)
    }

    /// Runs the test `count` times, run `k` on `makeTrainer(k)` (a fresh trainer, e.g. with seed
    /// `seed + k`), stopping early when a run is interrupted.
    public func runs<T: Trainer>(
        _ count: Int, makeTrainer: (Int) throws -> T,
        progress: (Int, RangeTestProgress) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> [RangeTestResult] {
        var results: [RangeTestResult] = []
        for run in 0..<count {
            let result = try self.run(try makeTrainer(run), progress: { progress(run, $0) }, shouldStop: shouldStop)
            results.append(result)
            if result.stopReason == .interrupted { break }
        }
        return results
    }
}

/// Where a range test is, reported after every step.
public struct RangeTestProgress: Equatable, Sendable {
    /// Steps recorded so far (from 1).
    public var step: Int
    /// Steps planned.
    public var totalSteps: Int
    /// This step's rate.
    public var learningRate: Double
    /// This step's metric.
    public var loss: Double
    /// The bias-corrected moving average so far.
    public var smoothedLoss: Double
}

/// Why a range test ended.
public enum RangeTestStopReason: String, Codable, Sendable {
    /// Every planned step ran.
    case completed
    /// The smoothed loss passed the divergence rule (the diverging step is recorded).
    case diverged
    /// A loss was NaN or infinite (that step is not recorded).
    case nonFiniteLoss = "non-finite-loss"
    /// The caller asked to stop (Ctrl-C).
    case interrupted
}

/// One step of a range test.
public struct RangeTestStep: Equatable, Codable, Sendable {
    /// The rate of the step's update(s).
    public var learningRate: Double
    /// The metric (mean over the step's batches for the training loss).
    public var loss: Double
    /// Its bias-corrected moving average (causal: lags behind the rate).
    public var smoothedLoss: Double

    /// A step at `learningRate` that recorded `loss`, averaged so far to `smoothedLoss`.
    public init(learningRate: Double, loss: Double, smoothedLoss: Double) {
        self.learningRate = learningRate
        self.loss = loss
        self.smoothedLoss = smoothedLoss
    }
}

/// What a range test recorded.
public struct RangeTestResult: Equatable, Codable, Sendable {
    /// Every recorded step, in order.
    public var steps: [RangeTestStep]
    /// Steps the full range would have taken (fastai's `num_it` for the suggestion rules).
    public var plannedSteps: Int
    /// Why it ended.
    public var stopReason: RangeTestStopReason
    /// The settings it ran with.
    public var settings: RangeTestSettings
    /// Wall time of the steps.
    public var seconds: Double
    /// The validation split's loss and metric at the rungs reached; nil when none were planned.
    public var rungs: [ValidationRung]?

    /// A result from its parts.
    public init(steps: [RangeTestStep], plannedSteps: Int, stopReason: RangeTestStopReason,
                settings: RangeTestSettings, seconds: Double, rungs: [ValidationRung]? = nil) {
        self.steps = steps
        self.plannedSteps = plannedSteps
        self.stopReason = stopReason
        self.settings = settings
        self.seconds = seconds
        self.rungs = rungs
    }

    /// The rate of every step.
    public var learningRates: [Double] { steps.map(\.learningRate) }
    /// The raw metric of every step.
    public var losses: [Double] { steps.map(\.loss) }
    /// The bias-corrected moving average of every step.
    public var smoothedLosses: [Double] { steps.map(\.smoothedLoss) }
}
