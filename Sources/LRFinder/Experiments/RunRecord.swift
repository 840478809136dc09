/// What a run was given to work on, as prepared.
public struct DataSummary: Equatable, Codable, Sendable {
    /// File path or bundled name.
    public var name: String
    /// Samples in the training, validation and test splits.
    public var split: [Int]
    /// The shape of one sample.
    public var shape: TensorShape
    /// Classification or regression.
    public var task: Task
    /// Classes (0 for regression).
    public var classCount: Int
    /// The label the data file gave each class, when the labels were not the class indices
    /// `0..<classCount` (``ClassLabels``); nil when class `i` is label `i`.
    public var classNames: [String]?
    /// The feature scaling applied.
    public var scaling: ScalingMethod
    /// The delimiter of the CSV file the data came from; nil for IDX and bundled data.
    public var delimiter: CSVDelimiter?
    /// The regression target's training mean and deviation (the network's outputs are in their
    /// units: `y = mean + deviation z`); nil for classification.
    public var targetStandardization: TargetStandardization?

    /// The summary of `data`.
    public init(_ data: PreparedData) {
        name = data.name
        split = data.splitCounts
        shape = data.shape
        task = data.task
        classCount = data.classCount
        classNames = data.train.hasRenamedClasses ? data.classNames : nil
        scaling = data.scaling
        delimiter = data.delimiter
        targetStandardization = data.targetStandardization
    }
}

/// The network a run trained, as compiled.
public struct ModelSummary: Equatable, Codable, Sendable {
    /// The whole stack, output layer included, in spec form.
    public var layers: String
    /// The shape of one input sample.
    public var inputShape: TensorShape
    /// Trainable values.
    public var parameterCount: Int
    /// The optimizer in one line, e.g. `AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)`.
    public var optimizer: String

    /// The summary of `network` trained with `optimizer`.
    public init(_ network: Network, optimizer: any Optimizer) {
        layers = ModelSpec(hidden: network.layers).description
        inputShape = network.inputShape
        parameterCount = network.parameterCount
        self.optimizer = optimizer.summary
    }
}

/// Where and how long a run ran: facts beside the recipe, not part of its identity.
public struct RunEnvironment: Equatable, Codable, Sendable {
    /// BLAS threads.
    public var threads: Int
    /// The OpenBLAS kernel family in use.
    public var blasKernels: String
    /// Wall time of the whole command, loading included.
    public var seconds: Double

    /// This process's BLAS settings and `seconds`.
    public init(seconds: Double) {
        threads = BLASRuntime.threadCount
        blasKernels = BLASRuntime.coreName
        self.seconds = seconds
    }
}

/// A training run's record: its recipe, identity, inputs, lrfind version, data and result. Decodes back.
public struct TrainingRecord: Equatable, Codable, Sendable {
    /// ``RunKind/training``.
    public var kind: RunKind
    /// ``RunFile/formatVersion``.
    public var formatVersion: Int
    /// What was run, without its paths (they are in ``inputs``; ``runnableRecipe`` has both).
    public var recipe: TrainingRecipe
    /// ``RecipeIdentity/identifier(of:)`` of the recipe; nil when the run was not asked to identify
    /// itself (the data's digest was not taken).
    public var identifier: String?
    /// Where its files were.
    public var inputs: RunInputs
    /// The lrfind version that ran it.
    public var lrfindVersion: String
    /// The data as prepared.
    public var data: DataSummary
    /// The network and optimizer as built.
    public var model: ModelSummary
    /// What the run reached.
    public var result: TrainingResult
    /// Threads, kernels and time.
    public var environment: RunEnvironment

    /// A record from its parts.
    public init(recipe: TrainingRecipe, identifier: String?, lrfindVersion: String = RecipeIdentity.lrfindVersion,
                data: DataSummary, model: ModelSummary, result: TrainingResult, environment: RunEnvironment) {
        (kind, formatVersion, self.identifier, self.lrfindVersion) = (.training, RunFile.formatVersion, identifier, lrfindVersion)
        (self.recipe, inputs) = (recipe.locating(RunInputs()), recipe.inputs)
        (self.data, self.model, self.result, self.environment) = (data, model, result, environment)
    }

    /// The recipe with its files where ``inputs`` says.
    public var runnableRecipe: TrainingRecipe { recipe.locating(inputs) }
}

/// A range test's record: recipe, identity, inputs, version, data, every run, the curve read (the
/// single run or the runs' mean) and its analysis, the ensemble and the hand-off runs. Decodes back.
public struct RangeTestRecord: Equatable, Codable, Sendable {
    /// ``RunKind/rangeTest``.
    public var kind: RunKind
    /// ``RunFile/formatVersion``.
    public var formatVersion: Int
    /// What was run, without its paths (they are in ``inputs``; ``runnableRecipe`` has both).
    public var recipe: RangeTestRecipe
    /// ``RecipeIdentity/identifier(of:)`` of the recipe; nil when the run was not asked to identify
    /// itself (the data's digest was not taken).
    public var identifier: String?
    /// Where its files were.
    public var inputs: RunInputs
    /// The lrfind version that ran it.
    public var lrfindVersion: String
    /// The data as prepared.
    public var data: DataSummary
    /// The network and optimizer as built (run 1's).
    public var model: ModelSummary
    /// Batches in one epoch of the training split (the CLR step size is counted in them).
    public var batchesPerEpoch: Int
    /// Every run, in seed order.
    public var runs: [RangeTestResult]
    /// The curve read: the single run, or the mean of the runs over their common steps.
    public var curve: RangeTestResult
    /// Points, suggestions and bounds of the curve read.
    public var analysis: RangeTestAnalysis
    /// The spread across runs (with more than one).
    public var ensemble: RangeTestEnsemble?
    /// The training runs the bounds were handed to.
    public var training: [HandOffRun]
    /// Threads, kernels and time.
    public var environment: RunEnvironment

    /// A record from its parts.
    public init(recipe: RangeTestRecipe, identifier: String?, lrfindVersion: String = RecipeIdentity.lrfindVersion,
                data: DataSummary, model: ModelSummary, batchesPerEpoch: Int, runs: [RangeTestResult], curve: RangeTestResult,
                analysis: RangeTestAnalysis, ensemble: RangeTestEnsemble?, training: [HandOffRun], environment: RunEnvironment) {
        (kind, formatVersion, self.identifier, self.lrfindVersion) = (.rangeTest, RunFile.formatVersion, identifier, lrfindVersion)
        (self.recipe, inputs) = (recipe.locating(RunInputs()), recipe.inputs)
        (self.data, self.model) = (data, model)
        self.batchesPerEpoch = batchesPerEpoch
        self.runs = runs
        self.curve = curve
        self.analysis = analysis
        self.ensemble = ensemble
        self.training = training
        self.environment = environment
    }

    /// The recipe with its files where ``inputs`` says.
    public var runnableRecipe: RangeTestRecipe { recipe.locating(inputs) }

    /// The seed of each run (`seed + k` for run k).
    public var runSeeds: [UInt64] { runs.indices.map { recipe.trainer.seed &+ UInt64($0) } }
}
