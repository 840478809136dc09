/// The settings of the epoch loop (``TrainingLoop``): how long, at what rate, and when to stop
/// early. What a batch is (size, order, clipping, loss) belongs to the trainer (``TrainerSettings``).
public struct TrainingConfiguration: Equatable, Codable, Sendable {
    /// Passes over the training split.
    public var epochs: Int = 10
    /// Learning rate of every update, as given (a schedule, when given, starts from it); it
    /// becomes a Float only inside the optimizer's update.
    public var learningRate: Double = 1e-3
    /// Stops when the monitored validation metric stalls; nil trains every epoch.
    public var earlyStopping: EarlyStopping?
    /// The validation metric ReduceLROnPlateau watches in `max` mode when it is one where
    /// higher is better (``ValidationMetric/higherIsBetter``); nil, or `val-loss`, watches the
    /// accuracy. `min` mode always watches the validation loss.
    public var monitor: ValidationMetric?

    /// The default settings: 10 epochs, rate 1e-3, no early stopping.
    public init() {}
}

/// A validation metric watched by early stopping and ReduceLROnPlateau.
public enum ValidationMetric: String, CaseIterable, Sendable, Codable {
    /// Mean validation loss (cross-entropy, or MSE / Huber on the standardised target); lower is better.
    case loss = "val-loss"
    /// Validation accuracy (scikit-learn's `accuracy_score`); higher is better.
    case accuracy = "val-accuracy"
    /// Validation balanced accuracy, the mean recall over the classes the split has
    /// (scikit-learn's `balanced_accuracy_score`, ``ClassificationReport/balancedAccuracy``); higher is better.
    case balancedAccuracy = "val-balanced-accuracy"
    /// Validation macro F1, the unweighted mean of the per-class F1 scores (scikit-learn's
    /// `f1_score(average="macro", zero_division=0)`, ``ClassificationReport/macroF1``); higher is better.
    case macroF1 = "val-macro-f1"
    /// Validation R-squared in the target's units (scikit-learn's `r2_score`,
    /// ``RegressionReport/rSquared``); regression only; higher is better.
    case rSquared = "val-r2"

    /// Whether a larger value is an improvement (every metric but the loss).
    public var higherIsBetter: Bool { self != .loss }

    /// The metric's value in `evaluation`; minus the loss for a score that regression has no
    /// value of, so that higher stays better.
    public func value(in evaluation: Evaluation) -> Double {
        switch self {
        case .loss: evaluation.loss
        case .accuracy: evaluation.accuracy ?? -evaluation.loss
        case .balancedAccuracy: evaluation.report?.balancedAccuracy ?? -evaluation.loss
        case .macroF1: evaluation.report?.macroF1 ?? -evaluation.loss
        case .rSquared: evaluation.regression?.rSquared ?? -evaluation.loss
        }
    }

    /// Whether the metric has a value for `task` (the loss for both; accuracy-like scores for
    /// classification, R-squared for regression).
    public func applies(to task: Task) -> Bool {
        switch self {
        case .loss: true
        case .rSquared: task == .regression
        case .accuracy, .balancedAccuracy, .macroF1: task == .classification
        }
    }

    /// Whether `value` beats `best` by more than `minimumDelta`.
    public func improves(_ value: Double, on best: Double, minimumDelta: Double) -> Bool {
        higherIsBetter ? value > best + minimumDelta : value < best - minimumDelta
    }
}

/// Early stopping on a validation metric, as Keras' `EarlyStopping(restore_best_weights=True)`:
/// stop after `patience` consecutive epochs without an improvement larger than `minimumDelta`,
/// then put back the weights of the best epoch.
public struct EarlyStopping: Equatable, Codable, Sendable {
    /// What to watch.
    public var metric: ValidationMetric
    /// Epochs without improvement tolerated before stopping (at least 1).
    public var patience: Int
    /// The smallest change that counts as an improvement.
    public var minimumDelta: Double
    /// Whether the best epoch's weights are restored at the end.
    public var restoresBestWeights: Bool

    /// Early stopping on `metric` after `patience` stalled epochs.
    public init(metric: ValidationMetric = .loss, patience: Int = 5, minimumDelta: Double = 0, restoresBestWeights: Bool = true) {
        self.metric = metric
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.restoresBestWeights = restoresBestWeights
    }
}

extension TrainingConfiguration {
    /// Updates in `epochs` epochs of `batchesPerEpoch` batches.
    /// - Throws: ``TrainingSizeError`` when the count does not fit a 64-bit integer.
    public static func updateCount(epochs: Int, batchesPerEpoch: Int) throws -> Int {
        let (count, overflow) = epochs.multipliedReportingOverflow(by: batchesPerEpoch)
        guard !overflow else {
            throw TrainingSizeError(description: "\(epochs) epochs of \(batchesPerEpoch) batches are more updates than a 64-bit count holds")
        }
        return count
    }
}

/// A run too long to count.
public struct TrainingSizeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line naming the sizes.
    public var description: String
}
