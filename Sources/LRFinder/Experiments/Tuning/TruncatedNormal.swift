import Foundation

/// Log masses and log densities of the standard normal truncated to an interval, in Double, as
/// Optuna 5.1.0's `optuna/samplers/_tpe/_truncnorm.py` computes them (`_log_gauss_mass`,
/// `_log_ndtr`, `logpdf`) but with libm's `erfc` for the normal CDF: the left tail is used for
/// both tails (by symmetry), the central case is log1p(-Phi(a) - Phi(-b)), and below -20 the
/// log CDF takes the asymptotic series Optuna uses (`_log_ndtr_single`).
public enum TruncatedNormal {
    /// ln(sqrt(2 pi)).
    static let logRootTwoPi = 0.5 * log(2 * Double.pi)

    /// Phi(x), the standard normal CDF, through erfc (accurate in the left tail).
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// ln Phi(x); for x < -20 the asymptotic series of `_truncnorm._log_ndtr_single`.
    public static func logNormalCDF(_ x: Double) -> Double {
        if x > 6 { return -normalCDF(-x) }
        if x > -20 { return log(normalCDF(x)) }
        let logLeft = -0.5 * x * x - log(-x) - logRootTwoPi
        var last = 0.0, total = 1.0, numerator = 1.0, denominator = 1.0, sign = 1.0
        let factor = 1 / (x * x)
        var i = 0.0
        while abs(last - total) > Double.ulpOfOne {
            i += 1
            last = total
            sign = -sign
            denominator *= factor
            numerator *= 2 * i - 1
            total += sign * numerator * denominator
        }
        return logLeft + log(total)
    }

    /// ln of the standard normal mass of [a, b] (`_truncnorm._log_gauss_mass`).
    public static func logMass(_ a: Double, _ b: Double) -> Double {
        var (a, b) = (a, b)
        if a > 0 { (a, b) = (-b, -a) }
        if b <= 0 {
            let logB = logNormalCDF(b), logA = logNormalCDF(a)
            return logB + log1p(-exp(logA - logB))
        }
        return log1p(-normalCDF(a) - normalCDF(-b))
    }

    /// ln of the density at `x` of N(mu, sigma) truncated to [low, high]; -inf outside.
    public static func logDensity(_ x: Double, mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        guard x >= low, x <= high else { return -.infinity }
        let z = (x - mu) / sigma
        return -0.5 * z * z - logRootTwoPi - log(sigma) - logMass((low - mu) / sigma, (high - mu) / sigma)
    }

    /// A draw from N(mu, sigma) truncated to [low, high], by inverse CDF on the side of the
    /// mass where it is accurate (the draws of numpy/scipy cannot be reproduced).
    public static func sample(mu: Double, sigma: Double, low: Double, high: Double,
                              using generator: inout some RandomNumberGenerator) -> Double {
        let a = (low - mu) / sigma, b = (high - mu) / sigma
        let u = Double.random(in: 0..<1, using: &generator)
        var z: Double
        if a > 0 {
            // Right tail: work with the upper-tail masses Q(x) = Phi(-x).
            let qa = normalCDF(-a), qb = normalCDF(-b)
            z = -inverseNormalCDF(qa - u * (qa - qb))
        } else {
            let pa = normalCDF(a), pb = normalCDF(b)
            z = inverseNormalCDF(pa + u * (pb - pa))
        }
        if !z.isFinite { z = a.isFinite ? a : b }
        return min(max(mu + sigma * z, low), high)
    }

    /// Phi^-1(p) by bisection refined with Newton steps on erfc (p in (0, 1); 0 and 1 give -inf, inf).
    static func inverseNormalCDF(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        var low = -40.0, high = 40.0
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if normalCDF(middle) < p { low = middle } else { high = middle }
            if high - low <= 1e-15 * max(1, abs(middle)) { break }
        }
        return 0.5 * (low + high)
    }
}
