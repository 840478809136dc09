import Foundation

/// Optuna 5.1.0's `TPESampler` (`optuna/samplers/_tpe/sampler.py`), the Tree-structured Parzen
/// Estimator of Bergstra et al., "Algorithms for Hyper-Parameter Optimization" (NeurIPS 2011):
/// split the trials (`TPESplit`), fit l(x) to the good group and g(x) to the rest
/// (`ParzenEstimator`), draw `candidateCount` candidates from l and keep the one maximising
/// ln l(x) - ln g(x) (`_compute_acquisition_func` and `_sample`, `sampler.py:605-672`; the
/// first maximum, as `np.argmax`).
///
/// Both modes: independent (Optuna's `multivariate=False`: every parameter on its own, 1-D
/// estimators and argmax) and multivariate (the 5.x default for one objective: one mixture over
/// the parameters in sorted name order with shared weights). Defaults are Optuna's: 10 start-up
/// trials, 24 candidates, prior weight 1, magic clip, no endpoints, constant liar (RUNNING
/// trials go to g). Start-up trials (fewer than 10 COMPLETE + PRUNED, `sampler.py:516-520`)
/// come from `RandomSampler`.
///
/// The candidates are drawn with the project's `RandomSource`, one stream per trial
/// (`TrialSeed`), so they cannot match numpy's draws: the scores of given candidates do (see the
/// golden tests), the suggestions themselves only in distribution.
public struct TPESampler: Equatable, Sendable {
    /// The study's seed.
    public var seed: UInt64
    /// Whether to use one joint mixture (true, Optuna 5.x's default) or one per parameter.
    public var multivariate: Bool
    /// How many COMPLETE + PRUNED trials come from the random sampler first (Optuna: 10).
    public var startupTrialCount: Int
    /// How many candidates are drawn from l(x) and scored (Optuna: 24).
    public var candidateCount: Int
    /// The prior component's unnormalised weight (Optuna: 1).
    public var priorWeight: Double

    /// A sampler with Optuna's defaults, seeded with `seed`.
    public init(seed: UInt64, multivariate: Bool = true, startupTrialCount: Int = 10, candidateCount: Int = 24,
                priorWeight: Double = 1) {
        self.seed = seed
        self.multivariate = multivariate
        self.startupTrialCount = startupTrialCount
        self.candidateCount = candidateCount
        self.priorWeight = priorWeight
    }

    /// The parameters (internal values) for trial `trialNumber` given the study's other
    /// `trials` (any states; the trial itself is ignored if present).
    public func suggest(searchSpace: [String: ParameterDistribution], trials: [TuningTrial],
                        direction: StudyDirection, trialNumber: Int) -> [String: Double] {
        let finished = trials.filter { ($0.state == .complete || $0.state == .pruned) && $0.number != trialNumber }
        if finished.count < startupTrialCount {
            return RandomSampler(seed: seed).sample(searchSpace, trialNumber: trialNumber)
        }
        let split = TPESplit(trials: trials, direction: direction, currentTrialNumber: trialNumber)
        let seedOfTrial = TrialSeed(studySeed: seed, trialNumber: trialNumber)
        if multivariate {
            var random = seedOfTrial.randomSource(purpose: "tpe")
            return bestCandidate(split: split, searchSpace: searchSpace, using: &random)
        }
        var params: [String: Double] = [:]
        for name in searchSpace.keys.sorted() {
            var random = seedOfTrial.randomSource(purpose: "tpe " + name)
            params[name] = bestCandidate(split: split, searchSpace: [name: searchSpace[name]!], using: &random)[name]
        }
        return params
    }

    /// Draws `candidateCount` candidates from l(x) of `split` over `searchSpace` and returns the best.
    func bestCandidate(split: TPESplit, searchSpace: [String: ParameterDistribution],
                       using random: inout some RandomNumberGenerator) -> [String: Double] {
        let below = Self.estimator(for: split.below, searchSpace: searchSpace, priorWeight: priorWeight)
        let above = Self.estimator(for: split.above, searchSpace: searchSpace, priorWeight: priorWeight)
        let candidates = below.sample(count: candidateCount, using: &random)
        let scores = Self.acquisition(candidates, below: below, above: above)
        return candidates[Self.bestIndex(scores)]
    }

    /// The Parzen estimator of `trials`' parameters over `searchSpace` (trials lacking one of
    /// the parameters give no observation), in trial-number order.
    public static func estimator(for trials: [TuningTrial], searchSpace: [String: ParameterDistribution],
                                 priorWeight: Double = 1) -> ParzenEstimator {
        let names = searchSpace.keys.sorted()
        let usable = trials.sorted { $0.number < $1.number }.filter { trial in names.allSatisfy { trial.params[$0] != nil } }
        var observations: [String: [Double]] = [:]
        for name in names { observations[name] = usable.map { $0.params[name]! } }
        return ParzenEstimator(observations: observations, searchSpace: searchSpace, priorWeight: priorWeight)
    }

    /// ln l(x) - ln g(x) of every candidate (`sampler.py` `_compute_acquisition_func`).
    public static func acquisition(_ candidates: [[String: Double]], below: ParzenEstimator, above: ParzenEstimator) -> [Double] {
        candidates.map { below.logPDF($0) - above.logPDF($0) }
    }

    /// The index of the first largest score (`np.argmax`); NaN scores are never chosen unless all are.
    public static func bestIndex(_ scores: [Double]) -> Int {
        var best = 0
        for (index, score) in scores.enumerated() where score > scores[best] || (scores[best].isNaN && !score.isNaN) {
            best = index
        }
        return best
    }
}
