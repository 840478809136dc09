import ArgumentParser
import Foundation
import LRFinder

/// Where the data comes from and how it is prepared.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data file: CSV, CSV.gz, or IDX images (with --labels). Default: the bundled mnist5k.", valueName: "file"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("IDX labels file that goes with an IDX images --data file.", valueName: "file"))
    var labels: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CSV column of the class label: first, last, a 1-based column number, or a header name.", valueName: "column"))
    var labelColumn: String = "last"

    @Option(name: .long, help: "Whether the CSV has a header row: auto, present, absent.")
    var header: HeaderMode = .auto

    @Option(name: .long, help: "Separator of CSV fields: comma, semicolon, tab, auto (detected from the first lines).")
    var delimiter: CSVDelimiter = .auto

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CSV columns that are neither features nor the label: header names or 1-based column numbers, comma-separated.", valueName: "columns"))
    var ignoreColumns: String?

    @Option(name: .long, help: "A missing CSV feature value (empty, NA, N/A, NaN, ?, null): error, drop (leave the row out), mean (the column's training mean).")
    var missing: MissingValues = .error

    @Flag(name: .long, help: "Keep a first CSV column that looks like pandas' row index (a blank or 'Unnamed: 0' header over 0, 1, ..., N-1) as a feature; by default it is ignored, with a note.")
    var keepIndexColumn = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CSV feature columns to one-hot encode: auto (a column most of whose values are not numbers), none, or header names / 1-based column numbers, comma-separated.", valueName: "columns"))
    var categorical: String = "auto"

    @Option(name: .long, help: "Feature scaling: none, max (divide by the largest training value), standardize (training mean and deviation per feature). Default: max for image data, standardize otherwise.")
    var scale: ScalingMethod?

    @Option(name: .long, help: ArgumentHelp("Train,validation,test sizes as counts (3000,1000,1000) or fractions (0.6,0.2,0.2). Default: 3000,1000,1000 for mnist5k, 0.6,0.2,0.2 otherwise.", valueName: "sizes"))
    var split: String?

    @Option(name: .long, parsing: .unconditional, help: "Seed of the stratified split.")
    var splitSeed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Allow up to N classes (default: at most 10,000, and at most half the training samples).", valueName: "N"))
    var maxClasses: Int?

    @Option(name: .long, help: "classification or regression (default: regression when a numeric label has a fraction, classes otherwise; more than 100 distinct integer labels need --task).")
    var task: Task?

    @Option(name: .long, help: ArgumentHelp("Loss: cross-entropy for classification; mse (default) or huber[:DELTA] (delta 1 by default) for regression, on the standardised target.", valueName: "loss"))
    var loss: String?

    /// `--loss`, checked against `--task` when it is given (and against the data's task by ``lossFunction(for:)``).
    func lossOption() throws -> LossFunction? {
        guard let loss else { return nil }
        let parsed: LossFunction
        do { parsed = try LossFunction(parsing: loss) } catch { throw ValidationError("--loss: \(error)") }
        if let task, !parsed.fits(task) {
            throw ValidationError("--loss \(loss) does not go with --task \(task.rawValue)")
        }
        return parsed
    }

    /// The loss for `data`: `--loss`, or the task's.
    func lossFunction(for data: PreparedData) throws -> LossFunction {
        guard let parsed = try lossOption() else { return data.task.loss }
        guard parsed.fits(data.task) else {
            throw ValidationError("--loss \(loss!) does not go with \(data.name), a \(data.task.rawValue) task (--task sets it)")
        }
        return parsed
    }

    /// Prepares `recipe`: labels that leave the task open are a usage error naming --task, and a
    /// task inferred as regression is noted on stderr; `confusionPlot` (one is asked for) refuses
    /// regression data.
    func prepare(_ recipe: DataRecipe, confusionPlot: Bool = false, checkpoint: Checkpoint? = nil) throws -> PreparedData {
        let prepared: PreparedData
        let saved = try checkpoint?.savedPreprocessing()
        do { prepared = try recipe.prepare(reusing: saved) } catch let error as TaskInferenceError {
            throw ValidationError("\(error) with --task")
        }
        if let checkpoint, saved != nil {
            Terminal.note("lrfind: note: \(recipe.name): features encoded and scaled as when \(checkpoint.name) was trained (its saved preprocessing)")
        }
        if confusionPlot, prepared.task == .regression {
            throw ValidationError("--confusion-plot needs class targets; \(prepared.name) is a regression task")
        }
        if let note = prepared.taskNote { Terminal.note("lrfind: note: \(note) (--task classification to treat them as classes)") }
        return prepared
    }

    /// The data recipe the options describe (its rules are ``DataRecipe/validate()``'s).
    func recipe() throws -> DataRecipe {
        var request = DataRecipe()
        request.path = data
        request.labelsPath = labels
        guard let labelColumn = LabelColumn(parsing: labelColumn) else {
            throw ValidationError("--label-column must be first, last, a column number >= 1 or a header name, got '\(self.labelColumn)'")
        }
        request.labelColumn = labelColumn
        if let ignoreColumns {
            guard let columns = CSVColumn.list(parsing: ignoreColumns) else {
                throw ValidationError("--ignore-columns must list header names or column numbers >= 1, got '\(ignoreColumns)'")
            }
            request.ignoredColumns = columns
        }
        guard let categories = CategoricalColumns(parsing: categorical) else {
            throw ValidationError("--categorical must be auto, none, or header names / column numbers >= 1, comma-separated, got '\(categorical)'")
        }
        request.categorical = categories == .auto ? nil : categories
        request.header = header
        request.delimiter = delimiter == .auto ? nil : delimiter
        request.missing = missing == .error ? nil : missing
        request.keepsIndexColumn = keepIndexColumn
        request.scaling = scale
        if let split {
            do { request.split = try SplitSizes(parsing: split) } catch { throw ValidationError("--split: \(error)") }
        }
        request.splitSeed = splitSeed
        request.task = task
        request.maximumClassCount = maxClasses
        _ = try lossOption()
        try runningRecipe { try request.validate() }
        return request
    }
}

