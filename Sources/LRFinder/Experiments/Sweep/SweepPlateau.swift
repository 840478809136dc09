import Foundation

/// The plateau of a sweep: the rates whose median validation metric is within one standard error
/// of the best rate's, the standard error being that of the best's metric on the validation
/// split. A rate on the plateau cannot be told from the best by this validation split; the
/// calibration of one-cycle's peak (docs/calibration.md) asks the recommendation to land on it.
public struct SweepPlateau: Equatable, Sendable {
    /// The best rate (``SweepAnswer/best``).
    public var best: Double
    /// One standard error of the best's validation metric.
    public var standardError: Double
    /// The rates on the plateau, increasing (not always contiguous: a noisy rate may dip out).
    public var rates: [Double]

    /// The plateau of `answer`, on a validation split of `validationCount` samples; nil without a best rate.
    public init?(_ answer: SweepAnswer, validationCount: Int, regression: Bool) {
        guard let best = answer.best, validationCount > 0 else { return nil }
        let error = Self.standardError(of: best.validation, count: validationCount, regression: regression)
        self.best = best.rate
        standardError = error
        rates = answer.perRate.compactMap { rate in
            guard let value = rate.validation, value >= best.validation - error else { return nil }
            return rate.rate
        }
    }

    /// The lowest and highest rate on the plateau.
    public var range: ClosedRange<Double> { (rates.first ?? best)...(rates.last ?? best) }

    /// Whether `rate` lies between the plateau's lowest and highest rate.
    public func contains(_ rate: Double) -> Bool { range.contains(rate) }

    /// The standard error of a metric `value` on `count` samples: for an accuracy p,
    /// sqrt(p (1 - p) / n) (a binomial proportion: 0.75 points at 94 % on 1,000 images); for an
    /// R-squared r (clamped to [0, 1]), the delta-method large-sample sqrt(4 r (1 - r)^2 / n)
    /// (Olkin and Finn 1995, the variance of a squared multiple correlation).
    public static func standardError(of value: Double, count: Int, regression: Bool) -> Double {
        guard count > 0 else { return .infinity }
        let n = Double(count)
        guard regression else {
            let p = min(max(value, 0), 1)
            return (p * (1 - p) / n).squareRoot()
        }
        let r = min(max(value, 0), 1)
        return (4 * r * (1 - r) * (1 - r) / n).squareRoot()
    }
}
