import Foundation

/// A saved model applied to new data (`lrfind predict`): the CSV file is read as the training
/// file was (``SavedPreprocessing``), its columns matched by name (by position when the training
/// file had no header row), encoded with the training split's encoding, and run through the
/// network in evaluation mode. The label column may be absent; when present, the metrics follow.
public struct Predictor: Sendable {
    /// The model.
    public let model: SavedModel
    /// How its training data was read and encoded.
    public let preprocessing: SavedPreprocessing
    /// The model file's name in messages.
    public let name: String

    /// New data encoded for the model.
    public struct Input: Sendable {
        /// The data file's name.
        public var source: String
        /// One row per sample, the model's inputs.
        public var features: Matrix
        /// Each row's class among the model's classes; nil when the file has no label column or
        /// the model is a regression.
        public var labels: [Int32]?
        /// Each row's regression target, in its own units; nil when the file has no label column or
        /// the model classifies.
        public var values: Matrix?
    }

    /// Reads the model file at `path`.
    /// - Throws: ``DataError`` naming the file: a format error, or no lrfind metadata.
    public init(contentsOf path: String) throws {
        name = FileBytes.displayName(path)
        model = try SavedModel(contentsOf: path)
        guard let json = model.description.preprocessing else {
            throw DataError(file: name, message: "no 'preprocessing' metadata: saved from data without a recorded encoding, so new data cannot be encoded as in training")
        }
        preprocessing = try SavedPreprocessing(json: json, file: name)
    }

    /// Reads the CSV file at `path` and encodes it as the training data was.
    /// - Throws: ``DataError`` naming the file: a missing or extra column, a category the training
    ///   split never had, a label that is not one of the model's classes, a row of another width.
    public func read(_ path: String) throws -> Input {
        let file = FileBytes.displayName(path)
        let encoding = preprocessing.encoding
        let featureNames = encoding.columns.map(\.name)
        let firstRow = try Self.firstRow(path, delimiter: preprocessing.delimiter)
        var labelColumn: LabelColumn?, ignored: [CSVColumn] = [], categorical: [CSVColumn] = []
        var renamesByPosition = false
        if preprocessing.hasHeader {
            // By name, through an index of the header built once: the label is there when its
            // column is not a feature's.
            let header = CSVColumnIndex(firstRow)
            let features = Set(featureNames)
            if let absent = featureNames.first(where: { !header.contains($0) }) {
                throw DataError(file: file, line: 1, message: "no column '\(absent)' in the header (the model's inputs: \(CSVColumnIndex.listed(featureNames)))")
            }
            func label(at index: Int?) -> Bool { index.map { $0 >= 0 && $0 < firstRow.count && !features.contains(firstRow[$0]) } ?? false }
            switch preprocessing.labelColumn {
            case let .name(name): labelColumn = header.contains(name) ? .name(name) : nil
            case .first: labelColumn = label(at: 0) ? .first : nil
            case .last: labelColumn = label(at: firstRow.count - 1) ? .last : nil
            case let .index(index): labelColumn = label(at: index) ? .index(index) : nil
            }
            ignored = preprocessing.ignoredColumns.filter {
                if case let .name(name) = $0 { return header.contains(name) }
                return firstRow.count == preprocessing.fieldCount
            }
            categorical = encoding.categoricalColumns.map { .name($0.name) }
        } else if firstRow.count == preprocessing.fieldCount {
            // By position, as in training: features, label and ignored columns where they were.
            labelColumn = preprocessing.labelColumn
            ignored = preprocessing.ignoredColumns
            categorical = encoding.categoricalColumns.map { .index($0.position - 1) }
        } else if firstRow.count == encoding.columns.count {
            // By position, the feature columns alone, in training order.
            renamesByPosition = true
            categorical = encoding.columns.indices.filter { encoding.columns[$0].levels != nil }.map { .index($0) }
        } else {
            throw DataError(file: file, line: 1, message: "rows of \(firstRow.count) fields; the model reads rows of \(preprocessing.fieldCount) (as in training) or of its \(encoding.columns.count) feature columns alone")
        }
        let task = model.description.task
        var dataset = try DataLoader.load(path, labelColumn: labelColumn, header: preprocessing.hasHeader ? .present : .absent,
                                          delimiter: preprocessing.delimiter ?? .auto, ignoredColumns: ignored, missing: .mean,
                                          categorical: categorical.isEmpty ? .none : .columns(categorical),
                                          task: labelColumn == nil ? nil : task)
        if renamesByPosition {
            dataset.columns = zip(dataset.featureColumns, encoding.columns).map { read, trained in
                FeatureColumn(name: trained.name, position: trained.position, levels: read.levels)
            }
        }
        try Self.checkLevels(dataset, encoding: encoding, file: file)
        let encoded = try encoding.encoded(dataset)
        guard encoded.featureCount == model.network.inputWidth else {
            throw DataError(file: file, message: "encoded rows have \(encoded.featureCount) inputs, but the model takes \(model.network.inputWidth)")
        }
        var labels: [Int32]?
        if labelColumn != nil, case let .values(values) = dataset.targets {
            return Input(source: file, features: encoded.features, labels: nil, values: values)
        }
        if labelColumn != nil {
            let classNames = model.description.classNames
            let position = Dictionary(classNames.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
            let map = try dataset.classNames.map { label -> Int32 in
                guard let index = position[label] else {
                    throw DataError(file: file, message: "label '\(label)' is not one of the model's classes (\(classNames.prefix(20).joined(separator: ", ")))")
                }
                return index
            }
            labels = dataset.labels.map { map[Int($0)] }
        }
        return Input(source: file, features: encoded.features, labels: labels, values: nil)
    }

    /// The trimmed fields of the file's first record, from its first piece (``CSVSource``; the
    /// file is read whole only by the load that follows).
    private static func firstRow(_ path: String, delimiter: CSVDelimiter?) throws -> [String] {
        let source = try CSVSource(path: path)
        try source.checkText()
        let separator = try delimiter ?? CSVDelimiter.detected(in: source)
        var records = source.records(delimiter: separator.byte!)
        guard let first = try records.next() else { throw DataError(file: source.name, message: "no data rows") }
        return first.fields.map { first.text(of: $0).trimmingSpaces }
    }

    /// Refuses a category the training split never had (the encoding alone would give it zeros).
    /// The columns read are found by name through an index built once.
    private static func checkLevels(_ dataset: Dataset, encoding: FeatureEncoding, file: String) throws {
        let columns = dataset.featureColumns
        let categorical = encoding.categoricalColumns
        guard !categorical.isEmpty else { return }
        let read = CSVColumnIndex(columns.map(\.name))
        for trained in categorical {
            guard let index = read.position(of: trained.name), let levels = columns[index].levels else { continue }
            let known = Set(trained.levels ?? [])
            for row in 0..<dataset.count {
                let value = dataset.features[row, index]
                guard !value.isNaN else { continue }
                let level = levels[Int(value)]
                guard known.contains(level) else {
                    throw DataError(file: file, message: "data row \(row + 1): column '\(trained.name)' has the category '\(level)', which the training split did not have (its categories: \((trained.levels ?? []).joined(separator: ", ")))")
                }
            }
        }
    }

    /// The model's outputs for `input`, by batches of 1,024 rows: logits for classes (with their
    /// softmax), values in the target's units for regression (``TargetStandardization/original(_:)``);
    /// with labels, the evaluation (loss, accuracy, classification report; for regression the
    /// mean squared error on the standardised target and the report in the target's units).
    public func predict(_ input: Input) -> Predictions {
        let network = model.network
        let outputs = network.outputs(for: input.features, batchSize: 1024)
        var evaluation: Evaluation?
        let classifies = model.description.task == .classification
        if let labels = input.labels, classifies {
            let dataset = Dataset(features: input.features, labels: labels, classCount: network.outputWidth, source: input.source)
            evaluation = network.evaluate(dataset, loss: .crossEntropy)
        }
        guard !classifies else { return Predictions(classNames: model.description.classNames, outputs: outputs, evaluation: evaluation) }
        let standardization = preprocessing.targetStandardization
        if let values = input.values {
            let targets = standardization.map { $0.standardized(values) } ?? values
            var scored = network.evaluate(Dataset(features: input.features, targets: .values(targets), source: input.source),
                                          loss: Task.regression.loss)
            if let standardization { scored.regression = scored.regression?.inOriginalUnits(of: standardization) }
            evaluation = scored
        }
        return Predictions(classNames: nil, outputs: standardization.map { $0.original(outputs) } ?? outputs, evaluation: evaluation)
    }
}

/// What a model predicts for each row: for classes, the class and its probabilities (the
/// softmax of the logits, computed with the row maximum subtracted); for regression, the values.
public struct Predictions: Encodable, Sendable {
    /// The class names; nil for regression.
    public var classNames: [String]?
    /// Logits (classes) or values (regression), one row per sample.
    public var outputs: Matrix
    /// Loss, accuracy and report against the file's labels, when it had them.
    public var evaluation: Evaluation?

