import Foundation

/// A model as a recipe names it: its hidden stack, how its weights are drawn or which file they
/// start from, and the declared input shape.
public struct ModelRecipe: Equatable, Sendable {
    /// The hidden stack (the output layer follows from the data).
    public var spec: ModelSpec
    /// The weight initialisation.
    public var initialization: WeightInitialization
    /// The declared shape of one input sample (`--shape`); nil when it follows from the data
    /// (``ModelSpec/inputShape(for:declared:)``).
    public var inputShape: TensorShape?
    /// The hex SHA-256 of the safetensors file the weights start from (`--init-from`, a
    /// ``Checkpoint``); nil: drawn as `initialization` says. Part of the identity; nil until the
    /// file is read when only ``initialWeightsPath`` is given.
    public var initialWeights: String?
    /// Where that file is (recorded beside the identity, in ``RunInputs``).
    public var initialWeightsPath: String?

    /// A model recipe.
    public init(spec: ModelSpec, initialization: WeightInitialization = .pytorch, inputShape: TensorShape? = nil,
                initialWeightsPath: String? = nil, initialWeights: String? = nil) {
        self.spec = spec
        self.initialization = initialization
        self.inputShape = inputShape
        self.initialWeightsPath = initialWeightsPath
        self.initialWeights = initialWeights
    }
}

/// Everything a training run depends on: data, model, optimizer, what a batch is, the epoch loop
/// (epochs, rate, early stopping) and the schedule. ``run(identifying:events:shouldStop:)`` runs it.
public struct TrainingRecipe: Equatable, Sendable {
    /// The data and its preparation.
    public var data: DataRecipe
    /// The model.
    public var model: ModelRecipe
    /// The optimizer.
    public var optimizer: OptimizerSettings
    /// Batch size, seed, clipping and loss.
    public var trainer: TrainerSettings
    /// Epochs, rate and early stopping.
    public var training: TrainingConfiguration
    /// The learning-rate schedule, if any (its base rate is `training.learningRate`).
    public var schedule: ScheduleSpec?

    /// A training recipe.
    public init(data: DataRecipe = DataRecipe(), model: ModelRecipe, optimizer: OptimizerSettings = OptimizerSettings(kind: .adamw),
                trainer: TrainerSettings = TrainerSettings(), training: TrainingConfiguration = TrainingConfiguration(),
                schedule: ScheduleSpec? = nil) {
        self.data = data
        self.model = model
        self.optimizer = optimizer
        self.trainer = trainer
        self.training = training
        self.schedule = schedule
    }
}

/// What a range test hands its bounds to: a training run with the recommended schedule from the
/// model's initial weights, and optionally one at the constant rate max for comparison.
public struct HandOffPlan: Equatable, Sendable {
    /// CLR or one-cycle.
    public var schedule: HandOffSchedule
    /// Epochs of each run; nil: ``SmallData/defaultTrainingEpochs(batchesPerEpoch:)``.
    public var epochs: Int?
    /// Whether a constant-rate run at the recommended max follows.
    public var baseline: Bool
    /// Early stopping of each run (the best epoch's weights restored), as `train --early-stop`.
    public var earlyStopping: EarlyStopping?
    /// The validation metric watched by early stopping (and a plateau schedule); nil: the loss.
    public var monitor: ValidationMetric?

    /// A hand-off.
    public init(schedule: HandOffSchedule, epochs: Int? = nil, baseline: Bool = false, earlyStopping: EarlyStopping? = nil,
                monitor: ValidationMetric? = nil) {
        self.schedule = schedule
        self.epochs = epochs
        self.baseline = baseline
        self.earlyStopping = earlyStopping
        self.monitor = monitor
    }
}

/// Everything a range test depends on: data, model, optimizer and what a batch is (run `k` of
/// `runs` uses seed + k), the sweep, how the curve is read, and the hand-off.
/// ``run(identifying:events:shouldStop:)`` runs it.
public struct RangeTestRecipe: Equatable, Sendable {
    /// The data and its preparation.
    public var data: DataRecipe
    /// The model.
    public var model: ModelRecipe
    /// The optimizer.
    public var optimizer: OptimizerSettings
    /// Batch size, seed, clipping and loss.
    public var trainer: TrainerSettings
    /// The sweep.
    public var rangeTest: RangeTestSettings
    /// How the curve is read.
    public var analysis: AnalysisSettings
    /// Repetitions with consecutive seeds.
    public var runs: Int
    /// The training runs the bounds are handed to, if any.
    public var handOff: HandOffPlan?

    /// A range-test recipe.
    public init(data: DataRecipe = DataRecipe(), model: ModelRecipe, optimizer: OptimizerSettings = OptimizerSettings(kind: .adamw),
                trainer: TrainerSettings = TrainerSettings(), rangeTest: RangeTestSettings = RangeTestSettings(),
                analysis: AnalysisSettings = AnalysisSettings(), runs: Int = 1, handOff: HandOffPlan? = nil) {
        self.data = data
        self.model = model
        self.optimizer = optimizer
        self.trainer = trainer
        self.rangeTest = rangeTest
        self.analysis = analysis
        self.runs = runs
        self.handOff = handOff
    }
}

/// Where a recipe's files are and the guards on them: recorded beside the identity, so that the
/// same run on moved files keeps its identifier (the files are named inside it by their digests).
public struct RunInputs: Equatable, Codable, Sendable {
    /// The data file (`-`: standard input); nil for bundled data.
    public var data: String?
    /// The IDX labels file.
    public var labels: String?
    /// The safetensors file the weights start from.
    public var initialWeights: String?
    /// The most classes allowed (a guard: it changes no result, only whether the data is taken).
    public var maximumClassCount: Int?

