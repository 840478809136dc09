import ArgumentParser
import Foundation
import LRFinder

/// `lrfind report JOURNAL`: the table, the answer and the plot of a sweep, redrawn from its
/// journal, complete or not.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redraw a sweep's table, answer and plot from its journal (complete or not).",
        discussion: "Example: lrfind report docs/studies/mnist5k-mlp.jsonl --plot mlp.png")

    @Argument(help: ArgumentHelp("The journal `lrfind sweep --journal` wrote.", valueName: "journal"))
    var journal: String

    @Option(name: .long, parsing: .unconditional, help: "The trade-off's tolerance: points (hundredths of the metric) below the best.")
    var tolerance: Double = 0.5

    @Option(name: .long, help: ArgumentHelp("Write one row per run to this CSV file (- for stdout).", valueName: "file"))
    var csv: String?

    @OptionGroup(title: "Output (--plot: metrics and seconds against the rate; none by default)") var output: OutputOptions

    func validate() throws {
        guard tolerance.isFinite && tolerance >= 0 else { throw ValidationError("--tolerance must be >= 0, got \(tolerance)") }
        var paths = OutputPaths(inputs: [("JOURNAL", journal)], json: output.json)
        try paths.output(csv, option: "--csv", standardOutput: true)
        try paths.output(output.plotPath(), option: "--plot", image: true)
    }

    func run() throws {
        let contents = try SweepJournal.read(path: journal)
        for note in contents.notes { Terminal.note("lrfind: note: \(note)") }
        let runs = contents.definition.runs()
        // The outcomes in sweep order (rate-major, then seed), whatever order they finished in.
        let order = Dictionary(runs.enumerated().map { (RunKey($1.rate, $1.seed), $0) }, uniquingKeysWith: { first, _ in first })
        let outcomes = contents.outcomes.sorted { (order[RunKey($0.rate, $0.seed)] ?? .max) < (order[RunKey($1.rate, $1.seed)] ?? .max) }
        if outcomes.count < runs.count {
            Terminal.note("lrfind: note: \(journal) holds \(outcomes.count) of the sweep's \(runs.count) runs")
        }
        try SweepReport(definition: contents.definition, outcomes: outcomes, tolerance: tolerance, rangeTest: contents.rangeTest)
            .write(json: output.json, csv: csv, plot: output.plotPath(), journal: journal)
    }
}

/// A run of a sweep by its rate and seed.
struct RunKey: Hashable {
    var rate: Double
    var seed: UInt64
    init(_ rate: Double, _ seed: UInt64) { (self.rate, self.seed) = (rate, seed) }
}

/// What `sweep` and `report` print and write of a sweep's outcomes: the table per rate, the
/// answer, `--json`, `--csv` (one row per run) and the plot.
struct SweepReport {
    /// The sweep.
    var definition: SweepDefinition
    /// Its finished runs, in sweep order.
    var outcomes: [SweepOutcome]
    /// The trade-off's tolerance in points.
    var tolerance: Double
    /// The range test of `--with-range-test`.
    var rangeTest: RangeTestRecord?

    /// The answer of the outcomes.
    var answer: SweepAnswer { SweepAnswer(outcomes: outcomes, tolerance: tolerance) }

    /// Whether the runs stop on R-squared (a regression task) rather than accuracy.
    var isRegression: Bool { definition.base.training.earlyStopping?.metric == .rSquared }

    /// The metric's short name in the table: `acc` or `r2`.
    var metricName: String { isRegression ? "r2" : "acc" }

    /// Prints the table and the answer (or the JSON document) and writes the CSV and the plot.
    func write(json: Bool, csv: String?, plot: String?, journal: String?) throws {
        let answer = self.answer
        if let csv { try OutputPaths.write(csvText(), to: csv) }
        if let plot, !outcomes.isEmpty { try Charts.write(SweepChart.chart(self, answer: answer), to: plot) }
        if json {
            print(try jsonText(Document(experiment: definition.identifier, metric: isRegression ? "val-r2" : "val-accuracy", definition: definition,
                                        runCount: definition.rates.count * definition.seeds.count, outcomes: outcomes, answer: answer,
                                        rangeTest: rangeTest.map(RangeTestSummary.init))))
        } else {
            tableLines(answer).forEach { print($0) }
        }
    }

    /// `--json`.
    private struct Document: Encodable {
        var experiment: String
        var metric: String
        var definition: SweepDefinition
        var runCount: Int
        var outcomes: [SweepOutcome]
        var answer: SweepAnswer
        var rangeTest: RangeTestSummary?
    }

