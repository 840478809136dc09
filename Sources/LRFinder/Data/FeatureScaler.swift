/// How features are scaled before training.
public enum ScalingMethod: String, CaseIterable, Codable, Sendable {
    /// Leave values as they are.
    case none
    /// Divide every feature by the largest absolute training value (pixels: 255).
    case max
    /// Subtract each feature's training mean and divide by its training standard deviation.
    case standardize
}

/// Feature scaling fitted on the training split and applied unchanged to every split.
public struct FeatureScaler: Equatable, Sendable {
    /// The method.
    public let method: ScalingMethod
    /// Per-feature offsets subtracted (zeros except for `standardize`).
    public let offsets: [Float]
    /// Per-feature factors multiplied after the offset.
    public let factors: [Float]

    /// A scaler with given per-feature offsets and factors (as fitted before).
    public init(method: ScalingMethod, offsets: [Float], factors: [Float]) {
        precondition(offsets.count == factors.count, "\(offsets.count) offsets for \(factors.count) factors")
        self.method = method
        self.offsets = offsets
        self.factors = factors
    }

    /// Fits `method` on `features` (the training split). A constant feature keeps factor 1
    /// under `standardize`, so it becomes 0 rather than NaN; any other is scaled, however small
    /// its spread.
    public init(method: ScalingMethod, fittedOn features: Matrix) {
        self.method = method
        let width = features.columns, rows = features.rows
        switch method {
        case .none:
            offsets = [Float](repeating: 0, count: width)
            factors = [Float](repeating: 1, count: width)
        case .max:
            let largest = features.storage.reduce(Float(0)) { Swift.max($0, abs($1)) }
            offsets = [Float](repeating: 0, count: width)
            factors = [Float](repeating: Self.inverse(Double(largest)), count: width)
        case .standardize:
            // One pass over the rows, each value taken less the column's first (the shifted-data
            // variance: no cancellation between two large sums when the spread is small next to
            // the values, 1e6 to 1e6 + 0.1, and exactly 0 for a constant column). Any spread is
            // scaled, 1e-15 to 2e-15 as well.
            let shift = (0..<width).map { rows > 0 ? Double(features.storage[$0]) : 0 }
            var sum = [Double](repeating: 0, count: width), squares = [Double](repeating: 0, count: width)
            for r in 0..<rows {
                for c in 0..<width {
                    let v = Double(features.storage[r * width + c]) - shift[c]
                    sum[c] += v
                    squares[c] += v * v
                }
            }
            let n = Double(Swift.max(rows, 1))
            offsets = (0..<width).map { Float(shift[$0] + sum[$0] / n) }
            factors = (0..<width).map { c in
                let mean = sum[c] / n
                return Self.inverse(Swift.max(squares[c] / n - mean * mean, 0).squareRoot())
            }
        }
    }

    /// `1 / scale` as a factor: 1 for a zero scale (a constant or all-zero column keeps its values,
    /// no NaN) or one whose inverse a Float cannot hold.
    private static func inverse(_ scale: Double) -> Float {
        let factor = Float(1 / scale)
        return scale > 0 && factor.isFinite ? factor : 1
    }

    /// Scales `features` in place: `(x - offset) * factor` per column.
    public func apply(to features: inout Matrix) {
        precondition(features.columns == factors.count, "scaler fitted on \(factors.count) features, given \(features.columns)")
        let width = features.columns, rows = features.rows
        guard method != .none else { return }
        features.storage.withUnsafeMutableBufferPointer { x in
            offsets.withUnsafeBufferPointer { o in
                factors.withUnsafeBufferPointer { f in
                    for r in 0..<rows {
                        let row = x.baseAddress! + r * width
                        for c in 0..<width { row[c] = (row[c] - o[c]) * f[c] }
                    }
                }
            }
        }
    }

    /// A copy of `dataset` with its features scaled.
    public func applied(to dataset: Dataset) -> Dataset {
        var result = dataset
        apply(to: &result.features)
        return result
    }
}