    /// Inputs.
    public init(data: String? = nil, labels: String? = nil, initialWeights: String? = nil, maximumClassCount: Int? = nil) {
        self.data = data
        self.labels = labels
        self.initialWeights = initialWeights
        self.maximumClassCount = maximumClassCount
    }
}

/// What every recipe has: data, model, optimizer and trainer settings; the inputs beside them.
protocol RecipeParts {
    var data: DataRecipe { get set }
    var model: ModelRecipe { get set }
    var optimizer: OptimizerSettings { get }
    var trainer: TrainerSettings { get }
}

extension TrainingRecipe: RecipeParts {
    /// The paths and guards recorded beside the identity.
    public var inputs: RunInputs { recordedInputs }

    /// This recipe with its files at `inputs` (a recipe decodes without them).
    public func locating(_ inputs: RunInputs) -> Self { located(inputs) }
}

extension RangeTestRecipe: RecipeParts {
    /// The paths and guards recorded beside the identity.
    public var inputs: RunInputs { recordedInputs }

    /// This recipe with its files at `inputs` (a recipe decodes without them).
    public func locating(_ inputs: RunInputs) -> Self { located(inputs) }
}

extension RecipeParts {
    var recordedInputs: RunInputs {
        RunInputs(data: data.path, labels: data.labelsPath, initialWeights: model.initialWeightsPath, maximumClassCount: data.maximumClassCount)
    }

    func located(_ inputs: RunInputs) -> Self {
        var recipe = self
        recipe.data.path = inputs.data
        recipe.data.labelsPath = inputs.labels
        recipe.data.maximumClassCount = inputs.maximumClassCount
        if inputs.data != nil { recipe.data.bundled = nil }
        recipe.model.initialWeightsPath = inputs.initialWeights
        return recipe
    }
}

/// A recipe's identity: the hex SHA-256 of the RFC 8785 canonical JSON (JSON Canonicalization
/// Scheme) of `{"kind": KIND, "recipe": RECIPE}`, so that in Python
/// `hashlib.sha256(rfc8785.dumps({"kind": r["kind"], "recipe": r["recipe"]})).hexdigest()` of a
/// record `r` gives the same identifier.
///
/// The recipe's JSON names its data and initial weights by the SHA-256 of their bytes (the data's
/// decompressed), not by path: the same run on a copy of the data elsewhere has the same
/// identifier. Paths, the class-count guard, the lrfind version, threads and BLAS kernels are
/// recorded beside it (``RunInputs``, ``RunEnvironment``). Every field at its default is left out,
/// so a field added later with a default that keeps the old behaviour moves no identifier.
public enum RecipeIdentity {
    /// The version of lrfind recorded beside results.
    public static let lrfindVersion = "0.10.0"

    /// What the identifier hashes.
    private struct Identity<Recipe: Encodable>: Encodable {
        var kind: RunKind
        var recipe: Recipe
    }

    /// The canonical JSON of a training recipe (RFC 8785).
    /// - Throws: ``RecipeError`` when a digest is not known yet, or a ``CanonicalJSONError`` for a
    ///   value JSON cannot hold exactly.
    public static func canonicalJSON(of recipe: TrainingRecipe) throws -> Data { try canonical(recipe, kind: .training) }

    /// The canonical JSON of a range-test recipe (RFC 8785).
    /// - Throws: as ``canonicalJSON(of:)-(TrainingRecipe)``.
    public static func canonicalJSON(of recipe: RangeTestRecipe) throws -> Data { try canonical(recipe, kind: .rangeTest) }

    /// The identifier of a training recipe: hex SHA-256 of its canonical JSON.
    public static func identifier(of recipe: TrainingRecipe) throws -> String { SHA256.hash(try canonicalJSON(of: recipe)).hex }

    /// The identifier of a range-test recipe: hex SHA-256 of its canonical JSON.
    public static func identifier(of recipe: RangeTestRecipe) throws -> String { SHA256.hash(try canonicalJSON(of: recipe)).hex }

    private static func canonical<Recipe: RecipeParts & Encodable>(_ recipe: Recipe, kind: RunKind) throws -> Data {
        guard recipe.data.digest != nil else {
            throw RecipeError(setting: .data, value: recipe.data.name, reason: "its digest is not known yet (DataRecipe.contentDigest())")
        }
        guard recipe.model.initialWeightsPath == nil || recipe.model.initialWeights != nil else {
            throw RecipeError(setting: .initialWeights, value: recipe.model.initialWeightsPath, reason: "its digest is not known yet")
        }
        return try CanonicalJSON.data(of: Identity(kind: kind, recipe: recipe))
    }
}

extension DataRecipe {
    /// The hex SHA-256 of the data's decompressed bytes (the images then the labels file for IDX
    /// data; the bundled file's for bundled data). Reads the files again (a stream gives the bytes
    /// kept from its first reading), in pieces: call it only when an identifier is wanted.
    public func contentDigest() throws -> String {
        var hasher = SHA256()
        if let path {
            try FileBytes.digest(path, into: &hasher)
            if let labelsPath { try FileBytes.digest(labelsPath, into: &hasher) }
        } else {
            let bundled = try bundledData()
            guard let url = bundled.url else {
                throw DataError(file: "\(bundled.rawValue).csv.gz", message: "bundled data set not found beside the lrfind binary")
            }
            try FileBytes.digest(url.path, into: &hasher)
        }
        return hasher.finalize().hex
    }
}
