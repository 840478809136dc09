import Foundation

/// A finished range test: its record, and what a caller may save or draw from it.
public struct RangeTestRun {
    /// The record (decodes back; `lrfind run` runs its recipe again).
    public var record: RangeTestRecord
    /// The network the recommended schedule trained (the hand-off's first run); nil without one.
    public var trainedNetwork: Network?
    /// The splits as prepared.
    public var data: PreparedData
    /// The data recipe as run (with its digest when it was taken).
    public var dataRecipe: DataRecipe
    /// The loss minimised.
    public var loss: LossFunction
}

/// A range test that recorded no step: stopped before its first batch, or a trainer that gave none.
public struct NothingRecorded: Error, Equatable, Sendable, CustomStringConvertible {
    /// Whether `shouldStop` stopped it.
    public var interrupted: Bool

    /// One line.
    public var description: String {
        interrupted ? "interrupted before the first step; nothing to save" : "the range test recorded no step (interrupted before the first batch?)"
    }
}

extension RangeTestRecipe {
    /// Runs the test `runs` times (seeds `seed ..< seed + runs`), reads the curve (the single run
    /// or the runs' mean), and hands the bounds to the training runs of ``handOff``, each from the
    /// initial weights of run 1.
    /// - Parameters:
    ///   - identifying: whether to take the data's digest and the recipe's identifier (reading the
    ///     data again); a recipe that has a digest is always checked against it.
    ///   - events: notes, the start, every step of every run, the hand-off's updates.
    ///   - shouldStop: polled before every batch (Ctrl-C); the test keeps what it recorded and
    ///     skips the hand-off.
    /// - Throws: ``RecipeError`` for a recipe that cannot run, data or model file errors,
    ///   ``NothingRecorded`` when no step was recorded, ``RunFailure`` when the hand-off has no
    ///   bounds to train with or a rate it cannot use.
    public func run(identifying: Bool = true, events: @escaping (RunEvent) throws -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> RangeTestRun {
        let started = DispatchTime.now().uptimeNanoseconds
        let relay = EventRelay(events)
        func stopping() -> Bool { relay.stops(shouldStop) }
        try validate()
        let parts = try RunParts(self, copies: 2, cyclesMomentum: handOff != nil, keepsBestWeights: handOff?.earlyStopping != nil,
                                 identifying: identifying, events: relay.send)
        try parts.checkWatched([handOff?.monitor, handOff?.earlyStopping?.metric])
        let batchesPerEpoch = parts.batchesPerEpoch
        try rangeTest.validate(batchesPerEpoch: batchesPerEpoch)
        if rangeTest.metric.needsValidation, parts.data.validation.count == 0 {
            throw RecipeError(setting: .metric, value: rangeTest.metric.rawValue, reason: "needs a non-empty validation split")
        }
        if rangeTest.metric == .validationAccuracy, parts.data.task == .regression {
            throw RecipeError(setting: .metric, value: rangeTest.metric.rawValue, reason: "needs class targets; \(parts.data.name) is a regression task")
        }
        let plannedSteps = rangeTest.stepCount(batchesPerEpoch: batchesPerEpoch)
        if let note = SmallData.coarseNote(steps: plannedSteps) { relay.send(.note(note)) }
        let trainEpochs = handOff?.epochs ?? SmallData.defaultTrainingEpochs(batchesPerEpoch: batchesPerEpoch)
        let handOffUpdates: Int
        do { handOffUpdates = try TrainingConfiguration.updateCount(epochs: trainEpochs, batchesPerEpoch: batchesPerEpoch) } catch {
            throw RecipeError(setting: .handOffEpochs, value: "\(trainEpochs)", reason: "\(error)")
        }

        // Run 1's trainer, built once: the range test trains a copy; the hand-off goes back to its
        // initial snapshot before each run, as a trainer in another process must.
        var initialTrainer = try parts.trainer(seed: trainer.seed)
        let initialState = initialTrainer.snapshot()
        let initialNetwork = initialTrainer.network
        try events(.started(RunStart(data: parts.data, network: initialTrainer.network, optimizer: parts.optimizer, batchSize: parts.settings.batchSize,
                                 batchesPerEpoch: batchesPerEpoch, plannedSteps: plannedSteps, checkpoint: parts.checkpoint)))
        // Validation rungs for single runs (a mean curve has none to follow).
        let rungCount = runs == 1 && !rangeTest.metric.needsValidation ? ValidationRungs.count(maximum: rangeTest.validationRungs, steps: plannedSteps,
                                                          samplesPerStep: parts.settings.batchSize * rangeTest.batchesPerStep,
                                                          validationCount: parts.data.validation.count) : 0
        let results = try RangeTest(settings: rangeTest, rungCount: rungCount).runs(
            runs, makeTrainer: { $0 == 0 ? initialTrainer : try parts.trainer(seed: trainer.seed &+ UInt64($0)) },
            progress: { relay.send(.rangeTestStep(run: $0, $1)) }, shouldStop: stopping)
        try relay.rethrow()
        guard let first = results.first, !first.steps.isEmpty else { throw NothingRecorded(interrupted: shouldStop()) }

        // One curve to read: the single run, or the mean of the runs over their common steps.
        let ensemble = results.count > 1 ? try RangeTestEnsemble(results, settings: analysis, batchesPerEpoch: batchesPerEpoch) : nil
        let curve = ensemble?.meanCurve ?? first
        let analysis = RangeTestAnalysis(curve, settings: analysis, batchesPerEpoch: batchesPerEpoch, ensemble: ensemble)

        var training: [HandOffRun] = []
        var trained: Network?
        if let handOff, !stopping() {
            guard let bounds = analysis.bounds else {
                throw RunFailure("--then \(handOff.schedule.rawValue): no recommendation to train with: \(analysis.noRecommendationReason ?? "")")
            }
            // The training recipe of the hand-off's runs (their schedule and rate set per run), for
            // the `lrfind train` command that reproduces each.
            let base = TrainingRecipe(data: parts.dataRecipe, model: parts.modelRecipe, optimizer: self.optimizer, trainer: self.trainer)
            (training, trained) = try Self.handOff(handOff, bounds: bounds, recipe: base, trainer: &initialTrainer, from: initialState,
                                                   epochs: trainEpochs, updates: handOffUpdates,
                                                   events: relay.send, shouldStop: stopping)
        }

        try relay.rethrow()
        var recipe = self
        recipe.data = parts.dataRecipe
        recipe.model = parts.modelRecipe
        let identifier = identifying ? try RecipeIdentity.identifier(of: recipe) : nil
        let record = RangeTestRecord(
            recipe: recipe, identifier: identifier, data: DataSummary(parts.data),
            model: ModelSummary(initialNetwork, optimizer: parts.optimizer), batchesPerEpoch: batchesPerEpoch,
            runs: results, curve: curve, analysis: analysis, ensemble: ensemble, training: training,
            environment: RunEnvironment(seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        return RangeTestRun(record: record, trainedNetwork: trained, data: parts.data, dataRecipe: parts.dataRecipe,
                            loss: parts.settings.loss ?? parts.data.task.loss)
    }

    /// Checks every value that needs no data: the data recipe, the optimizer, the trainer
    /// settings, the sweep, the analysis, the runs and the hand-off's epochs.
    /// - Throws: ``RecipeError`` naming the setting.
    public func validate() throws {
        try data.validate()
        try trainer.validate()
        try optimizer.validateForRecipe()
        try rangeTest.validate()
        try analysis.validate()
        guard runs >= 1 else { throw RecipeError.requirement(.runs, "must be >= 1", got: runs) }
        if let epochs = handOff?.epochs, epochs < 1 { throw RecipeError.requirement(.handOffEpochs, "must be >= 1", got: epochs) }
        if let early = handOff?.earlyStopping, early.patience < 1 { throw RecipeError.requirement(.earlyStopping, "must be >= 1", got: early.patience) }
    }

    /// Trains `trainer` from `initial` with the recommended schedule (and from `initial` again at
    /// the baseline's constant rate); the runs, each with the `lrfind train` command of `recipe`
    /// with its schedule and rate, and the network the recommended schedule trained (at the
    /// optimizer's evaluation point).
    private static func handOff(_ plan: HandOffPlan, bounds: LearningRateBounds, recipe: TrainingRecipe,
                                trainer: inout EmbeddedTrainer, from initial: EmbeddedTrainer.Snapshot,
                                epochs: Int, updates: Int, events: (RunEvent) -> Void, shouldStop: () -> Bool) throws -> ([HandOffRun], Network) {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.earlyStopping = plan.earlyStopping
        configuration.monitor = plan.monitor
        let spec = plan.schedule.schedule(bounds, totalIterations: updates)
        var runs: [(String, ScheduleSpec?, Double)] = [(plan.schedule.rawValue, spec, bounds.maximumLearningRate)]
        if plan.baseline { runs.append(("constant", nil, bounds.maximumLearningRate)) }
        var trained = trainer.network
        var handOffRuns: [HandOffRun] = []
        for (index, run) in runs.enumerated() {
            let (name, spec, rate) = run
            trainer.restore(initial)
            configuration.learningRate = rate
            let scheduler: Scheduler?
            do {
                scheduler = try spec.map {
                    try Scheduler(run: $0, initialLearningRate: rate, initialMomentum: trainer.defaultMomentum, epochs: epochs, updates: updates)
                }
            } catch {
                throw RunFailure("--then \(name): \(spec?.description(significantDigits: 4) ?? ""): \(error)")
            }
            events(.trainingStarted(name: name, updates: updates))
            let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(
                &trainer, progress: { events(.trainingUpdate($0)) }, epochEnded: { events(.epochEnded($0)) }, shouldStop: shouldStop)
            if index == 0 { trained = trainer.evaluatedNetwork }
            var rerun = recipe
            rerun.training = configuration
            rerun.schedule = spec
            let command = HandOffCommand(rerun, threads: BLASRuntime.threadCount)
            handOffRuns.append(HandOffRun(name: name, schedule: spec, learningRate: rate, result: result, command: command))
        }
        return (handOffRuns, trained)
    }
}
