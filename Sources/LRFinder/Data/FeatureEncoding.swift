/// How the feature columns of a data file become a network's inputs, fitted on the training split
/// and applied unchanged to every split (and, saved with a model, to new data): a numeric column
/// has its missing values filled with its training mean (under ``MissingValues/mean``) and is
/// scaled, `(x - offset) * factor`; a categorical column becomes one input per level seen in
/// training, 1 for the row's level and 0 for the others (one-hot, not scaled), with a level of its
/// own for missing cells under ``MissingValues/mean``. A level the training split never saw maps to
/// all zeros, as scikit-learn's `OneHotEncoder(handle_unknown="ignore")` does.
public struct FeatureEncoding: Equatable, Codable, Sendable {
    /// One source column and the inputs it becomes.
    public struct Column: Equatable, Codable, Sendable {
        /// The header name, or `column N`.
        public var name: String
        /// The 1-based position of the column in the training file.
        public var position: Int
        /// A numeric column's fill for a missing value (its training mean); nil: none allowed.
        public var fill: Float?
        /// Subtracted from a numeric value before `factor`.
        public var offset: Float
        /// Multiplies a numeric value after `offset`.
        public var factor: Float
        /// A categorical column's levels, one input each, sorted (numbers by value, then texts by
        /// their UTF-8 bytes); nil for a numeric column.
        public var levels: [String]?
        /// Whether a categorical column has an input for missing cells, after its levels.
        public var hasMissingLevel: Bool

        /// The value a missing cell of this numeric column takes; throws when it had none in training.
        func filling(file: String) throws -> Float {
            guard let fill else { throw DataError(file: file, message: "missing value in column '\(name)', which had none in training") }
            return fill
        }

        /// The inputs the column becomes.
        public var width: Int { levels.map { $0.count + (hasMissingLevel ? 1 : 0) } ?? 1 }

        /// The names of its inputs: the column's name, or `name=level` per level (`name=(missing)`).
        public var inputNames: [String] {
            guard let levels else { return [name] }
            return levels.map { "\(name)=\($0)" } + (hasMissingLevel ? ["\(name)=(missing)"] : [])
        }
    }

    /// The source columns in file order.
    public var columns: [Column]
    /// The scaling of the numeric columns.
    public var scaling: ScalingMethod

    /// Network inputs per sample.
    public var width: Int { columns.reduce(0) { $0 + $1.width } }
    /// The name of each input.
    public var inputNames: [String] { columns.flatMap(\.inputNames) }
    /// The categorical columns.
    public var categoricalColumns: [Column] { columns.filter { $0.levels != nil } }

    /// Fits the encoding on `train` (its ``Dataset/featureColumns``): numeric means for
    /// ``MissingValues/mean``, `scaling` on the numeric columns (after filling), and each
    /// categorical column's levels present in the split. Throws when a numeric column with missing
    /// values has none in the training split to take a mean of.
    public init(fittingOn train: Dataset, scaling: ScalingMethod, missing: MissingValues, file: String) throws {
        let sources = train.featureColumns
        let numeric = sources.indices.filter { !sources[$0].isCategorical }
        let features = train.features
        // Under --missing mean, every numeric column's training mean: the fill of its missing
        // values here and in later data.
        var fills = [Float?](repeating: nil, count: sources.count)
        var anyMissing = false
        if missing == .mean {
            var sums = [Double](repeating: 0, count: sources.count), counts = [Int](repeating: 0, count: sources.count)
            var hasMissing = [Bool](repeating: false, count: sources.count)
            features.storage.withUnsafeBufferPointer { x in
                for row in 0..<features.rows {
                    for column in numeric {
                        let value = x[row * features.columns + column]
                        if value.isNaN { hasMissing[column] = true } else { sums[column] += Double(value); counts[column] += 1 }
                    }
                }
            }
            for column in numeric {
                if counts[column] > 0 { fills[column] = Float(sums[column] / Double(counts[column])) }
                if hasMissing[column] && counts[column] == 0 {
                    throw DataError(file: file, message: "column '\(sources[column].name)' has no value in the training split to fill its missing values with")
                }
            }
            anyMissing = hasMissing.contains(true)
        }
        // The scaler sees the numeric columns with their missing values filled (the features
        // themselves when every column is numeric and no value is missing).
        var numericFeatures: Matrix
        if numeric.count == sources.count && !anyMissing {
            numericFeatures = features
        } else {
            numericFeatures = Matrix(rows: features.rows, columns: numeric.count)
            for row in 0..<features.rows {
                for (index, column) in numeric.enumerated() {
                    let value = features[row, column]
                    numericFeatures[row, index] = value.isNaN ? fills[column] ?? value : value
                }
            }
        }
        let scaler = FeatureScaler(method: scaling, fittedOn: numericFeatures)
        var columns: [Column] = []
        var next = 0
        for (index, source) in sources.enumerated() {
            var column = Column(name: source.name, position: source.position, fill: fills[index], offset: 0, factor: 1,
                                levels: nil, hasMissingLevel: false)
            if let levels = source.levels {
                // Levels present in the training split, and whether it has a missing cell.
                var present = [Bool](repeating: false, count: levels.count)
                for row in 0..<features.rows {
                    let value = features[row, index]
                    if value.isNaN { column.hasMissingLevel = missing == .mean } else { present[Int(value)] = true }
                }
                column.levels = Self.sortedLevels(levels.indices.filter { present[$0] }.map { levels[$0] })
            } else {
                column.offset = scaler.offsets[next]
                column.factor = scaler.factors[next]
                next += 1
            }
            columns.append(column)
        }
        self.columns = columns
        self.scaling = scaling
    }

