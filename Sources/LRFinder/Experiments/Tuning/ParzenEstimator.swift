import Foundation

/// Optuna 5.1.0's `_ParzenEstimator` (`optuna/samplers/_tpe/parzen_estimator.py`): a mixture
/// with one component per observation plus a prior, each component a product of per-parameter
/// kernels (`ParzenKernels`) sharing one weight. With one parameter it is the univariate
/// estimator of independent TPE; with several (multivariate TPE) the density is
/// logsumexp_k(ln w_k + sum over parameters of ln p_k). Bergstra et al., "Algorithms for
/// Hyper-Parameter Optimization" (NeurIPS 2011), section 4.
public struct ParzenEstimator: Equatable, Sendable {
    /// The normalised mixture weights; the last is the prior's.
    public var weights: [Double]
    /// The kernels of each parameter, by name.
    public var kernels: [String: ParzenKernels]
    /// The search space the estimator was built on.
    public var searchSpace: [String: ParameterDistribution]

    /// The estimator of `observations` (parameter name to internal values, all the same length,
    /// in trial-number order) over `searchSpace`; weights are `defaultWeights(count)` then `priorWeight`, divided by their sum
    /// (`parzen_estimator.py:55-65`).
    public init(observations: [String: [Double]], searchSpace: [String: ParameterDistribution],
                priorWeight: Double = 1) {
        let count = observations.values.first?.count ?? 0
        var raw = count == 0 ? [1.0] : Self.defaultWeights(count) + [priorWeight]
        let sum = raw.reduce(0, +)
        raw = raw.map { $0 / sum }
        weights = raw
        self.searchSpace = searchSpace
        var kernels: [String: ParzenKernels] = [:]
        for (name, distribution) in searchSpace {
            kernels[name] = ParzenKernels(observations: observations[name] ?? [], distribution: distribution, priorWeight: priorWeight)
        }
        self.kernels = kernels
    }

    /// Optuna's `default_weights(n)` (`sampler.py:63-71`): n ones below 25; from 25 on a ramp
    /// linspace(1/n, 1, n - 25) followed by 25 ones (oldest observation first).
    public static func defaultWeights(_ count: Int) -> [Double] {
        guard count >= 25 else { return Array(repeating: 1, count: count) }
        let rampCount = count - 25
        let start = 1 / Double(count)
        var ramp: [Double] = []
        if rampCount == 1 {
            ramp = [start]
        } else if rampCount > 1 {
            let delta = (1 - start) / Double(rampCount - 1)
            ramp = (0..<rampCount).map { start + Double($0) * delta }
            ramp[rampCount - 1] = 1
        }
        return ramp + Array(repeating: 1, count: 25)
    }

    /// ln of the mixture density at `point` (internal values of every parameter in the space).
    public func logPDF(_ point: [String: Double]) -> Double {
        var terms = weights.map { log($0) }
        for name in searchSpace.keys.sorted() {
            guard let kernel = kernels[name], let x = point[name] else { continue }
            for (k, value) in kernel.componentLogDensities(at: x).enumerated() { terms[k] += value }
        }
        return Self.logSumExp(terms)
    }

    /// ln sum exp(terms), 0 subtracted when the maximum is -inf (as `log_pdf` does).
    static func logSumExp(_ terms: [Double]) -> Double {
        var top = terms.max() ?? -.infinity
        if top == -.infinity { top = 0 }
        if top.isNaN { return .nan }
        return log(terms.reduce(0) { $0 + exp($1 - top) }) + top
    }

    /// `count` draws from the mixture: a component by weight, then each parameter from its kernel.
    public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> [[String: Double]] {
        let names = searchSpace.keys.sorted()
        return (0..<count).map { _ in
            let u = Double.random(in: 0..<1, using: &generator)
            var cumulative = 0.0, component = weights.count - 1
            for (k, w) in weights.enumerated() {
                cumulative += w
                if u < cumulative { component = k; break }
            }
            var point: [String: Double] = [:]
            for name in names {
                point[name] = kernels[name]!.sample(component: component, distribution: searchSpace[name]!, using: &generator)
            }
            return point
        }
    }
}
