import Foundation

/// The search space of one tuned parameter, as Optuna 5.1.0 describes it
/// (`optuna/distributions.py`: `FloatDistribution`, `IntDistribution`, `CategoricalDistribution`).
///
/// Every value is held in Optuna's *internal representation*, a `Double`: a float as is, an
/// integer as a whole `Double`, a category as its index into `choices`. The samplers work in the
/// *transformed space*: the natural log of the internal value when `log` is set, else the value.
public enum ParameterDistribution: Codable, Equatable, Sendable {
    /// A real number in [low, high]; `log` samples ln x uniformly; `step` (not with `log`) a grid.
    case float(low: Double, high: Double, log: Bool = false, step: Double? = nil)
    /// A whole number in [low, high] on the grid low, low + step, ...; `log` (step 1 only) samples ln x.
    case int(low: Int, high: Int, log: Bool = false, step: Int = 1)
    /// One of `choices`; the internal value is the chosen index.
    case categorical(choices: [String])

    /// Whether the transformed space is the natural log of the internal value.
    public var isLog: Bool {
        switch self {
        case .float(_, _, let log, _), .int(_, _, let log, _): log
        case .categorical: false
        }
    }

    /// Whether this is a categorical parameter (its internal value is an index, not a number).
    public var isCategorical: Bool {
        if case .categorical = self { return true }
        return false
    }

    /// The number of choices of a categorical parameter, nil for a numerical one.
    public var choiceCount: Int? {
        if case .categorical(let choices) = self { return choices.count }
        return nil
    }

    /// The lowest and highest internal value (a categorical one: 0 and count - 1).
    public var internalBounds: (low: Double, high: Double) {
        switch self {
        case .float(let low, let high, _, _): (low, high)
        case .int(let low, let high, _, _): (Double(low), Double(high))
        case .categorical(let choices): (0, Double(choices.count - 1))
        }
    }

    /// The grid step of the internal value, nil for a continuous float or a categorical.
    public var internalStep: Double? {
        switch self {
        case .float(_, _, _, let step): step
        case .int(_, _, _, let step): Double(step)
        case .categorical: nil
        }
    }

    /// An internal value in the transformed space: ln when `isLog`, else unchanged.
    public func transformed(_ value: Double) -> Double { isLog ? Foundation.log(value) : value }

    /// The internal value of a point of the transformed space: exp when `isLog`, else unchanged.
    public func untransformed(_ value: Double) -> Double { isLog ? Foundation.exp(value) : value }

    /// Whether an internal value is one this distribution can take (in bounds, on the grid, a valid index).
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        switch self {
        case .float(let low, let high, _, let step):
            guard low <= value, value <= high else { return false }
            guard let step else { return true }
            let k = ((value - low) / step).rounded()
            return abs(value - (low + k * step)) <= 1e-8 * max(1, abs(value))
        case .int(let low, let high, _, let step):
            guard value == value.rounded(), Double(low) <= value, value <= Double(high) else { return false }
            return (Int(value) - low) % step == 0
        case .categorical(let choices):
            return value == value.rounded() && value >= 0 && value < Double(choices.count)
        }
    }
}

/// The state of a trial, as Optuna's `TrialState` (`optuna/trial/_state.py`) without WAITING.
public enum TrialState: String, Codable, Equatable, Sendable {
    /// Running: its value is not known yet (TPE's constant liar puts it in the worse group).
    case running
    /// Finished with a value.
    case complete
    /// Stopped early by a pruner; its intermediate values rank it.
    case pruned
    /// Failed; samplers ignore it.
    case fail
}

/// Whether a study wants the smallest or the largest objective value.
public enum StudyDirection: String, Codable, Equatable, Sendable {
    /// Smaller values are better.
    case minimize
    /// Larger values are better.
    case maximize
}

/// One trial of a tuning study: its parameters in the internal representation, its state, its
/// final value and its per-step intermediate values (what Optuna's `FrozenTrial` holds for TPE).
public struct TuningTrial: Codable, Equatable, Sendable {
    /// The 0-based trial number, in creation order.
    public var number: Int
    /// The trial's state.
    public var state: TrialState
    /// Parameter name to internal value (category index, integer as Double, float as is).
    public var params: [String: Double]
    /// The objective value of a COMPLETE trial; nil otherwise.
    public var value: Double?
    /// Step to intermediate value, as reported to a pruner.
    public var intermediateValues: [Int: Double]

    /// A trial with the given fields; intermediate values default to none.
    public init(number: Int, state: TrialState, params: [String: Double], value: Double? = nil,
                intermediateValues: [Int: Double] = [:]) {
        self.number = number
        self.state = state
        self.params = params
        self.value = value
        self.intermediateValues = intermediateValues
    }
}
