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

    @Option(name: .long, help: ArgumentHelp("Plot the per-epoch losses and validation accuracy to this file (.png, .svg or .pdf).", valueName: "file"))
    var plot: String?

    @Option(name: .long, help: ArgumentHelp("Draw the test confusion matrix to this file (.png, .svg or .pdf).", valueName: "file"))
    var confusionPlot: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop after N epochs without improvement of --monitor and restore the best weights (0: off).", valueName: "N"))
    var earlyStop: Int = 0

    @Option(name: .long, help: "Metric watched by --early-stop and by a plateau schedule in max mode: val-loss, val-accuracy, val-balanced-accuracy or val-macro-f1 (classification), val-r2 (regression).")
    var monitor: ValidationMetric = .loss

    @OptionGroup(title: "Model files") var modelFiles: ModelFileOptions
    @OptionGroup(title: "Run") var runtime: RuntimeOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be >= 1, got \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be >= 1, got \(batchSize)") }
        guard earlyStop >= 0 else { throw ValidationError("--early-stop must be >= 0, got \(earlyStop)") }
        if let lr, let problem = LearningRateLimits.problem(withGivenRate: lr) { throw ValidationError("--lr \(problem), got \(lr)") }
        var paths = OutputPaths(inputs: [("--data", data.data), ("--labels", data.labels), modelFiles.input])
        try paths.output(modelFiles.save, option: "--save")
        try paths.output(plot, option: "--plot", image: true)
        try paths.output(confusionPlot, option: "--confusion-plot", image: true)
        try paths.output(runtime.record, option: "--record")
    }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        try runtime.apply()
        let request = try data.recipe()
        let checkpoint = try modelFiles.checkpoint(try model.spec(), model: model)
        let spec = try checkpoint?.spec ?? model.spec()
        let optimizer = try self.optimizer.makeOptimizer()
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.batchSize = batchSize
        configuration.learningRate = lr.map(Float.init) ?? self.optimizer.optimizer.defaultLearningRate
        configuration.clipping = try self.optimizer.clipping()
        configuration.seed = seed
        if earlyStop > 0 { configuration.earlyStopping = EarlyStopping(metric: monitor, patience: earlyStop) }
        if monitor != .loss { configuration.monitor = monitor }
        let scheduleSpec: ScheduleSpec?
        do { scheduleSpec = try schedule.map(ScheduleSpec.init(parsing:)) } catch { throw ValidationError("--schedule: \(error)") }

        try model.checkMemoryBeforeLoading(spec, optimizer: self.optimizer.settings, copies: 1)
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let prepared = try data.prepare(request, confusionPlot: confusionPlot != nil, checkpoint: checkpoint)
        noteEncoding(prepared)
        guard monitor.applies(to: prepared.task) else {
            throw ValidationError("--monitor \(monitor.rawValue) has no value for \(prepared.name), a \(prepared.task.rawValue) task")
        }
        let loss = try data.lossFunction(for: prepared)
        configuration.loss = try data.lossOption()
        if let note = SmallData.batchSizeNote(given: batchSize, trainingCount: prepared.train.count) {
            Terminal.note("lrfind: note: \(note)")
            batchSize = SmallData.clampedBatchSize(batchSize, trainingCount: prepared.train.count)
            configuration.batchSize = batchSize
        }
        let loadMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e6
        try model.checkMemory(spec, for: prepared, optimizer: self.optimizer.settings, cyclesMomentum: scheduleSpec?.cyclesMomentum ?? false,
                              batchSize: batchSize, keepsBestWeights: earlyStop > 0, copies: 1)
        let built = try model.network(spec, for: prepared, seed: seed)
        let network = try checkpoint?.loaded(into: built, for: prepared) ?? built
        if runtime.verbose {
            Terminal.note("data: \(prepared.name), \(prepared.featureCount) features, \(prepared.classCount) classes; split \(prepared.train.count) / \(prepared.validation.count) / \(prepared.test.count); scaling \(prepared.scaling.rawValue); loaded and prepared in \(String(format: "%.1f", loadMilliseconds)) ms")
            Terminal.note("model: \(ModelSpec(hidden: network.layers).description) on \(network.inputShape) (\(network.parameterCount) parameters, init \(model.initialization.rawValue)); optimizer \(optimizer.summary)")
        }
        var trainer = EmbeddedTrainer(network: network, optimizer: optimizer, data: prepared, batchSize: batchSize, seed: seed,
                                      clipping: configuration.clipping, loss: loss)
        let updates: Int
        do { updates = try TrainingConfiguration.updateCount(epochs: epochs, batchesPerEpoch: trainer.batchesPerEpoch) } catch {
            throw ValidationError("--epochs: \(error)")
        }
        let scheduler = try scheduleSpec.map { spec -> Scheduler in
            let runLength = spec.unit == .batch ? updates : epochs
            do {
                let scheduler = try Scheduler(spec: spec, initialLearningRate: Double(configuration.learningRate),
                                              initialMomentum: optimizer.defaultMomentum.map(Double.init), runLength: runLength)
                // Every rate of the run, before training (a plateau's are checked as they come).
                try scheduler.checkRates(steps: runLength)
                return scheduler
            } catch let error as UnusableLearningRate {
                throw ValidationError("--schedule \(schedule!): \(error)")
            } catch { throw ValidationError("--schedule: \(error)") }
        }
        let showTable = !runtime.json
        if showTable {
            print("data \(prepared.name) (\(prepared.train.count) train / \(prepared.validation.count) validation / \(prepared.test.count) test, scaling \(prepared.scaling.rawValue)\(delimiterNote(prepared))\(classNote(prepared))), model \(spec.name)\(checkpoint.map { " (weights from \($0.name))" } ?? ""), \(optimizer.summary), lr \(format(Double(configuration.learningRate)))" + (schedule.map { ", schedule \($0) (per \(scheduleSpec!.unit.rawValue))" } ?? ""))
            print(EpochTable.header(regression: prepared.task == .regression))
        }
        var bar = ProgressBar(label: "train", total: updates, enabled: !runtime.quiet)
        let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(
            &trainer,
            progress: {
                if runtime.verbose, $0.step == 1 { Terminal.note("train: started") }
                bar.update($0.step, detail: "epoch \($0.epoch) loss \(format(Double($0.loss)))")
            },
            epochEnded: { record in
                bar.finish()
                if showTable { print(EpochTable.row(record)) }
            },
            shouldStop: { Interrupt.requested })
        bar.finish()
        if result.stopReason != .nonFiniteLoss { try modelFiles.save(trainer.network, spec: spec, data: prepared, recipe: request) }
        if let plot, !result.epochs.isEmpty {
            try Charts.write(Charts.training(result, title: "Training: \(prepared.name), \(model.displayName(spec, weightsFromFile: modelFiles.initFrom != nil)), \(self.optimizer.optimizer.rawValue)" + (schedule.map { ", \($0)" } ?? ", lr \(format(Double(configuration.learningRate)))")), to: plot)
        }
        if let confusionPlot, let report = result.test?.report {
            try Charts.write(Charts.confusion(report, classNames: prepared.classNames,
                                              title: "Test confusion matrix: \(prepared.name), \(model.displayName(spec, weightsFromFile: modelFiles.initFrom != nil))"), to: confusionPlot)
        }

        if runtime.json || runtime.record != nil {
            let recipe = TrainingRecipe(data: request, model: ModelRecipe(spec: spec, initialization: model.initialization, inputShape: model.shape, initialWeights: checkpoint?.digest),
                                        optimizer: self.optimizer.settings, training: configuration, schedule: scheduleSpec)
            let record = TrainingRecord(recipe: recipe, identifier: try RecipeIdentity.identifier(of: recipe, dataDigest: request.contentDigest()),
                                        data: DataSummary(prepared), model: ModelSummary(network, optimizer: optimizer), result: result,
                                        environment: RunEnvironment(seconds: Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9))
            try runtime.writeRecord(record)
            if runtime.json { print(try jsonText(record)) }
        }
        if !runtime.json {
            var summary = "stopped: \(result.stopReason.rawValue) after \(result.epochs.count) epoch(s), \(format(result.trainingSeconds)) s of training, \(Int(result.samplesPerSecond.rounded())) samples/s"
            if let restored = result.restoredEpoch { summary += "; restored the weights of epoch \(restored)" }
            print(summary)
            if let test = result.test { ReportTable.summary(test, label: "test", classNames: prepared.classNames).forEach { print($0) } }
        }
        // The rate of the update that failed: under a schedule it is not --lr.
        let stop = result.stoppingUpdate.map { "at epoch \($0.epoch), batch \($0.batch)" } ?? ""
        let rate = result.stoppingUpdate?.learningRate ?? Double(configuration.learningRate)
        if result.stopReason == .nonFiniteLoss {
            throw RunError("the training loss became NaN or infinite \(stop) (learning rate \(format(rate))\(scheduler == nil ? "" : " from the schedule") too high?)")
        }
        if result.stopReason == .unusableLearningRate {
            throw RunError("--schedule \(schedule ?? ""): stopped \(stop): learning rate \(LearningRateLimits.text(rate)) \(LearningRateLimits.problem(withScheduledRate: rate) ?? "")")
        }
        if result.stopReason == .interrupted { throw ExitCode(Interrupt.exitStatus) }
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

    static func row(_ record: EpochRecord) -> String {
        let values = [record.trainLoss, record.trainAccuracy, record.validationLoss, record.validationAccuracy ?? record.validationRSquared,
                      record.learningRate, record.momentum, record.seconds]
        let cells = zip(columns, values).map { column, value in value.map(column.cell) ?? TableColumn.cell("-", width: column.width) }
        return (TableColumn.cell(String(record.epoch) + (record.complete ? "" : "*"), width: 7) + cells.joined())
            .trimmingCharacters(in: .whitespaces)
    }
}

/// A number in 4 significant digits (`0.001`, `3.162e-05`); `nan` for any NaN (C writes `-nan`
/// for the one `0/0` gives).
func format(_ value: Double) -> String {
    value.isNaN ? "nan" : String(format: "%.4g", value)
}
