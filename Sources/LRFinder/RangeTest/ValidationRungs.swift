import Foundation

/// The validation split scored after one step of a range test.
public struct ValidationRung: Equatable, Codable, Sendable {
    /// The step, from 1.
    public var step: Int
    /// The step's rate.
    public var learningRate: Double
    /// The validation loss after the step's update(s).
    public var loss: Double
    /// The validation accuracy (classification) or R-squared (regression).
    public var metric: Double?

    /// A rung from its parts.
    public init(step: Int, learningRate: Double, loss: Double, metric: Double?) {
        (self.step, self.learningRate, self.loss, self.metric) = (step, learningRate, loss, metric)
    }
}

/// Validation-aware bounds: a range test reads the training loss, which keeps falling while a
/// model over-fits small data; the validation loss, scored at a few rungs along the test, bottoms
/// out at a lower rate. When it does so clearly, the bounds follow the validation.
///
/// The rule, and why:
/// - **Rungs.** Up to ``RangeTestSettings/validationRungs`` (16) steps spread evenly over the
///   test score the whole validation split, as many as cost at most ``costShare`` of the test's
///   training work (a validation sample's forward pass counted as a third of a training sample's
///   forward and backward pass), and none below ``minimumCount``. Small data, where over-fitting
///   within a range test happens, gets all 16; mnist5k (1,000 validation images, 235 steps of 64)
///   gets 6.
/// - **When it applies.** The validation loss's lowest rung lies at least ``minimumDecades``
///   below the training curve's `max_lr`, and at the last rung at or below `max_lr` it has risen
///   by at least ``minimumRise`` of its lowest value: a measured gap between train and validation,
///   not a flat validation curve's noise. Large data, whose validation loss bottoms out with the
///   training loss, keeps its bounds.
/// - **Then** `max_lr` (CLR and one-cycle) is the rate of the lowest rung, `base_lr` stays
///   between max/10 and max/4, and a note says so.
public enum ValidationRungs {
    /// The largest share of a range test's training work the rungs may add.
    public static let costShare = 0.15
    /// Fewer rungs than this cannot place a minimum: none are run.
    public static let minimumCount = 4
    /// How far below the training `max_lr`, in decades, the validation minimum must lie.
    public static let minimumDecades = 0.5
    /// How far above its lowest value the validation loss must have risen by `max_lr`.
    public static let minimumRise = 0.10

    /// The rungs of a test of `steps` steps of `samplesPerStep` training samples, with
    /// `validationCount` validation samples, at most `maximum`.
    public static func count(maximum: Int, steps: Int, samplesPerStep: Int, validationCount: Int) -> Int {
        guard maximum > 0, validationCount > 0, steps > 0 else { return 0 }
        let affordable = costShare * 3 * Double(steps) * Double(samplesPerStep) / Double(validationCount)
        let count = min(Double(maximum), Double(steps), affordable.rounded(.down))
        return count >= Double(minimumCount) ? Int(count) : 0
    }

    /// The steps (from 1) of `count` rungs spread evenly over `stepCount` steps, the last at the end.
    public static func steps(count: Int, of stepCount: Int) -> Set<Int> {
        guard count > 0, stepCount > 0 else { return [] }
        return Set((1...count).map { Int((Double($0) * Double(stepCount) / Double(count)).rounded(.up)) })
    }

    /// `bounds` read off the training loss, following the validation loss of `rungs` when the
    /// rule applies (with a note), else unchanged.
    public static func adjusted(_ bounds: LearningRateBounds, rungs: [ValidationRung]) -> LearningRateBounds {
        let scored = rungs.filter { $0.loss.isFinite }
        guard scored.count >= minimumCount, let lowest = scored.min(by: { $0.loss < $1.loss }) else { return bounds }
        let maximum = bounds.maximumLearningRate
        guard log10(maximum / lowest.learningRate) >= minimumDecades,
              let atMaximum = scored.last(where: { $0.learningRate <= maximum }) else { return bounds }
        let rise = (atMaximum.loss - lowest.loss) / max(abs(lowest.loss), DivergenceRule.magnitudeFloor)
        guard rise >= minimumRise else { return bounds }
        var adjusted = bounds.lowered(to: lowest.learningRate, oneCyclePeak: lowest.learningRate)
        adjusted.notes.append(String(format: "the validation loss bottoms out at %.3g (rung at step %d), %.1f decades below the training loss's max_lr %.3g, and is %.0f%% higher there: the model over-fits as the test goes on, so the bounds follow the validation loss",
                                     lowest.learningRate, lowest.step, log10(maximum / lowest.learningRate), maximum, rise * 100))
        return adjusted
    }
}
