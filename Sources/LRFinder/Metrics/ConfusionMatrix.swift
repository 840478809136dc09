/// Counts of (true class, predicted class) pairs: row `t`, column `p` holds the samples of class
/// `t` predicted as `p`, as scikit-learn's `sklearn.metrics.confusion_matrix` lays them out.
public struct ConfusionMatrix: Equatable, Sendable, Codable {
    /// Classes, so the matrix is `classCount` x `classCount`.
    public let classCount: Int
    /// The counts, row-major: `counts[trueClass * classCount + predictedClass]`.
    public private(set) var counts: [Int]

    /// An all-zero matrix of `classCount` classes.
    public init(classCount: Int) {
        precondition(classCount >= 0, "a confusion matrix of \(classCount) classes")
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// A matrix from its rows (`rows[t][p]`: samples of class `t` predicted as `p`).
    public init(rows: [[Int]]) {
        precondition(rows.allSatisfy { $0.count == rows.count }, "a confusion matrix must be square")
        classCount = rows.count
        counts = rows.flatMap { $0 }
    }

    /// The samples of class `trueClass` predicted as `predictedClass`.
    public subscript(trueClass: Int, predictedClass: Int) -> Int {
        counts[trueClass * classCount + predictedClass]
    }

    /// The rows, one per true class.
    public var rows: [[Int]] {
        (0..<classCount).map { Array(counts[$0 * classCount..<($0 + 1) * classCount]) }
    }

    /// Counts one sample of `trueClass` predicted as `predictedClass`.
    public mutating func add(trueClass: Int, predictedClass: Int) {
        counts[trueClass * classCount + predictedClass] += 1
    }

    /// Runs `body` with the counts as a mutable buffer (row-major), for kernels that count a
    /// whole batch without copying or allocating.
    mutating func withUnsafeMutableCounts<R>(_ body: (UnsafeMutablePointer<Int>) throws -> R) rethrows -> R {
        try counts.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Samples counted.
    public var total: Int { counts.reduce(0, +) }

    /// Samples of class `c` (the row sum, scikit-learn's `support`).
    public func support(of c: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + self[c, $1] }
    }

    /// Samples predicted as class `c` (the column sum).
    public func predictions(of c: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + self[$1, c] }
    }

    /// Each row divided by its sum, scikit-learn's `confusion_matrix(normalize="true")`: row
    /// `t` is where class `t`'s samples went, its diagonal cell the class's recall; a class
    /// without samples has a row of zeros (scikit-learn's `nan_to_num`).
    public var rowNormalized: [[Double]] {
        rows.map { row in
            let sum = row.reduce(0, +)
            return row.map { sum == 0 ? 0 : Double($0) / Double(sum) }
        }
    }

    /// The correctly classified samples (the diagonal's sum).
    public var correct: Int {
        (0..<classCount).reduce(0) { $0 + self[$1, $1] }
    }
}
