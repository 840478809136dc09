/// A labelled classification data set held in memory: one sample per row of `features`.
public struct Dataset: Equatable, Sendable {
    /// Samples x features, row-major.
    public var features: Matrix
    /// Class index of each sample, in `0..<classCount`.
    public var labels: [Int32]
    /// Number of classes (largest label + 1).
    public var classCount: Int
    /// Where the data came from (a file name or a bundled data set's name), for messages.
    public var source: String
    /// Shape of one sample when it is an image (`[28, 28]` for MNIST); empty when unknown.
    public var sampleShape: [Int]

    /// A data set from features and labels; `classCount` defaults to the largest label + 1.
    public init(features: Matrix, labels: [Int32], classCount: Int? = nil, source: String = "", sampleShape: [Int] = []) {
        precondition(features.rows == labels.count, "\(features.rows) samples but \(labels.count) labels")
        self.features = features
        self.labels = labels
        self.classCount = classCount ?? Int((labels.max() ?? -1) + 1)
        self.source = source
        self.sampleShape = sampleShape
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// Number of features per sample.
    public var featureCount: Int { features.columns }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(features: features.gatheringRows(indices), labels: indices.map { labels[$0] },
                classCount: classCount, source: source, sampleShape: sampleShape)
    }
}
