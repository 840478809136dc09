import Foundation

/// A cheap synthetic objective shaped like the study notes' tuned comparison, for checking and
/// timing samplers: a scheduler (5 categories) and a learning rate (log-uniform on [1e-5, 1]),
/// each scheduler with its own best rate 10^-c and best value b; the value falls off as
/// b - 0.1 (log10(1/rate) - c)^2. Maximise; the optimum is 0.95 (onecycle at 1e-2).
public enum SchedulerRateObjective {
    /// The schedulers.
    public static let schedulers = ["constant", "step", "cosine", "onecycle", "cyclic"]
    /// Each scheduler's best exponent c (its best rate is 10^-c) and best value b.
    static let centres = [3.5, 3.0, 2.5, 2.0, 2.2]
    static let heights = [0.80, 0.85, 0.90, 0.95, 0.92]

    /// The best value.
    public static let optimum = 0.95

    /// `scheduler` and `learning_rate`.
    public static let searchSpace: [String: ParameterDistribution] = [
        "scheduler": .categorical(choices: schedulers),
        "learning_rate": .float(low: 1e-5, high: 1, log: true),
    ]

    /// The value at `parameters` (internal representation: the scheduler's index).
    public static func value(_ parameters: [String: Double]) -> Double {
        let scheduler = Int(parameters["scheduler"] ?? 0)
        let distance = -log10(parameters["learning_rate"] ?? 1) - centres[scheduler]
        return heights[scheduler] - 0.1 * distance * distance
    }
}
