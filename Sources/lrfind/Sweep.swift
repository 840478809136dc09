import ArgumentParser
import Foundation
import LRFinder

/// `lrfind sweep`: the fixed-rate experiment. Trains the model at every rate of a grid (and every
/// seed) until the validation accuracy (R-squared for regression) stops improving, in parallel
/// worker processes, journals each run as it ends, and reports the best rate and the trade-off.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train at every rate of a grid with early stopping, in parallel, and report the best rate and the trade-off.",
        discussion: """
            The grid is pow(10, k/per-decade) from the point nearest --from to the one nearest --to (or --rates). Each run \
            trains for at most --max-epochs epochs and stops after --patience epochs without a better validation accuracy \
            (R-squared for regression), keeping its best epoch. The best rate has the highest median validation metric over \
            the seeds; the trade-off rate reaches its best epoch soonest among the rates within --tolerance points (hundredths) \
            of the best. --jobs runs that many worker processes (results equal --jobs 1 bit for bit); --journal keeps every \
            finished run, --resume skips them (and joins other processes writing the same journal: runs are claimed \
            through it), --shard K/N runs a fixed share with no shared file, and `lrfind merge` then `lrfind report JOURNAL` \
            redraw the results. \
            Example: lrfind sweep --data digits.csv.gz --model mlp --from 1e-5 --to 1e-2 --per-decade 5 --journal s.jsonl
            """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions

    @Option(name: .long, parsing: .unconditional, help: "Lowest rate of the grid (snapped to the nearest grid point). (default: 1e-6)")
    var from: Double?

    @Option(name: .long, parsing: .unconditional, help: "Highest rate of the grid (snapped to the nearest grid point). (default: 0.0316)")
    var to: Double?

    @Option(name: .long, parsing: .unconditional, help: "Grid points per decade. (default: 10)")
    var perDecade: Int?

    @Option(name: .long, help: ArgumentHelp("The rates, comma-separated, instead of a grid.", valueName: "list"))
    var rates: String?

    @Option(name: .long, help: ArgumentHelp("Seeds, comma-separated: each rate runs once per seed.", valueName: "list"))
    var seeds: String = "0"

    @Option(name: .long, parsing: .unconditional, help: "Stop a run after this many epochs without a better validation metric.")
    var patience: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Most epochs of a run.")
    var maxEpochs: Int = 100

    @Option(name: .long, parsing: .unconditional, help: "The trade-off's tolerance: points (hundredths of the metric) below the best.")
    var tolerance: Double = 0.5

    @Option(name: .long, help: ArgumentHelp("Learning-rate schedule of every run (docs/schedules.md); the swept rate is its peak where it has one (onecycle and cyclic need no max=). Default: none.", valueName: "spec"))
    var schedule: String?

    @Option(name: .long, parsing: .unconditional, help: "Batch size.")
    var batchSize: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Worker processes. (default: the processors this process may use)")
    var jobs: Int?

    @Option(name: .long, parsing: .unconditional, help: "BLAS threads per worker.")
    var threads: Int = 1

    @Option(name: .long, help: ArgumentHelp("Append every finished run to this JSON-lines journal (docs/journal.md).", valueName: "file"))
    var journal: String?

    @Flag(name: .long, help: "Continue the --journal, or join the processes writing it: skip the runs it holds and the runs others hold.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("Run only a fixed share of the runs: K/N, slurm (a job array task) or k8s/N (an Indexed Job completion).", valueName: "shard"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("How often a process sharing the --journal says it still holds its runs.", valueName: "duration"))
    var heartbeat: String = "30s"

    @Option(name: .long, help: ArgumentHelp("A run whose holder has been silent this long is taken over.", valueName: "duration"))
    var claimTimeout: String = "5m"

    @Flag(name: .long, help: "List the runs (rate, seed, recipe identifier) without running them.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Write one row per run to this CSV file (- for stdout).", valueName: "file"))
    var csv: String?

    @Flag(name: .long, help: "First run a range test on the same data and model (with --then onecycle): its recommended range is shaded and its one-cycle run drawn on the plot.")
    var withRangeTest = false

    @OptionGroup(title: "Model files") var modelFiles: ModelFileOptions
    @OptionGroup(title: "Output (--plot: metrics and seconds against the rate; lrfind-sweep.png by default)") var output: OutputOptions

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    @Flag(name: .long, help: "Print set-up details on stderr.")
    var verbose = false

    /// The default plot file.
    static let defaultPlot = "lrfind-sweep.png"

    func validate() throws {
        guard patience >= 1 else { throw ValidationError("--patience must be >= 1, got \(patience)") }
        guard maxEpochs >= 1 else { throw ValidationError("--max-epochs must be >= 1, got \(maxEpochs)") }
        guard tolerance.isFinite && tolerance >= 0 else { throw ValidationError("--tolerance must be >= 0, got \(tolerance)") }
        if let jobs { guard jobs >= 1 else { throw ValidationError("--jobs must be >= 1, got \(jobs)") } }
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1, got \(threads)") }
        if resume && journal == nil { throw ValidationError("--resume goes with --journal FILE") }
        _ = try shardSpec()
        let (beat, timeout) = try claimTimes()
        guard timeout > 2 * beat else {
            throw ValidationError("--claim-timeout \(claimTimeout) must be more than twice --heartbeat \(heartbeat): a live process would lose its runs")
        }
        if modelFiles.save != nil { throw ValidationError("--save: a sweep trains many models and saves none") }
        if data.data == "-" || data.labels == "-" {
            throw ValidationError("--data -: every worker reads the data again; give a file")
        }
        if let journal, !resume, !dryRun, let size = try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int, size > 0 {
            throw ValidationError("--journal \(journal) exists; --resume continues it, or give another file")
        }
        _ = try definition(metric: .accuracy, readingWeights: false)
        var paths = OutputPaths(inputs: [("--data", data.data), ("--labels", data.labels), modelFiles.input], json: output.json)
        if let journal { try paths.output(journal, option: "--journal") }
        try paths.output(csv, option: "--csv", standardOutput: true)
        if !dryRun { try paths.output(output.plot ?? plotPath, option: "--plot", image: true, isDefault: output.plot == nil) }
    }

    /// The rates the options give.
    func grid() throws -> SweepGrid {
        do {
            if let rates {
                if from != nil || to != nil || perDecade != nil {
                    throw ValidationError("--rates lists the rates; --from, --to and --per-decade make a grid: give one or the other")
                }
                let values = try rates.split(separator: ",", omittingEmptySubsequences: false).map { text in
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    guard let value = Double(trimmed) else { throw ValidationError("--rates: '\(trimmed)' is not a number") }
                    return value
                }
                return try SweepGrid.list(values)
            }
            return try SweepGrid.logarithmic(from: from ?? 1e-6, to: to ?? 0.0316, perDecade: perDecade ?? 10)
        } catch let error as SweepError { throw ValidationError(error.description) }
    }

    /// `--shard`, read with this process's environment.
    func shardSpec() throws -> SweepShard? {
        do { return try shard.map { try SweepShard(parsing: $0, environment: ProcessInfo.processInfo.environment) } } catch let error as SweepError {
            throw ValidationError(error.description)
        }
    }

    /// `--heartbeat` and `--claim-timeout` in seconds.
    func claimTimes() throws -> (heartbeat: Double, timeout: Double) {
        do {
            return (try DurationText.seconds(heartbeat, option: "--heartbeat"), try DurationText.seconds(claimTimeout, option: "--claim-timeout"))
        } catch let error as SweepError { throw ValidationError(error.description) }
    }

    /// The seeds the options give.
    func seedList() throws -> [UInt64] {
        try seeds.split(separator: ",", omittingEmptySubsequences: false).map { text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = UInt64(trimmed) else { throw ValidationError("--seeds: '\(trimmed)' is not a seed (an integer >= 0)") }
            return value
        }
    }

    /// The sweep the options describe, early stopping on `metric`.
    func definition(metric: ValidationMetric, readingWeights: Bool = true) throws -> SweepDefinition {
        var training = TrainingConfiguration()
        training.epochs = maxEpochs
        training.earlyStopping = EarlyStopping(metric: metric, patience: patience)
        training.monitor = metric
        let grid = try grid()
        let scheduleSpec: ScheduleSpec?
        do { scheduleSpec = try schedule.map { try SweepDefinition.schedule(parsing: $0, peak: grid.rates[0]) } } catch {
            throw ValidationError("--schedule: \(error)")
        }
        let base = try Train.recipe(data: data, model: model, files: modelFiles, optimizer: optimizer, batchSize: batchSize, seed: 0,
                                    training: training, schedule: scheduleSpec, readingWeights: readingWeights)
        let definition = SweepDefinition(base: base, rates: grid.rates, seeds: try seedList())
        do { try definition.validate() } catch let error as SweepError { throw ValidationError(error.description) }
        // Every run's recipe is checked (the rate within the limits, the schedule).
        try runningRecipe { for rate in grid.rates { try definition.recipe(rate: rate, seed: 0).validate() } }
        return definition
    }

    /// The plot file: `--plot`, else `lrfind-sweep.png`; nil with `--no-plot`.
    private var plotPath: String? { output.plotPath(default: Self.defaultPlot) }

    mutating func run() throws {
        Interrupt.stopAfterTheCurrentBatch()
        let started = DispatchTime.now().uptimeNanoseconds
        try RuntimeOptions.apply(threads: threads, verbose: verbose)
        let threadCount = BLASRuntime.threadCount
        // The data is prepared once here: its errors and notes come once, and its task settles
        // the metric (R-squared for regression, else accuracy).
        var definition = try definition(metric: .accuracy)
        let prepared = try data.prepare(definition.base.data)
        _ = try data.lossFunction(for: prepared)
        guard prepared.validation.count > 0 else {
            throw ValidationError("a sweep ranks the rates by their validation metric, and \(prepared.name) has no validation samples (--split)")
        }
        let metric: ValidationMetric = prepared.task == .regression ? .rSquared : .accuracy
        if metric != .accuracy { definition = try self.definition(metric: metric) }
        definition.base.data.digest = try definition.base.data.contentDigest()
        let shard = try shardSpec()
        let allRuns = definition.runs()
        let runs = shard?.share(of: allRuns) ?? allRuns
        if dryRun { return try listRuns(runs, definition: definition, shard: shard) }

        var journalFile: SweepJournal?
        if let journal {
            journalFile = try SweepJournal(path: journal, definition: definition, resuming: resume)
            for note in journalFile!.notes { Terminal.note("lrfind: note: \(note)") }
            journalFile!.notes = []
        }
        let held = runs.filter { journalFile?.finished[$0.identifier] != nil }.count
        if resume && held > 0 {
            Terminal.note("lrfind: note: \(journal!) holds \(held) of the \(runs.count) runs; running the others")
        }

        var rangeTest: RangeTestRecord?
        if withRangeTest {
            if let kept = journalFile?.rangeTest {
                Terminal.note("lrfind: note: \(journal!) holds the range test; it is not run again")
                rangeTest = kept
            } else {
                let startedAt = Date()
                let record = try runRangeTest(definition)
                if Interrupt.requested { throw ExitCode(Interrupt.exitStatus) }
                try journalFile?.append(rangeTest: record, host: ProcessInfo.processInfo.hostName, started: startedAt)
                rangeTest = record
            }
        }

        var local: [String: SweepOutcome] = [:]
        var finishedNow = 0
        var complete = true
        if runs.contains(where: { journalFile?.finished[$0.identifier] == nil }) {
            let host = ProcessInfo.processInfo.hostName
            let (beat, timeout) = try claimTimes()
            var dispatcher = SweepDispatcher(runs: runs, journal: journalFile, owner: SweepDispatcher.owner(host: host), timeout: timeout, heartbeat: beat)
            let workers = min(jobs ?? WorkerPool.availableProcessors(), dispatcher.unfinishedCount)
            if verbose { Terminal.note("sweep: \(dispatcher.unfinishedCount) runs on \(workers) worker(s) of \(threadCount) thread(s)") }
            let pool = try WorkerPool(count: workers, threads: threadCount)
            var progress = SweepProgress(total: runs.count, done: 0, enabled: !quiet, regression: metric == .rSquared)
            var counted = Set<String>()
            func count() {
                for run in runs where !counted.contains(run.identifier) {
                    guard let outcome = dispatcher.journal?.finished[run.identifier] ?? local[run.identifier] else { continue }
                    counted.insert(run.identifier)
                    progress.add(outcome)
                }
            }
            count()
            progress.startedWith = progress.done
            do {
                complete = try pool.run(next: {
                    let next = try dispatcher.next()
                    for note in dispatcher.takeNotes() { Terminal.note("lrfind: note: \(note)") }
                    switch next {
                    case .run(let index, let run):
                        if verbose { Terminal.note("sweep: run \(index + 1) of \(runs.count) started (lr \(format(run.rate)), seed \(run.seed))") }
                        return .job(index, run.recipe)
                    case .wait: return .wait
                    case .done: return .done
                    }
                }, finished: { done in
                    let run = runs[done.job]
                    try dispatcher.finished(run, record: done.record, host: host, worker: done.worker, started: done.started, seconds: done.seconds)
                    let outcome = SweepOutcome(run: run, record: done.record)
                    local[run.identifier] = outcome
                    if verbose {
                        Terminal.note("sweep: run \(done.job + 1) of \(runs.count) finished on worker \(done.worker) (lr \(format(run.rate)), seed \(run.seed)): "
                            + "best validation \(outcome.bestValidation.map { NumberText.fixed($0) } ?? "-") at epoch \(outcome.bestEpoch.map(String.init) ?? "-"), \(outcome.epochsRun) epochs")
                    }
                    finishedNow += 1
                    count()
                    progress.draw()
                }, tick: {
                    try dispatcher.tick()
                    count()
                    progress.draw()
                })
            } catch {
                progress.finish()
                try? dispatcher.release()
                throw error
            }
            if !complete { try dispatcher.release() }
            progress.finish()
            journalFile = dispatcher.journal
        }
        let outcomes = journalFile?.finished ?? local
        let ordered = runs.compactMap { outcomes[$0.identifier] }
        let report = SweepReport(definition: definition, outcomes: ordered, tolerance: tolerance, rangeTest: rangeTest)
        if !ordered.isEmpty || complete {
            try report.write(json: output.json, csv: csv, plot: plotPath, journal: journal)
        }
        if let shard, complete {
            Terminal.note("lrfind: note: shard \(shard) ran \(runs.count) of the sweep's \(allRuns.count) runs; `lrfind merge` the shards' journals for the whole answer")
        }
        if !complete {
            Terminal.note("lrfind: interrupted: \(ordered.count) of \(runs.count) runs finished (\(finishedNow) in this session)"
                + (journal.map { "; the journal \($0) keeps them: --resume continues" } ?? "; --journal FILE keeps them for --resume"))
            throw ExitCode(Interrupt.exitStatus)
        }
        if verbose { Terminal.note(String(format: "sweep: %.1f s", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)) }
    }

    /// `--dry-run`: the runs, as a table or JSON.
    private func listRuns(_ runs: [SweepRun], definition: SweepDefinition, shard: SweepShard?) throws {
        if output.json {
            struct Listing: Encodable {
                struct Entry: Encodable { var rate: Double; var seed: UInt64; var identifier: String }
                var experiment: String
                var runs: [Entry]
            }
            print(try jsonText(Listing(experiment: definition.identifier,
                                       runs: runs.map { .init(rate: $0.rate, seed: $0.seed, identifier: $0.identifier) })))
            return
        }
        print("\(runs.count) runs (\(definition.rates.count) rates x \(definition.seeds.count) seeds"
            + (shard.map { "; shard \($0) of \(definition.rates.count * definition.seeds.count)" } ?? "") + "), experiment \(definition.identifier)")
        print("rate          seed  identifier")
        for run in runs {
            print(TableColumn.cell(NumberText.significant(run.rate), width: 14) + TableColumn.cell(String(run.seed), width: 6) + run.identifier)
        }
    }

    /// `--with-range-test`: the range test on the same data, model, optimizer and batch (the
    /// first seed), handed to a one-cycle run of `--then`'s default length.
    private func runRangeTest(_ definition: SweepDefinition) throws -> RangeTestRecord {
        let base = definition.base
        var trainer = base.trainer
        trainer.seed = definition.seeds[0]
        let recipe = RangeTestRecipe(data: base.data, model: base.model, optimizer: base.optimizer, trainer: trainer,
                                     handOff: HandOffPlan(schedule: .onecycle))
        let reporter = RunReporter(quiet: quiet, verbose: verbose)
        let outcome = try runningRecipe { try recipe.run(events: reporter.events(confusionPlot: nil), shouldStop: { Interrupt.requested }) }
        reporter.finish()
        return outcome.record
    }
}