/// The network to build.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: ArgumentHelp("Hidden stack: a preset (mlp, mlp:H1,H2,..., logreg, cnn, dnn) or items like dense:256,relu,dropout:0.1,dense:128,leakyrelu:0.1 or conv(32,3),relu,maxpool:2,flatten,dense:128 (docs/models.md); the output layer is added. Default: mlp (or, with --init-from an lrfind file, the file's model).", valueName: "spec"))
    var givenModel: String?

    /// `--model` as given, else its default.
    var model: String { givenModel ?? Self.defaultModel }
    /// Whether `--model` was given (an lrfind file's own model then has to agree with it).
    var isModelExplicit: Bool { givenModel != nil }

    /// `--model`'s default.
    static let defaultModel = "mlp"

    @Option(name: .long, help: ArgumentHelp("Shape of one sample, CxHxW, for a model with convolutions or pooling (default: the data's image shape; N features that are a square: 1xSxS).", valueName: "shape"),
            transform: TensorShape.init(validating:))
    var shape: TensorShape?

    @Option(name: .customLong("init"), help: "Weight initialisation: pytorch, he, he-normal, xavier, xavier-normal.")
    var initialization: WeightInitialization = .pytorch

    func spec() throws -> ModelSpec {
        do { return try ModelSpec(parsing: model) } catch { throw ValidationError("--model: \(error)") }
    }

    /// The model's name in titles and tables: `--model` as given (a preset stays its name), or,
    /// with weights from a file, the spec itself; `logreg` for no hidden layer.
    func displayName(_ spec: ModelSpec, weightsFromFile: Bool) -> String {
        spec.displayName(given: model, weightsFromFile: weightsFromFile)
    }

    /// The network for `spec` on `data` (outputs: its classes or target columns), seeded with `seed`.
    func network(_ spec: ModelSpec, for data: PreparedData, seed: UInt64) throws -> Network {
        do {
            return try Network(spec: spec, inputShape: inputShape(spec, for: data.shape), outputs: data.outputWidth,
                               initialization: initialization, seed: seed)
        } catch let error as NetworkError {
            throw ValidationError("--model: \(error)")
        }
    }
}

extension ModelOptions {
    /// The model recipe: `--model` (or, with `--init-from` an lrfind file and no `--model`, the
    /// file's model, read here), `--init`, `--shape` and the weights file's path.
    func recipe(files: ModelFileOptions, readingWeights: Bool = true) throws -> ModelRecipe {
        var spec = try self.spec()
        if readingWeights, let checkpoint = try files.checkpoint(spec, model: self) { spec = checkpoint.spec }
        return ModelRecipe(spec: spec, initialization: initialization, inputShape: shape, initialWeightsPath: files.initFrom)
    }

