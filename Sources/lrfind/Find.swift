import ArgumentParser
import Foundation
import LRFinder

/// `lrfind find` (the default command): the learning-rate range test, its points, suggestions
/// and recommended CLR / one-cycle bounds, a plot, and optionally a training run with them.
struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a learning-rate range test and recommend CLR / one-cycle bounds (the default command).",
        discussion: """
            Trains a copy of the model while the learning rate rises every batch from --min to --max, records the \
            loss (raw, moving average, and a lag-free curve smoothed after the run), stops when it diverges, and \
            reports the points, the reference tools' suggestions and lrfind's recommended bounds. \
            Example: lrfind --min 1e-4 --max 1 --epochs 5 --then onecycle
            """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions

    @Option(name: .long, parsing: .unconditional, help: "Smallest learning rate (the first step's).")
    var min: Double = 1e-10

    @Option(name: .long, parsing: .unconditional, help: "Largest learning rate (the last step's).")
    var max: Double = 10

    // Optional, with its default applied in `run`, so that giving it with --steps is seen.
    @Option(name: .long, parsing: .unconditional, help: "Length of the test in epochs of the training split (not with --steps). (default: 5 epochs or 100 steps, whichever is more)")
    var epochs: Int?

    @Option(name: .long, parsing: .unconditional, help: "Length of the test in learning-rate steps (not with --epochs).")
    var steps: Int?

    @Option(name: .long, help: "How the rate rises: exp or linear.")
    var mode: SpacingOption = .exp

    @Option(name: .long, parsing: .unconditional, help: "Batch size.")
    var batchSize: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Seed of the weights, batch order and dropout (run k of --runs uses seed + k).")
    var seed: UInt64 = 0

    @Option(name: .long, parsing: .unconditional, help: "Batches averaged per learning-rate step.")
    var batchesPerStep: Int = 1

    @Option(name: .long, help: "What is recorded: train-loss, val-loss or val-accuracy (recorded as the error rate 1 - accuracy).")
    var metric: MetricOption = .trainLoss

    @Option(name: .long, parsing: .unconditional, help: "Beta of the bias-corrected moving average (the stop rule and the reference suggestions).")
    var beta: Double = 0.98

    @Option(name: .long, parsing: .unconditional, help: "Stop when the moving average exceeds this factor times its best.")
    var stopFactor: Double = 4

    @Flag(name: .long, help: "Run the whole range; do not stop when the loss diverges.")
    var noStop = false

    @Option(name: .long, parsing: .unconditional, help: "Repeat the test with N seeds and report the mean curve and the spread of every suggestion.")
    var runs: Int = 1

    @Option(name: .long, help: ArgumentHelp("Plot file (.png, .svg, .pdf). Default: lrfind-range-test.png.", valueName: "file"))
    var plot: String?

    @Flag(name: .long, help: "Do not draw the plot.")
    var noPlot = false

    @Option(name: .long, help: ArgumentHelp("Write step,lr,loss,smoothed_loss,lag_free_loss to this CSV file.", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: "Then train the model from its initial weights with the recommended schedule: cyclic or onecycle.")
    var then: HandOffSchedule?

    @Option(name: .long, parsing: .unconditional, help: "Epochs of the training run of --then. (default: 10, or enough epochs for 300 updates, whichever is more)")
    var trainEpochs: Int?

    @Flag(name: .long, help: "With --then, also train at a constant rate (the recommended max) for comparison.")
    var baseline = false

    @Option(name: .long, help: ArgumentHelp("With --then, draw the test confusion matrix of its run to this file (.png, .svg or .pdf).", valueName: "file"))
    var confusionPlot: String?

    @OptionGroup(title: "Model files") var modelFiles: ModelFileOptions
    @OptionGroup(title: "Run") var runtime: RuntimeOptions

    func validate() throws {
        // Rates reach the optimizers as Float: both ends must be normal Floats.
        if let problem = LearningRateLimits.problem(withGivenRate: min) { throw ValidationError("--min \(problem), got \(min)") }
        if let problem = LearningRateLimits.problem(withGivenRate: max) { throw ValidationError("--max \(problem), got \(max)") }
        guard max > min else { throw ValidationError("--max must be above --min (\(min)), got \(max)") }
        if let epochs { guard epochs >= 1 else { throw ValidationError("--epochs must be >= 1, got \(epochs)") } }
        if let steps { guard steps >= 2 else { throw ValidationError("--steps must be >= 2, got \(steps)") } }
        if let steps, let epochs {
            throw ValidationError("--steps \(steps) and --epochs \(epochs) both set the length of the test; give one of them")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be >= 1, got \(batchSize)") }
        guard batchesPerStep >= 1 else { throw ValidationError("--batches-per-step must be >= 1, got \(batchesPerStep)") }
        guard beta >= 0, beta < 1 else { throw ValidationError("--beta must be in [0, 1), got \(beta)") }
        guard stopFactor > 1, stopFactor.isFinite else { throw ValidationError("--stop-factor must be above 1, got \(stopFactor)") }
        guard runs >= 1 else { throw ValidationError("--runs must be >= 1, got \(runs)") }
        if let trainEpochs { guard trainEpochs >= 1 else { throw ValidationError("--train-epochs must be >= 1, got \(trainEpochs)") } }
        var paths = OutputPaths(inputs: [("--data", data.data), ("--labels", data.labels), modelFiles.input])
        try paths.output(modelFiles.save, option: "--save")
        try paths.output(csv, option: "--csv", standardOutput: true, json: runtime.json)
        try paths.output(plot ?? plotPath, option: "--plot", image: true, isDefault: plot == nil)
        try paths.output(confusionPlot, option: "--confusion-plot", image: true)
        try paths.output(runtime.record, option: "--record")
        if baseline && then == nil { throw ValidationError("--baseline goes with --then") }
        if confusionPlot != nil && then == nil { throw ValidationError("--confusion-plot goes with --then") }
        if modelFiles.save != nil && then == nil { throw ValidationError("--save goes with --then (it saves the model trained with the recommended schedule)") }
    }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        let started = DispatchTime.now().uptimeNanoseconds
        try runtime.apply()
        let recipe = try data.recipe()
        let checkpoint = try modelFiles.checkpoint(try model.spec(), model: model)
        let spec = try checkpoint?.spec ?? model.spec()
        let optimizerValue = try optimizer.makeOptimizer()
        let clipping = try optimizer.clipping()
        // The range test trains a copy of each run's trainer: two networks and workspaces at once.
        try model.checkMemoryBeforeLoading(spec, optimizer: optimizer.settings, copies: 2)
        let prepared = try data.prepare(recipe, confusionPlot: confusionPlot != nil, checkpoint: checkpoint)
        noteEncoding(prepared)
        let loss = try data.lossFunction(for: prepared)
        if let note = SmallData.batchSizeNote(given: batchSize, trainingCount: prepared.train.count) { Terminal.note("lrfind: note: \(note)") }
        batchSize = SmallData.clampedBatchSize(batchSize, trainingCount: prepared.train.count)
        try model.checkMemory(spec, for: prepared, optimizer: optimizer.settings, cyclesMomentum: then != nil, batchSize: batchSize,
                              keepsBestWeights: false, copies: 2)
        var settings = RangeTestSettings()
        settings.minimumLearningRate = min
        settings.maximumLearningRate = max
        settings.spacing = mode.spacing
        settings.batchesPerStep = batchesPerStep
        let batchesPerEpoch = BatchSampler.batchCount(samples: prepared.train.count, batchSize: batchSize)
        settings.length = steps.map(RangeTestLength.steps) ?? epochs.map(RangeTestLength.epochs)
            ?? SmallData.defaultLength(batchesPerEpoch: batchesPerEpoch, batchesPerStep: batchesPerStep)
        settings.metric = metric.metric
        settings.smoothingBeta = beta
        settings.stopFactor = stopFactor
        settings.stopsOnDivergence = !noStop
        let analysisSettings = AnalysisSettings(divergenceFactor: stopFactor)
        do { try settings.validate(batchesPerEpoch: batchesPerEpoch) } catch { throw ValidationError("\(error)") }
        if settings.metric.needsValidation, prepared.validation.count == 0 {
            throw ValidationError("--metric \(settings.metric.rawValue) needs a non-empty validation split")
        }
        if settings.metric == .validationAccuracy, prepared.task == .regression {
            throw ValidationError("--metric val-accuracy needs class targets; \(prepared.name) is a regression task")
        }
        let plannedSteps = settings.stepCount(batchesPerEpoch: batchesPerEpoch)
        if let note = SmallData.coarseNote(steps: plannedSteps) { Terminal.note("lrfind: note: \(note)") }
        let trainEpochs = self.trainEpochs ?? SmallData.defaultTrainingEpochs(batchesPerEpoch: batchesPerEpoch)
        let handOffUpdates: Int
        do { handOffUpdates = try TrainingConfiguration.updateCount(epochs: trainEpochs, batchesPerEpoch: batchesPerEpoch) } catch {
            throw ValidationError("--train-epochs: \(error)")
        }

        // From a checkpoint every run starts from its weights (the runs differ in batch order and dropout).
        let startingNetwork = try checkpoint.map { try $0.loaded(into: model.network(spec, for: prepared, seed: seed), for: prepared) }
        func makeTrainer(_ run: Int) throws -> EmbeddedTrainer {
            let runSeed = seed &+ UInt64(run)
            let network = try startingNetwork ?? model.network(spec, for: prepared, seed: runSeed)
            return EmbeddedTrainer(network: network, optimizer: optimizerValue, data: prepared, batchSize: batchSize,
                                   seed: runSeed, clipping: clipping, loss: loss)
        }
        // Run 1's trainer, built once: the range test trains a copy; the hand-off and the record start from it.
        let initialTrainer = try makeTrainer(0)

        var bar = ProgressBar(label: "range test", total: plannedSteps * runs, enabled: !runtime.quiet)
        let results = try RangeTest(settings: settings).runs(
            runs, makeTrainer: { $0 == 0 ? initialTrainer : try makeTrainer($0) },
            progress: { run, step in
                if runtime.verbose, run == 0, step.step == 1 { Terminal.note("range test: started") }
                bar.update(run * plannedSteps + step.step, detail: "lr \(format(step.learningRate)) loss \(format(step.loss))")
            },
            shouldStop: { Interrupt.requested })
        bar.finish()
        guard let first = results.first, first.steps.count >= 1 else {
            if Interrupt.requested {
                Terminal.note("lrfind: interrupted before the first step; nothing to save")
                throw ExitCode(Interrupt.exitStatus)
            }
            throw RunError("the range test recorded no step (interrupted before the first batch?)")
        }

        // One curve to read: the single run, or the mean of the runs over their common steps.
        let ensemble = results.count > 1
            ? try RangeTestEnsemble(results, settings: analysisSettings, iterationsPerEpoch: batchesPerEpoch) : nil
        let curve = ensemble?.meanCurve ?? first
        let analysis = RangeTestAnalysis(curve, settings: analysisSettings, iterationsPerEpoch: batchesPerEpoch)

        if let csv { try writeCurveCSV(curve, analysis: analysis, to: csv) }
        if let plotPath {
            let chart = Charts.rangeTest(curve.steps, analysis: analysis, ensemble: ensemble, extent: Charts.extent(of: curve, runs: ensemble?.runCount),
                                         metric: settings.metric, loss: loss, smoothingBeta: settings.smoothingBeta,
                                         title: "Range test: \(prepared.name), \(modelName(spec)), \(optimizer.optimizer.rawValue)")
            try Charts.write(chart, to: plotPath)
        }

        var training: [HandOffRun] = []
        if let then, !Interrupt.requested {
            guard let bounds = analysis.bounds else {
                throw RunError("--then \(then.rawValue): no recommendation to train with: \(analysis.noRecommendationReason ?? "")")
            }
            let trained: Network
            (training, trained) = try handOff(then, bounds: bounds, trainer: initialTrainer, epochs: trainEpochs, updates: handOffUpdates)
            if training.first?.result.stopReason != .nonFiniteLoss { try modelFiles.save(trained, spec: spec, data: prepared, recipe: recipe) }
            if let confusionPlot, let run = training.first, let report = run.result.test?.report {
                try Charts.write(Charts.confusion(report, classNames: prepared.classNames,
                                                  title: "Test confusion matrix: \(prepared.name), \(modelName(spec)), \(run.name)"), to: confusionPlot)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        let runSeeds = results.indices.map { seed &+ UInt64($0) }
        if runtime.json || runtime.record != nil {
            var base = TrainingConfiguration()
            base.epochs = trainEpochs
            base.batchSize = batchSize
            base.clipping = clipping
            base.seed = seed
            base.loss = try data.lossOption()
            let rangeRecipe = RangeTestRecipe(
                base: TrainingRecipe(data: recipe, model: ModelRecipe(spec: spec, initialization: model.initialization, inputShape: model.shape, initialWeights: checkpoint?.digest),
                                     optimizer: optimizer.settings, training: base),
                rangeTest: settings, analysis: analysisSettings, runs: runs, handOff: then)
            let record = RangeTestRecord(
                recipe: rangeRecipe, identifier: try RecipeIdentity.identifier(of: rangeRecipe, dataDigest: recipe.contentDigest()),
                data: DataSummary(prepared), model: ModelSummary(initialTrainer.network, optimizer: optimizerValue),
                runs: results, curve: curve, analysis: analysis, ensemble: ensemble, training: training,
                environment: RunEnvironment(seconds: seconds))
            try runtime.writeRecord(record)
            if runtime.json { print(try jsonText(record)) }
        }
        if !runtime.json && csv != "-" {
            let context = FindTable.Context(data: prepared.name, trainCount: prepared.train.count, model: modelName(spec),
                                            optimizer: optimizerValue.summary, batchSize: batchSize, dataNote: delimiterNote(prepared),
                                            lengthNote: epochs == nil && steps == nil
                                                ? SmallData.lengthDescription(steps: plannedSteps, batchesPerEpoch: batchesPerEpoch, batchesPerStep: batchesPerStep) : nil)
            FindTable.print(context: context, settings: settings, runSeeds: runSeeds, results: results, steps: curve.steps,
                            plannedSteps: curve.plannedSteps, analysis: analysis, ensemble: ensemble,
                            batchesPerEpoch: batchesPerEpoch, training: training, plot: plotPath, csv: csv, seconds: seconds)
        }
        if Interrupt.requested { throw ExitCode(Interrupt.exitStatus) }
    }

    /// The plot file: `--plot`, else `lrfind-range-test.png`; nil with `--no-plot`.
    private var plotPath: String? { noPlot ? nil : (plot ?? "lrfind-range-test.png") }

    private func modelName(_ spec: ModelSpec) -> String {
        model.displayName(spec, weightsFromFile: modelFiles.initFrom != nil) + (modelFiles.initFrom.map { " (weights from \($0))" } ?? "")
    }

    /// Trains a copy of the initial model with the recommended schedule (and the baseline); the
    /// network the recommended schedule trained.
    private func handOff(_ kind: HandOffSchedule, bounds: LearningRateBounds, trainer: EmbeddedTrainer,
                         epochs: Int, updates: Int) throws -> (runs: [HandOffRun], trained: Network) {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.batchSize = batchSize
        configuration.seed = seed
        let spec = kind.schedule(bounds, totalIterations: updates)
        var runs: [(String, ScheduleSpec?, Double)] = [(kind.rawValue, spec, bounds.maximumLearningRate)]
        if baseline { runs.append(("constant", nil, bounds.maximumLearningRate)) }
        var trained = trainer.network
        let handOffRuns = try runs.enumerated().map { index, run in
            let (name, spec, rate) = run
            var trainer = trainer
            configuration.learningRate = Float(rate)
            let scheduler = try spec.map {
                try Scheduler(spec: $0, initialLearningRate: rate, initialMomentum: trainer.defaultMomentum,
                              runLength: updates)
            }
            do { try scheduler.map { try $0.checkRates(steps: $0.unit == .batch ? updates : configuration.epochs) } } catch {
                throw RunError("--then \(name): \(spec?.description(significantDigits: 4) ?? ""): \(error)")
            }
            var bar = ProgressBar(label: "train \(name)", total: updates, enabled: !runtime.quiet)
            let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(
                &trainer, progress: { bar.update($0.step, detail: "epoch \($0.epoch)") }, shouldStop: { Interrupt.requested })
            bar.finish()
            if index == 0 { trained = trainer.network }
            return HandOffRun(name: name, schedule: spec, learningRate: rate, result: result)
        }
        return (handOffRuns, trained)
    }

    /// The CSV of the curve: one row per recorded step.
    private func writeCurveCSV(_ curve: RangeTestResult, analysis: RangeTestAnalysis, to path: String) throws {
        var text = "step,lr,loss,smoothed_loss,lag_free_loss\n"
        for (index, step) in curve.steps.enumerated() {
            text += "\(index),\(step.learningRate),\(step.loss),\(step.smoothedLoss),\(analysis.lagFreeLosses[index])\n"
        }
        try OutputPaths.write(text, to: path)
    }
}

extension HandOffSchedule: ExpressibleByArgument {}

/// `--mode`.
enum SpacingOption: String, ExpressibleByArgument, CaseIterable {
    case exp, linear
    var spacing: LearningRateSpacing { self == .exp ? .exponential : .linear }
}

/// `--metric`.
enum MetricOption: String, ExpressibleByArgument, CaseIterable {
    case trainLoss = "train-loss", valLoss = "val-loss", valAccuracy = "val-accuracy"
    var metric: RangeTestMetric {
        switch self {
        case .trainLoss: return .trainingLoss
        case .valLoss: return .validationLoss
        case .valAccuracy: return .validationAccuracy
        }
    }
}
