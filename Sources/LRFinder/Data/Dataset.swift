/// A labelled data set held in memory: one sample per row of `features`, each of shape `shape`.
public struct Dataset: Equatable, Sendable {
    /// Samples x values per sample, row-major (each row is one sample in `shape`'s layout).
    public var features: Matrix
    /// The class index or target values of each sample.
    public var targets: Targets
    /// Where the data came from (a file name or a bundled data set's name), for messages.
    public var source: String
    /// The shape of one sample: an image's `channels x height x width`, or a vector.
    public var shape: TensorShape
    /// The name of each class, by index: the label the data file gave it (``ClassLabels``);
    /// `"0"`, `"1"`, ... by default; empty for regression targets.
    public var classNames: [String]
    /// The delimiter of the CSV file the data came from; nil for other sources (IDX, bundled).
    public var delimiter: CSVDelimiter?
    /// Why the data was taken for a regression task when no task was given; nil otherwise.
    public var taskNote: String?
    /// The feature columns as the file had them (names, categorical levels) before
    /// ``FeatureEncoding`` encoded them; nil: numeric columns without names.
    public var columns: [FeatureColumn]?
    /// Notes for the user on how the file was read (a pandas index column left out), one line each.
    public var notes: [String] = []
    /// The 1-based position of a pandas index column the CSV parser left out of the features
    /// (``DataRecipe/keepsIndexColumn``); nil when there was none.
    public var ignoredIndexColumn: Int?

    /// A data set from features and targets; `shape` defaults to a vector of the feature count,
    /// `classNames` to the class indices.
    public init(features: Matrix, targets: Targets, source: String = "", shape: TensorShape? = nil, classNames: [String]? = nil) {
        precondition(features.rows == targets.count, "\(features.rows) samples but \(targets.count) targets")
        let shape = shape ?? .vector(features.columns)
        precondition(shape.count == features.columns, "shape \(shape) holds \(shape.count) values, rows have \(features.columns)")
        let classCount = targets.task == .classification ? targets.outputWidth : 0
        let classNames = classNames ?? (0..<classCount).map { String($0) }
        precondition(classNames.count == classCount, "\(classNames.count) class names for \(classCount) classes")
        self.features = features
        self.targets = targets
        self.source = source
        self.shape = shape
        self.classNames = classNames
    }

    /// A classification data set; `classCount` defaults to the largest label + 1.
    public init(features: Matrix, labels: [Int32], classCount: Int? = nil, source: String = "", shape: TensorShape? = nil,
                classNames: [String]? = nil) {
        self.init(features: features, targets: .classes(labels, count: classCount ?? Int((labels.max() ?? -1) + 1)),
                  source: source, shape: shape, classNames: classNames)
    }

    /// Whether the class names are other than the class indices `0..<K` (the file's labels were
    /// mapped to classes).
    public var hasRenamedClasses: Bool {
        classNames.enumerated().contains { $0.element != String($0.offset) }
    }

    /// Number of samples.
    public var count: Int { features.rows }

    /// Number of values per sample.
    public var featureCount: Int { features.columns }

    /// The feature columns: ``columns``, or numeric columns named by position.
    public var featureColumns: [FeatureColumn] { columns ?? FeatureColumn.numeric(count: features.columns) }

    /// Class index of each sample; empty for regression targets.
    public var labels: [Int32] {
        if case .classes(let labels, _) = targets { return labels }
        return []
    }

    /// Number of classes (0 for regression targets).
    public var classCount: Int {
        if case .classes(_, let count) = targets { return count }
        return 0
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var result = Dataset(features: features.gatheringRows(indices), targets: targets.subset(indices), source: source, shape: shape,
                             classNames: classNames)
        result.delimiter = delimiter
        result.columns = columns
        result.notes = notes
        result.ignoredIndexColumn = ignoredIndexColumn
        return result
    }
}