    /// Levels in the order classes have (``ClassLabel``): numbers (as a CSV cell writes one:
    /// ``CSVNumber``) by value first, then texts by their UTF-8 bytes.
    static func sortedLevels(_ levels: [String]) -> [String] {
        let values = Dictionary(levels.map { ($0, CSVRecord.number(in: $0, fitting: .unbounded)) }, uniquingKeysWith: { a, _ in a })
        return levels.sorted { a, b in
            switch (values[a]!, values[b]!) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }
    }

    /// `dataset` encoded: its columns (``Dataset/featureColumns``), found by name, become this
    /// encoding's inputs. A data set whose columns all are numeric and match one to one keeps its
    /// shape; any other becomes a vector of ``width``. Throws when a column is absent or extra, a
    /// numeric column holds text there, or a missing value has no fill.
    public func encoded(_ dataset: Dataset) throws -> Dataset {
        let sources = dataset.featureColumns
        let file = dataset.source
        func absent(_ name: String) -> DataError {
            DataError(file: file, message: "no column '\(name)' (the model's inputs: \(columns.map(\.name).joined(separator: ", ")))")
        }
        guard sources.count == columns.count else {
            let names = Set(sources.map(\.name))
            if let missing = columns.first(where: { !names.contains($0.name) }) { throw absent(missing.name) }
            let known = Set(columns.map(\.name))
            let extra = sources.first { !known.contains($0.name) }?.name ?? "?"
            throw DataError(file: file, message: "column '\(extra)' is not one the model was trained on")
        }
        let sourceIndex = Dictionary(sources.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let order = try columns.map { column -> Int in
            guard let index = sourceIndex[column.name] else { throw absent(column.name) }
            guard column.levels != nil || !sources[index].isCategorical else {
                throw DataError(file: file, message: "column '\(column.name)' holds text here but was numeric in training")
            }
            return index
        }
        let features = dataset.features
        let rows = features.rows
        let isPlain = order == Array(sources.indices) && columns.allSatisfy { $0.levels == nil }
        if isPlain {
            var result = dataset
            try fillMissing(&result.features, file: file)
            let scaler = FeatureScaler(method: scaling, offsets: columns.map(\.offset), factors: columns.map(\.factor))
            scaler.apply(to: &result.features)
            result.columns = nil
            return result
        }
        var output = Matrix(rows: rows, columns: width)
        var start = 0
        for (column, index) in zip(columns, order) {
            if let levels = column.levels {
                // The source's level indices to this column's inputs (-1: a level unseen in training).
                let position = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($0.element, $0.offset) })
                // A source column read as numbers (all its cells were) names its levels by value.
                let source = sources[index].levels
                let map = (source ?? []).map { position[$0] ?? -1 }
                for row in 0..<rows {
                    let value = features[row, index]
                    let input = value.isNaN ? (column.hasMissingLevel ? levels.count : -1)
                        : source == nil ? position[FeatureColumn.levelName(value)] ?? -1 : map[Int(value)]
                    if input >= 0 { output[row, start + input] = 1 }
                }
            } else {
                for row in 0..<rows {
                    var value = features[row, index]
                    if value.isNaN { value = try column.filling(file: file) }
                    output[row, start] = scaling == .none ? value : (value - column.offset) * column.factor
                }
            }
            start += column.width
        }
        var result = Dataset(features: output, targets: dataset.targets, source: dataset.source, classNames: dataset.classNames)
        result.delimiter = dataset.delimiter
        return result
    }

    /// Fills the NaNs of all-numeric `features` with their columns' fills.
    private func fillMissing(_ features: inout Matrix, file: String) throws {
        guard features.storage.contains(where: \.isNaN) else { return }
        let width = features.columns
        for index in features.storage.indices where features.storage[index].isNaN {
            features.storage[index] = try columns[index % width].filling(file: file)
        }
    }

    /// One line per categorical column for the user: its name, its inputs' levels and how unseen
    /// levels are treated.
    public var notes: [String] {
        categoricalColumns.map { column in
            let levels = (column.levels ?? []) + (column.hasMissingLevel ? ["(missing)"] : [])
            // Names from the file: escaped and cut (a 50 MB level makes no 50 MB note).
            return "one-hot encoded column '\(DisplayText.shown(column.name))' as \(levels.count) inputs: \(DisplayText.listed(levels)) (a level not in the training split gives all zeros)"
        }
    }
}

extension FeatureEncoding.Column {
    /// A column as a model file saves it. A numeric level saved as the Double of its Float
    /// (`0.10000000149011612`, as lrfind named such levels before) is read as the Float's shortest
    /// text (`0.1`), the name the same cell of new data gets (``FeatureColumn/levelName(_:)``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        position = try container.decode(Int.self, forKey: .position)
        fill = try container.decodeIfPresent(Float.self, forKey: .fill)
        offset = try container.decode(Float.self, forKey: .offset)
        factor = try container.decode(Float.self, forKey: .factor)
        levels = try container.decodeIfPresent([String].self, forKey: .levels)?.map(Self.currentName)
        hasMissingLevel = try container.decode(Bool.self, forKey: .hasMissingLevel)
    }

    /// `level` as a level is named now: a number (the only levels that are: a cell that holds one
    /// is named by its value) that is a Float's Double, by ``FeatureColumn/levelName(_:)``; any
    /// other as it is.
    private static func currentName(_ level: String) -> String {
        guard let value = CSVRecord.number(in: level, fitting: .unbounded), Double(Float(value)) == value else { return level }
        return FeatureColumn.levelName(Float(value))
    }
}
