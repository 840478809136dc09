import Foundation

/// The causal, bias-corrected exponential moving average of fastai's `lr_find` and the
/// PyImageSearch finder: `average = beta * average + (1 - beta) * loss` from `average = 0`, reported
/// as `average / (1 - beta^count)`.
///
/// It only looks back, so it lags: at step `t` its centre of mass is about `beta / (1 - beta)` = 49
/// steps back once warmed up (about 34 steps back at step 100 with beta 0.98). It is what the
/// divergence stop and the reference tools' suggestions use; lrfind's own points use
/// ``ZeroPhaseSmoother`` after the run.
public struct DebiasedMovingAverage: Equatable, Sendable {
    /// Weight of the past (0 <= beta < 1; 0 reports the raw loss).
    public let beta: Double
    private var average = 0.0
    private var count = 0

    /// An empty average.
    public init(beta: Double) { self.beta = beta }

    /// Adds one loss and returns the bias-corrected average so far.
    public mutating func add(_ loss: Double) -> Double {
        count += 1
        average = beta * average + (1 - beta) * loss
        return average / (1 - pow(beta, Double(count)))
    }

    /// The bias-corrected averages of every prefix of `losses`.
    public static func smoothed(_ losses: [Double], beta: Double) -> [Double] {
        var filter = DebiasedMovingAverage(beta: beta)
        return losses.map { filter.add($0) }
    }
}

/// A zero-phase (non-causal, lag-free) smoother for a finished range-test curve: Gaussian-weighted
/// local linear regression over the point index, as in LOWESS (Cleveland 1979, "Robust locally
/// weighted regression and smoothing scatterplots", JASA 74) with a Gaussian kernel; see Fan &
/// Gijbels 1996, "Local Polynomial Modelling and Its Applications", ch. 3.
///
/// At point `i` it fits `a + b * (j - i)` to the points `j` within 3 bandwidths, weighting each by
/// `exp(-((j - i) / bandwidth)^2 / 2)`, and reports `a`. The kernel is symmetric, so a feature is
/// not moved to higher rates as by the causal average. At the ends the window is one-sided, and the
/// local line (rather than a local mean) keeps a rising or falling end unbiased to first order.
/// On an exponential sweep the index is proportional to log(rate), so the bandwidth is a fixed
/// fraction of a decade.
public struct ZeroPhaseSmoother: Equatable, Codable, Sendable, CustomStringConvertible {
    /// Kernel standard deviation in points; nil picks ``automaticBandwidth(pointCount:)``.
    public var bandwidth: Double?

    /// A smoother with `bandwidth` points (nil: automatic).
    public init(bandwidth: Double? = nil) { self.bandwidth = bandwidth }

    /// The automatic bandwidth: `max(2, pointCount / 40)` points (2.5 on a 100-point test, about
    /// 0.1 decade on 1e-7..10; 5.9 on 235 points over 11 decades, about 0.27 decade).
    public static func automaticBandwidth(pointCount: Int) -> Double { max(2, Double(pointCount) / 40) }

    /// "gaussian-local-linear(bandwidth: B points)", or "...(bandwidth: auto)".
    public var description: String {
        "gaussian-local-linear(bandwidth: \(bandwidth.map { String(format: "%g points", $0) } ?? "auto"))"
    }

    /// The smoothed curve, same length as `values` (finite values expected).
    public func smoothed(_ values: [Double]) -> [Double] {
        let n = values.count
        guard n > 2 else { return values }
        let sigma = max(1e-9, bandwidth ?? Self.automaticBandwidth(pointCount: n))
        let reach = Int((3 * sigma).rounded(.up))
        let weights = (0...reach).map { exp(-0.5 * pow(Double($0) / sigma, 2)) }
        return (0..<n).map { i in
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, t0 = 0.0, t1 = 0.0
            for j in max(0, i - reach)...min(n - 1, i + reach) {
                let offset = Double(j - i)
                let weight = weights[abs(j - i)]
                s0 += weight
                s1 += weight * offset
                s2 += weight * offset * offset
                t0 += weight * values[j]
                t1 += weight * offset * values[j]
            }
            let determinant = s0 * s2 - s1 * s1
            // A single point in reach (tiny bandwidth): the value itself.
            guard determinant > 1e-12 * s0 * s0 else { return t0 / s0 }
            return (s2 * t0 - s1 * t1) / determinant
        }
    }
}
