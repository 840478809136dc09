import ArgumentParser
import Foundation
import LRFinder

/// What `train` (and `run` on a training recipe) writes after the run: the saved model, the
/// plots, the record, the summary or JSON; and the failure of a run that diverged or was stopped.
struct TrainingOutput {
    /// The model's name in titles.
    var modelName: String
    /// The optimizer's name in titles.
    var optimizerName: String
    /// The schedule as given (`--schedule`), for titles and messages.
    var scheduleText: String?
    /// `--plot`, `--confusion-plot`.
    var plot: String?
    var confusionPlot: String?
    /// `--save`: the trained model's file.
    var save: String?
    /// `--record`: the record's file.
    var record: String?
    /// `--json`: the record on stdout instead of the table.
    var json: Bool

    /// The first line of the table: data, model, optimizer, rate and schedule.
    static func header(_ start: RunStart, recipe: TrainingRecipe, modelName: String, scheduleText: String?) -> String {
        let data = start.data
        let schedule = recipe.schedule.map { ", schedule \(scheduleText ?? $0.description) (per \($0.unit.rawValue))" } ?? ""
        return "data \(data.name) (\(data.train.count) train / \(data.validation.count) validation / \(data.test.count) test, scaling \(data.scaling.rawValue)\(delimiterNote(data))\(classNote(data))), model \(modelName)\(start.checkpoint.map { " (weights from \($0.name))" } ?? ""), \(start.optimizer.summary), lr \(format(recipe.training.learningRate))" + schedule
    }

    /// Writes every output of `outcome`; `started` is when the command began. Throws the run's
    /// failure (exit 1) or the signal's exit code after writing what was recorded.
    func write(_ outcome: TrainingRun, started: UInt64) throws {
        let record = outcome.record
        let result = record.result
        let recipe = record.recipe
        let scheduleName = scheduleText ?? recipe.schedule?.description
        if result.stopReason != .nonFiniteLoss {
            try ModelFileOptions.save(outcome.network, spec: recipe.model.spec, data: outcome.data, recipe: outcome.dataRecipe,
                                      run: result, plannedEpochs: recipe.training.epochs, to: save)
        }
        if let plot, !result.epochs.isEmpty {
            let rate = scheduleName.map { ", \($0)" } ?? ", lr \(format(recipe.training.learningRate))"
            try Charts.write(Charts.training(result, title: "Training: \(record.data.name), \(modelName), \(optimizerName)" + rate), to: plot)
        }
        if let confusionPlot, let report = result.test?.report {
            try Charts.write(Charts.confusion(report, classNames: outcome.data.classNames,
                                              title: "Test confusion matrix: \(record.data.name), \(modelName)"), to: confusionPlot)
        }
        var timed = record
        timed.environment.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        try RuntimeOptions.publish(timed, to: self.record, json: json)
        if !json {
            var summary = "stopped: \(result.stopReason.rawValue) after \(result.epochs.count) epoch(s), \(format(result.trainingSeconds)) s of training, \(Int(result.samplesPerSecond.rounded())) samples/s"
            if let restored = result.restoredEpoch { summary += "; restored the weights of epoch \(restored)" }
            print(summary)
            if let test = result.test { ReportTable.summary(test, label: "test", classNames: outcome.data.classNames).forEach { print($0) } }
        }
        // The rate of the update that failed: under a schedule it is not the recipe's rate.
        let stop = result.stoppingUpdate.map { "at epoch \($0.epoch), batch \($0.batch)" } ?? ""
        let rate = result.stoppingUpdate?.learningRate ?? recipe.training.learningRate
        if result.stopReason == .nonFiniteLoss {
            throw RunError("the training loss became NaN or infinite \(stop) (learning rate \(format(rate))\(recipe.schedule == nil ? "" : " from the schedule") too high?)")
        }
        if result.stopReason == .unusableLearningRate {
            throw RunError("--schedule \(scheduleName ?? ""): stopped \(stop): learning rate \(LearningRateLimits.text(rate)) \(LearningRateLimits.problem(withScheduledRate: rate) ?? "")")
        }
        if result.stopReason == .interrupted { throw ExitCode(Interrupt.exitStatus) }
    }
}
