import Foundation

/// A finished training run: its record, and what a caller may save or draw from it.
public struct TrainingRun {
    /// The record (decodes back; `lrfind run` runs its recipe again).
    public var record: TrainingRecord
    /// The trained network at the optimizer's evaluation point (the restored best with early stopping).
    public var network: Network
    /// The splits as prepared.
    public var data: PreparedData
    /// The data recipe as run (with its digest when it was taken).
    public var dataRecipe: DataRecipe
}

/// A run that could not finish as a result: the reason in one line (exit status 1 on the command line).
public struct RunFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reason.
    public var description: String

    /// A failure with `description`.
    public init(_ description: String) { self.description = description }
}

extension TrainingRecipe {
    /// Trains as the recipe says.
    /// - Parameters:
    ///   - identifying: whether to take the data's digest and the recipe's identifier (reading the
    ///     data again); a recipe that has a digest is always checked against it.
    ///   - events: notes, the start, every update and every epoch, as they happen.
    ///   - shouldStop: polled before every batch (Ctrl-C); the run keeps what it recorded.
    ///   - dataCache: prepared data kept between the runs of one process (a sweep's worker).
    /// - Throws: ``RecipeError`` for a recipe that cannot run, and data or model file errors. A
    ///   diverged or interrupted run returns normally; its result says why it stopped.
    public func run(identifying: Bool = true, events: @escaping (RunEvent) throws -> Void = { _ in },
                    shouldStop: () -> Bool = { false }, dataCache: PreparedDataCache? = nil) throws -> TrainingRun {
        let started = DispatchTime.now().uptimeNanoseconds
        let relay = EventRelay(events)
        func stopping() -> Bool { relay.stops(shouldStop) }
        try validate()
        let parts = try RunParts(self, copies: 1, cyclesMomentum: schedule?.cyclesMomentum ?? false,
                                 keepsBestWeights: training.earlyStopping != nil, identifying: identifying,
                                 dataCache: dataCache, events: relay.send)
        try parts.checkWatched([training.monitor, training.earlyStopping?.metric])
        var trainer = try parts.trainer(seed: trainer.seed)
        let updates: Int
        do { updates = try TrainingConfiguration.updateCount(epochs: training.epochs, batchesPerEpoch: parts.batchesPerEpoch) } catch {
            throw RecipeError(setting: .epochs, value: "\(training.epochs)", reason: "\(error)")
        }
        let scheduler = try schedule.map { spec in
            do {
                return try Scheduler(run: spec, initialLearningRate: training.learningRate, initialMomentum: trainer.defaultMomentum,
                                     epochs: training.epochs, updates: updates)
            } catch {
                throw RecipeError(setting: .schedule, value: spec.description, reason: "\(error)")
            }
        }
        try events(.started(RunStart(data: parts.data, network: trainer.network, optimizer: parts.optimizer, batchSize: parts.settings.batchSize,
                                 batchesPerEpoch: parts.batchesPerEpoch, plannedSteps: updates, checkpoint: parts.checkpoint)))
        relay.send(.trainingStarted(name: "train", updates: updates))
        let result = try TrainingLoop(configuration: training, schedule: scheduler).run(
            &trainer, progress: { relay.send(.trainingUpdate($0)) }, epochEnded: { relay.send(.epochEnded($0)) }, shouldStop: stopping)

        try relay.rethrow()
        var recipe = self
        recipe.data = parts.dataRecipe
        recipe.model = parts.modelRecipe
        let identifier = identifying ? try RecipeIdentity.identifier(of: recipe) : nil
        let record = TrainingRecord(recipe: recipe, identifier: identifier, data: DataSummary(parts.data),
                                    model: ModelSummary(trainer.network, optimizer: parts.optimizer), result: result,
                                    environment: RunEnvironment(seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        return TrainingRun(record: record, network: trainer.evaluatedNetwork, data: parts.data, dataRecipe: parts.dataRecipe)
    }

    /// Checks every value that needs no data: the data recipe, the optimizer, the trainer
    /// settings, the epochs, the rate and early stopping's patience.
    /// - Throws: ``RecipeError`` naming the setting.
    public func validate() throws {
        try data.validate()
        try trainer.validate()
        try optimizer.validateForRecipe()
        guard training.epochs >= 1 else { throw RecipeError.requirement(.epochs, "must be >= 1", got: training.epochs) }
        if let problem = LearningRateLimits.problem(withGivenRate: training.learningRate) {
            throw RecipeError.requirement(.learningRate, problem, got: training.learningRate)
        }
        if let early = training.earlyStopping, early.patience < 1 {
            throw RecipeError.requirement(.earlyStopping, "must be >= 1", got: early.patience)
        }
    }
}
