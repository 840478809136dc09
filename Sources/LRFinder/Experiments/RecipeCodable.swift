import Foundation

// The recipes' JSON, which is also their identity (``RecipeIdentity``): every field under its
// property name, left out at its default, unknown fields refused (Support/RecipeCoding.swift).
// Paths and the class-count guard are not in it: a record keeps them beside (``RunInputs``).

extension DataRecipe: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case bundled, digest, labelColumn, header, delimiter, ignoredColumns, missing, categorical, keepsIndexColumn, scaling, split, splitSeed, task
    }

    /// Decodes the data's identity and preparation; without `bundled` the data is a file named
    /// by `digest`, whose path comes from ``RunInputs``.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "data")
        let container = try decoder.container(keyedBy: Keys.self)
        self.init()
        bundled = try container.decodeIfPresent(BundledDataset.self, forKey: .bundled)
        digest = try container.decodeIfPresent(String.self, forKey: .digest)
        labelColumn = try container.decode(LabelColumn.self, forKey: .labelColumn, default: .last)
        header = try container.decode(HeaderMode.self, forKey: .header, default: .auto)
        delimiter = try container.decodeIfPresent(CSVDelimiter.self, forKey: .delimiter)
        ignoredColumns = try container.decodeIfPresent([CSVColumn].self, forKey: .ignoredColumns)
        missing = try container.decodeIfPresent(MissingValues.self, forKey: .missing)
        categorical = try container.decodeIfPresent(CategoricalColumns.self, forKey: .categorical)
        keepsIndexColumn = try container.decode(Bool.self, forKey: .keepsIndexColumn, default: false)
        scaling = try container.decodeIfPresent(ScalingMethod.self, forKey: .scaling)
        split = try container.decodeIfPresent(SplitSizes.self, forKey: .split)
        splitSeed = try container.decode(UInt64.self, forKey: .splitSeed, default: 0)
        task = try container.decodeIfPresent(Task.self, forKey: .task)
    }

    /// Encodes the identity (`bundled` for bundled data, `digest` once taken) and the preparation
    /// that differs from the defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        if path == nil { try container.encodeIfPresent(bundled, forKey: .bundled) }
        try container.encodeIfPresent(digest, forKey: .digest)
        try container.encode(labelColumn, forKey: .labelColumn, unlessEqualTo: .last)
        try container.encode(header, forKey: .header, unlessEqualTo: .auto)
        try container.encodeIfPresent(delimiter, forKey: .delimiter)
        try container.encodeIfPresent(ignoredColumns, forKey: .ignoredColumns)
        try container.encodeIfPresent(missing, forKey: .missing)
        try container.encodeIfPresent(categorical, forKey: .categorical)
        try container.encode(keepsIndexColumn, forKey: .keepsIndexColumn, unlessEqualTo: false)
        try container.encodeIfPresent(scaling, forKey: .scaling)
        try container.encodeIfPresent(split, forKey: .split)
        try container.encode(splitSeed, forKey: .splitSeed, unlessEqualTo: 0)
        try container.encodeIfPresent(task, forKey: .task)
    }
}

extension ModelRecipe: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case spec, initialization, inputShape, initialWeights
    }

    /// Decodes the spec (required) and the fields given.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "model")
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(spec: try container.decode(ModelSpec.self, forKey: .spec),
                  initialization: try container.decode(WeightInitialization.self, forKey: .initialization, default: .pytorch),
                  inputShape: try container.decodeIfPresent(TensorShape.self, forKey: .inputShape),
                  initialWeights: try container.decodeIfPresent(String.self, forKey: .initialWeights))
    }

    /// Encodes the spec and the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(spec, forKey: .spec)
        try container.encode(initialization, forKey: .initialization, unlessEqualTo: .pytorch)
        try container.encodeIfPresent(inputShape, forKey: .inputShape)
        try container.encodeIfPresent(initialWeights, forKey: .initialWeights)
    }
}

/// The keys of both recipes.
private enum RecipeKeys: String, CodingKey {
    case data, model, optimizer, trainer, training, schedule, rangeTest, analysis, runs, handOff
}

/// The parts both recipes have: data, model and optimizer (required), trainer settings.
private struct SharedParts {
    var data: DataRecipe
    var model: ModelRecipe
    var optimizer: OptimizerSettings
    var trainer: TrainerSettings

