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

    @Option(name: [.customLong("stop-factor"), .customLong("divergence-factor")], parsing: .unconditional, help: "Stop when the moving average exceeds this factor times its best (the divergence factor; the lag-free curve diverges at it too).")
    var divergenceFactor: Double = 4

    @Flag(name: .long, help: "Run the whole range; do not stop when the loss diverges.")
    var noStop = false

    @Option(name: .long, parsing: .unconditional, help: "Most validation rungs: steps after which the validation split is scored, so that the bounds follow the validation loss when the model over-fits (fewer on a large validation split; 0: none).")
    var validationRungs: Int = 16

    @Option(name: .long, parsing: .unconditional, help: "Repeat the test with N seeds and report the mean curve and the spread of every suggestion.")
    var runs: Int = 1

    @Option(name: .long, help: ArgumentHelp("Write step,lr,loss,smoothed_loss,lag_free_loss to this CSV file.", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: "Then train the model from its initial weights with the recommended schedule: cyclic or onecycle.")
    var then: HandOffSchedule?

    @Option(name: .long, parsing: .unconditional, help: "Epochs of the training run of --then. (default: 10, or enough epochs for 300 updates, whichever is more)")
    var trainEpochs: Int?

    @Flag(name: .long, help: "With --then, also train at a constant rate (the recommended max) for comparison.")
    var baseline = false

    @OptionGroup(title: "Training after the range test (--then)") var stopping: EarlyStoppingOptions

    @Option(name: .long, help: ArgumentHelp("With --then, draw the test confusion matrix of its run to this file (.png, .svg or .pdf).", valueName: "file"))
    var confusionPlot: String?

    @OptionGroup(title: "Model files") var modelFiles: ModelFileOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Run") var runtime: RuntimeOptions

    func validate() throws {
        if let steps, let epochs {
            throw ValidationError("--steps \(steps) and --epochs \(epochs) both set the length of the test; give one of them")
        }
        try runningRecipe { try recipe(readingWeights: false).validate() }
        var paths = OutputPaths(inputs: [("--data", data.data), ("--labels", data.labels), modelFiles.input], json: output.json)
        try paths.output(modelFiles.save, option: "--save")
        try paths.output(csv, option: "--csv", standardOutput: true)
        try paths.output(output.plot ?? plotPath, option: "--plot", image: true, isDefault: output.plot == nil)
        try paths.output(confusionPlot, option: "--confusion-plot", image: true)
        try paths.output(runtime.record, option: "--record")
        if baseline && then == nil { throw ValidationError("--baseline goes with --then") }
        if stopping.isSet && then == nil { throw ValidationError("--early-stop and --monitor go with --then (they apply to its training runs)") }
        if confusionPlot != nil && then == nil { throw ValidationError("--confusion-plot goes with --then") }
        if modelFiles.save != nil && then == nil { throw ValidationError("--save goes with --then (it saves the model trained with the recommended schedule)") }
    }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        let started = DispatchTime.now().uptimeNanoseconds
        try runtime.apply()
        let recipe = try self.recipe()
        let reporter = RunReporter(quiet: runtime.quiet, verbose: runtime.verbose)
        reporter.runCount = runs
        let outcome = try runningRecipe {
            try recipe.run(identifying: output.json || runtime.record != nil, events: reporter.events(confusionPlot: confusionPlot),
                           shouldStop: { Interrupt.requested })
        }
        reporter.finish()
        let results = RangeTestOutput(modelName: modelName(recipe.model.spec), optimizerName: optimizer.optimizer.rawValue, plot: plotPath,
                                     csv: csv, confusionPlot: confusionPlot, save: modelFiles.save, record: runtime.record, json: output.json)
        try results.write(outcome, started: started)
        if Interrupt.requested { throw ExitCode(Interrupt.exitStatus) }
    }

    /// The range test the options describe; `readingWeights` reads an `--init-from` lrfind file
    /// for its model when no `--model` is given.
    func recipe(readingWeights: Bool = true) throws -> RangeTestRecipe {
        var settings = RangeTestSettings()
        settings.minimumLearningRate = min
        settings.maximumLearningRate = max
        settings.spacing = mode.spacing
        settings.batchesPerStep = batchesPerStep
        settings.length = steps.map(RangeTestLength.steps) ?? epochs.map(RangeTestLength.epochs) ?? .automatic
        settings.metric = metric.metric
        settings.smoothingBeta = beta
        settings.divergenceFactor = divergenceFactor
        settings.stopsOnDivergence = !noStop
        settings.validationRungs = validationRungs
        return RangeTestRecipe(
            data: try data.recipe(), model: try model.recipe(files: modelFiles, readingWeights: readingWeights), optimizer: try optimizer.settings(),
            trainer: TrainerSettings(batchSize: batchSize, seed: seed, clipping: try optimizer.clipping(), loss: try data.lossOption()),
            rangeTest: settings, analysis: AnalysisSettings(divergenceFactor: divergenceFactor), runs: runs,
            handOff: then.map { HandOffPlan(schedule: $0, epochs: trainEpochs, baseline: baseline, earlyStopping: stopping.earlyStopping,
                                            monitor: stopping.monitored) })
    }

    /// The plot file: `--plot`, else `lrfind-range-test.png`; nil with `--no-plot`.
    private var plotPath: String? { output.plotPath(default: "lrfind-range-test.png") }

    private func modelName(_ spec: ModelSpec) -> String {
        model.displayName(spec, weightsFromFile: modelFiles.initFrom != nil) + (modelFiles.initFrom.map { " (weights from \($0))" } ?? "")
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
