import ArgumentParser
import Foundation
import LRFinder

/// `lrfind schedule`: the learning rate (and momentum) a schedule gives at every step, as a
/// table, CSV, JSON or plot.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print, save or plot a learning-rate schedule.",
        discussion: """
            Rows are batch steps (epochs x steps per epoch); a per-epoch schedule holds its rate through \
            each epoch. Example: lrfind schedule cyclic:base=1e-5,max=0.0016,step-up=5,unit=epoch --epochs 50 --plot cyclic.png \
            (docs/schedules.md lists every schedule).
            """)

    @Argument(help: ArgumentHelp("The schedule, e.g. step:size=10,gamma=0.5.", valueName: "spec"))
    var spec: String

    @Option(name: .long, parsing: .unconditional, help: "Epochs to cover.")
    var epochs: Int = 50

    @Option(name: [.long, .customLong("steps-per-epoch")], parsing: .unconditional,
            help: "Batches per epoch (--steps-per-epoch is the old name).")
    var batchesPerEpoch: Int = 1

    @Option(name: .long, parsing: .unconditional, help: "Initial learning rate (the optimizer's).")
    var lr: Double = 0.0016

    @Option(name: .long, parsing: .unconditional, help: "The optimizer's momentum or beta1 (0: none); cyclic and onecycle cycle it unless their spec says momentum=false, as PyTorch does.")
    var momentum: Double = 0.9

    @Option(name: .long, help: ArgumentHelp("ReduceLROnPlateau's metric: a file with one value per epoch.", valueName: "file"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("Write step,lr[,momentum] rows to this CSV file.", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: "Plot title (default: the spec).")
    var title: String?

    @Flag(name: .long, help: "Logarithmic learning-rate axis in the plot.")
    var log = false

    @OptionGroup(title: "Output (--json: the sequence)") var output: OutputOptions

    private var json: Bool { output.json }
    private var plot: String? { output.plotPath() }

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be >= 1, got \(epochs)") }
        guard batchesPerEpoch >= 1 else { throw ValidationError("--batches-per-epoch must be >= 1, got \(batchesPerEpoch)") }
        if let problem = LearningRateLimits.problem(withGivenRate: lr) { throw ValidationError("--lr \(problem), got \(lr)") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
        var paths = OutputPaths(inputs: [("--metrics", metrics)], json: json)
        try paths.output(csv, option: "--csv", standardOutput: true)
        try paths.output(output.plot, option: "--plot", image: true)
    }

    /// Runs of at most this many schedule steps have every rate checked before anything is
    /// written (a usage error, nothing printed); longer ones as their rows stream, since a first
    /// pass over a billion steps would hold back the first row for seconds.
    static let checkedBeforeOutput = 1_000_000

    func run() throws {
        let parsed: ScheduleSpec
        do { parsed = try ScheduleSpec(parsing: spec) } catch { throw ValidationError("\(error)") }
        let (rowCount, overflow) = epochs.multipliedReportingOverflow(by: batchesPerEpoch)
        guard !overflow else {
            throw ValidationError("--epochs \(epochs) times --batches-per-epoch \(batchesPerEpoch) is more rows than \(Int.max)")
        }
        let metricValues = try metrics.map(Self.readMetrics)
        let perBatch = parsed.unit == .batch
        var steps = try Self.steps(parsed, count: perBatch ? rowCount : epochs, initialLearningRate: lr,
                                   momentum: momentum > 0 ? momentum : nil, metrics: metricValues)
        let checksBeforeOutput = steps.count <= Self.checkedBeforeOutput
        if checksBeforeOutput {
            var pass = steps
            do { try pass.checkRates() } catch { throw ValidationError("\(spec): \(error)") }
        }

        // One pass: every row goes to each output as it is computed; nothing holds the run.
        var rows = ScheduleRows(rowCount: rowCount, table: !json && csv == nil && plot == nil, plots: plot != nil)
        if json { try rows.startJSON(spec: spec, unit: parsed.unit, epochs: epochs, batchesPerEpoch: batchesPerEpoch, initialLearningRate: lr) }
        func stream(to csvFile: AtomicFile.Writer?) throws {
            var row = 0, step = 0
            while let value = steps.next() {
                if !checksBeforeOutput {
                    do { try UnusableLearningRate.check(value.learningRate, step: step, unit: parsed.unit) } catch {
                        throw ValidationError("\(spec): \(error)")
                    }
                }
                for _ in 0..<(perBatch ? 1 : batchesPerEpoch) {
                    if row == 0 { csvFile?.append(value.momentum != nil ? "step,lr,momentum\n" : "step,lr\n") }
                    csvFile?.append("\(row),\(value.learningRate)" + (rows.hasMomentum ?? (value.momentum != nil) ? ",\(value.momentum ?? .nan)" : "") + "\n")
                    rows.add(row: row, value)
                    row += 1
                }
                step += 1
            }
        }
        if let csv { try OutputPaths.write(to: csv) { try stream(to: $0) } } else { try stream(to: nil) }
        if json { rows.endJSON() }

        var plotNote = ""
        if let plot {
            let (plotted, decimation) = rows.plotted()
            if let decimation { plotNote = " (\(decimation))" }
            try Charts.write(Charts.schedule(plotted.values, at: plotted.steps, rowCount: rowCount, decimation: decimation, title: title ?? spec,
                                             batchesPerEpoch: batchesPerEpoch, unit: parsed.unit, logarithmic: log), to: plot)
        }
        if !json && (csv != nil || plot != nil) && csv != "-" {
            print("\(spec): \(rowCount) steps (per \(parsed.unit.rawValue)), lr from \(format(rows.first)) to \(format(rows.last)), max \(format(rows.maximum)), min \(format(rows.minimum))"
                  + [csv.map { "; csv \($0)" }, plot.map { "; plot \($0)\(plotNote)" }].compactMap { $0 }.joined())
        }
    }

    /// The schedule's steps (a per-epoch schedule's epochs, a per-batch one's batches), computed
    /// as they are read.
    static func steps(_ spec: ScheduleSpec, count: Int, initialLearningRate: Double, momentum: Double?,
                      metrics: [Double]?) throws -> ScheduleSteps {
        do {
            return try Scheduler.steps(spec, initialLearningRate: initialLearningRate, initialMomentum: momentum,
                                       steps: count, metrics: metrics)
        } catch let error as ScheduleError {
            throw ValidationError(error.description + (spec.kind.needsMetric && metrics == nil ? " (give --metrics FILE)" : ""))
        }
    }

    /// One number per line (blank lines and `#` comments skipped); a bad line is named.
    static func readMetrics(_ path: String) throws -> [Double] {
        try MetricsFile.read(path: path)
    }
}

/// The rows of `lrfind schedule` as they come: the table or the `--json` document on stdout
/// (written row by row in the layout `JSONEncoder` gives with sorted keys), the points its plot
/// keeps, and the figures of its summary line.
struct ScheduleRows {
    let table: Bool
    private var json = false
    private var jsonEnd: String?
    private var decimation: ScheduleDecimation?
    private let stepColumn: Int
    private static let rateColumn = TableColumn(.significant(digits: 6), width: 14)
    /// Whether the rows have a momentum column (from the first row).
    private(set) var hasMomentum: Bool?
    private(set) var first = 0.0, last = 0.0, minimum = Double.infinity, maximum = -Double.infinity

    init(rowCount: Int, table: Bool, plots: Bool) {
        self.table = table
        decimation = plots ? ScheduleDecimation(rowCount: rowCount) : nil
        stepColumn = Swift.max(6, String(rowCount - 1).count + 1)
    }

    /// Prints the document's keys before `steps` (sorted, as `jsonText` sorts them).
    mutating func startJSON(spec: String, unit: ScheduleUnit, epochs: Int, batchesPerEpoch: Int, initialLearningRate: Double) throws {
        json = true
        print("{\n  \"epochs\" : \(epochs),\n  \"initialLearningRate\" : \(try jsonText(initialLearningRate)),\n  \"spec\" : \(try jsonText(spec)),\n  \"steps\" : [")
        jsonEnd = "\n  ],\n  \"batchesPerEpoch\" : \(batchesPerEpoch),\n  \"unit\" : \(try jsonText(unit.rawValue))\n}"
    }

    /// Prints the document's keys after `steps`.
    func endJSON() {
        if let jsonEnd { print(jsonEnd) }
    }

    mutating func add(row: Int, _ value: ScheduleValue) {
        let rate = value.learningRate
        if row == 0 {
            first = rate
            hasMomentum = value.momentum != nil
            if table { print(TableColumn.cell("step", width: stepColumn) + (hasMomentum! ? TableColumn.cell("lr", width: 14) + "momentum" : "lr")) }
        }
        last = rate
        minimum = Swift.min(minimum, rate)
        maximum = Swift.max(maximum, rate)
        decimation?.add(step: row, value)
        if table {
            print(TableColumn.cell(String(row), width: stepColumn)
                  + (value.momentum.map { Self.rateColumn.cell(rate) + Self.rateColumn.text($0) } ?? Self.rateColumn.text(rate)))
        }
        if json {
            print((row == 0 ? "" : ",\n") + "    {\n      \"learningRate\" : \(rate)" + (value.momentum.map { ",\n      \"momentum\" : \($0)" } ?? "") + "\n    }",
                  terminator: "")
        }
    }

    /// The plotted points and, when rows were left out, how.
    mutating func plotted() -> (points: (steps: [Double], values: [ScheduleValue]), note: String?) {
        guard var decimation else { return (([], []), nil) }
        let points = decimation.finish()
        let note = decimation.isDecimated
            ? "plotted: \(points.steps.count) points, the lowest and highest rate of every \(decimation.bucketSize) steps" : nil
        return (points, note)
    }
}