    /// The first line, the table per rate, and the answer.
    func tableLines(_ answer: SweepAnswer) -> [String] {
        let base = definition.base
        let runCount = definition.rates.count * definition.seeds.count
        var lines = ["sweep: data \(base.data.name), model \(base.model.spec.name), \(base.optimizer.kind.rawValue)"
            + (base.schedule.map { ", schedule \($0.description)" } ?? "")
            + ", batch \(base.trainer.batchSize), \(definition.rates.count) rates x \(definition.seeds.count) seed(s), patience \(base.training.earlyStopping?.patience ?? 0), at most \(base.training.epochs) epochs; \(outcomes.count) of \(runCount) runs finished"]
        let m = metricName
        lines.append("rate          runs  val \(m)   best epoch  test \(m)  epochs  seconds   diverged")
        let metric = TableColumn(.fixed(fractionDigits: 4), width: 10), epoch = TableColumn(.fixed(fractionDigits: 1), width: 12)
        let epochs = TableColumn(.fixed(fractionDigits: 1), width: 8), seconds = TableColumn(.fixed(fractionDigits: 2), width: 10)
        func cell(_ value: Double?, _ column: TableColumn) -> String { value.map(column.cell) ?? TableColumn.cell("-", width: column.width) }
        for rate in answer.perRate {
            lines.append((TableColumn.cell(NumberText.significant(rate.rate), width: 14) + TableColumn.cell(String(rate.runCount), width: 6)
                + cell(rate.validation, metric) + cell(rate.bestEpoch, epoch) + cell(rate.test, metric) + cell(rate.epochsRun, epochs)
                + cell(rate.seconds, seconds) + String(rate.divergedCount)).trimmingCharacters(in: .whitespaces))
        }
        func pick(_ label: String, _ pick: SweepAnswer.Pick?, _ note: String) -> String {
            guard let pick else { return "\(label): none (no rate has a validation \(m))" }
            return "\(label): lr \(NumberText.significant(pick.rate)), val \(m) \(NumberText.fixed(pick.validation))"
                + (pick.test.map { ", test \(m) \(NumberText.fixed($0))" } ?? "")
                + ", best epoch \(NumberText.fixed(pick.bestEpoch, fractionDigits: 1)), \(NumberText.fixed(pick.seconds, fractionDigits: 2)) s" + note
        }
        lines.append(pick("best", answer.best, " (median over seeds)"))
        lines.append(pick("trade-off", answer.tradeOff, " (soonest best epoch within \(format(tolerance)) points of the best)"))
        if let rangeTest, let summary = Optional(RangeTestSummary(rangeTest)) {
            lines.append("range test: " + (summary.range.map { "recommended range \(format($0[0])) to \(format($0[1]))" } ?? "no recommendation")
                + (summary.oneCycle.map { "; one-cycle to \(format($0.maximumRate)): val \(m) \($0.validation.map { NumberText.fixed($0) } ?? "-"), \(NumberText.fixed($0.seconds, fractionDigits: 2)) s" } ?? ""))
        }
        return lines
    }

    /// One row per run: rate, seed, identifier, best validation metric, its epoch, the test metric there, epochs, seconds, diverged.
    func csvText() -> String {
        let identifiers = Dictionary(definition.runs().map { (RunKey($0.rate, $0.seed), $0.identifier) }, uniquingKeysWith: { first, _ in first })
        var text = "rate,seed,identifier,best_validation,best_epoch,test_at_best,epochs_run,seconds,diverged\n"
        for outcome in outcomes {
            let fields: [String] = ["\(outcome.rate)", "\(outcome.seed)", identifiers[RunKey(outcome.rate, outcome.seed)] ?? "",
                                    outcome.bestValidation.map { "\($0)" } ?? "", outcome.bestEpoch.map(String.init) ?? "",
                                    outcome.testAtBest.map { "\($0)" } ?? "", "\(outcome.epochsRun)", "\(outcome.seconds)", "\(outcome.diverged)"]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}

/// What a sweep shows of its `--with-range-test` range test: the recommended range and the
/// one-cycle run's best validation metric and seconds.
struct RangeTestSummary: Encodable {
    struct OneCycle: Encodable {
        /// The one-cycle run's peak rate.
        var maximumRate: Double
        /// Its best validation metric (accuracy or R-squared) and the test metric at the end.
        var validation: Double?
        var test: Double?
        /// Its seconds of training.
        var seconds: Double
    }
    /// The recommended CLR range [base, max].
    var range: [Double]?
    /// The one-cycle run.
    var oneCycle: OneCycle?

    init(_ record: RangeTestRecord) {
        range = record.analysis.bounds.map { [$0.baseLearningRate, $0.maximumLearningRate] }
        oneCycle = record.training.first.map { run in
            let values = run.result.epochs.compactMap { $0.validationAccuracy ?? $0.validationRSquared }
            let test = run.result.test.flatMap { $0.accuracy ?? $0.regression?.rSquared }
            let peak = record.analysis.bounds?.oneCycleMaximumLearningRate ?? run.learningRate
            return OneCycle(maximumRate: peak, validation: values.max(), test: test, seconds: run.result.trainingSeconds)
        }
    }
}
