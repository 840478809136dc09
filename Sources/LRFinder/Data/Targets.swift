/// What a data set's samples are to be mapped to: class indices or real values.
public enum Targets: Equatable, Sendable {
    /// A class index in `0..<count` per sample (classification, cross-entropy loss).
    case classes([Int32], count: Int)
    /// `samples x outputs` real values (regression, squared-error loss).
    case values(Matrix)

    /// Number of samples.
    public var count: Int {
        switch self {
        case .classes(let labels, _): labels.count
        case .values(let values): values.rows
        }
    }

    /// Network outputs these targets need: one logit per class, or one value per target column.
    public var outputWidth: Int {
        switch self {
        case .classes(_, let count): count
        case .values(let values): values.columns
        }
    }

    /// The learning task they define.
    public var task: Task {
        if case .classes = self { return .classification }
        return .regression
    }

    /// The targets of the samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Targets {
        switch self {
        case .classes(let labels, let count): .classes(indices.map { labels[$0] }, count: count)
        case .values(let values): .values(values.gatheringRows(indices))
        }
    }
}

/// Classification or regression: which targets, loss and metrics a run uses.
public enum Task: String, Codable, CaseIterable, Sendable {
    /// With no task given, integer labels with more distinct values than this are not taken for
    /// classes (a count, a price or an id is as likely): the task must be named.
    public static let largestInferredClassCount = 100

    /// Class indices, softmax cross-entropy, accuracy.
    case classification
    /// Real values (standardised on the training split), mean squared error, RMSE / MAE / R-squared.
    case regression

    /// The loss a network trained for this task minimises.
    public var loss: LossFunction { self == .classification ? .crossEntropy : .meanSquaredError }
}
