/// Per-class and averaged classification scores read off a ``ConfusionMatrix``, with
/// scikit-learn's definitions: `precision_recall_fscore_support(zero_division=0)`,
/// `accuracy_score`, `balanced_accuracy_score` and `f1_score(average="macro")`.
public struct ClassificationReport: Equatable, Sendable, Codable {
    /// The counts the scores come from (rows true class, columns predicted).
    public var confusionMatrix: ConfusionMatrix
    /// Per class, `TP / (TP + FP)`: of the samples predicted as the class, the fraction that
    /// belong to it; 0 when the class is never predicted (scikit-learn's `zero_division=0`).
    public var precision: [Double]
    /// Per class, `TP / (TP + FN)`: of the class's samples, the fraction predicted as it; 0 when
    /// the class has no samples (`zero_division=0`).
    public var recall: [Double]
    /// Per class, the harmonic mean of precision and recall, `2 TP / (2 TP + FP + FN)` as
    /// scikit-learn computes it; 0 when that denominator is 0 (`zero_division=0`).
    public var f1: [Double]
    /// Per class, its samples (the row sum; scikit-learn's `support`).
    public var support: [Int]
    /// Fraction of samples classified correctly (`accuracy_score`).
    public var accuracy: Double
    /// Mean recall over the classes that have samples (`balanced_accuracy_score`, which leaves
    /// out a class that is only predicted).
    public var balancedAccuracy: Double
    /// Unweighted mean of F1 over the classes that are present in the true or the predicted
    /// labels (`f1_score(average="macro", zero_division=0)` with scikit-learn's default labels).
    public var macroF1: Double

    /// The report of `matrix`; NaN averages when it counts no sample.
    public init(_ matrix: ConfusionMatrix) {
        confusionMatrix = matrix
        let classes = 0..<matrix.classCount
        let support = classes.map(matrix.support(of:))
        let predicted = classes.map(matrix.predictions(of:))
        func ratio(_ numerator: Int, _ denominator: Int) -> Double {
            denominator == 0 ? 0 : Double(numerator) / Double(denominator)
        }
        let recall = classes.map { ratio(matrix[$0, $0], support[$0]) }
        // 2 TP + FP + FN = predicted + support.
        let f1 = classes.map { ratio(2 * matrix[$0, $0], predicted[$0] + support[$0]) }
        precision = classes.map { ratio(matrix[$0, $0], predicted[$0]) }
        self.recall = recall
        self.f1 = f1
        self.support = support
        let total = matrix.total
        accuracy = total == 0 ? .nan : Double(matrix.correct) / Double(total)
        let present = classes.filter { support[$0] > 0 }
        balancedAccuracy = present.isEmpty ? .nan : present.reduce(0) { $0 + recall[$1] } / Double(present.count)
        let seen = classes.filter { support[$0] > 0 || predicted[$0] > 0 }
        macroF1 = seen.isEmpty ? .nan : seen.reduce(0) { $0 + f1[$1] } / Double(seen.count)
    }
}
