/// A setting of a recipe, named as the command line and as the recipe's JSON name it.
public enum RecipeSetting: String, CaseIterable, Sendable {
    /// The data file or its digest.
    case data
    /// The IDX labels file.
    case labels
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
    /// The loss.
    case loss
    /// Classification or regression.
    case task
    /// The learning-rate schedule.
    case schedule
    /// The validation metric watched.
    case monitor
    /// Early stopping.
    case earlyStopping
    /// The range test's sweep.
    case rangeTest
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
        case .initialWeights: "--init-from"
        case .model: "--model"
        case .shape: "--shape"
        case .optimizer: "--optimizer"
        case .learningRate: "--lr"
        case .epochs: "--epochs"
        case .batchSize: "--batch-size"
        case .seed: "--seed"
        case .loss: "--loss"
        case .task: "--task"
        case .schedule: "--schedule"
        case .monitor: "--monitor"
        case .earlyStopping: "--early-stop"
        case .rangeTest: "range test"
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
        case .initialWeights: "inputs.initialWeights"
        case .model: "model.spec"
        case .shape: "model.inputShape"
        case .optimizer: "optimizer"
        case .learningRate: "training.learningRate"
        case .epochs: "training.epochs"
        case .batchSize: "trainer.batchSize"
        case .seed: "trainer.seed"
        case .loss: "trainer.loss"
        case .task: "data.task"
        case .schedule: "schedule"
        case .monitor: "training.monitor"
        case .earlyStopping: "training.earlyStopping"
        case .rangeTest: "rangeTest"
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

    /// An error on `setting`.
    public init(setting: RecipeSetting, value: String? = nil, reason: String) {
        self.setting = setting
        self.value = value
        self.reason = reason
    }

    /// `--option value: reason`.
    public var description: String { "\(setting.option)\(value.map { " \($0)" } ?? ""): \(reason)" }

    /// `field 'value': reason`.
    public var fieldDescription: String { "\(setting.field)\(value.map { " '\($0)'" } ?? ""): \(reason)" }
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
