import Foundation

/// Optuna 5.1.0's `MedianPruner` (`optuna/pruners/_median.py`, the 50th percentile of
/// `optuna/pruners/_percentile.py`'s `PercentilePruner`): stop a running trial whose best
/// intermediate value so far is worse than the median of the COMPLETE trials' values at the
/// trial's last reported step.
public struct MedianPruner: Codable, Equatable, Sendable {
    /// Pruning is off until this many trials are COMPLETE (Optuna's `n_startup_trials`, 5).
    public var startupTrials: Int
    /// Pruning is off while the trial's last step is below this (`n_warmup_steps`, 0).
    public var warmupSteps: Int
    /// Steps between pruning checks, counted from `warmupSteps` (`interval_steps`, 1).
    public var intervalSteps: Int
    /// A step's median needs at least this many COMPLETE trials that reported it, NaN included
    /// (`n_min_trials`, 1).
    public var minimumTrials: Int

    /// A pruner with Optuna's defaults unless given; the counts must be >= 0 (startup, warm-up)
    /// and >= 1 (interval, minimum trials), as `PercentilePruner.__init__` checks.
    public init(startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minimumTrials: Int = 1) {
        precondition(startupTrials >= 0, "startupTrials must be >= 0, got \(startupTrials)")
        precondition(warmupSteps >= 0, "warmupSteps must be >= 0, got \(warmupSteps)")
        precondition(intervalSteps >= 1, "intervalSteps must be >= 1, got \(intervalSteps)")
        precondition(minimumTrials >= 1, "minimumTrials must be >= 1, got \(minimumTrials)")
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
        self.intervalSteps = intervalSteps
        self.minimumTrials = minimumTrials
    }

    /// Decodes a pruner; a missing count takes Optuna's default, an out-of-range one is an error.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let startupTrials = try container.decodeIfPresent(Int.self, forKey: .startupTrials) ?? 5
        let warmupSteps = try container.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? 0
        let intervalSteps = try container.decodeIfPresent(Int.self, forKey: .intervalSteps) ?? 1
        let minimumTrials = try container.decodeIfPresent(Int.self, forKey: .minimumTrials) ?? 1
        guard startupTrials >= 0, warmupSteps >= 0, intervalSteps >= 1, minimumTrials >= 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "MedianPruner: startupTrials and warmupSteps must be >= 0, intervalSteps and minimumTrials >= 1"))
        }
        self.init(startupTrials: startupTrials, warmupSteps: warmupSteps, intervalSteps: intervalSteps,
                  minimumTrials: minimumTrials)
    }

    /// Whether `trial` (after its latest report) should stop, given the study's `trials` (only
    /// the COMPLETE ones count; `trial` itself is ignored unless it is COMPLETE) and `direction`
    /// (`PercentilePruner.prune`): keep with fewer than `startupTrials` COMPLETE trials, before any
    /// report, in the warm-up, or off the interval's first step; prune when the best value so far
    /// is NaN; keep when the median at the last step is NaN; else prune when the best value is
    /// strictly worse than the median.
    public func shouldPrune(_ trial: TuningTrial, trials: [TuningTrial], direction: StudyDirection) -> Bool {
        let completed = trials.filter { $0.state == .complete }
        guard !completed.isEmpty, completed.count >= startupTrials else { return false }
        guard let step = trial.intermediateValues.keys.max(), step >= warmupSteps else { return false }
        guard Self.isFirstInInterval(step: step, steps: trial.intermediateValues.keys,
                                     warmupSteps: warmupSteps, intervalSteps: intervalSteps) else { return false }
        let best = Self.bestIntermediateValue(of: trial, direction: direction)
        if best.isNaN { return true }
        let median = Self.medianIntermediateValue(at: step, completedTrials: completed, minimumTrials: minimumTrials)
        if median.isNaN { return false }
        return direction == .maximize ? best < median : best > median
    }

    /// The trial's best intermediate value over all its steps (`_get_best_intermediate_result_over_steps`):
    /// numpy's `nanmax` (maximize) or `nanmin` (minimize); NaN when every value is NaN or there is none.
    public static func bestIntermediateValue(of trial: TuningTrial, direction: StudyDirection) -> Double {
        let values = trial.intermediateValues.values.filter { !$0.isNaN }
        return (direction == .maximize ? values.max() : values.min()) ?? .nan
    }

    /// The values reported at exactly `step` by the trials that reported it, in trial order
    /// (NaN kept).
    public static func intermediateValues(at step: Int, of trials: [TuningTrial]) -> [Double] {
        trials.compactMap { $0.intermediateValues[step] }
    }

    /// The median of the COMPLETE trials' values at `step`
    /// (`_get_percentile_intermediate_result_over_trials` with percentile 50, the same for both
    /// directions): NaN when fewer than `minimumTrials` reported the step (NaN values count
    /// here), else `percentile(_:50)` of the values, NaN dropped.
    public static func medianIntermediateValue(at step: Int, completedTrials: [TuningTrial], minimumTrials: Int = 1) -> Double {
        let values = intermediateValues(at: step, of: completedTrials)
        guard values.count >= minimumTrials else { return .nan }
        return percentile(values, 50)
    }

    /// numpy's `nanpercentile(values, q)` with its default linear method: NaN dropped, sorted,
    /// virtual index (n - 1) q / 100 between a (below) and b (above) at fraction t, and
    /// numpy's `_lerp`: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5. NaN when no value is left.
    public static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard !sorted.isEmpty else { return .nan }
        let index = Double(sorted.count - 1) * (q / 100)
        let below = Int(index.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = index - Double(below)
        let a = sorted[below], b = sorted[above]
        let difference = b - a
        return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction
    }

    /// Whether `step` is the first reported step of its pruning interval (`_is_first_in_interval_step`):
    /// the largest other reported step lies below the interval's start
    /// ((step - warmupSteps) / intervalSteps) intervalSteps + warmupSteps.
    static func isFirstInInterval(step: Int, steps: some Sequence<Int>, warmupSteps: Int, intervalSteps: Int) -> Bool {
        let start = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps
        let previous = steps.reduce(-1) { $1 > $0 && $1 != step ? $1 : $0 }
        return previous < start
    }
}
