/// A sweep's answer.
///
/// - The best rate: the highest median over seeds of the best validation metric (a diverged run
///   counting as minus infinity, so a rate whose median run diverged cannot be best); a tie goes
///   to the lower rate.
/// - The trade-off rate (the notes' accuracy-and-time question, decided in epochs so that it does
///   not change from run to run): among the rates whose median validation metric is within
///   `tolerance` points (hundredths of the metric) of the best's, the one with the lowest median
///   best epoch; a tie goes to the higher median validation metric, then to the lower rate.
/// - Seconds (median over seeds) beside each.
public struct SweepAnswer: Equatable, Codable, Sendable {
    /// A chosen rate and its medians.
    public struct Pick: Equatable, Codable, Sendable {
        /// The rate.
        public var rate: Double
        /// Its median best validation metric.
        public var validation: Double
        /// Its median test metric at the best epoch, if any run has one.
        public var test: Double?
        /// Its median best epoch.
        public var bestEpoch: Double
        /// Its median seconds of training plus validation.
        public var seconds: Double
    }

    /// The tolerance of the trade-off, in points (hundredths of the metric).
    public var tolerance: Double
    /// The best rate; nil when every rate's median run diverged (or there are no outcomes).
    public var best: Pick?
    /// The trade-off rate; nil with ``best``.
    public var tradeOff: Pick?
    /// One summary per rate, in increasing rate.
    public var perRate: [RateSummary]

    /// The answer of `outcomes` (any subset of a sweep's runs, in any order).
    public init(outcomes: [SweepOutcome], tolerance: Double = 0.5) {
        self.tolerance = tolerance
        let rates = Set(outcomes.map(\.rate)).sorted()
        perRate = rates.map { rate in RateSummary(rate: rate, outcomes: outcomes.filter { $0.rate == rate }) }
        func pick(_ summary: RateSummary) -> Pick? {
            guard let validation = summary.validation, let epoch = summary.bestEpoch else { return nil }
            return Pick(rate: summary.rate, validation: validation, test: summary.test, bestEpoch: epoch, seconds: summary.seconds)
        }
        let candidates = perRate.compactMap(pick)   // increasing rate
        // The first of the highest: the lowest rate wins a tie.
        best = candidates.reduce(nil) { best, next in best.map { next.validation > $0.validation ? next : $0 } ?? next }
        guard let best else { tradeOff = nil; return }
        // Within tolerance; a relative 1e-12 slack keeps 0.95 - 0.005 from shutting out 0.945.
        let floor = best.validation - tolerance / 100
        let slack = 1e-12 * Swift.max(1, abs(floor))
        tradeOff = candidates.filter { $0.validation >= floor - slack }.reduce(nil) { chosen, next in
            guard let chosen else { return next }
            if next.bestEpoch != chosen.bestEpoch { return next.bestEpoch < chosen.bestEpoch ? next : chosen }
            return next.validation > chosen.validation ? next : chosen
        }
    }
}
