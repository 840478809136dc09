import Foundation

/// The `lrfind train` command line that runs a training recipe again: after a range test's
/// hand-off, the command that reproduces that training run bit for bit (same binary, same BLAS
/// threads, same working directory for relative paths).
///
/// The words are derived from the ``TrainingRecipe`` the hand-off ran, setting by setting, so that
/// nothing it depends on is left out: the data and its preparation, the model and its initial
/// weights, the optimizer, the trainer, the epochs and rate, and the schedule. Each option is given
/// only when its value differs from `lrfind train`'s default, except `--threads`, which is always
/// given (the losses are bit-identical only with the same thread count). Real numbers are the
/// shortest text that parses back to the same `Double` (the schedule's ``ScheduleSpec/description``
/// for the schedule), never rounded.
public struct HandOffCommand: Equatable, Sendable {
    /// The words after `lrfind`, starting with `train`, unquoted (what a process receives as its arguments).
    public var arguments: [String]

    /// A command from its words after `lrfind`.
    public init(arguments: [String]) { self.arguments = arguments }

    /// The `lrfind train` command that runs `recipe` with `threads` BLAS threads.
    public init(_ recipe: TrainingRecipe, threads: Int) {
        var words = ["train"]
        words += Self.dataWords(recipe.data)
        words += Self.modelWords(recipe.model)
        words += Self.optimizerWords(recipe.optimizer)
        words += Self.trainerWords(recipe.trainer)
        words += Self.trainingWords(recipe.training, defaultRate: recipe.optimizer.kind.defaultLearningRate)
        if let schedule = recipe.schedule { words += ["--schedule", schedule.description] }
        words += ["--threads", String(threads)]
        arguments = words
    }

    /// The command for a POSIX shell: `lrfind` and the words, each quoted when it needs it
    /// (``ShellWord/quoted(_:)``).
    public var text: String { (["lrfind"] + arguments).map(ShellWord.quoted).joined(separator: " ") }

    /// A real number as the shortest text that parses back to it (`0.9`, `1e-5`, `3`).
    private static func number(_ value: Double) -> String { ScheduleNumberText.exact(value) }

    /// A column as `--ignore-columns` and `--categorical` read it: its 1-based number or its name.
    private static func column(_ column: CSVColumn) -> String {
        switch column {
        case let .index(index): String(index + 1)
        case let .name(name): name
        }
    }

    /// `--data` and the options of its preparation that differ from the defaults.
    private static func dataWords(_ data: DataRecipe) -> [String] {
        var words: [String] = []
        if let path = data.path {
            words += ["--data", path]
            if let labels = data.labelsPath { words += ["--labels", labels] }
        } else if let bundled = data.bundled, bundled != .mnist5k, let url = bundled.url {
            // Only mnist5k is the command line's default; another bundled set is named by its file,
            // which is read as CSV data: its image scaling is then said explicitly.
            words += ["--data", url.path]
            if data.scaling == nil { words += ["--scale", ScalingMethod.max.rawValue] }
        }
        switch data.labelColumn {
        case .last: break
        case .first: words += ["--label-column", "first"]
        case let .index(index): words += ["--label-column", String(index + 1)]
        case let .name(name): words += ["--label-column", name]
        }
        if data.header != .auto { words += ["--header", data.header.rawValue] }
        if let delimiter = data.delimiter, delimiter != .auto { words += ["--delimiter", delimiter.rawValue] }
        if let ignored = data.ignoredColumns, !ignored.isEmpty {
            words += ["--ignore-columns", ignored.map(column).joined(separator: ",")]
        }
        if let missing = data.missing, missing != .error { words += ["--missing", missing.rawValue] }
        if data.keepsIndexColumn { words.append("--keep-index-column") }
        switch data.categorical {
        case nil, .auto?: break
        case CategoricalColumns.none?: words += ["--categorical", "none"]
        case let .columns(columns)?: words += ["--categorical", columns.map(column).joined(separator: ",")]
        }
        if let scaling = data.scaling { words += ["--scale", scaling.rawValue] }
        switch data.split {
        case nil: break
        case let .counts(train, validation, test)?: words += ["--split", "\(train),\(validation),\(test)"]
        // Swift's text of a Double always has a `.` or an `e`: the sizes read back as fractions.
        case let .fractions(train, validation, test)?: words += ["--split", "\(train),\(validation),\(test)"]
        }
        if data.splitSeed != 0 { words += ["--split-seed", String(data.splitSeed)] }
        if let maximum = data.maximumClassCount { words += ["--max-classes", String(maximum)] }
        if let task = data.task { words += ["--task", task.rawValue] }
        return words
    }

