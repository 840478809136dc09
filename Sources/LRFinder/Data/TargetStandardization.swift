/// The standardisation of a regression target, fitted on the training split: the network learns
/// `z = (y - mean) / deviation`, and its predictions are read back as `y = mean + deviation z`.
/// `Codable`, so that it can be kept with a model and its outputs reported in the target's units.
public struct TargetStandardization: Equatable, Codable, Sendable {
    /// The training targets' mean.
    public var mean: Double
    /// The training targets' population standard deviation (divisor n, as ``FeatureScaler``).
    public var deviation: Double

    /// A standardisation from its parts; `deviation` must be positive.
    public init(mean: Double, deviation: Double) {
        precondition(deviation > 0 && deviation.isFinite, "target deviation must be positive, got \(deviation)")
        self.mean = mean
        self.deviation = deviation
    }

    /// Fits the mean and deviation of `values` (samples x 1, the training targets). Targets of any
    /// scale are standardised (1e-15 to 2e-15 as well as 1e6 to 2e6); only targets that all are
    /// one value are refused.
    /// - Throws: ``TargetError`` when there are none, they are not one column, one is not finite, or
    ///   they are constant.
    public init(fittedOn values: Matrix, file: String) throws {
        guard values.columns == 1 else {
            throw TargetError(description: "\(file): regression needs one target column, got \(values.columns)")
        }
        guard let first = values.storage.first else { throw TargetError(description: "\(file): no training targets") }
        guard values.storage.allSatisfy(\.isFinite) else { throw TargetError(description: "\(file): a training target is not a finite number") }
        // Constant: every target is the first (as Floats, exactly), quoted in its shortest text
        // (the file's `0.1`, not the Double 0.10000000149011612).
        guard values.storage.contains(where: { $0 != first }) else {
            throw TargetError(description: "\(file): the training targets are all \(first.shortestText): nothing to regress")
        }
        // Two passes in Double: the mean, then the squared deviations from it. Two different
        // Floats make a positive deviation: the mean cannot equal both.
        let n = Double(values.rows)
        let mean = values.storage.reduce(0.0) { $0 + Double($1) } / n
        let squares = values.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        self.init(mean: mean, deviation: (squares / n).squareRoot())
    }

    /// `(y - mean) / deviation` of every value.
    public func standardized(_ values: Matrix) -> Matrix {
        Matrix(rows: values.rows, columns: values.columns, storage: values.storage.map { Float((Double($0) - mean) / deviation) })
    }

    /// `mean + deviation z` of every standardised value: the target's own units.
    public func original(_ values: Matrix) -> Matrix {
        Matrix(rows: values.rows, columns: values.columns, storage: values.storage.map { Float(mean + deviation * Double($0)) })
    }

    /// `dataset` with its target values standardised (class targets unchanged).
    public func standardized(_ dataset: Dataset) -> Dataset {
        guard case .values(let values) = dataset.targets else { return dataset }
        var result = dataset
        result.targets = .values(standardized(values))
        return result
    }
}

/// Regression targets that cannot be used: one line naming the file.
public struct TargetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
}
