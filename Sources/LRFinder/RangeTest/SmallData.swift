import Foundation

/// How a range test and its hand-off are sized when the training split is small: enough steps for
/// a curve, a batch no larger than the split, a training run long enough to mean something.
///
/// A fixed number of epochs gives a 178-row file 5 epochs of 2 batches, 10 steps over 11 decades,
/// too few to see the loss fall; fastai's range test takes `num_it = 100` steps, cycling through
/// the data as often as that needs.
public enum SmallData {
    /// The epochs of the default range test, as the PyImageSearch finder.
    public static let defaultEpochs = 5
    /// The fewest steps of the default range test (fastai's `num_it`).
    public static let defaultMinimumSteps = 100
    /// Below this many steps a range test's curve is coarse.
    public static let coarseStepCount = 50
    /// The fewest epochs of a hand-off training run when none are given.
    public static let defaultTrainingEpochs = 10
    /// The fewest updates of a hand-off training run when no epochs are given.
    public static let defaultMinimumTrainingUpdates = 300

    /// The range test's length when neither epochs nor steps are given: ``defaultEpochs`` epochs or
    /// ``defaultMinimumSteps`` steps, whichever is more steps (the epochs when they tie).
    public static func defaultLength(batchesPerEpoch: Int, batchesPerStep: Int = 1) -> RangeTestLength {
        let (batches, overflow) = defaultEpochs.multipliedReportingOverflow(by: batchesPerEpoch)
        return overflow || batches / Swift.max(1, batchesPerStep) >= defaultMinimumSteps ? .epochs(defaultEpochs) : .steps(defaultMinimumSteps)
    }

    /// What the default length is, for the first line of the output: `100 steps, 50 epochs of 2
    /// batches (the default: 5 epochs or 100 steps, whichever is more)`.
    public static func lengthDescription(steps: Int, batchesPerEpoch: Int, batchesPerStep: Int = 1) -> String {
        let epochs = Double(steps * batchesPerStep) / Double(Swift.max(1, batchesPerEpoch))
        let shown = epochs == epochs.rounded() ? String(Int(epochs)) : String(format: "%.1f", epochs)
        return "\(steps) steps, \(shown) epochs of \(batchesPerEpoch) batch\(batchesPerEpoch == 1 ? "" : "es")"
            + " (the default: \(defaultEpochs) epochs or \(defaultMinimumSteps) steps, whichever is more)"
    }

    /// The note for a test of `steps` steps when it is fewer than ``coarseStepCount``; nil otherwise.
    public static func coarseNote(steps: Int) -> String? {
        guard steps < coarseStepCount else { return nil }
        return "the range test has \(steps) steps (fewer than \(coarseStepCount)): the curve will be coarse and its points rough; more steps (--steps \(defaultMinimumSteps)) give a finer one"
    }

    /// `batchSize`, or the training split's size when it is larger (one full batch per epoch).
    public static func clampedBatchSize(_ batchSize: Int, trainingCount: Int) -> Int {
        Swift.max(1, Swift.min(batchSize, trainingCount))
    }

    /// The note for a `given` batch size that ``clampedBatchSize(_:trainingCount:)`` shrinks, naming
    /// `option`; nil when it fits.
    public static func batchSizeNote(given: Int, trainingCount: Int, option: String = "--batch-size") -> String? {
        let clamped = clampedBatchSize(given, trainingCount: trainingCount)
        guard clamped < given else { return nil }
        return "\(option) \(given) is larger than the \(trainingCount) training samples: batches of \(clamped)"
    }

    /// The epochs of a hand-off run when none are given: ``defaultTrainingEpochs``, or enough
    /// epochs for ``defaultMinimumTrainingUpdates`` updates, whichever is more.
    public static func defaultTrainingEpochs(batchesPerEpoch: Int) -> Int {
        let batches = Swift.max(1, batchesPerEpoch)
        return Swift.max(defaultTrainingEpochs, (defaultMinimumTrainingUpdates + batches - 1) / batches)
    }

}
