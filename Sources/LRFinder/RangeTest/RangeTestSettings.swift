import Foundation

/// How the rate grows from step to step during a range test.
public enum LearningRateSpacing: String, Codable, CaseIterable, Sendable {
    /// `min * (max / min)^(i / (N - 1))`: equal ratios, as torch-lr-finder's `step_mode='exp'`.
    case exponential
    /// `min + (max - min) * i / (N - 1)`: equal differences, as torch-lr-finder's `'linear'`.
    case linear

    /// The rate of step `index` (0-based) of `count`; step 0 is exactly `minimum` and step
    /// `count - 1` exactly `maximum` (torch-lr-finder's `ExponentialLR`/`LinearLR` convention;
    /// fastai's `start * (end/start)^(i/num_it)` never reaches `end`).
    ///
    /// The exponential rate is torch-lr-finder's `min * (max/min)^f` to the last bit while
    /// `max/min` is finite, and `exp(log(min) + f (log(max) - log(min)))`, in log space, when the
    /// ratio overflows a Double (1e-300 to 1e300), where the ratio form gives infinity at step 1;
    /// the linear one interpolates so that `max - min` cannot overflow either.
    public func learningRate(step index: Int, of count: Int, from minimum: Double, to maximum: Double) -> Double {
        guard count > 1 else { return minimum }
        if index <= 0 { return minimum }
        if index >= count - 1 { return maximum }
        let fraction = Double(index) / Double(count - 1)
        switch self {
        case .exponential:
            let ratio = maximum / minimum
            if ratio.isFinite { return minimum * pow(ratio, fraction) }
            return exp(log(minimum) + fraction * (log(maximum) - log(minimum)))
        case .linear:
            let span = maximum - minimum
            if span.isFinite { return minimum + span * fraction }
            return minimum * (1 - fraction) + maximum * fraction
        }
    }
}

/// What a range test records at each step.
///
/// For validation accuracy the curve holds the validation *error rate* `1 - accuracy`, so that
/// lower is better for every metric and one set of rules (best so far, divergence, minimum,
/// steepest descent) serves all three: "diverging" then means accuracy collapsing, i.e. the error
/// rate climbing past `divergenceFactor` times its best (from 5 % to 20 % error with the default 4).
public enum RangeTestMetric: String, Codable, CaseIterable, Sendable {
    /// The batch's training loss, measured before the update (as torch-lr-finder and fastai do).
    case trainingLoss = "train-loss"
    /// The mean loss over the validation split after the step's update(s) (slow: a full pass per step).
    case validationLoss = "val-loss"
    /// The validation error rate `1 - accuracy` after the step's update(s).
    case validationAccuracy = "val-accuracy"

    /// Whether the metric needs a validation split.
    public var needsValidation: Bool { self != .trainingLoss }
}

/// How many rate steps a range test takes.
public enum RangeTestLength: Equatable, Codable, Sendable {
    /// ``SmallData/defaultEpochs`` epochs or ``SmallData/defaultMinimumSteps`` steps, whichever is
    /// more (``SmallData/defaultLength(batchesPerEpoch:batchesPerStep:)``).
    case automatic
    /// `epochs * batchesPerEpoch / batchesPerStep` steps (rounded down), as the PyImageSearch finder.
    case epochs(Int)
    /// Exactly this many steps, as torch-lr-finder's and fastai's `num_iter`/`num_it`.
    case steps(Int)
}

/// The divergence stop of a range test: stop when the smoothed loss has risen well above the best.
///
/// The rule is `smoothed - best > (factor - 1) * max(|best|, 1e-8)`. For a positive best it is
/// exactly fastai's and the PyImageSearch finder's `smoothed > factor * best`; unlike that form it
/// stays meaningful when the best is zero (any rise above a tiny floor counts) or negative (a rise
/// of `factor - 1` times the best's magnitude), where `smoothed > factor * best` would fire at once
/// or never.
public struct DivergenceRule: Equatable, Codable, Sendable {
    /// How far above the best the smoothed loss may climb, as a multiple (> 1).
    public var factor: Double
    /// The magnitude floor that keeps the rule working around a zero best.
    public static let magnitudeFloor = 1e-8

    /// A rule with `factor` (4 in fastai, 5 in torch-lr-finder).
    public init(factor: Double) { self.factor = factor }

    /// Whether `smoothed` counts as diverged from `best`.
    public func hasDiverged(_ smoothed: Double, best: Double) -> Bool {
        smoothed - best > (factor - 1) * max(abs(best), Self.magnitudeFloor)
    }
}

/// The settings of a learning-rate range test run (Smith 2017, "Cyclical Learning Rates for
/// Training Neural Networks", arXiv:1506.01186, section 3.3). The batch size, batch order and
/// model belong to the trainer; reading the curve belongs to ``AnalysisSettings``.
public struct RangeTestSettings: Equatable, Codable, Sendable {
    /// The first step's rate.
    public var minimumLearningRate: Double = 1e-10
    /// The last step's rate.
    public var maximumLearningRate: Double = 10
    /// Exponential or linear growth.
    public var spacing: LearningRateSpacing = .exponential
    /// Number of rate steps.
    public var length: RangeTestLength = .automatic
    /// Batches trained at each rate; their losses are averaged into one point.
    public var batchesPerStep: Int = 1
    /// What is recorded at each step.
    public var metric: RangeTestMetric = .trainingLoss
    /// The bias-corrected moving average's beta (fastai 0.98).
    public var smoothingBeta: Double = 0.98
    /// The divergence stop's factor on the smoothed loss (fastai 4).
    public var divergenceFactor: Double = 4
    /// Whether the test stops at divergence; false runs the whole range.
    public var stopsOnDivergence: Bool = true
    /// The most validation rungs: steps after which the validation split is scored, spread
    /// evenly over the test, for the validation-aware bounds (``ValidationRungs``); the count
    /// run is smaller when the validation split is large (``ValidationRungs/count(maximum:steps:samplesPerStep:validationCount:)``).
    /// 0 turns them off.
    public var validationRungs: Int = 16

