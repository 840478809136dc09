import Foundation

/// Mean, sample standard deviation (n - 1 in the denominator; 0 for one value), minimum and
/// maximum of some values.
public struct Spread: Equatable, Codable, Sendable {
    /// How many values.
    public var count: Int
    /// Their mean.
    public var mean: Double
    /// Their sample standard deviation.
    public var standardDeviation: Double
    /// The smallest.
    public var minimum: Double
    /// The largest.
    public var maximum: Double

    /// The spread of `values`; nil when there are none.
    public init?(_ values: [Double]) {
        guard let low = values.min(), let high = values.max() else { return nil }
        count = values.count
        let average = values.reduce(0, +) / Double(values.count)
        mean = average
        let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        standardDeviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
        minimum = low
        maximum = high
    }
}

/// Several range tests of the same settings (e.g. different seeds) summed up: the mean curve with
/// its spread at every step, and the spread of every suggestion and bound across the runs.
public struct RangeTestEnsemble: Equatable, Codable, Sendable {
    /// The spread of one step across the runs.
    public struct Step: Equatable, Codable, Sendable {
        /// The step's rate (the same in every run).
        public var learningRate: Double
        /// The raw metric across the runs.
        public var loss: Spread
        /// The moving average across the runs.
        public var smoothedLoss: Spread
        /// The lag-free curve across the runs.
        public var lagFreeLoss: Spread
    }

    /// What a ``Value`` is the spread of.
    public enum Quantity: Hashable, Sendable, Codable {
        /// A reference tool's suggestion.
        case suggestion(SuggestionRule)
        /// lrfind's CLR `max_lr`.
        case maximumLearningRate
        /// lrfind's CLR `base_lr`.
        case baseLearningRate

        /// Its word in records: the rule's raw value (`valley`, ..., `torch-lr-finder`), `max-lr` or `base-lr`.
        public var word: String {
            switch self {
            case let .suggestion(rule): rule.rawValue
            case .maximumLearningRate: "max-lr"
            case .baseLearningRate: "base-lr"
            }
        }

        /// Decodes the word.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let word = try container.decode(String.self)
            if let rule = SuggestionRule(rawValue: word) { self = .suggestion(rule); return }
            switch word {
            case "max-lr": self = .maximumLearningRate
            case "base-lr": self = .baseLearningRate
            default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(word)' is not a suggestion rule, max-lr or base-lr")
            }
        }

        /// Encodes the word.
        public func encode(to encoder: any Encoder) throws { try encoder.encodeWord(word) }
    }

    /// A quantity's spread across the runs that produced it.
    public struct Value: Equatable, Codable, Sendable {
        /// What it is: a rule's suggestion or a bound.
        public var name: Quantity
        /// Its spread over the runs that gave a value (count may be below the run count).
        public var spread: Spread
    }

    /// Runs summed up.
    public var runCount: Int
    /// Steps common to all runs (the shortest run's length).
    public var steps: [Step]
    /// Every suggestion rule and bound that at least one run produced.
    public var values: [Value]
    /// One curve to read: the mean raw loss and mean moving average over the common steps, with
    /// the first run's planned steps, stop reason and settings, and the runs' summed time.
    public var meanCurve: RangeTestResult

    /// Sums up `results`.
    /// - Throws: ``RangeTestError`` when there are none or their rates differ on the common steps.
    public init(_ results: [RangeTestResult], settings: AnalysisSettings = AnalysisSettings(), batchesPerEpoch: Int? = nil) throws {
        guard let shortest = results.map(\.steps.count).min() else {
            throw RangeTestError(description: "range test ensemble: no runs to combine")
        }
        let reference = Array(results[0].learningRates.prefix(shortest))
        for (run, result) in results.enumerated() {
            let rates = Array(result.learningRates.prefix(shortest))
            if let step = rates.indices.first(where: { abs(rates[$0] - reference[$0]) > 1e-12 * abs(reference[$0]) }) {
                throw RangeTestError(description: "range test ensemble: run \(run + 1) uses rate \(rates[step]) at step \(step + 1) where run 1 uses \(reference[step]); combine only runs of the same range")
            }
        }
        runCount = results.count
        let analyses = results.map { RangeTestAnalysis($0, settings: settings, batchesPerEpoch: batchesPerEpoch) }
        steps = (0..<shortest).map { i in
            Step(learningRate: reference[i],
                 loss: Spread(results.map { $0.steps[i].loss })!,
                 smoothedLoss: Spread(results.map { $0.steps[i].smoothedLoss })!,
                 lagFreeLoss: Spread(analyses.map { $0.lagFreeLosses[i] })!)
        }
        var values = SuggestionRule.allCases.compactMap { rule in
            Spread(analyses.compactMap { $0.learningRate(suggestedBy: rule) }).map { Value(name: .suggestion(rule), spread: $0) }
        }
        if let maximum = Spread(analyses.compactMap { $0.bounds?.maximumLearningRate }) {
            values.append(Value(name: .maximumLearningRate, spread: maximum))
        }
        if let base = Spread(analyses.compactMap { $0.bounds?.baseLearningRate }) {
            values.append(Value(name: .baseLearningRate, spread: base))
        }
        self.values = values
        meanCurve = RangeTestResult(
            steps: steps.map { RangeTestStep(learningRate: $0.learningRate, loss: $0.loss.mean, smoothedLoss: $0.smoothedLoss.mean) },
            plannedSteps: results[0].plannedSteps, stopReason: results[0].stopReason, settings: results[0].settings,
            seconds: results.map(\.seconds).reduce(0, +))
    }

    /// The spread of `quantity`, if any run produced it.
    public func spread(of quantity: Quantity) -> Spread? { values.first { $0.name == quantity }?.spread }

    /// More decades than this between the runs' lowest and highest `max_lr` means they disagree.
    public static let disagreementDecades = 1.0

    /// How many decades the runs' `max_lr` spans, `log10(highest / lowest)`; nil when fewer than
    /// 2 runs gave bounds.
    public var maximumLearningRateDecades: Double? {
        guard let spread = spread(of: .maximumLearningRate), spread.count >= 2, spread.minimum > 0 else { return nil }
        return log10(spread.maximum / spread.minimum)
    }
}
