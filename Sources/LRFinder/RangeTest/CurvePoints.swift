import Foundation

/// One point of a range-test curve.
public struct CurvePoint: Equatable, Codable, Sendable {
    /// Index into the curve.
    public var index: Int
    /// The rate there.
    public var learningRate: Double
    /// The (lag-free) loss there.
    public var loss: Double
}

/// lrfind's own landmarks of a range-test curve, found on the lag-free curve (see
/// ``ZeroPhaseSmoother``) so that they sit at the rate where the feature happened rather than
/// decades later, as on the causal moving average.
///
/// All are pure functions of the curve, computed on its prefix before the first non-finite loss:
/// - ``minimum``: the lowest loss (first one on ties).
/// - ``steepestDescent``: up to the minimum, the most negative slope of the loss against ln(rate),
///   by central differences on the non-uniform ln(rate) grid (numpy `gradient(losses, log(lrs))`);
///   nil if the loss never falls before the minimum.
/// - ``divergence``: the first point after the minimum that passes the divergence rule against the
///   minimum; nil when the curve never blows up.
/// - ``fallStart``: where the loss starts to fall: the first point before the minimum at which the
///   loss is below its first value by a tenth of the total drop (first value - minimum).
public struct CurvePoints: Equatable, Codable, Sendable {
    /// The lowest loss.
    public var minimum: CurvePoint?
    /// The steepest fall against ln(rate), at or before the minimum.
    public var steepestDescent: CurvePoint?
    /// The first diverged point after the minimum.
    public var divergence: CurvePoint?
    /// Where the loss has fallen a tenth of the way to the minimum.
    public var fallStart: CurvePoint?
    /// The loss at the first point.
    public var initialLoss: Double?
    /// Whether the minimum is among the last 5 % of the points (at least the last 3) and the loss
    /// was still falling into it: 5 % of the points earlier it stood above the minimum by more
    /// than 5 % of the total drop. The real minimum then lies beyond the range.
    public var isStillFalling = false

    /// The fraction of the total drop that marks ``fallStart``.
    public static let fallStartFraction = 0.1

    /// The landmarks of `losses` (a lag-free curve) at `learningRates` (positive, increasing).
    public init(learningRates: [Double], losses: [Double], divergenceRule: DivergenceRule) {
        let usable = zip(learningRates, losses).prefix { rate, loss in loss.isFinite && rate > 0 && rate.isFinite }.count
        guard usable >= 2, learningRates.count == losses.count else { return }
        let rates = Array(learningRates.prefix(usable))
        let values = Array(losses.prefix(usable))
        guard zip(rates, rates.dropFirst()).allSatisfy({ $0 < $1 }) else { return }
        func point(_ i: Int) -> CurvePoint { CurvePoint(index: i, learningRate: rates[i], loss: values[i]) }
        initialLoss = values[0]
        let lowest = firstArgmin(values)!
        minimum = point(lowest)

        let slopes = Self.gradient(values, coordinates: rates.map { log($0) })
        if let steepest = firstArgmin(Array(slopes[0...lowest])), slopes[steepest] < 0 {
            steepestDescent = point(steepest)
        }
        divergence = ((lowest + 1)..<usable).first { divergenceRule.hasDiverged(values[$0], best: values[lowest]) }.map(point)
        let drop = values[0] - values[lowest]
        if drop > 0 {
            fallStart = (0...lowest).first { values[0] - values[$0] >= Self.fallStartFraction * drop }.map(point)
            let tail = max(2, usable / 20)
            isStillFalling = lowest >= usable - 1 - tail && values[max(0, lowest - tail)] - values[lowest] > 0.05 * drop
        }
    }

    /// numpy `gradient(values, coordinates)`: second-order central differences on a non-uniform
    /// grid inside, one-sided first-order differences at the ends.
    static func gradient(_ values: [Double], coordinates x: [Double]) -> [Double] {
        let n = values.count
        guard n >= 2 else { return [Double](repeating: 0, count: n) }
        var result = [Double](repeating: 0, count: n)
        result[0] = (values[1] - values[0]) / (x[1] - x[0])
        result[n - 1] = (values[n - 1] - values[n - 2]) / (x[n - 1] - x[n - 2])
        for i in 1..<(n - 1) {
            let left = x[i] - x[i - 1], right = x[i + 1] - x[i]
            result[i] = (left * left * values[i + 1] - right * right * values[i - 1] + (right * right - left * left) * values[i])
                / (left * right * (left + right))
        }
        return result
    }
}
