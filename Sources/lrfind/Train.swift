import ArgumentParser
import Foundation
import LRFinder

/// `lrfind train`: train a model with the embedded trainer and report per-epoch figures.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on a data set with the embedded CPU trainer.",
        discussion: "Example: lrfind train --data digits.csv.gz --model dense:64,relu --optimizer sgd --momentum 0.9 --lr 0.05 --epochs 20")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions

    @Option(name: .long, parsing: .unconditional, help: "Learning rate (default: the optimizer's PyTorch default).")
    var lr: Double?

    @Option(name: .long, parsing: .unconditional, help: "Epochs.")
    var epochs: Int = 10

    @Option(name: .long, help: ArgumentHelp("Learning-rate schedule, e.g. cyclic:base=1e-5,max=1.6e-3,step-up=5,mode=triangular2 or onecycle:max=0.01,pct-start=0.3 (docs/schedules.md lists them all). Its base rate is --lr.", valueName: "spec"))
    var schedule: String?

    @Option(name: .long, parsing: .unconditional, help: "Batch size.")
    var batchSize: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Seed of the weights, batch order and dropout.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Draw the test confusion matrix to this file (.png, .svg or .pdf).", valueName: "file"))
    var confusionPlot: String?

    @OptionGroup var stopping: EarlyStoppingOptions

    @OptionGroup(title: "Model files") var modelFiles: ModelFileOptions
    @OptionGroup(title: "Output (--plot: the per-epoch losses and validation accuracy)") var output: OutputOptions
    @OptionGroup(title: "Run") var runtime: RuntimeOptions

    func validate() throws {
        try runningRecipe { try recipe(readingWeights: false).validate() }
        var paths = OutputPaths(inputs: [("--data", data.data), ("--labels", data.labels), modelFiles.input], json: output.json)
        try paths.output(modelFiles.save, option: "--save")
        try paths.output(output.plot, option: "--plot", image: true)
        try paths.output(confusionPlot, option: "--confusion-plot", image: true)
        try paths.output(runtime.record, option: "--record")
    }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        let started = DispatchTime.now().uptimeNanoseconds
        try runtime.apply()
        let recipe = try self.recipe()
        let scheduleText = schedule
        let reporter = RunReporter(quiet: runtime.quiet, verbose: runtime.verbose, trainingHeader: output.json ? nil : { start in
            TrainingOutput.header(start, recipe: recipe, modelName: recipe.model.spec.name, scheduleText: scheduleText)
        })
        let outcome = try runningRecipe {
            try recipe.run(identifying: output.json || runtime.record != nil, events: reporter.events(confusionPlot: confusionPlot),
                           shouldStop: { Interrupt.requested })
        }
        reporter.finish()
        let name = model.displayName(recipe.model.spec, weightsFromFile: modelFiles.initFrom != nil)
        try TrainingOutput(modelName: name, optimizerName: optimizer.optimizer.rawValue, scheduleText: schedule, plot: output.plotPath(),
                           confusionPlot: confusionPlot, save: modelFiles.save, record: runtime.record, json: output.json).write(outcome, started: started)
    }

    /// The training run the options describe; `readingWeights` reads an `--init-from` lrfind
    /// file for its model when no `--model` is given.
    func recipe(readingWeights: Bool = true) throws -> TrainingRecipe {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.learningRate = lr ?? optimizer.optimizer.defaultLearningRate
        (configuration.earlyStopping, configuration.monitor) = (stopping.earlyStopping, stopping.monitored)
        let scheduleSpec: ScheduleSpec?
        do { scheduleSpec = try schedule.map(ScheduleSpec.init(parsing:)) } catch { throw ValidationError("--schedule: \(error)") }
        return try Self.recipe(data: data, model: model, files: modelFiles, optimizer: optimizer, batchSize: batchSize, seed: seed,
                               training: configuration, schedule: scheduleSpec, readingWeights: readingWeights)
    }

    /// The training recipe of the data, model and optimizer options, `batchSize`, `seed`,
    /// `training` and `schedule` (shared with `lrfind sweep`).
    static func recipe(data: DataOptions, model: ModelOptions, files: ModelFileOptions, optimizer: OptimizerOptions, batchSize: Int,
                       seed: UInt64, training: TrainingConfiguration, schedule: ScheduleSpec?, readingWeights: Bool) throws -> TrainingRecipe {
        TrainingRecipe(
            data: try data.recipe(), model: try model.recipe(files: files, readingWeights: readingWeights), optimizer: try optimizer.settings(),
            trainer: TrainerSettings(batchSize: batchSize, seed: seed, clipping: try optimizer.clipping(), loss: try data.lossOption()),
            training: training, schedule: schedule)
    }
}

/// The per-epoch table of `lrfind train`.
enum EpochTable {
    /// The header; `val r2` (validation R-squared) in the accuracy's column for regression.
    static func header(regression: Bool) -> String {
        "epoch  train loss  train acc  val loss  \(regression ? "val r2 " : "val acc")  lr          momentum  time s"
    }

    /// The columns after the epoch's, as wide as their titles in `header`: numbers that do not
    /// fit switch to scientific notation (`TableColumn`) instead of running into the next column.
    static let columns = [TableColumn(.fixed(fractionDigits: 4), width: 12), TableColumn(.fixed(fractionDigits: 4), width: 11),
                          TableColumn(.fixed(fractionDigits: 4), width: 10), TableColumn(.fixed(fractionDigits: 4), width: 9),
                          TableColumn(.significant(digits: 4), width: 12), TableColumn(.significant(digits: 4), width: 10),
                          TableColumn(.fixed(fractionDigits: 2), width: 10)]

    static func row(_ record: EpochSummary) -> String {
        let values = [record.trainLoss, record.trainAccuracy, record.validationLoss, record.validationAccuracy ?? record.validationRSquared,
                      record.learningRate, record.momentum, record.seconds]
        let cells = zip(columns, values).map { column, value in value.map(column.cell) ?? TableColumn.cell("-", width: column.width) }
        return (TableColumn.cell(String(record.epoch) + (record.complete ? "" : "*"), width: 7) + cells.joined())
            .trimmingCharacters(in: .whitespaces)
    }
}

/// A number in 4 significant digits (``NumberText/significant(_:)``).
func format(_ value: Double) -> String { NumberText.significant(value) }
