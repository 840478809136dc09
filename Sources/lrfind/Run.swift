import ArgumentParser
import Foundation
import LRFinder

/// `lrfind run FILE`: runs a recipe file, or the recipe inside a record that `--record` wrote.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a recipe file, or run the recipe of a record again.",
        discussion: """
            FILE is a recipe ({"kind", "formatVersion", "recipe", "inputs"}) or a record written by --record. With the same \
            binary, thread count and BLAS kernels the results equal the record's bit for bit; a record's thread count is \
            applied again. Moved files can be given with --data, --labels and --init-from: their SHA-256 must be the \
            recipe's. Example: lrfind find --runs 3 --record r.json && lrfind run r.json --record again.json
            """)

    @Argument(help: ArgumentHelp("The recipe or record file.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The data file, when it moved (its digest must be the recipe's; - for standard input).", valueName: "file"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The IDX labels file, when it moved.", valueName: "file"))
    var labels: String?

    @Option(name: .customLong("init-from"), help: ArgumentHelp("The initial weights file, when it moved (its digest must be the recipe's).", valueName: "file"))
    var initFrom: String?

    @Option(name: .long, parsing: .unconditional, help: "Threads (default: the record's, else 1).")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("A range test's curve as CSV (- for stdout).", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: ArgumentHelp("The test confusion matrix of the (first) training run (.png, .svg or .pdf).", valueName: "file"))
    var confusionPlot: String?

    @Option(name: .long, help: ArgumentHelp("Save the trained model (safetensors).", valueName: "file"))
    var save: String?

    @Option(name: .long, help: ArgumentHelp("Write the new run's record as JSON to this file.", valueName: "file"))
    var record: String?

    @OptionGroup(title: "Output (--plot: the range test's curve or the training run's epochs; none by default)") var output: OutputOptions

    private var json: Bool { output.json }
    private var plot: String? { output.plotPath() }

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Flag(name: .long, help: "Print set-up details on stderr.")
    var verbose = false

    func validate() throws {
        if let threads { guard threads >= 1 else { throw ValidationError("--threads must be >= 1, got \(threads)") } }
        var paths = OutputPaths(inputs: [("FILE", file), ("--data", data), ("--labels", labels), ("--init-from", initFrom)], json: json)
        try paths.output(save, option: "--save")
        try paths.output(csv, option: "--csv", standardOutput: true)
        try paths.output(output.plot, option: "--plot", image: true)
        try paths.output(confusionPlot, option: "--confusion-plot", image: true)
        try paths.output(record, option: "--record")
    }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        let started = DispatchTime.now().uptimeNanoseconds
        let contents: RunFile
        do { contents = try RunFile.read(file) } catch let error as RunFileError { throw ValidationError(error.description) }
        var inputs = contents.inputs
        if let data { inputs.data = data }
        if let labels { inputs.labels = labels }
        if let initFrom { inputs.initialWeights = initFrom }
        if inputs.data == "-" && data == nil {
            throw ValidationError("\(file): its data came from standard input, which cannot be read again; give the same data with --data FILE (its digest is checked)")
        }
        let recorded = contents.environment
        try RuntimeOptions.apply(threads: threads ?? recorded?.threads ?? 1, verbose: verbose)
        if let recorded, recorded.blasKernels != BLASRuntime.coreName {
            Terminal.note("lrfind: note: \(file) ran on OpenBLAS's \(recorded.blasKernels) kernels, this machine runs \(BLASRuntime.coreName): the last digits may differ")
        }
        func recipeErrors<T>(_ body: () throws -> T) throws -> T {
            try runningRecipe {
                do { return try body() } catch let error as RecipeError {
                    throw ValidationError("\(file): \(error.fieldDescription)")
                } catch let error as TaskInferenceError {
                    throw ValidationError("\(file): \(error) (data.task in the recipe)")
                }
            }
        }
        switch contents.recipe {
        case let .rangeTest(recipe):
            let recipe = recipe.locating(inputs)
            let reporter = RunReporter(quiet: quiet, verbose: verbose)
            reporter.runCount = recipe.runs
            let outcome = try recipeErrors { try recipe.run(events: reporter.events(confusionPlot: confusionPlot), shouldStop: { Interrupt.requested }) }
            reporter.finish()
            let output = RangeTestOutput(modelName: modelName(recipe.model, inputs), optimizerName: recipe.optimizer.kind.rawValue, plot: plot,
                                         csv: csv, confusionPlot: confusionPlot, save: save, record: record, json: json)
            try output.write(outcome, started: started)
            if Interrupt.requested { throw ExitCode(Interrupt.exitStatus) }
        case let .training(recipe):
            let recipe = recipe.locating(inputs)
            let name = modelName(recipe.model, inputs)
            let reporter = RunReporter(quiet: quiet, verbose: verbose, trainingHeader: json ? nil : { start in
                TrainingOutput.header(start, recipe: recipe, modelName: recipe.model.spec.name, scheduleText: nil)
            })
            let outcome = try recipeErrors { try recipe.run(events: reporter.events(confusionPlot: confusionPlot), shouldStop: { Interrupt.requested }) }
            reporter.finish()
            try TrainingOutput(modelName: name, optimizerName: recipe.optimizer.kind.rawValue, scheduleText: nil, plot: plot,
                               confusionPlot: confusionPlot, save: save, record: record, json: json).write(outcome, started: started)
        }
    }

    private func modelName(_ model: ModelRecipe, _ inputs: RunInputs) -> String {
        model.spec.name + (inputs.initialWeights.map { " (weights from \($0))" } ?? "")
    }
}