    /// The defaults: 1e-10 to 10, exponential, 5 epochs or 100 steps (whichever is more), training
    /// loss, beta 0.98, factor 4.
    public init() {}

    /// The stop rule with ``divergenceFactor``.
    public var divergenceRule: DivergenceRule { DivergenceRule(factor: divergenceFactor) }

    /// Rate steps for a trainer with `batchesPerEpoch` batches per epoch.
    public func stepCount(batchesPerEpoch: Int) -> Int {
        switch resolvedLength(batchesPerEpoch: batchesPerEpoch) {
        case .automatic: return 0
        case .steps(let steps): return steps
        case .epochs(let epochs):
            // Saturates rather than overflows; `validate` refuses a count that does not fit.
            let (batches, overflow) = epochs.multipliedReportingOverflow(by: batchesPerEpoch)
            return (overflow ? Int.max : batches) / max(1, batchesPerStep)
        }
    }

    /// ``length`` with ``RangeTestLength/automatic`` resolved for `batchesPerEpoch` batches per epoch.
    public func resolvedLength(batchesPerEpoch: Int) -> RangeTestLength {
        length == .automatic ? SmallData.defaultLength(batchesPerEpoch: batchesPerEpoch, batchesPerStep: batchesPerStep) : length
    }

    /// The rate of step `index` of `count`.
    public func learningRate(step index: Int, of count: Int) -> Double {
        spacing.learningRate(step: index, of: count, from: minimumLearningRate, to: maximumLearningRate)
    }

    /// Checks the values that need no data: the rates (normal Floats, the last above the first),
    /// the length, the batches per step, beta and the divergence factor.
    /// - Throws: ``RecipeError`` naming the setting, what it must be and its value.
    public func validate() throws {
        if let problem = LearningRateLimits.problem(withGivenRate: minimumLearningRate) {
            throw RecipeError.requirement(.minimumLearningRate, problem, got: minimumLearningRate)
        }
        if let problem = LearningRateLimits.problem(withGivenRate: maximumLearningRate) {
            throw RecipeError.requirement(.maximumLearningRate, problem, got: maximumLearningRate)
        }
        guard maximumLearningRate > minimumLearningRate else {
            throw RecipeError.requirement(.maximumLearningRate, "must be above the first rate (\(minimumLearningRate))", got: maximumLearningRate)
        }
        if case .epochs(let epochs) = length, epochs < 1 { throw RecipeError.requirement(.rangeTestEpochs, "must be >= 1", got: epochs) }
        guard validationRungs >= 0 else { throw RecipeError.requirement(.validationRungs, "must be >= 0", got: validationRungs) }
        if case .steps(let steps) = length, steps < 2 {
            throw RecipeError.requirement(.rangeTestSteps, "must be >= 2 (the first uses the first rate, the last the last)", got: steps)
        }
        guard batchesPerStep >= 1 else { throw RecipeError.requirement(.batchesPerStep, "must be >= 1", got: batchesPerStep) }
        guard smoothingBeta >= 0, smoothingBeta < 1 else { throw RecipeError.requirement(.smoothingBeta, "must be in [0, 1)", got: smoothingBeta) }
        guard divergenceFactor > 1, divergenceFactor.isFinite else {
            throw RecipeError.requirement(.divergenceFactor, "must be above 1", got: divergenceFactor)
        }
    }

    /// ``validate()``, and the length for a trainer with `batchesPerEpoch` batches per epoch: a
    /// count that fits 64 bits and at least 2 steps.
    /// - Throws: ``RecipeError`` naming the setting, what it must be and its value.
    public func validate(batchesPerEpoch: Int) throws {
        try validate()
        let lengthSetting: RecipeSetting = if case .steps = length { .rangeTestSteps } else { .rangeTestEpochs }
        guard batchesPerEpoch > 0 else {
            throw RecipeError(setting: lengthSetting, reason: "the training split has no batch")
        }
        if case .epochs(let epochs) = resolvedLength(batchesPerEpoch: batchesPerEpoch), epochs.multipliedReportingOverflow(by: batchesPerEpoch).overflow {
            throw RecipeError.requirement(lengthSetting, "times \(batchesPerEpoch) batches per epoch is more steps than a 64-bit count holds; must be fewer",
                                          got: epochs)
        }
        let steps = stepCount(batchesPerEpoch: batchesPerEpoch)
        guard steps >= 2 else {
            throw RecipeError(setting: lengthSetting, reason: "gives \(steps) step of \(batchesPerStep) batches on \(batchesPerEpoch) batches per epoch; a test needs at least 2 (the first uses the first rate, the last the last)")
        }
    }
}

/// A range test that cannot run as asked.
public struct RangeTestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line naming the setting, its value and what is allowed.
    public var description: String
}
