import Foundation

/// A run's prepared parts, shared by both recipes: the weights file read and checked, the data
/// loaded, prepared and checked against its digest, the loss and batch size settled, the memory
/// checked, and the starting network built.
struct RunParts {
    /// The splits.
    var data: PreparedData
    /// The data recipe with its digest, when taken.
    var dataRecipe: DataRecipe
    /// The model recipe with its weights' digest.
    var modelRecipe: ModelRecipe
    /// The weights file, if any.
    var checkpoint: Checkpoint?
    /// The settings the trainer is built with: the batch size clamped to the training split and
    /// the loss settled.
    var settings: TrainerSettings
    /// The shape the first layer sees.
    var inputShape: TensorShape
    /// The network from the weights file (every run starts from it); nil: drawn per seed.
    var startingNetwork: Network?
    /// The optimizer as configured.
    var optimizer: any Optimizer
    /// Batches in one epoch.
    var batchesPerEpoch: Int

    /// Prepares the parts of `recipe`.
    /// - Parameters:
    ///   - copies: copies of the network and workspace held at once (2 for a range test).
    ///   - cyclesMomentum: whether a schedule will cycle the momentum (SGD then keeps a buffer).
    ///   - identifying: whether to take the data's digest when the recipe has none.
    ///   - dataCache: the prepared data of an earlier run of this process, reused when it matches.
    /// - Throws: ``RecipeError`` for a recipe that cannot run, ``DataError`` for data that cannot be read.
    init(_ recipe: some RecipeParts, copies: Int, cyclesMomentum: Bool, keepsBestWeights: Bool, identifying: Bool,
         dataCache: PreparedDataCache? = nil, events: (RunEvent) -> Void) throws {
        do { optimizer = try recipe.optimizer.makeOptimizer() } catch {
            throw RecipeError(setting: .optimizer, value: recipe.optimizer.kind.rawValue, reason: "\(error)")
        }
        modelRecipe = recipe.model
        if let path = recipe.model.initialWeightsPath {
            let checkpoint = try Checkpoint(contentsOf: path, spec: recipe.model.spec, specIsExplicit: true)
            if let recorded = recipe.model.initialWeights, recorded != checkpoint.digest {
                throw RecipeError(setting: .initialWeights, value: path,
                                  reason: "its SHA-256 is \(checkpoint.digest), not the recipe's \(recorded): not the weights the recipe starts from")
            }
            modelRecipe.initialWeights = checkpoint.digest
            modelRecipe.spec = checkpoint.spec
            self.checkpoint = checkpoint
        } else if let digest = recipe.model.initialWeights {
            throw RecipeError(setting: .initialWeights, reason: "the recipe starts from the weights with SHA-256 \(digest) but names no file; give it (--init-from)")
        }
        let spec = modelRecipe.spec
        let weightsPath = recipe.model.initialWeightsPath
        try Self.namingWeightsFile(weightsPath) { try MemoryLimit.checkBeforeLoading(spec, optimizer: recipe.optimizer, copies: copies) }

        let saved = try checkpoint?.savedPreprocessing()
        // A model's saved preprocessing makes other splits: those are never kept.
        let cache = saved == nil ? dataCache : nil
        data = try cache?.prepared(recipe.data) ?? recipe.data.prepare(reusing: saved)
        dataRecipe = recipe.data
        func contentDigest() throws -> String { try cache?.contentDigest(of: recipe.data) ?? recipe.data.contentDigest() }
        if let recorded = recipe.data.digest {
            let digest = try contentDigest()
            guard digest == recorded else {
                throw RecipeError(setting: .data, value: recipe.data.name,
                                  reason: "its SHA-256 is \(digest), not the recipe's \(recorded): not the data the recipe was run with")
            }
        } else if identifying {
            dataRecipe.digest = try contentDigest()
        }
        if let checkpoint, saved != nil {
            events(.note("\(recipe.data.name): features encoded and scaled as when \(checkpoint.name) was trained (its saved preprocessing)"))
        }
        for note in data.notes { events(.note("\(data.name): \(note)")) }
        if let note = data.taskNote { events(.note("\(note) (--task classification to treat them as classes)")) }

        settings = recipe.trainer
        let loss = recipe.trainer.loss ?? data.task.loss
        guard loss.fits(data.task) else {
            throw RecipeError(setting: .loss, value: loss.description, reason: "does not go with \(data.name), a \(data.task.rawValue) task (--task sets it)")
        }
        settings.loss = loss
        if let note = SmallData.batchSizeNote(given: settings.batchSize, trainingCount: data.train.count) { events(.note(note)) }
        settings.batchSize = SmallData.clampedBatchSize(settings.batchSize, trainingCount: data.train.count)
        batchesPerEpoch = BatchSampler.batchCount(samples: data.train.count, batchSize: settings.batchSize)

        do { inputShape = try spec.inputShape(for: data.shape, declared: recipe.model.inputShape) } catch let error as InputShapeError {
            if let declared = recipe.model.inputShape { throw RecipeError(setting: .shape, value: "\(declared)", reason: "\(error)") }
            throw RecipeError(setting: .model, value: spec.name, reason: "\(error) with --shape CxHxW")
        }
        try Self.namingWeightsFile(weightsPath) {
            try MemoryLimit.check(spec, inputShape: inputShape, for: data, optimizer: recipe.optimizer, cyclesMomentum: cyclesMomentum,
                                  batchSize: settings.batchSize, keepsBestWeights: keepsBestWeights, copies: copies)
        }
        // From a weights file every run starts from its weights (the runs differ in batch order and dropout).
        if let checkpoint {
            startingNetwork = try checkpoint.loaded(into: try Self.network(spec, modelRecipe, inputShape, data, seed: settings.seed), for: data)
        }
    }