    /// `--model` (always with a weights file, whose model it must match), `--init`, `--shape`, `--init-from`.
    private static func modelWords(_ model: ModelRecipe) -> [String] {
        var words: [String] = []
        let isDefault = (try? ModelSpec(parsing: "mlp")) == model.spec
        if !isDefault || model.initialWeightsPath != nil { words += ["--model", model.spec.name] }
        if model.initialization != .pytorch { words += ["--init", model.initialization.rawValue] }
        if let shape = model.inputShape { words += ["--shape", shape.description] }
        if let path = model.initialWeightsPath { words += ["--init-from", path] }
        return words
    }

    /// `--optimizer` (when not AdamW) and each of its settings that differs from that optimizer's default.
    private static func optimizerWords(_ optimizer: OptimizerSettings) -> [String] {
        var words: [String] = []
        let kind = optimizer.kind
        if kind != .adamw { words += ["--optimizer", kind.rawValue] }
        func add(_ option: String, _ value: Double, _ defaultValue: Double) {
            if value != defaultValue { words += [option, number(value)] }
        }
        func flag(_ option: String, _ isSet: Bool) { if isSet { words.append(option) } }
        switch optimizer {
        case let .sgd(s):
            let d = SGDSettings()
            add("--momentum", s.momentum, d.momentum)
            add("--dampening", s.dampening, d.dampening)
            flag("--nesterov", s.nesterov)
            add("--weight-decay", s.weightDecay, d.weightDecay)
        case let .adam(s), let .adamW(s):
            let d = kind == .adam ? AdamSettings.adamDefaults : AdamSettings.adamWDefaults
            add("--beta1", s.beta1, d.beta1)
            add("--beta2", s.beta2, d.beta2)
            add("--eps", s.epsilon, d.epsilon)
            add("--weight-decay", s.weightDecay, d.weightDecay)
            flag("--amsgrad", s.amsgrad)
        case let .rmsprop(s):
            let d = RMSpropSettings()
            add("--alpha", s.alpha, d.alpha)
            add("--eps", s.epsilon, d.epsilon)
            add("--weight-decay", s.weightDecay, d.weightDecay)
            add("--momentum", s.momentum, d.momentum)
            flag("--centered", s.centered)
        }
        return words
    }

    /// `--batch-size`, `--seed`, `--clip` and `--loss`, when not the defaults.
    private static func trainerWords(_ trainer: TrainerSettings) -> [String] {
        var words: [String] = []
        let defaults = TrainerSettings()
        if trainer.batchSize != defaults.batchSize { words += ["--batch-size", String(trainer.batchSize)] }
        if trainer.seed != defaults.seed { words += ["--seed", String(trainer.seed)] }
        switch trainer.clipping {
        case .none: break
        case let .value(limit): words += ["--clip", "value:" + number(limit)]
        case let .norm(limit): words += ["--clip", "norm:" + number(limit)]
        }
        if let loss = trainer.loss { words += ["--loss", loss.description] }
        return words
    }

    /// `--lr` (when not the optimizer's default), `--epochs`, `--early-stop` and `--monitor`.
    private static func trainingWords(_ training: TrainingConfiguration, defaultRate: Double) -> [String] {
        var words: [String] = []
        if training.learningRate != defaultRate { words += ["--lr", number(training.learningRate)] }
        if training.epochs != TrainingConfiguration().epochs { words += ["--epochs", String(training.epochs)] }
        // `--early-stop N` watches `--monitor`; its other settings have no option and stay at their defaults.
        if let early = training.earlyStopping { words += ["--early-stop", String(early.patience)] }
        if let metric = training.monitor ?? training.earlyStopping?.metric, metric != .loss { words += ["--monitor", metric.rawValue] }
        return words
    }
}

extension HandOffCommand: Codable {
    private enum Keys: String, CodingKey {
        case arguments, text
    }

    /// Decodes `arguments` (`text` follows from them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        arguments = try container.decode([String].self, forKey: .arguments)
    }

    /// Encodes `arguments` and the shell `text`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(arguments, forKey: .arguments)
        try container.encode(text, forKey: .text)
    }
}

/// Quoting of one word for a POSIX shell.
public enum ShellWord {
    /// The characters a word may hold and still be read by a POSIX shell as itself, unquoted.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")

    /// `word` as it is when it holds only letters, digits and `@%+=:,./_-` (and is not empty);
    /// otherwise in single quotes, each `'` written `'\''` (`it's` -> `'it'\''s'`).
    public static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
