import ArgumentParser
import Foundation
import LRFinder

/// Shows a running recipe's events on the terminal: notes and verbose lines on stderr, a progress
/// bar per phase (stderr, only when it is a terminal), and, for a training recipe, the first line
/// and the per-epoch table on stdout as the epochs end.
final class RunReporter {
    private let quiet: Bool
    private let verbose: Bool
    /// The first line of `train`'s table, given the run's start; nil prints no table.
    private let trainingHeader: ((RunStart) -> String)?
    private var bar: ProgressBar?
    private var plannedSteps = 0
    private var isRegression = false
    private var isTrainingRecipe = false
    /// The name of the training run under way (`train`, or the hand-off's `onecycle`, ...).
    private var trainingName = ""

    /// A reporter; `trainingHeader` (for `train`) prints the table as the epochs end.
    init(quiet: Bool, verbose: Bool, trainingHeader: ((RunStart) -> String)? = nil) {
        self.quiet = quiet
        self.verbose = verbose
        self.trainingHeader = trainingHeader
    }

    /// Handles one event.
    func handle(_ event: RunEvent) {
        switch event {
        case let .note(note):
            Terminal.note("lrfind: note: \(note)")
        case let .started(start):
            plannedSteps = start.plannedSteps
            isRegression = start.data.task == .regression
            if verbose {
                let data = start.data
                Terminal.note("data: \(data.name), \(data.featureCount) features, \(data.classCount) classes; split \(data.train.count) / \(data.validation.count) / \(data.test.count); scaling \(data.scaling.rawValue)")
                Terminal.note("model: \(ModelSpec(hidden: start.network.layers).description) on \(start.network.inputShape) (\(start.network.parameterCount) parameters); optimizer \(start.optimizer.summary)")
            }
            if let trainingHeader {
                print(trainingHeader(start))
                print(EpochTable.header(regression: isRegression))
            }
        case let .rangeTestStep(run, step):
            if bar == nil { bar = ProgressBar(label: "range test", total: plannedSteps * runCount, enabled: !quiet) }
            if verbose, run == 0, step.step == 1 { Terminal.note("range test: started") }
            bar?.update(run * plannedSteps + step.step, detail: "lr \(format(step.learningRate)) loss \(format(step.loss))")
        case let .trainingStarted(name, updates):
            bar?.finish()
            isTrainingRecipe = name == "train"
            trainingName = name
            bar = ProgressBar(label: isTrainingRecipe ? "train" : "train \(name)", total: updates, enabled: !quiet)
        case let .trainingUpdate(progress):
            if verbose, progress.update == 1 { Terminal.note(isTrainingRecipe ? "train: started" : "train \(trainingName): started") }
            bar?.update(progress.update, detail: "epoch \(progress.epoch)" + (isTrainingRecipe ? " loss \(format(Double(progress.loss)))" : ""))
        case let .epochEnded(record):
            guard trainingHeader != nil else { return }
            bar?.finish()
            print(EpochTable.row(record))
        }
    }

    /// The handler for a recipe's events: refuses regression data when a confusion matrix is asked
    /// for (a usage error as soon as the data is prepared), then ``handle(_:)``.
    func events(confusionPlot: String?) -> (RunEvent) throws -> Void {
        { [self] event in
            if case let .started(start) = event, confusionPlot != nil, start.data.task == .regression {
                throw ValidationError("--confusion-plot needs class targets; \(start.data.name) is a regression task")
            }
            handle(event)
        }
    }

    /// Range-test runs, for the bar's total.
    var runCount = 1

    /// Clears the bar.
    func finish() { bar?.finish() }
}

/// Runs `body` with a recipe's errors worded for the command line: a ``RecipeError`` or a task the
/// data leaves open is a usage error (exit 2), a range test stopped before its first step exits
/// quietly with the signal's code.
func runningRecipe<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as RecipeError {
        throw ValidationError(error.description)
    } catch let error as TaskInferenceError {
        throw ValidationError("\(error) with --task")
    } catch let error as NothingRecorded {
        guard error.interrupted else { throw RunError(error.description) }
        Terminal.note("lrfind: \(error.description)")
        throw ExitCode(Interrupt.exitStatus)
    }
}
