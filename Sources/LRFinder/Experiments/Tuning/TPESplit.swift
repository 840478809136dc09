import Foundation

/// How Optuna 5.1.0's TPE sampler divides a study's trials into the good group (`below`, whose
/// parameters build l(x)) and the rest (`above`, g(x)): the split of Bergstra et al.,
/// "Algorithms for Hyper-Parameter Optimization" (NeurIPS 2011), section 4, as ported from
/// `optuna/samplers/_tpe/sampler.py` (`_split_trials` and its helpers, lines 741-797 and
/// 837-855; trial selection at 576-603; `default_gamma` at 55-60).
///
/// COMPLETE trials are sorted stably by value (maximize: by descending value, equal values still
/// in trial-number order) and the first gamma(n) go below. Only when fewer COMPLETE trials than
/// gamma(n) exist do PRUNED trials fill `below`, ranked by (-last step, last value) (maximize:
/// -last value; a NaN last value counts as +inf; no intermediate values rank as (1, 0)). RUNNING
/// trials always go above (Optuna's constant liar), FAIL trials are ignored, and both groups are
/// returned in trial-number order.
public struct TPESplit: Equatable, Sendable {
    /// The trials of l(x), in trial-number order.
    public var below: [TuningTrial]
    /// The trials of g(x), in trial-number order.
    public var above: [TuningTrial]
    /// The number of finished trials considered (COMPLETE + PRUNED, not RUNNING).
    public var finishedCount: Int
    /// gamma(finishedCount): how many trials go below.
    public var belowCount: Int

    /// Splits `trials` (any order; FAIL ones and `currentTrialNumber` are dropped) for a study
    /// heading in `direction`.
    public init(trials: [TuningTrial], direction: StudyDirection, currentTrialNumber: Int? = nil) {
        let considered = trials.filter { $0.state != .fail && $0.number != currentTrialNumber }
            .sorted { $0.number < $1.number }
        let finished = considered.filter { $0.state == .complete || $0.state == .pruned }
        let running = considered.filter { $0.state == .running }
        finishedCount = finished.count
        belowCount = Self.defaultGamma(finished.count)

        var chosen = Set<Int>()
        let complete = Self.rankedComplete(finished.filter { $0.state == .complete }, direction: direction)
        for trial in complete.prefix(belowCount) { chosen.insert(trial.number) }
        if complete.count < belowCount {
            let pruned = Self.rankedPruned(finished.filter { $0.state == .pruned }, direction: direction)
            for trial in pruned.prefix(belowCount - complete.count) { chosen.insert(trial.number) }
        }
        below = finished.filter { chosen.contains($0.number) }
        above = (finished.filter { !chosen.contains($0.number) } + running).sorted { $0.number < $1.number }
    }

    /// gamma(n) = min(ceil(0.1 n), 25), Optuna's `default_gamma` (`sampler.py:55-56`).
    public static func defaultGamma(_ count: Int) -> Int {
        min(Int((0.1 * Double(count)).rounded(.up)), 25)
    }

    /// COMPLETE trials best first, equal values in their given (trial-number) order.
    static func rankedComplete(_ trials: [TuningTrial], direction: StudyDirection) -> [TuningTrial] {
        let keyed = trials.enumerated().map { (offset: $0.offset, trial: $0.element, value: $0.element.value ?? .nan) }
        return keyed.sorted { lhs, rhs in
            let better = direction == .minimize ? lhs.value < rhs.value : lhs.value > rhs.value
            let worse = direction == .minimize ? lhs.value > rhs.value : lhs.value < rhs.value
            if better { return true }
            if worse { return false }
            return lhs.offset < rhs.offset
        }.map(\.trial)
    }

    /// The ranking key of a PRUNED trial, Optuna's `_get_pruned_trial_score` (`sampler.py:837-848`):
    /// (-last step, last value) for minimize, (-last step, -last value) for maximize, NaN -> +inf,
    /// and (1, 0) for a trial with no intermediate values.
    public static func prunedScore(_ trial: TuningTrial, direction: StudyDirection) -> (step: Int, value: Double) {
        guard let step = trial.intermediateValues.keys.max(), let last = trial.intermediateValues[step] else {
            return (1, 0)
        }
        if last.isNaN { return (-step, .infinity) }
        return (-step, direction == .minimize ? last : -last)
    }

    /// PRUNED trials best first by `prunedScore`, ties in their given (trial-number) order.
    static func rankedPruned(_ trials: [TuningTrial], direction: StudyDirection) -> [TuningTrial] {
        let keyed = trials.enumerated().map { (offset: $0.offset, trial: $0.element, score: prunedScore($0.element, direction: direction)) }
        return keyed.sorted { lhs, rhs in
            if lhs.score.step != rhs.score.step { return lhs.score.step < rhs.score.step }
            if lhs.score.value != rhs.score.value { return lhs.score.value < rhs.score.value }
            return lhs.offset < rhs.offset
        }.map(\.trial)
    }
}
