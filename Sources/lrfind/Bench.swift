import ArgumentParser
import Foundation
import LRFinder

/// `lrfind bench`: training throughput of the embedded trainer, or (`--load-only`) how fast the data loads.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training throughput (forward + loss + backward + optimizer step) in samples per second.",
        discussion: """
            Trains the model on real batches of the training split (mnist5k by default) and reports the median \
            of several timed repeats for each batch size and thread count, with the BLAS kernels in use. \
            With --load-only it only loads the data file, once, and reports the rows, columns, seconds and the \
            process's peak memory; --predict MODEL then times predict's read of the same file with that model \
            beside it. Build in release mode (swift build -c release) before measuring.
            """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Batch sizes to measure.")
    var batchSizes: [Int] = [64, 256]

    @Option(name: .long, parsing: .upToNextOption, help: "BLAS thread counts to measure.")
    var threads: [Int] = [1, 2]

    @Option(name: .long, parsing: .unconditional, help: "Timed repeats per configuration (the median is reported).")
    var repeats: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Training steps per repeat.")
    var steps: Int = 200

    @Option(name: .long, parsing: .unconditional, help: "Untimed warm-up steps per configuration.")
    var warmup: Int = 20

    @Flag(name: .long, help: "Measure every configuration a second time while another process keeps one core busy (a shared machine).")
    var withLoad = false

    @Flag(name: .long, help: "Only load the data (read and parse, as training's first step does) and report rows, columns, seconds and the process's peak memory.")
    var loadOnly = false

    @Flag(name: .long, help: "With --load-only: also split and encode the data (scaling, one-hot columns) as training does.")
    var prepare = false

    @Option(name: .long, help: ArgumentHelp("With --load-only: then read the same file as lrfind predict does with this model file (columns matched by name, encoded), timed beside the training load.", valueName: "model"))
    var predict: String?

    @Flag(name: .long, help: "Measure the tuning samplers instead: TPE's time per suggestion after 100 trials, and TPE against random sampling on a synthetic scheduler x rate objective (30 trials, 10 seeds).")
    var tuning = false

    @OptionGroup(title: "Output") var output: JSONOutput

    func validate() throws {
        guard batchSizes.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--batch-sizes must all be >= 1") }
        guard threads.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads must all be >= 1") }
        guard repeats >= 1, steps >= 1, warmup >= 0 else { throw ValidationError("--repeats and --steps must be >= 1, --warmup >= 0") }
        if prepare && !loadOnly { throw ValidationError("--prepare goes with --load-only") }
        if predict != nil && !loadOnly { throw ValidationError("--predict goes with --load-only") }
        if tuning && loadOnly { throw ValidationError("--tuning and --load-only measure different things: give one") }
    }

    func run() throws {
        if loadOnly { return try measureLoading() }
        if tuning { return try measureTuning() }
        let spec = try model.spec()
        // Thread counts the machine and OpenBLAS allow; each count measured once.
        var noted: Set<Int> = [], threads: [Int] = []
        for given in self.threads {
            let clamped = BLASRuntime.clampedThreadCount(given)
            if noted.insert(given).inserted, let note = clamped.note { Terminal.note("lrfind: note: \(note)") }
            if !threads.contains(clamped.count) { threads.append(clamped.count) }
        }
        // Each measured trainer copies the model it is given: two networks at once.
        try runningRecipe { try MemoryLimit.checkBeforeLoading(spec, optimizer: OptimizerSettings(kind: .adamw), copies: 2) }
        let prepared = try data.prepare(data.recipe())
        let inputShape = try model.inputShape(spec, for: prepared.shape)
        // Batches no larger than the training split, as train and find clamp them; each size measured once.
        var notedSizes: Set<Int> = [], batchSizes: [Int] = []
        for given in self.batchSizes {
            if notedSizes.insert(given).inserted, let note = SmallData.batchSizeNote(given: given, trainingCount: prepared.train.count, option: "--batch-sizes") {
                Terminal.note("lrfind: note: \(note)")
            }
            let size = SmallData.clampedBatchSize(given, trainingCount: prepared.train.count)
            if !batchSizes.contains(size) { batchSizes.append(size) }
        }
        try runningRecipe {
            try MemoryLimit.check(spec, inputShape: inputShape, for: prepared, optimizer: OptimizerSettings(kind: .adamw), cyclesMomentum: false,
                                  batchSize: batchSizes.max() ?? 1, keepsBestWeights: false, copies: 2)
        }
        let network = try model.network(spec, for: prepared, seed: 0)
        var rows: [BenchRow] = []
        if !output.json {
            print("model \(spec.name) (\(network.parameterCount) parameters), AdamW lr 1e-3, data \(prepared.name) train split (\(prepared.train.count) samples)")
            print("BLAS: OpenBLAS \(BLASRuntime.configuration), kernels \(BLASRuntime.coreName), OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
            print("threads  batch  load       samples/s (median)  ms/step  repeats (samples/s)")
        }
        for busy in withLoad ? [false, true] : [false] {
            let load = busy ? try BusyCore() : nil
            defer { load?.stop() }
            for threadCount in threads {
                BLASRuntime.setThreadCount(threadCount)
                for batchSize in batchSizes {
                    var row = measure(network: network, data: prepared, batchSize: batchSize, threads: threadCount)
                    row.load = busy ? "busy-core" : "none"
                    rows.append(row)
                    if !output.json {
                        print(TableColumn.cell(String(threadCount), width: 9) + TableColumn.cell(String(batchSize), width: 7)
                              + TableColumn.cell(row.load, width: 11) + TableColumn(.fixed(fractionDigits: 0), width: 20).cell(row.samplesPerSecond)
                              + TableColumn(.fixed(fractionDigits: 3), width: 9).cell(row.millisecondsPerStep)
                              + row.repeats.map { String(format: "%.0f", $0) }.joined(separator: ", "))
                    }
                }
            }
        }
        // The largest batch's training step as `lrfind model` estimates it, beside the process's peak
        // (which adds the data, the copy each trainer takes, the evaluation buffers and the runtime).
        let largest = batchSizes.max() ?? 1
        let estimate = NetworkSummary(layout: network.layout, batchSize: largest)?.memory.total ?? 0
        let peak = ProcessMemory.peakResidentBytes
        if output.json {
            print(try jsonText(BenchReport(model: spec.name, parameters: network.parameterCount,
                                           blasKernels: BLASRuntime.coreName, blasConfiguration: BLASRuntime.configuration,
                                           coreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
                                           steps: steps, repeatCount: repeats, results: rows,
                                           memory: BenchMemory(batchSize: largest, estimatedStepBytes: estimate, peakResidentBytes: peak))))
        } else {
            print("memory: a training step at batch \(largest) needs \(Model.bytes(estimate)) (lrfind model); peak resident set of this process \(Model.bytes(peak))")
        }
    }

    /// `--load-only`: one timed load (or preparation) of the data, with the process's peak memory;
    /// with `--predict`, then one timed read of the same file by the model's predictor.
    func measureLoading() throws {
        let recipe = try data.recipe()
        // The model is read before anything is timed.
        let predictor = try predict.map { try Predictor(contentsOf: $0) }
        guard predictor == nil || recipe.path != nil else { throw RunError("--predict needs --data FILE: the file predict reads") }
        let result = try LoadMeasurement.measure(recipe, preparing: prepare)
        let predicted = try predictor.map { try LoadMeasurement.measure(predictingWith: $0, path: recipe.path!) }
        if output.json {
            return print(try predicted.map { try jsonText(PredictBenchReport(load: result, predict: $0)) } ?? jsonText(result))
        }
        func line(_ measurement: LoadMeasurement, _ what: String) -> String {
            "\(measurement.stage) \(what): \(measurement.rows) rows, \(measurement.columns) \(measurement.stage == "predict" ? "model inputs" : "feature columns"), "
                + String(format: "%.3f s, peak memory %.1f MiB", measurement.seconds, Double(measurement.peakResidentBytes) / 1_048_576)
        }
        print(line(result, recipe.name))
        if let predicted, let predictor { print(line(predicted, "\(recipe.name) with \(predictor.name)")) }
    }

    /// Median samples/s over `repeats` runs of `steps` AdamW updates on consecutive full batches.
    func measure(network: Network, data: PreparedData, batchSize: Int, threads: Int) -> BenchRow {
        var trainer = EmbeddedTrainer(network: network, optimizer: Adam.adamW(), data: data, batchSize: batchSize, seed: 0,
                                      dropsLastBatch: true)
        func step() { _ = trainer.trainNextBatch(learningRate: 1e-3, momentum: nil) }
        for _ in 0..<warmup { step() }
        var rates: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { step() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(steps * batchSize) / seconds)
        }
        let median = rates.sorted()[rates.count / 2]
        return BenchRow(threads: threads, batchSize: batchSize, samplesPerSecond: median,
                        millisecondsPerStep: 1000 * Double(batchSize) / median, repeats: rates)
    }
}