    /// The shape `spec`'s first layer sees for samples of `dataShape` and `--shape`.
    func inputShape(_ spec: ModelSpec, for dataShape: TensorShape) throws -> TensorShape {
        do { return try spec.inputShape(for: dataShape, declared: shape) } catch let error as InputShapeError {
            throw ValidationError(shape == nil ? "--model \(model): \(error) with --shape CxHxW" : "--shape \(shape!): \(error)")
        }
    }
}

/// The optimizer and its settings; unset values take PyTorch's defaults.
struct OptimizerOptions: ParsableArguments {
    @Option(name: .long, help: "Optimizer: sgd, adam, adamw, rmsprop.")
    var optimizer: OptimizerKind = .adamw

    @Option(name: .long, parsing: .unconditional, help: "Momentum (SGD, RMSprop).")
    var momentum: Double?

    @Option(name: .long, parsing: .unconditional, help: "Dampening of SGD momentum.")
    var dampening: Double?

    @Flag(name: .long, help: "Nesterov momentum (SGD).")
    var nesterov = false

    @Option(name: .long, parsing: .unconditional, help: "Adam/AdamW beta1.")
    var beta1: Double?

    @Option(name: .long, parsing: .unconditional, help: "Adam/AdamW beta2.")
    var beta2: Double?

    @Option(name: .customLong("eps"), parsing: .unconditional, help: "Epsilon of Adam, AdamW, RMSprop.")
    var epsilon: Double?

    @Option(name: .long, parsing: .unconditional, help: "Weight decay (L2 for SGD, Adam, RMSprop; decoupled for AdamW, default 0.01).")
    var weightDecay: Double?

    @Option(name: .long, parsing: .unconditional, help: "RMSprop smoothing constant alpha.")
    var alpha: Double?

    @Flag(name: .long, help: "Centered RMSprop.")
    var centered = false

    @Flag(name: .long, help: "AMSGrad variant of Adam/AdamW.")
    var amsgrad = false

    @Option(name: .long, help: ArgumentHelp("Clip gradients: value:C (each element to [-C, C]) or norm:C (global L2 norm at most C).", valueName: "rule"))
    var clip: String?

    /// The optimizer's settings; an option the optimizer does not have, or a value it refuses, is
    /// a usage error naming it.
    func settings() throws -> OptimizerSettings {
        let isAdam = optimizer == .adam || optimizer == .adamw
        let given: [(name: String, isGiven: Bool, applies: Bool)] = [
            ("beta1", beta1 != nil, isAdam), ("beta2", beta2 != nil, isAdam), ("amsgrad", amsgrad, isAdam),
            ("momentum", momentum != nil, !isAdam), ("dampening", dampening != nil, optimizer == .sgd),
            ("nesterov", nesterov, optimizer == .sgd), ("alpha", alpha != nil, optimizer == .rmsprop),
            ("centered", centered, optimizer == .rmsprop), ("epsilon", epsilon != nil, optimizer != .sgd),
        ]
        if let misplaced = given.first(where: { $0.isGiven && !$0.applies }) {
            throw ValidationError("\(misplaced.name) does not apply to \(optimizer.rawValue)")
        }
        let settings: OptimizerSettings
        switch optimizer {
        case .sgd:
            let d = SGDSettings()
            settings = .sgd(SGDSettings(momentum: momentum ?? d.momentum, dampening: dampening ?? d.dampening, nesterov: nesterov,
                                        weightDecay: weightDecay ?? d.weightDecay))
        case .adam, .adamw:
            let d = optimizer == .adam ? AdamSettings.adamDefaults : AdamSettings.adamWDefaults
            let adam = AdamSettings(beta1: beta1 ?? d.beta1, beta2: beta2 ?? d.beta2, epsilon: epsilon ?? d.epsilon,
                                    weightDecay: weightDecay ?? d.weightDecay, amsgrad: amsgrad)
            settings = optimizer == .adam ? .adam(adam) : .adamW(adam)
        case .rmsprop:
            let d = RMSpropSettings()
            settings = .rmsprop(RMSpropSettings(alpha: alpha ?? d.alpha, epsilon: epsilon ?? d.epsilon, weightDecay: weightDecay ?? d.weightDecay,
                                                momentum: momentum ?? d.momentum, centered: centered))
        }
        do { _ = try settings.makeOptimizer() } catch { throw ValidationError("\(error)") }
        return settings
    }

    func clipping() throws -> GradientClipping {
        guard let clip else { return .none }
        return try runningRecipe { try GradientClipping(parsing: clip) }
    }
}

