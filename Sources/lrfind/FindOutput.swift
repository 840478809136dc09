import Foundation
import LRFinder

/// The `--json` document of `lrfind analyze`: the curve as read (its finite points) and its
/// analysis; the lines of the non-finite points dropped and where the curve stopped, if anywhere.
struct AnalysisReport: Encodable {
    let file: String
    let plannedSteps: Int
    let steps: [RangeTestStep]
    let settings: AnalysisSettings
    let analysis: RangeTestAnalysis
    let plot: String?
    let seconds: Double
    let droppedLines: [Int]?
    let stopLine: Int?
}

/// The short table of `lrfind find` and `lrfind analyze` on stdout.
enum FindTable {
    /// What was tested, for the first line.
    struct Context {
        let data: String
        let trainCount: Int
        let model: String
        let optimizer: String
        let batchSize: Int
        /// Text after the training count in the parentheses (`, delimiter ';'`).
        var dataNote = ""
        /// How long the test is when its length was not given (``SmallData/lengthDescription(steps:batchesPerEpoch:batchesPerStep:)``).
        var lengthNote: String?
    }

    static func print(context: Context?, settings: RangeTestSettings?, runSeeds: [UInt64], results: [RangeTestResult],
                      steps: [RangeTestStep], plannedSteps: Int, analysis: RangeTestAnalysis,
                      ensemble: RangeTestEnsemble?, batchesPerEpoch: Int?, training: [HandOffRun], plot: String?, csv: String?,
                      seconds: Double) {
        func out(_ line: String) { StandardOutput.write(line + "\n") }
        // Padded, never cut (`String.padding` cuts): values are `format`'s 4 significant digits,
        // at most 11 characters, or step counts.
        func row(_ name: String, _ value: String, _ note: String = "") {
            out("  " + TableColumn.cell(name, width: 26) + TableColumn.cell(value, width: 12) + note)
        }
        if let context {
            out("range test: \(context.data) (\(context.trainCount) train\(context.dataNote)), model \(context.model), \(context.optimizer), batch \(context.batchSize)"
                + (context.lengthNote.map { "; \($0)" } ?? ""))
        }
        if let settings {
            out("rates \(format(settings.minimumLearningRate)) to \(format(settings.maximumLearningRate)) (\(settings.spacing.rawValue)) over \(plannedSteps) steps")
        } else if let first = steps.first, let last = steps.last {
            out("rates \(format(first.learningRate)) to \(format(last.learningRate)) over \(plannedSteps) steps")
        }
        for (index, result) in results.enumerated() {
            let last = result.steps.last.map { " at step \(result.steps.count), lr \(format($0.learningRate))" } ?? ""
            // The stop rule watches the causal moving average, which lags the lag-free curve below.
            let why = result.stopReason == .diverged
                ? " (the moving-average loss passed \(format(result.settings.divergenceFactor))x its best)" : ""
            out("run \(index + 1) (seed \(runSeeds[index])): stopped: \(result.stopReason.rawValue)\(last)\(why); \(String(format: "%.3f", result.seconds)) s")
        }
        out("")
        out("points (lag-free curve: \(analysis.smoother), no moving-average lag)")
        let points = analysis.points
        if let p = points.fallStart { row("loss starts to fall", format(p.learningRate), "loss \(format(p.loss))") }
        if let p = points.steepestDescent { row("steepest descent", format(p.learningRate), "loss \(format(p.loss))") }
        if let p = points.minimum { row("minimum", format(p.learningRate), "loss \(format(p.loss))") }
        let factor = format(results.first?.settings.divergenceFactor ?? RangeTestSettings().divergenceFactor)
        row("loss blows up", points.divergence.map { format($0.learningRate) } ?? "-",
            points.divergence == nil ? "not reached" : "loss \(factor)x its minimum (earlier than the run's stop: no lag)")
        out("")
        out("suggestions of the reference tools (on the moving average, as they compute them)" + (ensemble.map { "; spread over \($0.runCount) runs" } ?? ""))
        for outcome in analysis.suggestions {
            let name = outcome.rule == .steepestGradient ? "torch-lr-finder steepest" : "fastai \(outcome.rule.rawValue)"
            var note = outcome.reason ?? ""
            if let spread = ensemble?.spread(of: .suggestion(outcome.rule)) { note = spreadText(spread) }
            row(name, outcome.suggestion.map { format($0.learningRate) } ?? "-", note)
        }
        out("")
        if let bounds = analysis.bounds {
            out("recommended (lrfind)")
            row("CLR base_lr", format(bounds.baseLearningRate), ensemble?.spread(of: .baseLearningRate).map(spreadText) ?? "")
            row("CLR max_lr", format(bounds.maximumLearningRate), ensemble?.spread(of: .maximumLearningRate).map(spreadText) ?? "")
            if let step = bounds.stepSize {
                row("CLR step size", "\(step)", batchesPerEpoch.map { "iterations (\(step / Swift.max($0, 1)) epochs of \($0) batches)" } ?? "iterations")
            }
            row("one-cycle max_lr", format(bounds.oneCycleMaximumLearningRate), "starts at \(format(bounds.oneCycleInitialLearningRate))")
            out("  --schedule \(HandOffSchedule.cyclic.schedule(bounds).description(significantDigits: 4))"
                + (bounds.stepSize == nil ? "   (PyTorch's default step size; --batches-per-epoch sets it)" : ""))
            out("  --schedule \(HandOffSchedule.onecycle.schedule(bounds).description(significantDigits: 4))")
            if !training.isEmpty { out("  (rounded for reading; the train command after each run below reproduces it exactly)") }
            for note in bounds.notes { out("  note: \(note)") }
        } else {
            out("no recommendation: \(analysis.noRecommendationReason ?? "")")
        }
        // The command that runs `run` again, bit for bit (the 4-digit texts above are for reading).
        func reproduction(_ run: HandOffRun) {
            guard let command = run.command else { return }
            out("this command reproduces the \(run.name) run bit for bit (same lrfind binary and threads, from this directory):")
            out("  " + command.text)
        }
        for run in training {
            out("")
            out("training with \(run.schedule.map { $0.description(significantDigits: 4) } ?? "a constant rate \(format(run.learningRate))") for \(run.result.epochs.count) epoch(s)")
            let regression = run.result.test?.regression != nil
            out(EpochTable.header(regression: regression))
            for record in run.result.epochs { out(EpochTable.row(record)) }
            if regression {
                let validation = run.result.epochs.last?.validationRSquared.map { NumberText.fixed($0) } ?? "-"
                out("\(run.name): final validation R-squared \(validation), test \(run.result.test?.regression.map(ReportTable.regression) ?? "-"), \(run.result.stopReason.rawValue)")
                reproduction(run)
                continue
            }
            let validation = run.result.epochs.last?.validationAccuracy.map { NumberText.fixed($0) } ?? "-"
            let test = (run.result.test?.accuracy.map { NumberText.fixed($0) } ?? "-")
                + (run.result.test?.report.map { String(format: ", balanced accuracy %.4f, macro F1 %.4f", $0.balancedAccuracy, $0.macroF1) } ?? "")
            out("\(run.name): final validation accuracy \(validation), test accuracy \(test), \(run.result.stopReason.rawValue)")
            reproduction(run)
        }
        out("")
        out([plot.map { "plot: \($0)" }, csv.map { "csv: \($0)" }, String(format: "time: %.2f s", seconds)].compactMap { $0 }.joined(separator: "; "))
    }

