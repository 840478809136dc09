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
        validation = Median.of(validations).flatMap { $0.isFinite ? $0 : nil }
        test = Median.of(outcomes.compactMap(\.testAtBest))
        bestEpoch = Median.of(outcomes.compactMap { $0.bestEpoch.map(Double.init) })
        seconds = Median.of(outcomes.map(\.seconds)) ?? 0
        epochsRun = Median.of(outcomes.map { Double($0.epochsRun) }) ?? 0
        divergedCount = outcomes.filter(\.diverged).count
        runCount = outcomes.count
    }
}
