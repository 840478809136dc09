/// The settings of a training run.
public struct TrainingConfiguration: Equatable, Codable, Sendable {
    /// Passes over the training split.
    public var epochs: Int = 10
    /// Samples per update; the last batch of an epoch may be smaller (PyTorch's `drop_last=False`).
    public var batchSize: Int = 64
    /// Learning rate of every update (a schedule, when given, overrides it).
    public var learningRate: Float = 1e-3
    /// Gradient clipping applied before each update.
    public var clipping: GradientClipping = .none
    /// Stops when the monitored validation metric stalls; nil trains every epoch.
    public var earlyStopping: EarlyStopping?
    /// Seed of the batch order and dropout streams.
    public var seed: UInt64 = 0

    /// The default settings: 10 epochs, batch 64, rate 1e-3, no clipping, no early stopping, seed 0.
    public init() {}
}

/// A validation metric watched by early stopping.
public enum ValidationMetric: String, CaseIterable, Sendable, Codable {
    /// Mean validation cross-entropy; lower is better.
    case loss = "val-loss"
    /// Validation accuracy; higher is better.
    case accuracy = "val-accuracy"

    /// Whether `value` beats `best` by more than `minimumDelta`.
    public func improves(_ value: Double, on best: Double, minimumDelta: Double) -> Bool {
        switch self {
        case .loss: return value < best - minimumDelta
        case .accuracy: return value > best + minimumDelta
        }
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
