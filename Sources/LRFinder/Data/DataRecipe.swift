/// Which data to train on and how to prepare it: load, split (seeded; stratified by class for
/// classification, at random for regression), scale (and standardise a regression target).
///
/// `Codable` as part of a run's recipe, where it is part of the identity: the data is named by
/// ``digest`` (and by ``bundled`` for a bundled set), not by its paths, which a record keeps
/// beside the identity (``RunInputs``) with the class-count guard.
public struct DataRecipe: Equatable, Sendable {
    /// A CSV, CSV.gz or IDX images file; nil for the bundled data set (setting one clears ``bundled``).
    public var path: String? {
        didSet { if path != nil { bundled = nil } }
    }
    /// The IDX labels file that goes with an IDX images `path`.
    public var labelsPath: String?
    /// The bundled data set used when `path` is nil; nil (with no path) for a recipe that names
    /// its data file by digest only, whose path must be given before it runs.
    public var bundled: BundledDataset? = .mnist5k
    /// The hex SHA-256 of the data's decompressed bytes (``contentDigest()``); nil until taken.
    /// A recipe run with a digest refuses data whose bytes differ.
    public var digest: String?
    /// The CSV column holding the class label.
    public var labelColumn: LabelColumn = .last
    /// Whether the CSV starts with a header row.
    public var header: HeaderMode = .auto
    /// The byte between CSV fields; nil: detected (``CSVDelimiter/auto``).
    public var delimiter: CSVDelimiter?
    /// CSV columns that are neither features nor the label; nil: none.
    public var ignoredColumns: [CSVColumn]?
    /// What a missing CSV feature value does; nil: ``MissingValues/error``.
    public var missing: MissingValues?
    /// Which CSV feature columns hold categories (one-hot encoded); nil: ``CategoricalColumns/auto``.
    public var categorical: CategoricalColumns?
    /// Whether a first CSV column that looks like pandas' row index (a blank or `Unnamed: 0`
    /// header cell over 0, 1, ..., N-1) is a feature; false: it is left out, with a note.
    public var keepsIndexColumn = false
    /// Feature scaling; nil picks `max` for image data (IDX or bundled) and `standardize` otherwise.
    public var scaling: ScalingMethod?
    /// Split sizes; nil gives 3,000 / 1,000 / 1,000 for mnist5k and 60 / 20 / 20 % otherwise.
    public var split: SplitSizes?
    /// Seed of the split (kept apart from the training seed so that runs with different
    /// training seeds are judged on the same test samples).
    public var splitSeed: UInt64 = 0
    /// The most classes allowed; nil: ``ClassLabels/defaultMaximumCount`` and at most half the
    /// training samples. A guard, not part of the recipe's identity.
    public var maximumClassCount: Int?
    /// Classification or regression; nil: inferred from the label column (``DataLoader``).
    public var task: Task?

    /// A recipe for the bundled default data with default preparation.
    public init() {}

    /// A recipe for the data in `path` (with IDX labels in `labelsPath`), default preparation.
    public init(path: String, labelsPath: String? = nil) {
        self.path = path
        self.labelsPath = labelsPath
        bundled = nil
    }

    /// The data's file path (`standard input` for `-`) or bundled name.
    public var name: String { path.map(FileBytes.displayName) ?? bundled?.rawValue ?? "the recipe's data file" }

    /// Whether the data is a bundled set (no file path).
    public var isBundled: Bool { path == nil && bundled != nil }

    /// The bundled set when there is no path.
    /// - Throws: ``DataError`` for a recipe that names its data file by digest only.
    func bundledData() throws -> BundledDataset {
        guard let bundled else {
            throw DataError(file: name, message: "the recipe names its data by digest (\(digest ?? "none")) only; give the data file")
        }
        return bundled
    }

    /// The whole data set as the file (or the bundled data) holds it, before any split or encoding.
    public func load() throws -> Dataset {
        guard let path else {
            let bundled = try bundledData()
            guard task != .regression else {
                throw DataError(file: bundled.rawValue, message: "the bundled data set holds class labels; it cannot be a regression task")
            }
            return try bundled.load()
        }
        return try DataLoader.load(path, labelsPath: labelsPath, labelColumn: labelColumn, header: header,
                                   delimiter: delimiter ?? .auto, ignoredColumns: ignoredColumns ?? [], missing: missing ?? .error,
                                   categorical: categorical ?? .auto, task: task, keepsIndexColumn: keepsIndexColumn)
    }

