import ArgumentParser
import Foundation
import LRFinder

/// `lrfind analyze FILE.csv`: the points, suggestions, bounds and plot of a curve recorded by
/// any tool (PyTorch, Keras, fastai, torch-lr-finder, or lrfind's own `--csv`).
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse an lr,loss curve recorded by another tool: points, suggestions, bounds, plot.",
        discussion: """
            The CSV needs a header with the columns lr and loss (other columns are ignored; lrfind's own \
            smoothed_loss column, when present, is used as the moving average). The reference rules run on the loss \
            as stored; lrfind's points and bounds on it after the lag-free smoother. A loss the recording tool already \
            smoothed (torch-lr-finder, fastai) lags: --smoothed recovers the raw losses (docs/curves.md), and a curve \
            that looks smoothed gets a note.
            """)

    @Argument(help: ArgumentHelp("CSV file with lr and loss columns.", valueName: "file"))
    var file: String

    @Option(name: .long, parsing: .unconditional, help: "Steps the recording tool was asked for (fastai's num_it; default: the curve's length).")
    var numIt: Int?

    @Option(name: [.long, .customLong("iterations-per-epoch")], parsing: .unconditional,
            help: "Batches per epoch of the training to come (sets the CLR step size; --iterations-per-epoch is the old name).")
    var batchesPerEpoch: Int?

    @Option(name: [.customLong("stop-factor"), .customLong("divergence-factor")], parsing: .unconditional, help: "Divergence factor for lrfind's divergence point.")
    var divergenceFactor: Double = 4

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("How the recording tool smoothed the loss column, to recover the raw losses: tlf (torch-lr-finder), fastai, ema:BETA or ema:BETA:debiased.",
                               valueName: "smoothing"))
    var smoothed: String?

    @OptionGroup(title: "Output (--plot: default FILE with .png)") var output: OutputOptions

    func validate() throws {
        if let numIt { guard numIt >= 1 else { throw ValidationError("--num-it must be >= 1, got \(numIt)") } }
        if let smoothed, LossSmoothing(parsing: smoothed) == nil {
            throw ValidationError("--smoothed must be \(LossSmoothing.syntax), got '\(smoothed)'")
        }
        if let batchesPerEpoch { guard batchesPerEpoch >= 1 else { throw ValidationError("--batches-per-epoch must be >= 1") } }
        try runningRecipe { try AnalysisSettings(divergenceFactor: divergenceFactor).validate() }
        var paths = OutputPaths(inputs: [("the input", file)], json: output.json)
        try paths.output(output.plot ?? plotPath, option: "--plot", image: true, isDefault: output.plot == nil)
    }

    /// The plot file: `--plot`, else FILE with `.png`; nil with `--no-plot`.
    private var plotPath: String? { output.plotPath(default: (file as NSString).deletingPathExtension + ".png") }

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        var recorded = try RecordedCurve.read(path: file)
        if let smoothing = smoothed.flatMap(LossSmoothing.init(parsing:)) {
            guard !recorded.hasSmoothedColumn else {
                throw RunError("\(file): --smoothed: the file has a smoothed_loss column, so its loss column is raw already")
            }
            recorded = recorded.recoveringRaw(smoothing)
        }
        let curve = recorded.finiteCurve()
        for note in curve.notes { Terminal.note("lrfind: note: \(file): \(note)") }
        let steps = curve.steps
        guard steps.count >= 2 else {
            throw RunError("\(file): \(steps.count) finite point(s) before the loss became non-finite: nothing to analyse")
        }
        if smoothed == nil {
            let detection = SmoothingDetection(losses: steps.map(\.loss))
            if detection.looksSmoothed, let rate = detection.signChangeRate {
                Terminal.note("lrfind: note: \(file): the loss looks already smoothed (its differences change sign at " +
                              String(format: "%.2f", rate) + " of steps, below \(SmoothingDetection.threshold); raw losses: about 0.5 or more), " +
                              "so the bounds lag; if a tool smoothed it, rerun with --smoothed tlf (torch-lr-finder), --smoothed fastai " +
                              "or --smoothed ema:BETA (docs/curves.md)")
            }
        }
        let plannedSteps = numIt ?? steps.count
        let settings = AnalysisSettings(divergenceFactor: divergenceFactor)
        let analysis = RangeTestAnalysis(steps: steps, plannedSteps: plannedSteps, settings: settings, batchesPerEpoch: batchesPerEpoch)
        if let plotPath {
            let chart = Charts.rangeTest(RangeTestPlot(steps: steps, extent: "\(steps.count) points of \(URL(fileURLWithPath: file).lastPathComponent)",
                                                       analysis: analysis, ensemble: nil, metric: .trainingLoss, loss: nil, smoothingBeta: nil,
                                                       title: "Range test: \(URL(fileURLWithPath: file).lastPathComponent)"))
            try Charts.write(chart, to: plotPath)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if output.json {
            print(try jsonText(AnalysisReport(file: file, plannedSteps: plannedSteps, steps: steps, settings: settings,
                                              analysis: analysis, plot: plotPath, seconds: seconds,
                                              droppedLines: curve.droppedLines.isEmpty ? nil : curve.droppedLines,
                                              stopLine: curve.stopLines?.lowerBound)))
        } else {
            FindTable.print(context: nil, settings: nil, runSeeds: [], results: [], steps: steps, plannedSteps: plannedSteps, analysis: analysis,
                            ensemble: nil, batchesPerEpoch: batchesPerEpoch, training: [], plot: plotPath, csv: nil, seconds: seconds)
        }
    }
}