    /// Runs a memory check; with weights from `path`, a refusal of the model names the file and
    /// its model (`--init-from big.safetensors: its model dense:3000 ...`), not `--model`, which
    /// the user may not have given.
    private static func namingWeightsFile(_ path: String?, _ check: () throws -> Void) throws {
        do { try check() } catch var error as RecipeError where path != nil && error.setting == .model {
            error.reason = "its model" + (error.value.map { " \($0)" } ?? "") + ": " + error.reason
            error.setting = .initialWeights
            error.value = path
            throw error
        }
    }

    /// The network run `seed` starts from: the weights file's, or drawn with `seed`.
    func network(seed: UInt64) throws -> Network {
        try startingNetwork ?? Self.network(modelRecipe.spec, modelRecipe, inputShape, data, seed: seed)
    }

    /// A trainer for the run with `seed` (its batch order, dropout and drawn weights).
    func trainer(seed: UInt64) throws -> EmbeddedTrainer {
        var settings = settings
        settings.seed = seed
        return EmbeddedTrainer(network: try network(seed: seed), optimizer: optimizer, data: data, settings: settings)
    }

    private static func network(_ spec: ModelSpec, _ model: ModelRecipe, _ inputShape: TensorShape, _ data: PreparedData,
                                seed: UInt64) throws -> Network {
        do {
            return try Network(spec: spec, inputShape: inputShape, outputs: data.outputWidth, initialization: model.initialization, seed: seed)
        } catch let error as NetworkError {
            throw RecipeError(setting: .model, reason: "\(error)")
        }
    }
}

extension RunParts {
    /// Refuses a watched validation metric (`--monitor`, early stopping's) that has no value for
    /// the data's task (R-squared of classes, accuracy of a regression).
    /// - Throws: ``RecipeError`` naming `--monitor` and the metric.
    func checkWatched(_ metrics: [ValidationMetric?]) throws {
        for metric in metrics.compactMap({ $0 }) where !metric.applies(to: data.task) {
            throw RecipeError(setting: .monitor, value: metric.rawValue, reason: "has no value for \(data.name), a \(data.task.rawValue) task")
        }
    }
}