/// The `--json` document of `lrfind bench --load-only --predict MODEL`: the training load and
/// predict's read of the same file.
struct PredictBenchReport: Encodable {
    /// The training load (or preparation) of the file.
    let load: LoadMeasurement
    /// Predict's read of the same file with the model.
    let predict: LoadMeasurement
}

/// One measured configuration.
struct BenchRow: Encodable {
    let threads: Int
    /// `none`, or `busy-core` while another process spins on one core.
    var load = "none"
    let batchSize: Int
    let samplesPerSecond: Double
    let millisecondsPerStep: Double
    let repeats: [Double]
}

/// The `--json` document of `lrfind bench`.
struct BenchReport: Encodable {
    let model: String
    let parameters: Int
    let blasKernels: String
    let blasConfiguration: String
    let coreTypeEnvironment: String?
    let steps: Int
    let repeatCount: Int
    let results: [BenchRow]
    let memory: BenchMemory
}

/// The memory figures of `lrfind bench`: the estimate of a training step at the largest batch
/// size and the process's peak resident set size (`getrusage`).
struct BenchMemory: Encodable {
    let batchSize: Int
    let estimatedStepBytes: Int
    let peakResidentBytes: Int
}

/// Another process that keeps one core busy (`lrfind spin`), for measuring on a shared machine.
struct BusyCore {
    private let process: Process

    /// Starts the spinning process; it also ends by itself after `seconds` or when this process dies.
    init(seconds: Int = 600) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if let path = Bundle.main.executablePath { process.executableURL = URL(fileURLWithPath: path) }
        process.arguments = ["spin", "--seconds", String(seconds)]
        do { try process.run() } catch { throw RunError("cannot start the load process: \(error.localizedDescription)") }
        usleep(200_000)   // let it get scheduled before measuring
    }

    /// Ends the spinning process.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// `lrfind spin`: burns one core until a deadline or until its parent goes away (hidden; the
/// load generator of `lrfind bench --with-load`).
struct Spin: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Keep one core busy (used by bench --with-load).", shouldDisplay: false)

    @Option(name: .long, parsing: .unconditional, help: "Stop after this many seconds.")
    var seconds: Int = 600

    func run() throws {
        let parent = getppid()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(seconds, 0)) * 1_000_000_000
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        while DispatchTime.now().uptimeNanoseconds < deadline && getppid() == parent {
            for _ in 0..<1_000_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
        }
        if x == 0 { print(x) }   // keeps the loop from being optimised away
    }
}
