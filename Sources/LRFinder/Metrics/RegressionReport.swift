import Foundation

/// Regression scores of predictions against targets, with scikit-learn's definitions:
/// `mean_squared_error` (its root), `mean_absolute_error` and `r2_score` (uniform average over
/// output columns: `1 - SS_res / SS_tot` per column, SS_tot about that column's mean).
public struct RegressionReport: Equatable, Sendable, Codable {
    /// Root mean squared error over all values.
    public var rootMeanSquaredError: Double
    /// Mean absolute error over all values.
    public var meanAbsoluteError: Double
    /// Coefficient of determination, averaged over the columns; NaN for a column whose targets are
    /// constant (scikit-learn gives 1 or 0 there; such a split has nothing to explain).
    public var rSquared: Double
    /// Samples scored.
    public var count: Int

    /// A report from its parts.
    public init(rootMeanSquaredError: Double, meanAbsoluteError: Double, rSquared: Double, count: Int) {
        self.rootMeanSquaredError = rootMeanSquaredError
        self.meanAbsoluteError = meanAbsoluteError
        self.rSquared = rSquared
        self.count = count
    }

    /// The scores of `predictions` against `targets` (both samples x outputs).
    public init(predictions: Matrix, targets: Matrix) {
        precondition(predictions.rows == targets.rows && predictions.columns == targets.columns, "shapes differ")
        var accumulator = Accumulator(width: targets.columns)
        predictions.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { t in
                accumulator.add(predictions: z.baseAddress!, targets: t.baseAddress!, batch: targets.rows)
            }
        }
        self = accumulator.report
    }

    /// The same scores with predictions and targets read back through `standardization`
    /// (`y = mean + deviation z`): errors scale by the deviation, R-squared is unchanged.
    public func inOriginalUnits(of standardization: TargetStandardization) -> RegressionReport {
        RegressionReport(rootMeanSquaredError: rootMeanSquaredError * standardization.deviation,
                         meanAbsoluteError: meanAbsoluteError * standardization.deviation, rSquared: rSquared, count: count)
    }

    /// Sums of a report gathered batch by batch, in Double: per column the residual sum of squares
    /// and the targets' sum and sum of squares (SS_tot = Σt² - (Σt)²/n).
    struct Accumulator {
        private var squaredErrors: [Double], absoluteErrors = 0.0, sums: [Double], squares: [Double]
        private var count = 0
        let width: Int

        init(width: Int) {
            self.width = width
            squaredErrors = [Double](repeating: 0, count: width)
            sums = squaredErrors
            squares = squaredErrors
        }

        /// Adds `batch` rows of `width` predictions and targets.
        mutating func add(predictions: UnsafePointer<Float>, targets: UnsafePointer<Float>, batch: Int) {
            for b in 0..<batch {
                for c in 0..<width {
                    let t = Double(targets[b * width + c]), d = Double(predictions[b * width + c]) - t
                    squaredErrors[c] += d * d
                    absoluteErrors += abs(d)
                    sums[c] += t
                    squares[c] += t * t
                }
            }
            count += batch
        }

        var report: RegressionReport {
            let n = Double(count), values = n * Double(width)
            let r2 = (0..<width).map { c -> Double in
                let total = squares[c] - sums[c] * sums[c] / n
                // A constant target has no variance to explain: scikit-learn's r2_score (force_finite)
                // gives 1 for a perfect fit and 0 otherwise.
                guard total > 1e-12 * Swift.max(1, squares[c]) else { return squaredErrors[c] == 0 ? 1 : 0 }
                return 1 - squaredErrors[c] / total
            }
            return RegressionReport(rootMeanSquaredError: (squaredErrors.reduce(0, +) / values).squareRoot(),
                                    meanAbsoluteError: absoluteErrors / values, rSquared: r2.reduce(0, +) / Double(width), count: count)
        }
    }
}
