import Foundation

/// The learning rates the optimizers can be given. The rate is a `Double` everywhere it is
/// computed (schedules, range tests) but reaches ``Optimizer/update(parameters:gradients:learningRate:momentum:)``
/// as a `Float`, so a rate above Float's largest finite value becomes infinite, and one given
/// below Float's smallest normal value is lost to rounding (or computes in slow subnormals).
public enum LearningRateLimits {
    /// Float's smallest normal value, `Float.leastNormalMagnitude` (about 1.175e-38).
    public static let smallestNormal = Double(Float.leastNormalMagnitude)
    /// Float's largest finite value, `Float.greatestFiniteMagnitude` (about 3.403e38).
    public static let largest = Double(Float.greatestFiniteMagnitude)

    /// ``smallestNormal`` and ``largest`` in four significant digits, for messages.
    static let smallestNormalText = String(format: "%.4g", smallestNormal), largestText = String(format: "%.4g", largest)

    /// A rate for a message: 6 significant digits (`-0.001`, `1e+60`, `inf`), and `NaN` for
    /// any NaN (C prints the one `0/0` gives as `-nan`).
    public static func text(_ rate: Double) -> String {
        rate.isNaN ? "NaN" : String(format: "%.6g", rate)
    }

    /// The range a rate given by hand must lie in: an initial rate, a range test's ends.
    public static let given = smallestNormal...largest

    /// Why a rate a schedule gives cannot be trained with, or nil when it can: negative, not a
    /// number, infinite, or above ``largest``. Zero is allowed, and so is a positive rate below
    /// ``smallestNormal``: schedules decay towards 0 (cosine to `eta-min=0`, `step` over many
    /// epochs), as PyTorch's do, where the Float update rounds the step away.
    public static func problem(withScheduledRate rate: Double) -> String? {
        if rate.isNaN { return "is not a number" }
        if rate < 0 { return "is negative" }
        if rate.isInfinite { return "is infinite" }
        if rate > largest { return "is above Float's largest value \(largestText) (the optimizers compute in Float)" }
        return nil
    }

    /// Why a rate given by hand cannot be used, or nil when it lies in ``given``.
    public static func problem(withGivenRate rate: Double) -> String? {
        if rate.isNaN || rate <= 0 { return "must be a positive number" }
        if rate > largest { return "must be at most Float's largest value \(largestText) (the optimizers compute in Float)" }
        if rate < smallestNormal { return "must be at least Float's smallest normal value \(smallestNormalText) (the optimizers compute in Float)" }
        return nil
    }
}
