/// Where a training run is, reported after every batch.
public struct TrainingProgress: Sendable {
    /// Current epoch, from 1.
    public var epoch: Int
    /// Updates done so far, over all epochs.
    public var update: Int
    /// Updates planned in all.
    public var totalUpdates: Int
    /// The last batch's loss.
    public var loss: Float
}

/// Why a training run ended.
public enum StopReason: String, Sendable, Codable {
    /// Every planned epoch ran.
    case completed
    /// Early stopping fired.
    case earlyStopped = "early-stopped"
    /// A batch loss was NaN or infinite.
    case nonFiniteLoss = "non-finite-loss"
    /// The caller asked to stop (Ctrl-C).
    case interrupted
    /// The schedule gave a rate training cannot use (negative, NaN, infinite, beyond Float:
    /// ``LearningRateLimits/problem(withScheduledRate:)``); the update was not made.
    case unusableLearningRate = "unusable-learning-rate"
}

/// The update a run stopped at, for a non-finite loss or an unusable scheduled rate.
public struct StoppingUpdate: Equatable, Sendable, Codable {
    /// Its epoch, from 1.
    public var epoch: Int
    /// Its batch within the epoch, from 1.
    public var batch: Int
    /// The learning rate it trained at (non-finite loss) or was given (unusable rate).
    public var learningRate: Double
}

/// What one epoch did.
public struct EpochSummary: Equatable, Sendable, Codable {
    /// Epoch number, from 1.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (weighted by batch size).
    public var trainLoss: Double
    /// Training accuracy over the epoch's batches (as the weights moved); nil for regression.
    public var trainAccuracy: Double?
    /// Validation loss after the epoch; nil without a validation split.
    public var validationLoss: Double?
    /// Validation accuracy after the epoch; nil without a validation split or for regression.
    public var validationAccuracy: Double?
    /// Learning rate in use (the last update's, when a schedule moves it).
    public var learningRate: Double
    /// Momentum or beta1 in use, when the optimizer has one.
    public var momentum: Double?
    /// Wall time of the epoch's updates (without evaluation).
    public var seconds: Double
    /// False when the epoch was cut short (interrupt or non-finite loss).
    public var complete: Bool
    /// Validation R-squared after the epoch (``RegressionReport/rSquared``); nil without a
    /// validation split or for classification.
    public var validationRSquared: Double? = nil
}

/// The outcome of a training run.
public struct TrainingResult: Equatable, Sendable, Codable {
    /// One record per epoch run.
    public var epochs: [EpochSummary]
    /// Why it ended.
    public var stopReason: StopReason
    /// The epoch with the best monitored metric (with early stopping).
    public var bestEpoch: Int?
    /// The epoch whose weights were restored at the end, if not the last.
    public var restoredEpoch: Int?
    /// Test loss and accuracy with the final weights.
    public var test: Evaluation?
    /// Wall time of all updates.
    public var trainingSeconds: Double
    /// Training throughput: samples per second of forward, loss, backward and update.
    public var samplesPerSecond: Double
    /// Where a run stopped for a non-finite loss or an unusable scheduled rate, with the rate
    /// in use there (which, under a schedule, is not the configured one); nil otherwise.
    public var stoppingUpdate: StoppingUpdate?
    /// Wall time of the per-epoch validation passes (the test pass left out); nil in records
    /// written before it was kept.
    public var validationSeconds: Double? = nil
}
