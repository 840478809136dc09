import Foundation

/// Optuna 5.1.0's `RandomSampler` (`optuna/samplers/_random.py`): every parameter is one uniform
/// draw in the transformed space of `optuna/_transform.py`, mapped back to the parameter's
/// internal representation.
///
/// Unlike Optuna, whose draws come from one numpy generator shared by the study, each
/// (trial, parameter) draws from its own stream (`TrialSeed`), so a trial's parameters depend
/// only on the study's seed, the trial's number and the parameter's name. numpy's draws are not
/// reproduced; the distribution of the values is.
public struct RandomSampler: Equatable, Sendable {
    /// The study's seed.
    public let seed: UInt64

    /// A sampler for a study seeded with `seed`.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The internal value of parameter `name` (with `distribution`) for trial `trialNumber`.
    public func sample(_ name: String, _ distribution: ParameterDistribution, trialNumber: Int) -> Double {
        var random = TrialSeed(studySeed: seed, trialNumber: trialNumber).randomSource(purpose: name)
        return Self.sample(distribution, using: &random)
    }

    /// The internal values of every parameter of `searchSpace` for trial `trialNumber`.
    public func sample(_ searchSpace: [String: ParameterDistribution], trialNumber: Int) -> [String: Double] {
        searchSpace.reduce(into: [:]) { params, entry in
            params[entry.key] = sample(entry.key, entry.value, trialNumber: trialNumber)
        }
    }

    /// One draw of `distribution`'s internal value from `random`, as Optuna's
    /// `RandomSampler.sample_independent` makes it: U(bounds) of `transformedBounds`, then
    /// `untransform`; a categorical takes one U(0, 1) per choice and the largest wins
    /// (`_SearchSpaceTransform.untransform`'s argmax of the one-hot columns).
    public static func sample(_ distribution: ParameterDistribution, using random: inout RandomSource) -> Double {
        if let count = distribution.choiceCount {
            var best = 0
            var bestDraw = -1.0
            for index in 0..<count {
                let draw = uniform(0, 1, using: &random)
                if draw > bestDraw { best = index; bestDraw = draw }
            }
            return Double(best)
        }
        let bounds = transformedBounds(distribution)
        return untransform(uniform(bounds.low, bounds.high, using: &random), distribution)
    }

    /// A uniform `Double` in [low, high) from 53 random bits, computed as numpy's `uniform`:
    /// low + (high - low) u.
    public static func uniform(_ low: Double, _ high: Double, using random: inout RandomSource) -> Double {
        low + (high - low) * (Double(random.next() >> 11) * 0x1p-53)
    }

    /// The sampling interval of a numerical parameter in the transformed space
    /// (`_transform.py`, `_transform_search_space`): [low, high] (logs for a log float); with a
    /// step, half a step wider on each side; a log int [ln(low - step / 2), ln(high + step / 2)].
    /// A categorical's is [0, 1] (one column per choice).
    public static func transformedBounds(_ distribution: ParameterDistribution) -> (low: Double, high: Double) {
        switch distribution {
        case .float(let low, let high, let log, let step):
            let halfStep = (step ?? 0) / 2
            return log ? (Foundation.log(low), Foundation.log(high)) : (low - halfStep, high + halfStep)
        case .int(let low, let high, let log, let step):
            let halfStep = Double(step) / 2
            return log ? (Foundation.log(Double(low) - halfStep), Foundation.log(Double(high) + halfStep))
                : (Double(low) - halfStep, Double(high) + halfStep)
        case .categorical:
            return (0, 1)
        }
    }

    /// The internal value of a point `value` of a numerical parameter's transformed space
    /// (`_transform.py`, `_untransform_numerical_param`): a log float exp(value) clipped to
    /// [low, high); a stepped float or int the nearest grid point floor((value - low) / step + 0.5)
    /// step + low, clipped to the grid; a log int round(exp(value)) (half to even, as numpy)
    /// clipped to [low, high]; a plain float clipped below high (unless low == high).
    public static func untransform(_ value: Double, _ distribution: ParameterDistribution) -> Double {
        switch distribution {
        case .float(let low, let high, let log, let step):
            if let step, !log {
                let top = gridTop(low: low, high: high, step: step)
                return min(max(((value - low) / step + 0.5).rounded(.down) * step + low, low), top)
            }
            let point = log ? Foundation.exp(value) : value
            guard low < high else { return low }
            return min(max(point, low), high.nextDown)
        case .int(let low, let high, let log, let step):
            let low = Double(low)
            if log {
                return min(max(Foundation.exp(value).rounded(.toNearestOrEven), low), Double(high))
            }
            let step = Double(step)
            let top = gridTop(low: low, high: Double(high), step: step)
            return min(max(((value - low) / step + 0.5).rounded(.down) * step + low, low), top)
        case .categorical(let choices):
            return min(max(value.rounded(.down), 0), Double(choices.count - 1))
        }
    }

    /// The largest point low + k step not above high (Optuna moves `high` there when the range
    /// is not a whole number of steps, `distributions.py` `_adjust_discrete_uniform_high`).
    static func gridTop(low: Double, high: Double, step: Double) -> Double {
        let steps = ((high - low) / step + 1e-9).rounded(.down)
        return min(low + steps * step, high)
    }
}