/// `--json`, `--plot FILE` and `--no-plot`: the result on stdout as JSON, and the plot.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON on stdout instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Plot file (.png, .svg or .pdf); the command's description says what it draws, and whether it draws one by default.", valueName: "file"))
    var plot: String?

    @Flag(name: .long, help: "Do not draw the plot (not even the default one).")
    var noPlot = false

    /// The plot file: `--plot`, else `defaultPath`; nil with `--no-plot`.
    func plotPath(default defaultPath: String? = nil) -> String? { noPlot ? nil : (plot ?? defaultPath) }
}

/// `--json` alone, for the commands that draw nothing.
struct JSONOutput: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON on stdout instead of a table.")
    var json = false
}

/// Threads, verbosity and the record.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "BLAS threads (default 1: on a shared machine a second thread that waits for a busy core costs more than it gains; see `lrfind bench`).")
    var threads: Int = 1

    @Flag(name: .long, help: "Print set-up details (BLAS kernels and threads, data, model) on stderr.")
    var verbose = false

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Write the run's record (recipe, identifier, lrfind version, data, results) as JSON to this file; it decodes back into the library's record type.", valueName: "file"))
    var record: String?

    /// Writes `value` as sorted-key JSON to `--record`, when given.
    func writeRecord(_ value: some Encodable) throws { try Self.writeRecord(value, to: record) }

    /// Writes `value` as sorted-key JSON to `path`, when given.
    static func writeRecord(_ value: some Encodable, to path: String?) throws {
        guard let path else { return }
        try AtomicFile.write(Data(try jsonText(value).utf8), to: path)
    }

    /// Writes a run's `record` to `path` (`--record`), when given, and prints it with `--json`.
    static func publish(_ record: some Encodable, to path: String?, json: Bool) throws {
        try writeRecord(record, to: path)
        if json { print(try jsonText(record)) }
    }

    func apply() throws { try Self.apply(threads: threads, verbose: verbose) }

    /// Sets the thread count, at most the machine's processors (noted when fewer); with
    /// `verbose`, notes the BLAS library and its kernels.
    static func apply(threads: Int, verbose: Bool) throws {
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1, got \(threads)") }
        let clamped = BLASRuntime.clampedThreadCount(threads)
        if let note = clamped.note { Terminal.note("lrfind: note: \(note)") }
        BLASRuntime.setThreadCount(clamped.count)
        if verbose {
            Terminal.note("BLAS: OpenBLAS, kernels \(BLASRuntime.coreName), \(BLASRuntime.threadCount) thread(s) of \(BLASRuntime.processorCount) processors; OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
            Terminal.note("BLAS build: \(BLASRuntime.configuration)")
        }
    }
}

extension HeaderMode: ExpressibleByArgument {}
extension CSVDelimiter: ExpressibleByArgument {}
extension MissingValues: ExpressibleByArgument {}
extension ScalingMethod: ExpressibleByArgument {}
extension WeightInitialization: ExpressibleByArgument {}
extension TensorShape: ExpressibleByArgument {
    /// `CxHxW` or `N`.
    public init?(argument: String) { self.init(parsing: argument) }
}
extension OptimizerKind: ExpressibleByArgument {}
extension ValidationMetric: ExpressibleByArgument {}
extension Task: ExpressibleByArgument {}

/// `--early-stop` and `--monitor`, of `train` and of `find --then`'s runs.
struct EarlyStoppingOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop after N epochs without improvement of --monitor and restore the best weights (0: off).", valueName: "N"))
    var earlyStop: Int = 0

    @Option(name: .long, help: "Metric watched by --early-stop and by a plateau schedule in max mode: val-loss, val-accuracy, val-balanced-accuracy or val-macro-f1 (classification), val-r2 (regression).")
    var monitor: ValidationMetric = .loss

    func validate() throws {
        guard earlyStop >= 0 else { throw ValidationError("--early-stop must be >= 0, got \(earlyStop)") }
    }

    /// The early stopping the options ask for; nil with `--early-stop 0`.
    var earlyStopping: EarlyStopping? { earlyStop > 0 ? EarlyStopping(metric: monitor, patience: earlyStop) : nil }

    /// The monitored metric when it is not the default loss.
    var monitored: ValidationMetric? { monitor != .loss ? monitor : nil }

    /// Whether either option was given a value other than its default.
    var isSet: Bool { earlyStop != 0 || monitor != .loss }
}