/// The progress line of a sweep on stderr (a terminal only): runs done of total, the best rate
/// so far, elapsed time and time left.
struct SweepProgress {
    private var bar: ProgressBar
    private let total: Int
    private(set) var done: Int
    /// Runs already finished when this session began (the time left counts from them).
    var startedWith: Int
    private let regression: Bool
    private let started = DispatchTime.now().uptimeNanoseconds
    private var best: (rate: Double, value: Double)?

    init(total: Int, done: Int, enabled: Bool, regression: Bool) {
        bar = ProgressBar(label: "sweep", total: total, enabled: enabled)
        self.total = total
        self.done = done
        startedWith = done
        self.regression = regression
    }

    /// Counts a finished run.
    mutating func add(_ outcome: SweepOutcome) {
        done += 1
        if let value = outcome.bestValidation, !outcome.diverged, value > (best?.value ?? -.infinity) { best = (outcome.rate, value) }
    }

    /// Redraws the line (at most ten times a second).
    mutating func draw() {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let ranNow = done - startedWith
        var detail = "runs"
        if let best { detail += ", best \(NumberText.fixed(best.value)) at lr \(format(best.rate))" }
        detail += ", \(Self.duration(elapsed)) elapsed"
        if ranNow > 0 && done - startedWith < total { detail += ", ~\(Self.duration(elapsed / Double(ranNow) * Double(total - done))) left" }
        bar.update(min(done, total), detail: detail)
    }

    func finish() { bar.finish() }

    /// `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
