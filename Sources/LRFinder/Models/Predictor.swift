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
        /// Notes for the user on how the file was read: columns left out, levels encoded as all
        /// zeros (names cut and escaped, ``DisplayText``).
        public var notes: [String] = []
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

    /// Reads the CSV file at `path` and encodes it as the training data was: with a header, the
    /// columns by name whatever their order and delimiter, the label by its saved name (absent: no
    /// evaluation), any other column left out with a note; without one, by position. A level of a
    /// one-hot column the model was not trained on is encoded as all zeros, with a note.
    /// - Throws: ``DataError`` naming the file: a missing column, text in a column that was
    ///   numeric in training, a label that is not one of the model's classes, a row of another width.
    public func read(_ path: String) throws -> Input {
        let file = FileBytes.displayName(path)
        let encoding = preprocessing.encoding
        let layout = preprocessing.hasHeader ? try columnsByName(path, file: file) : try columnsByPosition(path, file: file)
        let task = model.description.task
        var dataset = try load(path, file: file, layout, task: task)
        if layout.renamesByPosition {
            dataset.columns = zip(dataset.featureColumns, encoding.columns).map { read, trained in
                FeatureColumn(name: trained.name, position: trained.position, levels: read.levels)
            }
        }
        let notes = layout.notes + Self.unseenLevels(dataset, encoding: encoding, file: file)
        let encoded = try encoding.encoded(dataset)
        guard encoded.featureCount == model.network.inputWidth else {
            throw DataError(file: file, message: "encoded rows have \(encoded.featureCount) inputs, but the model takes \(model.network.inputWidth)")
        }
        guard layout.labelColumn != nil else { return Input(source: file, features: encoded.features, labels: nil, values: nil, notes: notes) }
        if case let .values(values) = dataset.targets {
            return Input(source: file, features: encoded.features, labels: nil, values: values, notes: notes)
        }
        let classNames = model.description.classNames
        let position = Dictionary(classNames.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
        let map = try dataset.classNames.map { label -> Int32 in
            guard let index = position[label] else {
                throw DataError(file: file, message: "label '\(DisplayText.shown(label))' is not one of the model's classes (\(DisplayText.listed(classNames)))")
            }
            return index
        }
        return Input(source: file, features: encoded.features, labels: dataset.labels.map { map[Int($0)] }, values: nil, notes: notes)
    }

    /// Where a file's columns are for the model: the label's (nil: none), those left out, the
    /// categorical ones, the delimiter, the header's names (nil without one), whether the file
    /// holds the feature columns alone (by position), and notes on columns left out.
    private struct Layout {
        var labelColumn: LabelColumn?
        var ignored: [CSVColumn] = []
        var categorical: [CSVColumn] = []
        var delimiter: CSVDelimiter
        var header: [String]?
        var renamesByPosition = false
        var notes: [String] = []
    }

    /// The columns of a file read by the names of the training file's header: the header split
    /// by the training file's delimiter, else by the one detected in this file (so that a tab-
    /// separated file is read by a model trained on commas); the features by name, the label by
    /// its saved name (by its training position for a model file without it, when that column is
    /// not a feature's), every other column left out, with a note naming those the training file
    /// did not have. The header is looked up through an index built once.
    private func columnsByName(_ path: String, file: String) throws -> Layout {
        let featureNames = preprocessing.encoding.columns.map(\.name)
        var read = try Self.firstRow(path, delimiter: preprocessing.delimiter)
        var header = CSVColumnIndex(read.fields)
        var absent = featureNames.first { !header.contains($0) }
        if absent != nil, preprocessing.delimiter != nil {
            let detected = try Self.firstRow(path, delimiter: nil)
            if detected.delimiter != read.delimiter {
                read = detected
                header = CSVColumnIndex(read.fields)
                absent = featureNames.first { !header.contains($0) }
            }
        }
        if let absent {
            var message = "no column '\(DisplayText.shown(absent))' in the header (the model's inputs: \(DisplayText.listed(featureNames)))"
            if let trained = preprocessing.delimiter, trained != read.delimiter {
                message += "; the model was trained on \(Self.kind(trained)) data and this file looks \(Self.kind(read.delimiter))"
            }
            throw DataError(file: file, line: 1, message: message)
        }
        let fields = read.fields
        // Each feature at its name's first position; the columns taken (features, then the label).
        let featurePositions = featureNames.map { header.position(of: $0)! }
        var taken = [Bool](repeating: false, count: fields.count)
        for position in featurePositions { taken[position] = true }
        func label(at index: Int?) -> Int? { index.flatMap { $0 >= 0 && $0 < fields.count && !taken[$0] ? $0 : nil } }
        let labelIndex: Int?
        if let name = preprocessing.labelName {
            labelIndex = label(at: header.position(of: name))
        } else {
            switch preprocessing.labelColumn {
            case let .name(name): labelIndex = label(at: header.position(of: name))
            case .first: labelIndex = label(at: 0)
            case .last: labelIndex = label(at: fields.count - 1)
            case let .index(index): labelIndex = label(at: index)
            }
        }
        if let labelIndex { taken[labelIndex] = true }
        // The rest is left out: silently the columns training left out, with a note the others.
        var expected: Set<String> = [], expectedPositions: Set<Int> = []
        for column in preprocessing.ignoredColumns {
            switch column {
            case let .name(name): expected.insert(name)
            case let .index(index): if fields.count == preprocessing.fieldCount { expectedPositions.insert(index) }
            }
        }
        // The header's names (a blank cell's `column N`).
        let names = header.names
        var layout = Layout(labelColumn: labelIndex.map { .index($0) }, delimiter: read.delimiter, header: names)
        var extra: [String] = []
        for index in names.indices where !taken[index] {
            layout.ignored.append(.index(index))
            if !expected.contains(names[index]) && !expectedPositions.contains(index) { extra.append(names[index]) }
        }
        if !extra.isEmpty {
            layout.notes.append("\(file): left out \(extra.count) column\(extra.count == 1 ? "" : "s") the model was not trained on: \(DisplayText.listed(extra))")
        }
        let encoding = preprocessing.encoding
        layout.categorical = encoding.columns.indices.filter { encoding.columns[$0].levels != nil }.map { .index(featurePositions[$0]) }
        return layout
    }

    /// The columns of a file read by position, as the training file (without a header) was: rows
    /// of every training column (features, label and ignored columns where they were), or of the
    /// feature columns alone, in training order; split by the training file's delimiter, else by
    /// the one detected in this file.
    private func columnsByPosition(_ path: String, file: String) throws -> Layout {
        let encoding = preprocessing.encoding
        /// The layout of rows of `count` fields split by `delimiter`; nil when they are neither width.
        func layout(_ count: Int, _ delimiter: CSVDelimiter) -> Layout? {
            if count == preprocessing.fieldCount {
                return Layout(labelColumn: preprocessing.labelColumn, ignored: preprocessing.ignoredColumns,
                              categorical: encoding.categoricalColumns.map { .index($0.position - 1) }, delimiter: delimiter)
            }
            guard count == encoding.columns.count else { return nil }
            return Layout(categorical: encoding.columns.indices.filter { encoding.columns[$0].levels != nil }.map { .index($0) },
                          delimiter: delimiter, renamesByPosition: true)
        }
        var read = try Self.firstRow(path, delimiter: preprocessing.delimiter)
        if let found = layout(read.fields.count, read.delimiter) { return found }
        var remark = ""
        if let trained = preprocessing.delimiter, case let detected = try Self.firstRow(path, delimiter: nil), detected.delimiter != trained {
            if let found = layout(detected.fields.count, detected.delimiter) { return found }
            read = detected
            remark = "; the model was trained on \(Self.kind(trained)) data and this file looks \(Self.kind(detected.delimiter))"
        }
        let count = read.fields.count
        throw DataError(file: file, line: 1, message: "rows of \(count) field\(count == 1 ? "" : "s"); the model reads rows of \(preprocessing.fieldCount) (as in training) or of its \(encoding.columns.count) feature columns alone" + remark)
    }

    /// `comma-separated`, `semicolon-separated`, `tab-separated`.
    private static func kind(_ delimiter: CSVDelimiter) -> String {
        switch delimiter {
        case .comma: "comma-separated"
        case .semicolon: "semicolon-separated"
        case .tab: "tab-separated"
        case .auto: "delimited"
        }
    }

    /// The file read with `layout`: missing values kept (filled by the encoding), labels of any
    /// number of classes (one class is data too, not the classifier's two needed in training).
    /// Text in a column that was numeric in training is refused as such (the parser's hint names
    /// an option of training's).
    private func load(_ path: String, file: String, _ layout: Layout, task: Task) throws -> Dataset {
        let source = try CSVSource(path: path)
        if IDXReader.looksLikeIDX(source.leadingBytes) {
            throw DataError(file: file, message: "this is an IDX file; predict reads CSV data")
        }
        try source.checkText()
        // The layout places every column: none is left out here as a pandas index (PandasIndexColumn).
        let parser = CSVParser(path: file, source: source, labelColumn: layout.labelColumn, header: layout.header == nil ? .absent : .present,
                               delimiter: layout.delimiter, ignoredColumns: layout.ignored, missing: .mean,
                               categorical: layout.categorical.isEmpty ? .none : .columns(layout.categorical),
                               task: layout.labelColumn == nil ? nil : task, keepsIndexColumn: true)
        do { return try parser.parse() } catch var error as DataError where error.message.hasPrefix("not a number (to one-hot encode") {
            let name = error.column.flatMap { column in layout.header.flatMap { column <= $0.count ? $0[column - 1] : nil } }
                ?? error.column.map { "column \($0)" } ?? "?"
            error.message = "not a number in column '\(DisplayText.shown(name))', which was numeric in training"
            throw error
        }
    }

    /// The trimmed fields of the file's first record, from its first piece (``CSVSource``; the
    /// file is read whole only by the load that follows), split by `delimiter` (nil: the one
    /// detected in the file's first lines), and that delimiter.
    static func firstRow(_ path: String, delimiter: CSVDelimiter?) throws -> (fields: [String], delimiter: CSVDelimiter) {
        let source = try CSVSource(path: path)
        try source.checkText()
        let separator = try delimiter ?? CSVDelimiter.detected(in: source)
        var records = source.records(delimiter: separator.byte!)
        guard let first = try records.next() else { throw DataError(file: source.name, message: "no data rows") }
        return (first.fields.map { first.text(of: $0).trimmingSpaces }, separator)
    }

    /// Notes on the levels of one-hot columns the model was not trained on (a missing cell where
    /// training had none among them, as `(missing)`), which the encoding gives all zeros, as
    /// scikit-learn's `OneHotEncoder(handle_unknown="ignore")` does: one per column, naming the
    /// levels (the first 20) and their rows. The columns read are found by name through an index
    /// built once.
    private static func unseenLevels(_ dataset: Dataset, encoding: FeatureEncoding, file: String) -> [String] {
        let categorical = encoding.categoricalColumns
        guard !categorical.isEmpty else { return [] }
        let columns = dataset.featureColumns
        let read = CSVColumnIndex(columns.map(\.name))
        var notes: [String] = []
        for trained in categorical {
            guard let index = read.position(of: trained.name) else { continue }
            let known = Set(trained.levels ?? [])
            // Rows per level, levels in order of first appearance; missing cells apart.
            var order: [String] = [], rows: [String: Int] = [:], missingRows = 0
            for row in 0..<dataset.count {
                let value = dataset.features[row, index]
                if value.isNaN {
                    if !trained.hasMissingLevel { missingRows += 1 }
                    continue
                }
                let level = columns[index].levels.map { $0[Int(value)] } ?? FeatureColumn.levelName(Double(value))
                guard !known.contains(level) else { continue }
                if rows[level] == nil { order.append(level) }
                rows[level, default: 0] += 1
            }
            func count(_ rows: Int) -> String { "\(rows) row\(rows == 1 ? "" : "s")" }
            var levels = order.prefix(20).map { "'\(DisplayText.shown($0))' (\(count(rows[$0]!)))" }
            if order.count > 20 { levels.append("... (\(order.count) levels in all)") }
            if missingRows > 0 { levels.append("missing cells (\(count(missingRows)))") }
            guard !levels.isEmpty else { continue }
            let what = order.count + (missingRows > 0 ? 1 : 0) == 1 ? "a level" : "levels"
            notes.append("\(file): column '\(DisplayText.shown(trained.name))' has \(what) the model was not trained on, encoded as all zeros: \(levels.joined(separator: ", "))")
        }
        return notes
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
    /// `value[,value_2,...]` for regression; names with their control characters escaped
    /// (``DisplayText/escaped(_:)``: no line break or terminal sequence reaches the output), and
    /// quoted when they hold a comma or a quote.
    public var csv: String {
        func field(_ name: String) -> String {
            let text = DisplayText.escaped(name)
            return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines: [String] = []
        if let classNames, let probabilities, let classes {
            lines.append((["class"] + classNames.map { "p(\($0))" }).map(field).joined(separator: ","))
            let fields = classNames.map(field)
            for row in 0..<outputs.rows {
                lines.append(([fields[classes[row]]] + probabilities.row(row).map { String(format: "%.6g", $0) }).joined(separator: ","))
            }
        } else {
            lines.append(outputs.columns == 1 ? "value" : (1...outputs.columns).map { "value_\($0)" }.joined(separator: ","))
            for row in 0..<outputs.rows { lines.append(outputs.row(row).map { String(format: "%.7g", $0) }.joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