    /// The predictions from their parts.
    public init(classNames: [String]?, outputs: Matrix, evaluation: Evaluation?) {
        self.classNames = classNames
        self.outputs = outputs
        self.evaluation = evaluation
    }

    /// Each row's class probabilities (nil for regression).
    public var probabilities: Matrix? {
        guard classNames != nil else { return nil }
        var result = outputs
        for row in 0..<outputs.rows {
            let values = outputs.row(row)
            let top = values.max() ?? 0
            let exponentials = values.map { Double(Foundation.exp($0 - top)) }
            let sum = exponentials.reduce(0, +)
            for (column, value) in exponentials.enumerated() { result[row, column] = Float(value / sum) }
        }
        return result
    }

    /// Each row's class: the first of the largest logits (nil for regression).
    public var classes: [Int]? {
        guard classNames != nil else { return nil }
        return (0..<outputs.rows).map { row in
            let values = outputs.row(row)
            return values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
        }
    }

    private enum CodingKeys: String, CodingKey { case classNames, classes, probabilities, values, evaluation }

    /// `classNames`, `classes` (indices) and `probabilities` (rows) for classes, `values` (rows)
    /// for regression, and `evaluation` when there were labels.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(classNames, forKey: .classNames)
        try container.encodeIfPresent(classes, forKey: .classes)
        if let probabilities {
            try container.encode((0..<probabilities.rows).map(probabilities.row), forKey: .probabilities)
        } else {
            try container.encode((0..<outputs.rows).map(outputs.row), forKey: .values)
        }
        try container.encodeIfPresent(evaluation, forKey: .evaluation)
    }

    /// The CSV: `class,p(NAME),...` per row (probabilities in 6 significant digits), or
    /// `value[,value_2,...]` for regression; names quoted when they hold a comma, quote or line break.
    public var csv: String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines: [String] = []
        if let classNames, let probabilities, let classes {
            lines.append((["class"] + classNames.map { "p(\($0))" }).map(field).joined(separator: ","))
            for row in 0..<outputs.rows {
                lines.append(([field(classNames[classes[row]])] + probabilities.row(row).map { String(format: "%.6g", $0) }).joined(separator: ","))
            }
        } else {
            lines.append(outputs.columns == 1 ? "value" : (1...outputs.columns).map { "value_\($0)" }.joined(separator: ","))
            for row in 0..<outputs.rows { lines.append(outputs.row(row).map { String(format: "%.7g", $0) }.joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
