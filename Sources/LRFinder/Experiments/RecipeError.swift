/// A setting of a recipe, named as the command line and as the recipe's JSON name it.
public enum RecipeSetting: String, CaseIterable, Sendable {
    /// The data file or its digest.
    case data
    /// The IDX labels file.
    case labels
    /// The CSV column of the label.
    case labelColumn
    /// Columns named by header.
    case header
    /// The most classes allowed.
    case maximumClassCount
    /// The seed of the split.
    case splitSeed
    /// The weights file the model starts from.
    case initialWeights
    /// The model spec.
    case model
    /// The declared input shape.
    case shape
    /// The optimizer and its settings.
    case optimizer
    /// The training run's learning rate.
    case learningRate
    /// The training run's epochs.
    case epochs
    /// Samples per batch.
    case batchSize
    /// The seed of weights, batch order and dropout.
    case seed
    /// The gradient clipping rule.
    case clipping
    /// The loss.
    case loss
    /// Classification or regression.
    case task
    /// The learning-rate schedule.
    case schedule
    /// The validation metric watched.
    case monitor
    /// Early stopping's patience.
    case earlyStopping
    /// The range test's first rate.
    case minimumLearningRate
    /// The range test's last rate.
    case maximumLearningRate
    /// The range test's length in epochs.
    case rangeTestEpochs
    /// The range test's length in steps.
    case rangeTestSteps
    /// Batches averaged per range-test step.
    case batchesPerStep
    /// The most validation rungs of a range test.
    case validationRungs
    /// The moving average's beta.
    case smoothingBeta
    /// The divergence factor of the stop and of the lag-free curve.
    case divergenceFactor
    /// The lag-free smoother's bandwidth.
    case bandwidth
    /// What the range test records.
    case metric
    /// Repetitions of the range test.
    case runs
    /// Epochs of the hand-off's training runs.
    case handOffEpochs

    /// The command-line option that sets it.
    public var option: String {
        switch self {
        case .data: "--data"
        case .labels: "--labels"
        case .labelColumn: "--label-column"
        case .header: "--header"
        case .maximumClassCount: "--max-classes"
        case .splitSeed: "--split-seed"
        case .initialWeights: "--init-from"
        case .model: "--model"
        case .shape: "--shape"
        case .optimizer: "--optimizer"
        case .learningRate: "--lr"
        case .epochs, .rangeTestEpochs: "--epochs"
        case .batchSize: "--batch-size"
        case .seed: "--seed"
        case .clipping: "--clip"
        case .loss: "--loss"
        case .task: "--task"
        case .schedule: "--schedule"
        case .monitor: "--monitor"
        case .earlyStopping: "--early-stop"
        case .minimumLearningRate: "--min"
        case .maximumLearningRate: "--max"
        case .rangeTestSteps: "--steps"
        case .batchesPerStep: "--batches-per-step"
        case .validationRungs: "--validation-rungs"
        case .smoothingBeta: "--beta"
        case .divergenceFactor: "--stop-factor"
        case .bandwidth: "bandwidth"
        case .metric: "--metric"
        case .runs: "--runs"
        case .handOffEpochs: "--train-epochs"
        }
    }

    /// Its path in a recipe or record file.
    public var field: String {
        switch self {
        case .data: "inputs.data"
        case .labels: "inputs.labels"
        case .labelColumn: "data.labelColumn"
        case .header: "data.header"
        case .maximumClassCount: "inputs.maximumClassCount"
        case .splitSeed: "data.splitSeed"
        case .initialWeights: "inputs.initialWeights"
        case .model: "model.spec"
        case .shape: "model.inputShape"
        case .optimizer: "optimizer"
        case .learningRate: "training.learningRate"
        case .epochs: "training.epochs"
        case .batchSize: "trainer.batchSize"
        case .seed: "trainer.seed"
        case .clipping: "trainer.clipping"
        case .loss: "trainer.loss"
        case .task: "data.task"
        case .schedule: "schedule"
        case .monitor: "training.monitor"
        case .earlyStopping: "training.earlyStopping.patience"
        case .minimumLearningRate: "rangeTest.minimumLearningRate"
        case .maximumLearningRate: "rangeTest.maximumLearningRate"
        case .rangeTestEpochs: "rangeTest.length.epochs"
        case .rangeTestSteps: "rangeTest.length.steps"
        case .batchesPerStep: "rangeTest.batchesPerStep"
        case .validationRungs: "rangeTest.validationRungs"
        case .smoothingBeta: "rangeTest.smoothingBeta"
        case .divergenceFactor: "rangeTest.divergenceFactor"
        case .bandwidth: "analysis.bandwidth"
        case .metric: "rangeTest.metric"
        case .runs: "runs"
        case .handOffEpochs: "handOff.epochs"
        }
    }
}

