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
    /// The feature scaling applied.
    public var scaling: ScalingMethod

    /// The summary of `data`.
    public init(_ data: PreparedData) {
        name = data.name
        split = data.splitCounts
        shape = data.shape
        task = data.task
        classCount = data.classCount
        scaling = data.scaling
    }
}

/// A training run's record: its recipe, identity, lrfind version, data and result. Decodes back.
public struct TrainingRecord: Equatable, Codable, Sendable {
    /// What was run.
    public var recipe: TrainingRecipe
    /// ``RecipeIdentity/identifier(of:dataDigest:)`` of the recipe.
    public var identifier: String
    /// The lrfind version that ran it.
    public var lrfindVersion: String
    /// The data as prepared.
    public var data: DataSummary
    /// What the run reached.
    public var result: TrainingResult

    /// A record from its parts.
    public init(recipe: TrainingRecipe, identifier: String, lrfindVersion: String = RecipeIdentity.lrfindVersion,
                data: DataSummary, result: TrainingResult) {
        self.recipe = recipe
        self.identifier = identifier
        self.lrfindVersion = lrfindVersion
        self.data = data
        self.result = result
    }
}

/// A range test's record: recipe, identity, version, data, every run, the analysis of the curve
/// read (the single run or the runs' mean), the ensemble and the hand-off runs. Decodes back.
public struct RangeTestRecord: Equatable, Codable, Sendable {
    /// What was run.
    public var recipe: RangeTestRecipe
    /// ``RecipeIdentity/identifier(of:dataDigest:)`` of the recipe.
    public var identifier: String
    /// The lrfind version that ran it.
    public var lrfindVersion: String
    /// The data as prepared.
    public var data: DataSummary
    /// Every run, in seed order.
    public var runs: [RangeTestResult]
    /// Points, suggestions and bounds of the curve read.
    public var analysis: RangeTestAnalysis
    /// The spread across runs (with more than one).
    public var ensemble: RangeTestEnsemble?
    /// The training runs the bounds were handed to.
    public var training: [HandOffRun]

    /// A record from its parts.
    public init(recipe: RangeTestRecipe, identifier: String, lrfindVersion: String = RecipeIdentity.lrfindVersion,
                data: DataSummary, runs: [RangeTestResult], analysis: RangeTestAnalysis, ensemble: RangeTestEnsemble?,
                training: [HandOffRun]) {
        self.recipe = recipe
        self.identifier = identifier
        self.lrfindVersion = lrfindVersion
        self.data = data
        self.runs = runs
        self.analysis = analysis
        self.ensemble = ensemble
        self.training = training
    }
}