    static let keys: [RecipeKeys] = [.data, .model, .optimizer, .trainer]

    init(from container: KeyedDecodingContainer<RecipeKeys>) throws {
        data = try container.decode(DataRecipe.self, forKey: .data, default: DataRecipe())
        model = try container.decode(ModelRecipe.self, forKey: .model)
        optimizer = try container.decode(OptimizerSettings.self, forKey: .optimizer)
        trainer = try container.decode(TrainerSettings.self, forKey: .trainer, default: TrainerSettings())
    }

    static func encode(_ recipe: some RecipeParts, into container: inout KeyedEncodingContainer<RecipeKeys>) throws {
        try container.encode(recipe.data, forKey: .data)
        try container.encode(recipe.model, forKey: .model)
        try container.encode(recipe.optimizer, forKey: .optimizer)
        try container.encode(recipe.trainer, forKey: .trainer, unlessEqualTo: TrainerSettings())
    }
}

extension TrainingRecipe: Codable {
    /// Decodes the model and optimizer (required) and the parts given.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys((SharedParts.keys + [.training, .schedule]).map(\.rawValue), in: "training recipe")
        let container = try decoder.container(keyedBy: RecipeKeys.self)
        let parts = try SharedParts(from: container)
        self.init(data: parts.data, model: parts.model, optimizer: parts.optimizer, trainer: parts.trainer,
                  training: try container.decode(TrainingConfiguration.self, forKey: .training, default: TrainingConfiguration()),
                  schedule: try container.decodeIfPresent(ScheduleSpec.self, forKey: .schedule))
    }

    /// Encodes the model and optimizer and the parts that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: RecipeKeys.self)
        try SharedParts.encode(self, into: &container)
        try container.encode(training, forKey: .training, unlessEqualTo: TrainingConfiguration())
        try container.encodeIfPresent(schedule, forKey: .schedule)
    }
}

extension HandOffPlan: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case schedule, epochs, baseline, earlyStopping, monitor
    }

    /// Decodes the schedule (required) and the fields given.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "handOff")
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(schedule: try container.decode(HandOffSchedule.self, forKey: .schedule),
                  epochs: try container.decodeIfPresent(Int.self, forKey: .epochs),
                  baseline: try container.decode(Bool.self, forKey: .baseline, default: false),
                  earlyStopping: try container.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping),
                  monitor: try container.decodeIfPresent(ValidationMetric.self, forKey: .monitor))
    }

    /// Encodes the schedule and the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(schedule, forKey: .schedule)
        try container.encodeIfPresent(epochs, forKey: .epochs)
        try container.encode(baseline, forKey: .baseline, unlessEqualTo: false)
        try container.encodeIfPresent(earlyStopping, forKey: .earlyStopping)
        try container.encodeIfPresent(monitor, forKey: .monitor)
    }
}

extension RangeTestRecipe: Codable {
    /// Decodes the model and optimizer (required) and the parts given.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys((SharedParts.keys + [.rangeTest, .analysis, .runs, .handOff]).map(\.rawValue), in: "range-test recipe")
        let container = try decoder.container(keyedBy: RecipeKeys.self)
        let parts = try SharedParts(from: container)
        self.init(data: parts.data, model: parts.model, optimizer: parts.optimizer, trainer: parts.trainer,
                  rangeTest: try container.decode(RangeTestSettings.self, forKey: .rangeTest, default: RangeTestSettings()),
                  analysis: try container.decode(AnalysisSettings.self, forKey: .analysis, default: AnalysisSettings()),
                  runs: try container.decode(Int.self, forKey: .runs, default: 1),
                  handOff: try container.decodeIfPresent(HandOffPlan.self, forKey: .handOff))
    }

    /// Encodes the model and optimizer and the parts that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: RecipeKeys.self)
        try SharedParts.encode(self, into: &container)
        try container.encode(rangeTest, forKey: .rangeTest, unlessEqualTo: RangeTestSettings())
        try container.encode(analysis, forKey: .analysis, unlessEqualTo: AnalysisSettings())
        try container.encode(runs, forKey: .runs, unlessEqualTo: 1)
        try container.encodeIfPresent(handOff, forKey: .handOff)
    }
}