/// A recipe that cannot run as written: the setting, its value and why, in one line. The commands
/// word it with the option (`--metric val-loss: needs a non-empty validation split`), `lrfind run`
/// with the recipe's field (``fieldDescription``).
public struct RecipeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The setting at fault.
    public var setting: RecipeSetting
    /// Its value as text, when one helps.
    public var value: String?
    /// What is wrong, and what is allowed.
    public var reason: String
    /// Whether ``reason`` is a requirement the value misses (`must be >= 1`), worded after the
    /// setting with the value last.
    public var isRequirement: Bool

    /// An error on `setting`: its `value` cannot run, for `reason`.
    public init(setting: RecipeSetting, value: String? = nil, reason: String) {
        self.setting = setting
        self.value = value
        self.reason = reason
        isRequirement = false
    }

    /// A `value` of `setting` that misses `requirement` (`must be >= 1`).
    public static func requirement(_ setting: RecipeSetting, _ requirement: String, got value: some CustomStringConvertible) -> RecipeError {
        var error = RecipeError(setting: setting, value: value.description, reason: requirement)
        error.isRequirement = true
        return error
    }

    /// `--option must be ..., got value`, or `--option value: reason`.
    public var description: String { text(naming: setting.option, quoted: false) }

    /// `field must be ..., got value`, or `field 'value': reason`.
    public var fieldDescription: String { text(naming: setting.field, quoted: true) }

    private func text(naming name: String, quoted: Bool) -> String {
        if isRequirement { return "\(name) \(reason), got \(value ?? "")" }
        return "\(name)\(value.map { quoted ? " '\($0)'" : " \($0)" } ?? ""): \(reason)"
    }
}

/// What a running recipe reports, in order: notes, the start (data and network as built), each
/// range-test step, each training run's start, updates and epochs.
public enum RunEvent {
    /// A note for the user (a clamped batch size, a coarse test, how columns were encoded).
    case note(String)
    /// The data is prepared and the first network built.
    case started(RunStart)
    /// Range-test run `run` (from 0) recorded a step.
    case rangeTestStep(run: Int, RangeTestProgress)
    /// A training run begins: its name (`train` for a training recipe; `cyclic`, `onecycle` or
    /// `constant` after a range test) and its updates.
    case trainingStarted(name: String, updates: Int)
    /// An update of the current training run.
    case trainingUpdate(TrainingProgress)
    /// An epoch of the current training run ended.
    case epochEnded(EpochSummary)
}

/// The run as built, before its first update.
public struct RunStart {
    /// The splits.
    public var data: PreparedData
    /// The first network (run 1's).
    public var network: Network
    /// The optimizer as built.
    public var optimizer: any Optimizer
    /// Samples per batch (clamped to the training split).
    public var batchSize: Int
    /// Batches in one epoch.
    public var batchesPerEpoch: Int
    /// Range-test steps of one run, or updates of the training run.
    public var plannedSteps: Int
    /// The checkpoint the weights came from, if any.
    public var checkpoint: Checkpoint?
}

/// Passes a run's events to a handler that may throw: the first error stops the run after the
/// current batch (``stops(_:)``) and is rethrown when the run ends (``rethrow()``).
final class EventRelay {
    private let handler: (RunEvent) throws -> Void
    private var error: (any Error)?

    /// A relay to `handler`.
    init(_ handler: @escaping (RunEvent) throws -> Void) { self.handler = handler }

    /// Sends `event`, keeping the handler's error.
    func send(_ event: RunEvent) {
        guard error == nil else { return }
        do { try handler(event) } catch { self.error = error }
    }

    /// Whether the run should stop: the handler failed or `shouldStop` says so.
    func stops(_ shouldStop: () -> Bool) -> Bool { error != nil || shouldStop() }

    /// Throws the handler's error, if any.
    func rethrow() throws { if let error { throw error } }
}