    /// Loads, checks the class count (``ClassLabels/check(classCount:trainingCount:maximum:file:)``),
    /// splits, and encodes every split with a ``FeatureEncoding`` fitted on the training split
    /// (missing values filled under ``MissingValues/mean``, numeric columns scaled, categorical
    /// ones one-hot encoded); a regression target is standardised with its training mean and
    /// deviation (``PreparedData/targetStandardization``). The whole data set is let go once it is
    /// split, so that at most two copies of the features are held at once.
    /// - Parameter saved: the preprocessing a model was trained with (``SavedPreprocessing``):
    ///   its encoding and target standardisation are applied instead of fitted anew, so that a
    ///   model trained before sees its inputs as it did (`--init-from` on other data).
    public func prepare(reusing saved: SavedPreprocessing? = nil) throws -> PreparedData {
        var (parts, delimiter, taskNote) = try loadedSplits()
        // How the file was read, as every split holds it.
        let notes = parts.train.notes, ignoredIndexColumn = parts.train.ignoredIndexColumn
        let isImageData = path == nil || labelsPath != nil
        let method = saved?.encoding.scaling ?? scaling ?? (isImageData ? .max : .standardize)
        var standardization: TargetStandardization?
        if case .values(let values) = parts.train.targets {
            let fitted = try saved?.targetStandardization ?? TargetStandardization(fittedOn: values, file: name)
            parts.train = fitted.standardized(parts.train)
            parts.validation = fitted.standardized(parts.validation)
            parts.test = fitted.standardized(parts.test)
            standardization = fitted
        }
        let encoding = try saved?.encoding ?? FeatureEncoding(fittingOn: parts.train, scaling: method, missing: missing ?? .error, file: name)
        var prepared = PreparedData(train: try encoding.encoded(parts.train), validation: try encoding.encoded(parts.validation),
                                    test: try encoding.encoded(parts.test), scaling: method, name: name, delimiter: delimiter)
        prepared.encoding = encoding
        prepared.targetStandardization = standardization
        prepared.taskNote = taskNote
        prepared.readingNotes = notes
        prepared.ignoredIndexColumn = ignoredIndexColumn
        return prepared
    }

    /// The loaded data's splits, delimiter and task note (the whole data set is let go here).
    private func loadedSplits() throws -> (DataSplit, CSVDelimiter?, String?) {
        let dataset = try load()
        let sizes = split ?? (isBundled && bundled == .mnist5k
            ? .counts(train: 3000, validation: 1000, test: 1000)
            : .fractions(train: 0.6, validation: 0.2, test: 0.2))
        if dataset.targets.task == .classification {
            try ClassLabels.check(classCount: dataset.classCount, trainingCount: sizes.counts(total: dataset.count).train,
                                  maximum: maximumClassCount, file: name)
        }
        return (try DataSplit(stratifying: dataset, sizes: sizes, seed: splitSeed), dataset.delimiter, dataset.taskNote)
    }
}

/// Training, validation and test splits ready for a network.
public struct PreparedData: Sendable {
    /// The training split, scaled.
    public var train: Dataset
    /// The validation split, scaled with the training statistics.
    public var validation: Dataset
    /// The test split, scaled with the training statistics.
    public var test: Dataset
    /// The scaling that was applied.
    public var scaling: ScalingMethod
    /// The data's file path or bundled name.
    public var name: String
    /// The delimiter of the CSV file the data came from (as given or detected); nil for IDX and
    /// bundled data.
    public var delimiter: CSVDelimiter?
    /// How the file's columns became the splits' features (fitted on the training split); nil
    /// for splits made by hand.
    public var encoding: FeatureEncoding?
    /// The regression target's standardisation (fitted on the training split; every split's
    /// targets are standardised with it); nil for classification.
    public var targetStandardization: TargetStandardization?
    /// Why the data was taken for regression when no task was given; nil otherwise.
    public var taskNote: String?
    /// Notes on how the file was read (a pandas index column left out), one line each.
    public var readingNotes: [String] = []
    /// The 1-based position of a pandas index column left out of the features; nil when none was.
    public var ignoredIndexColumn: Int?

