import Foundation

/// The kernels one parameter contributes to a Parzen estimator, one per mixture component (the
/// last is the prior), as Optuna 5.1.0 builds them in `optuna/samplers/_tpe/parzen_estimator.py`
/// (`_calculate_numerical_distributions`, `_calculate_categorical_distributions`) and evaluates
/// them in `probability_distributions.py` (`_MixtureOfProductDistribution.log_pdf`).
/// The adaptive Parzen estimator is the one of Bergstra et al., "Algorithms for Hyper-Parameter
/// Optimization" (NeurIPS 2011), section 4.
public enum ParzenKernels: Equatable, Sendable {
    /// Truncated normals in the transformed space (ln x when `isLog`). `step` nil is a continuous
    /// parameter (density of the transformed value); otherwise the kernel's log is the mass of
    /// [x - step/2, x + step/2] (ln of both ends when `isLog`). `adaptedLow` / `adaptedHigh` are
    /// the truncation bounds in the transformed space.
    case numerical(mus: [Double], sigmas: [Double], adaptedLow: Double, adaptedHigh: Double, step: Double?, isLog: Bool)
    /// One row of choice probabilities per component.
    case categorical(probabilities: [[Double]])

    /// The kernels of `observations` (internal values) of a parameter with `distribution`:
    /// bandwidths by the neighbour-gap rule (`parzen_estimator.py:154-202`; Optuna 5.1.0 uses it
    /// in multivariate mode too, per parameter, as the joint golden files show), with a stable
    /// sort so equal observations keep their order (Optuna's `np.argsort`, line 173, is not).
    /// An empty `observations` gives the prior alone.
    public init(observations: [Double], distribution: ParameterDistribution, priorWeight: Double = 1,
                magicClip: Bool = true, considerEndpoints: Bool = false) {
        if case .categorical(let choices) = distribution {
            let count = choices.count
            guard !observations.isEmpty else {
                self = .categorical(probabilities: [Array(repeating: 1 / Double(count), count: count)])
                return
            }
            let kernelCount = Double(observations.count + 1)
            var rows = Array(repeating: Array(repeating: priorWeight / kernelCount, count: count), count: observations.count + 1)
            for (i, observation) in observations.enumerated() { rows[i][Int(observation)] += 1 }
            rows = rows.map { row in
                let sum = row.reduce(0, +)
                return row.map { $0 / (sum == 0 ? 1 : sum) }
            }
            self = .categorical(probabilities: rows)
            return
        }
        let bounds = distribution.internalBounds
        let step = distribution.internalStep
        var low = bounds.low - (step ?? 0) / 2, high = bounds.high + (step ?? 0) / 2
        let isLog = distribution.isLog
        var mus = observations
        if isLog {
            mus = mus.map { log($0) }
            low = log(low)
            high = log(high)
        }
        let n = mus.count
        // Optuna 5.1.0 sorts the observations alone (the prior's mean is not a neighbour).
        let order: [Int] = mus.indices.sorted { (i: Int, j: Int) -> Bool in
            mus[i] != mus[j] ? mus[i] < mus[j] : i < j
        }
        let ends: [Double] = [low] + order.map { mus[$0] } + [high]
        var sorted: [Double] = []
        for i in 1..<(ends.count - 1) {
            let left: Double = ends[i] - ends[i - 1]
            let right: Double = ends[i + 1] - ends[i]
            sorted.append(max(left, right))
        }
        if !considerEndpoints && ends.count >= 4 {
            sorted[0] = ends[2] - ends[1]
            sorted[sorted.count - 1] = ends[ends.count - 2] - ends[ends.count - 3]
        }
        var sigmas = Array(repeating: 0.0, count: n)
        for (rank, index) in order.enumerated() { sigmas[index] = sorted[rank] }
        let maxSigma = high - low
        let minSigma = magicClip ? (high - low) / min(100, Double(n + 2)) : 1e-12
        sigmas = sigmas.map { min(max($0, minSigma), maxSigma) }
        self = .numerical(mus: mus + [0.5 * (low + high)], sigmas: sigmas + [high - low],
                          adaptedLow: low, adaptedHigh: high, step: step, isLog: isLog)
    }

    /// The number of components (observations + the prior).
    public var componentCount: Int {
        switch self {
        case .numerical(let mus, _, _, _, _, _): mus.count
        case .categorical(let rows): rows.count
        }
    }

    /// ln of each component's density (continuous) or mass (integer, stepped, categorical) at the
    /// internal value `x`; -inf outside a continuous parameter's bounds.
    public func componentLogDensities(at x: Double) -> [Double] {
        switch self {
        case .categorical(let rows):
            let index = Int(x)
            return rows.map { index >= 0 && index < $0.count ? log($0[index]) : -.infinity }
        case .numerical(let mus, let sigmas, let low, let high, let step, let isLog):
            guard let step else {
                let t = isLog ? log(x) : x
                return zip(mus, sigmas).map { TruncatedNormal.logDensity(t, mu: $0, sigma: $1, low: low, high: high) }
            }
            let left = isLog ? log(x - step / 2) : x - step / 2
            let right = isLog ? log(x + step / 2) : x + step / 2
            return zip(mus, sigmas).map { mu, sigma in
                TruncatedNormal.logMass((left - mu) / sigma, (right - mu) / sigma)
                    - TruncatedNormal.logMass((low - mu) / sigma, (high - mu) / sigma)
            }
        }
    }

    /// A draw from component `component`, as an internal value of `distribution` (stepped values
    /// rounded to the grid and clipped, `probability_distributions.py` `sample`).
    public func sample(component: Int, distribution: ParameterDistribution,
                       using generator: inout some RandomNumberGenerator) -> Double {
        switch self {
        case .categorical(let rows):
            let u = Double.random(in: 0..<1, using: &generator)
            var cumulative = 0.0
            for (index, p) in rows[component].enumerated() {
                cumulative += p
                if u < cumulative { return Double(index) }
            }
            return Double(rows[component].count - 1)
        case .numerical(let mus, let sigmas, let low, let high, let step, let isLog):
            var x = TruncatedNormal.sample(mu: mus[component], sigma: sigmas[component], low: low, high: high, using: &generator)
            if isLog { x = exp(x) }
            guard let step else { return x }
            let bounds = distribution.internalBounds
            return min(max(bounds.low + ((x - bounds.low) / step).rounded() * step, bounds.low), bounds.high)
        }
    }
}
