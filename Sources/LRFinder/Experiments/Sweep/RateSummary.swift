/// One rate of a sweep, its runs summarised by their medians over seeds.
public struct RateSummary: Equatable, Codable, Sendable {
    /// The rate.
    public var rate: Double
    /// The median best validation metric, a diverged run (or one without a validated epoch)
    /// counting as minus infinity; nil when that median is minus infinity (the rate cannot be best).
    public var validation: Double?
    /// The median test metric at the best epoch over the runs that have one; nil when none has.
    public var test: Double?
    /// The median best epoch over the runs that have one; nil when none has.
    public var bestEpoch: Double?
    /// The median seconds of training plus per-epoch validation over all runs.
    public var seconds: Double
    /// The median epochs run over all runs.
    public var epochsRun: Double
    /// Runs that diverged.
    public var divergedCount: Int
    /// Runs summarised (one per seed finished).
    public var runCount: Int

    /// The summary of `outcomes`, all at `rate`.
    public init(rate: Double, outcomes: [SweepOutcome]) {
        self.rate = rate
        let validations = outcomes.map { $0.diverged ? -Double.infinity : ($0.bestValidation ?? -.infinity) }
        validation = Self.median(validations).flatMap { $0.isFinite ? $0 : nil }
        test = Self.median(outcomes.compactMap(\.testAtBest))
        bestEpoch = Self.median(outcomes.compactMap { $0.bestEpoch.map(Double.init) })
        seconds = Self.median(outcomes.map(\.seconds)) ?? 0
        epochsRun = Self.median(outcomes.map { Double($0.epochsRun) }) ?? 0
        divergedCount = outcomes.filter(\.diverged).count
        runCount = outcomes.count
    }

    /// The median of `values`: the middle one, or the mean of the two middle ones; nil when empty.
    /// Minus infinity sorts first, so it is the median only when at least half the values are.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        let (low, high) = (sorted[middle - 1], sorted[middle])
        return low == high ? low : (low + high) / 2
    }
}