    /// The notes for the user on the data, one line each: how the file was read, then how its
    /// columns were encoded (``FeatureEncoding/notes``).
    public var notes: [String] { readingNotes + (encoding?.notes ?? []) }

    /// The splits and how they were prepared.
    public init(train: Dataset, validation: Dataset, test: Dataset, scaling: ScalingMethod = .none, name: String = "",
                delimiter: CSVDelimiter? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
        self.scaling = scaling
        self.name = name
        self.delimiter = delimiter
    }

    /// The split for `part`.
    public subscript(part: DataPart) -> Dataset {
        switch part {
        case .training: train
        case .validation: validation
        case .test: test
        }
    }

    /// Values per sample.
    public var featureCount: Int { train.featureCount }
    /// The shape of one sample.
    public var shape: TensorShape { train.shape }
    /// Classification or regression.
    public var task: Task { train.targets.task }
    /// Classes (0 for regression).
    public var classCount: Int { train.classCount }
    /// The name of each class: the label the data file gave it.
    public var classNames: [String] { train.classNames }
    /// Network outputs the targets need.
    public var outputWidth: Int { train.targets.outputWidth }
    /// Samples in the training, validation and test splits.
    public var splitCounts: [Int] { [train.count, validation.count, test.count] }
}

extension DataRecipe {
    /// Checks the rules that need no data: labels go with an IDX images file, columns named by
    /// header need a header row, a regression task needs a CSV file, at least 2 classes allowed,
    /// a split seed a JSON number holds.
    /// - Throws: ``RecipeError`` naming the setting.
    public func validate() throws {
        if labelsPath != nil && path == nil {
            throw RecipeError(setting: .labels, reason: "needs the IDX images file it labels (--data)")
        }
        let named = labelColumn.isNamed || ((ignoredColumns ?? []) + (categorical?.declaredColumns ?? [])).contains(where: \.isNamed)
        if header == .absent && named {
            throw RecipeError(setting: .header, value: header.rawValue,
                              reason: "columns named in the label column, the ignored columns or the categorical columns need a header row")
        }
        if task == .regression && (path == nil || labelsPath != nil) {
            throw RecipeError(setting: .task, value: "regression", reason: "needs a CSV --data file (the bundled and IDX data are classes)")
        }
        if let maximumClassCount, maximumClassCount < 2 {
            throw RecipeError.requirement(.maximumClassCount, "must be >= 2", got: maximumClassCount)
        }
        if let problem = TrainerSettings.seedProblem(splitSeed) { throw RecipeError.requirement(.splitSeed, problem, got: splitSeed) }
    }
}

extension LabelColumn {
    /// Parses `first`, `last` (any case), a 1-based column number, or a header name; nil for a
    /// number below 1 or an empty name.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "first": self = .first
        case "last": self = .last
        default:
            switch CSVColumn(parsing: text) {
            case let .index(index)?: self = .index(index)
            case let .name(name)? where !name.isEmpty: self = .name(name)
            default: return nil
            }
        }
    }
}

extension CSVColumn {
    /// Whether the column is given by its header name.
    public var isNamed: Bool { if case .name = self { true } else { false } }

    /// Parses a comma-separated list of header names and 1-based column numbers; nil for an
    /// empty entry or a number below 1.
    public static func list(parsing text: String) -> [CSVColumn]? {
        let columns = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.isEmpty ? nil : CSVColumn(parsing: String($0)) }
        return columns.contains { $0 == nil } ? nil : columns.compactMap { $0 }
    }
}

extension CategoricalColumns {
    /// The columns a `columns` list names; empty for `auto` and `none`.
    public var declaredColumns: [CSVColumn] { if case let .columns(columns) = self { columns } else { [] } }
}

extension GradientClipping {
    /// Parses `value:C` or `norm:C` with C > 0 and finite as a Float.
    /// - Throws: ``RecipeError`` on ``RecipeSetting/clipping`` for anything else.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let limit = Double(parts[1]), limit > 0, Float(limit).isFinite, ["value", "norm"].contains(parts[0]) else {
            throw RecipeError.requirement(.clipping, "must be value:C or norm:C with C > 0", got: "'\(text)'")
        }
        self = parts[0] == "value" ? .value(limit) : .norm(limit)
    }
}
