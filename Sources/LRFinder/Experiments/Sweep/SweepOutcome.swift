/// What a sweep keeps of one finished run, read from its ``TrainingRecord``.
///
/// The validation metric is the accuracy for classification and R-squared for regression (the
/// early-stopping monitor). The best epoch is the first complete epoch with the highest finite
/// value (as early stopping with no minimum delta counts improvements). The test metric is the
/// record's one test evaluation, made with the weights the run ended with: with early stopping
/// restoring the best weights those are the best epoch's (``TrainingResult/restoredEpoch``, or the
/// last epoch when it was the best), so it is the test metric at the best epoch; when the weights
/// tested are another epoch's (no restoring, a stop after a worse epoch), ``testAtBest`` is nil.
public struct SweepOutcome: Equatable, Codable, Sendable {
    /// The swept rate.
    public var rate: Double
    /// The trainer's seed.
    public var seed: UInt64
    /// The best validation metric; nil when no complete epoch was validated (a run that diverged
    /// in its first epoch).
    public var bestValidation: Double?
    /// The epoch of ``bestValidation``, from 1.
    public var bestEpoch: Int?
    /// The test metric at the best epoch; nil when the test split was scored with other weights
    /// (or there is none).
    public var testAtBest: Double?
    /// Epochs run, the last one counted even when cut short.
    public var epochsRun: Int
    /// Seconds of training plus per-epoch validation (``TrainingResult/trainingSeconds`` plus
    /// ``TrainingResult/validationSeconds``; training alone in records without the latter).
    public var seconds: Double
    /// Whether a training loss was NaN or infinite (``StopReason/nonFiniteLoss``).
    public var diverged: Bool

    /// The outcome of `run`, as `record` tells it.
    public init(run: SweepRun, record: TrainingRecord) {
        rate = run.rate
        seed = run.seed
        let result = record.result
        let task = record.data.task
        func metric(_ epoch: EpochSummary) -> Double? {
            task == .regression ? epoch.validationRSquared : epoch.validationAccuracy
        }
        // The first complete epoch with the highest finite metric.
        var best: (epoch: Int, value: Double)?
        for epoch in result.epochs where epoch.complete {
            guard let value = metric(epoch), value.isFinite else { continue }
            if best == nil || value > best!.value { best = (epoch.epoch, value) }
        }
        bestValidation = best?.value
        bestEpoch = best?.epoch
        // The test split was scored with the restored epoch's weights, else with the last epoch's.
        let testedEpoch = result.restoredEpoch ?? result.epochs.last.flatMap { $0.complete ? $0.epoch : nil }
        if let best, testedEpoch == best.epoch, let test = result.test {
            let value = task == .regression ? test.regression?.rSquared : test.accuracy
            testAtBest = value.flatMap { $0.isFinite ? $0 : nil }
        } else {
            testAtBest = nil
        }
        epochsRun = result.epochs.count
        seconds = result.trainingSeconds + (result.validationSeconds ?? 0)
        diverged = result.stopReason == .nonFiniteLoss
    }

    /// An outcome from its parts (for tests and hand-made summaries).
    public init(rate: Double, seed: UInt64, bestValidation: Double?, bestEpoch: Int?, testAtBest: Double?, epochsRun: Int,
                seconds: Double, diverged: Bool) {
        self.rate = rate
        self.seed = seed
        self.bestValidation = bestValidation
        self.bestEpoch = bestEpoch
        self.testAtBest = testAtBest
        self.epochsRun = epochsRun
        self.seconds = seconds
        self.diverged = diverged
    }
}