    static func spreadText(_ spread: Spread) -> String {
        "mean \(format(spread.mean)), sd \(format(spread.standardDeviation)), range \(format(spread.minimum))..\(format(spread.maximum))"
    }
}

/// What `find` (and `run` on a range-test recipe) writes after the test: the CSV, the plot, the
/// saved model and confusion matrix of the hand-off, the record, and the table or JSON.
struct RangeTestOutput {
    /// The model's name in titles and the table.
    var modelName: String
    /// The optimizer's name in the plot's title.
    var optimizerName: String
    /// `--plot` (nil: none).
    var plot: String?
    /// `--csv` (`-`: stdout).
    var csv: String?
    /// `--confusion-plot`.
    var confusionPlot: String?
    /// `--save`: the trained model's file.
    var save: String?
    /// `--record`: the record's file.
    var record: String?
    /// `--json`: the record on stdout instead of the table.
    var json: Bool

    /// Writes every output of `outcome`; `started` is when the command began (for the time line).
    func write(_ outcome: RangeTestRun, started: UInt64) throws {
        let record = outcome.record
        let recipe = record.recipe
        if let csv { try OutputPaths.write(RecordedCurve.csvText(record.curve, lagFreeLosses: record.analysis.lagFreeLosses), to: csv) }
        if let plot {
            let chart = Charts.rangeTest(RangeTestPlot(curve: record.curve, analysis: record.analysis, ensemble: record.ensemble,
                                                       metric: recipe.rangeTest.metric, loss: outcome.loss, smoothingBeta: recipe.rangeTest.smoothingBeta,
                                                       title: "Range test: \(record.data.name), \(modelName), \(optimizerName)"))
            try Charts.write(chart, to: plot)
        }
        if let first = record.training.first, let network = outcome.trainedNetwork {
            if first.result.stopReason != .nonFiniteLoss {
                // The hand-off's epochs as the run sized them (the default depends on the batches per epoch).
                let plannedEpochs = recipe.handOff?.epochs ?? SmallData.defaultTrainingEpochs(batchesPerEpoch: record.batchesPerEpoch)
                try ModelFileOptions.save(network, spec: recipe.model.spec, data: outcome.data, recipe: outcome.dataRecipe,
                                          run: first.result, plannedEpochs: plannedEpochs, to: save)
            }
            if let confusionPlot, let report = first.result.test?.report {
                try Charts.write(Charts.confusion(report, classNames: outcome.data.classNames,
                                                  title: "Test confusion matrix: \(record.data.name), \(modelName), \(first.name)"), to: confusionPlot)
            }
        } else if recipe.handOff != nil {
            // The hand-off is skipped only when a signal stopped the range test: nothing was trained.
            ModelFileOptions.notSavedBeforeTraining(save)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var timed = record
        timed.environment.seconds = seconds
        try RuntimeOptions.publish(timed, to: self.record, json: json)
        if !json && csv != "-" {
            let settings = recipe.rangeTest
            let lengthNote = settings.length == .automatic
                ? SmallData.lengthDescription(steps: record.curve.plannedSteps, batchesPerEpoch: record.batchesPerEpoch,
                                              batchesPerStep: settings.batchesPerStep) : nil
            let context = FindTable.Context(data: record.data.name, trainCount: outcome.data.train.count, model: modelName,
                                            optimizer: record.model.optimizer, batchSize: SmallData.clampedBatchSize(recipe.trainer.batchSize, trainingCount: outcome.data.train.count),
                                            dataNote: delimiterNote(outcome.data), lengthNote: lengthNote)
            FindTable.print(context: context, settings: settings, runSeeds: record.runSeeds, results: record.runs, steps: record.curve.steps,
                            plannedSteps: record.curve.plannedSteps, analysis: record.analysis, ensemble: record.ensemble,
                            batchesPerEpoch: record.batchesPerEpoch, training: record.training, plot: plot, csv: csv, seconds: seconds)
        }
    }
}
