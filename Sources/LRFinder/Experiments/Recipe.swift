import Foundation

/// A model as a recipe names it: its hidden stack and how its weights are drawn.
public struct ModelRecipe: Equatable, Codable, Sendable {
    /// The hidden stack (the output layer follows from the data).
    public var spec: ModelSpec
    /// The weight initialisation.
    public var initialization: WeightInitialization
    /// The hex SHA-256 of the safetensors file the weights start from (`--init-from`, a
    /// ``Checkpoint``); nil: drawn as `initialization` says (and left out of the JSON, so older
    /// recipes keep their identifiers).
    public var initialWeights: String?
    /// The declared shape of one input sample (`--shape`); nil when it follows from the data
    /// (``ModelSpec/inputShape(for:declared:)``). Left out of the JSON when nil, so recipes
    /// without it keep their identifiers.
    public var inputShape: TensorShape?

    /// A model recipe.
    public init(spec: ModelSpec, initialization: WeightInitialization = .pytorch, inputShape: TensorShape? = nil,
                initialWeights: String? = nil) {
        self.spec = spec
        self.initialization = initialization
        self.inputShape = inputShape
        self.initialWeights = initialWeights
    }
}

/// Everything a training run depends on: data, model, optimizer, schedule and training settings
/// (batch size, epochs, rate, clipping, early stopping, seed).
public struct TrainingRecipe: Equatable, Codable, Sendable {
    /// The data and its preparation.
    public var data: DataRecipe
    /// The model.
    public var model: ModelRecipe
    /// The optimizer.
    public var optimizer: OptimizerSettings
    /// Epochs, batch size, rate, clipping, early stopping, seed.
    public var training: TrainingConfiguration
    /// The learning-rate schedule, if any.
    public var schedule: ScheduleSpec?

    /// A training recipe.
    public init(data: DataRecipe, model: ModelRecipe, optimizer: OptimizerSettings, training: TrainingConfiguration,
                schedule: ScheduleSpec? = nil) {
        self.data = data
        self.model = model
        self.optimizer = optimizer
        self.training = training
        self.schedule = schedule
    }
}

/// Everything a range test depends on: the training recipe it sweeps (its batch size, clipping
/// and seed; run `k` of `runs` uses seed + k), the sweep, how the curve is read, and the hand-off.
public struct RangeTestRecipe: Equatable, Codable, Sendable {
    /// Data, model, optimizer and the training settings the sweep uses.
    public var base: TrainingRecipe
    /// The sweep.
    public var rangeTest: RangeTestSettings
    /// How the curve is read.
    public var analysis: AnalysisSettings
    /// Repetitions with consecutive seeds.
    public var runs: Int
    /// The schedule the bounds are handed to, if any, for `base.training.epochs` epochs.
    public var handOff: HandOffSchedule?

    /// A range-test recipe.
    public init(base: TrainingRecipe, rangeTest: RangeTestSettings, analysis: AnalysisSettings, runs: Int = 1,
                handOff: HandOffSchedule? = nil) {
        self.base = base
        self.rangeTest = rangeTest
        self.analysis = analysis
        self.runs = runs
        self.handOff = handOff
    }
}

/// A recipe's identity: the SHA-256 of its canonical JSON (sorted keys), in which the data is
/// named by the SHA-256 of its decompressed bytes instead of its path, so the same run on a copy
/// of the data elsewhere has the same identifier. The lrfind version is recorded beside it, not in it.
public enum RecipeIdentity {
    /// The version of lrfind recorded beside results.
    public static let lrfindVersion = "0.9.0"

    /// The canonical JSON of `recipe`: keys sorted, every `path` and `labelsPath` (at any depth)
    /// replaced by one `dataDigest`, the data's `maximumClassCount` (a guard) left out.
    public static func canonicalJSON(of recipe: some Encodable, dataDigest: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try JSONSerialization.jsonObject(with: encoder.encode(recipe))
        func replacingPaths(_ value: Any) -> Any {
            if var dictionary = value as? [String: Any] {
                if dictionary.keys.contains("bundled") || dictionary.keys.contains("path") {
                    dictionary.removeValue(forKey: "path")
                    dictionary.removeValue(forKey: "labelsPath")
                    dictionary.removeValue(forKey: "bundled")
                    dictionary.removeValue(forKey: "maximumClassCount")
                    dictionary["dataDigest"] = dataDigest
                }
                return dictionary.mapValues(replacingPaths)
            }
            if let array = value as? [Any] { return array.map(replacingPaths) }
            return value
        }
        return try JSONSerialization.data(withJSONObject: replacingPaths(object), options: [.sortedKeys])
    }

    /// The identifier: hex SHA-256 of ``canonicalJSON(of:dataDigest:)``.
    public static func identifier(of recipe: some Encodable, dataDigest: String) throws -> String {
        SHA256.hash(try canonicalJSON(of: recipe, dataDigest: dataDigest)).hex
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
            guard let url = bundled.url else {
                throw DataError(file: "\(bundled.rawValue).csv.gz", message: "bundled data set not found beside the lrfind binary")
            }
            try FileBytes.digest(url.path, into: &hasher)
        }
        return hasher.finalize().hex
    }
}
