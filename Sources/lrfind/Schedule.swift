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

    @Option(name: .long, help: "Epochs to cover.")
    var epochs: Int = 50

    @Option(name: .long, help: "Batch steps per epoch.")
    var stepsPerEpoch: Int = 1

    @Option(name: .long, help: "Initial learning rate (the optimizer's).")
    var lr: Double = 0.0016

    @Option(name: .long, help: "The optimizer's momentum or beta1 (0: none); cyclic and onecycle cycle it unless their spec says momentum=false, as PyTorch does.")
    var momentum: Double = 0.9

    @Option(name: .long, help: ArgumentHelp("ReduceLROnPlateau's metric: a file with one value per epoch.", valueName: "file"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("Write step,lr[,momentum] rows to this CSV file.", valueName: "file"))
    var csv: String?

    @Option(name: .long, help: ArgumentHelp("Plot to this file (.png, .svg or .pdf).", valueName: "file"))
    var plot: String?

    @Option(name: .long, help: "Plot title (default: the spec).")
    var title: String?

    @Flag(name: .long, help: "Logarithmic learning-rate axis in the plot.")
    var log = false

    @Flag(name: .long, help: "Print the sequence as JSON.")
    var json = false

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be >= 1, got \(epochs)") }
        guard stepsPerEpoch >= 1 else { throw ValidationError("--steps-per-epoch must be >= 1, got \(stepsPerEpoch)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
        var paths = OutputPaths(inputs: [("--metrics", metrics)])
        try paths.output(csv, option: "--csv", standardOutput: true, json: json)
        try paths.output(plot, option: "--plot", image: true)
    }

    func run() throws {
        let parsed: ScheduleSpec
        do { parsed = try ScheduleSpec(parsing: spec) } catch { throw ValidationError("\(error)") }
        let metricValues = try metrics.map(Self.readMetrics)
        let values = try Self.steps(parsed, epochs: epochs, stepsPerEpoch: stepsPerEpoch, initialLearningRate: lr,
                                    momentum: momentum > 0 ? momentum : nil, metrics: metricValues)
        let hasMomentum = values.contains { $0.momentum != nil }
        if let csv {
            var text = hasMomentum ? "step,lr,momentum\n" : "step,lr\n"
            for (step, value) in values.enumerated() {
                text += "\(step),\(value.learningRate)" + (hasMomentum ? ",\(value.momentum ?? .nan)" : "") + "\n"
            }
            try OutputPaths.write(text, to: csv)
        }
        if let plot {
            try Charts.write(Charts.schedule(values, title: title ?? spec, stepsPerEpoch: stepsPerEpoch, unit: parsed.unit, logarithmic: log), to: plot)
        }
        if json {
            print(try jsonText(ScheduleReport(spec: spec, unit: parsed.unit.rawValue, epochs: epochs, stepsPerEpoch: stepsPerEpoch,
                                              initialLearningRate: lr, steps: values)))
        } else if csv == nil && plot == nil {
            print(hasMomentum ? "step  lr            momentum" : "step  lr")
            for (step, value) in values.enumerated() {
                print(String(format: "%-5d %-13.6g", step, value.learningRate) + (value.momentum.map { String(format: " %.6g", $0) } ?? ""))
            }
        } else if csv != "-" {
            let rates = values.map(\.learningRate)
            print("\(spec): \(values.count) steps (per \(parsed.unit.rawValue)), lr from \(format(rates.first!)) to \(format(rates.last!)), max \(format(rates.max()!)), min \(format(rates.min()!))"
                  + [csv.map { "; csv \($0)" }, plot.map { "; plot \($0)" }].compactMap { $0 }.joined())
        }
    }

    /// One value per batch step: a per-batch schedule steps every row, a per-epoch one every
    /// `stepsPerEpoch` rows.
    static func steps(_ spec: ScheduleSpec, epochs: Int, stepsPerEpoch: Int, initialLearningRate: Double, momentum: Double?,
                      metrics: [Double]?) throws -> [ScheduleValue] {
        let perBatch = spec.unit == .batch
        let count = perBatch ? epochs * stepsPerEpoch : epochs
        let sequence: [ScheduleValue]
        do {
            sequence = try Scheduler.sequence(spec, initialLearningRate: initialLearningRate, initialMomentum: momentum,
                                              steps: count, metrics: metrics)
        } catch let error as ScheduleError {
            throw ValidationError(error.description + (spec.kind.needsMetric && metrics == nil ? " (give --metrics FILE)" : ""))
        }
        return perBatch ? sequence : sequence.flatMap { Array(repeating: $0, count: stepsPerEpoch) }
    }

    /// One number per line (blank lines and `#` comments skipped); a bad line is named.
    static func readMetrics(_ path: String) throws -> [Double] {
        try MetricsFile.read(path: path)
    }
}

/// The `--json` document of `lrfind schedule`.
struct ScheduleReport: Encodable {
    let spec: String
    let unit: String
    let epochs: Int
    let stepsPerEpoch: Int
    let initialLearningRate: Double
    let steps: [ScheduleValue]
}
