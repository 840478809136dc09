import Foundation

/// Learning rates for a cyclical (CLR) and a one-cycle schedule, read off a range-test curve.
///
/// The rule (``recommend(points:pointCount:batchesPerEpoch:)``), on the lag-free curve's
/// landmarks (``CurvePoints``):
/// - `maximumLearningRate` = the rate at the lag-free minimum, where the loss stops improving:
///   Smith's max_lr, "the learning rate value when the accuracy slows, becomes ragged, or starts
///   to fall" (CLR, arXiv:1506.01186, section 3.3; one-cycle, arXiv:1803.09820, section 4.1),
///   kept a decade below the divergence point when the minimum sits in the ragged region just
///   before the blow-up. On the causal moving average the minimum lags 1-3 decades to the right,
///   which is why fastai's `minimum` rule divides it by 10; on the lag-free curve it does not.
///   Measured on mnist5k (`mlp`, AdamW, `lrfind --min 1e-4 --max 1 --epochs 5`, lag-free minimum
///   about 0.005): one-cycle and CLR for 10 epochs reach a median test accuracy of 0.941 at
///   max 0.0045, against 0.936 at 0.003, 0.932 at 0.002 and 0.928 at 0.0012 (seeds 0-2).
/// - `baseLearningRate` (CLR lower bound) = the rate where the loss starts to fall, kept between
///   max/10 and max/4 (Smith 2017 section 3.3: base where the loss starts to improve, or max/3 to
///   max/4; the peers used max/10).
/// - `stepSize` (CLR half cycle) = 4 x iterations per epoch (Smith 2017 section 3.1: 2 to 10).
/// - `oneCycleMaximumLearningRate` = ``oneCycleFactor`` (1.25) x max, but no more than the blow-up
///   rate / ``oneCycleDivergenceDivisor`` (and max itself when the curve never blew up): one-cycle
///   warms up from its peak / 25 and anneals far below it, so it trains at a higher peak than a
///   CLR cycle that returns to max again and again; Smith runs it up to near the largest rate
///   that still trains (arXiv:1803.09820, section 4.1). Calibrated against one-cycle grids of 21
///   peaks x 5 seeds on mnist5k (mlp, cnn), digits (mlp) and diabetes (mlp, logreg)
///   (docs/calibration.md, "One-cycle's own peak"): CLR's max already lies on every grid's
///   plateau; the best peaks of the two mnist5k pairs lie at 1.4 and 1.5 x it, and 1.4 x is where
///   the cnn's peak leaves its plateau, so 1.25 moves towards the best and keeps a margin. The
///   policy starts at the peak / 25 (PyTorch
///   `OneCycleLR(div_factor=25)`), given as `oneCycleInitialLearningRate`.
///
/// No recommendation, with the reason, when the loss never falls by 3 % of its first value and
/// its fall is not beyond its batch noise either (nothing to read: widen the range or train
/// longer per step), when its fall is within its own batch noise (``CurveSignal``, fall < 2.5 x
/// noise) and its minimum lies more than ``flatMinimumReach`` decades below the blow-up or it
/// never blows up without still falling at the end (the minimum is then the lowest draw of flat
/// noise, as on a converged checkpoint), or when its minimum lies within
/// the first 5 % of the points and the curve then diverges (it diverges at once: lower the
/// minimum rate). A curve that never
/// diverges still gets bounds from its minimum, with a note (and a stronger one when the minimum
/// is at the very end, so the true minimum lies beyond the range). The landmarks come from the
/// lag-free curve, not from raw batch losses; the raw losses only measure the noise.
public struct LearningRateBounds: Equatable, Codable, Sendable {
    /// CLR `max_lr`, the upper bound.
    public var maximumLearningRate: Double
    /// CLR `base_lr`, the lower bound.
    public var baseLearningRate: Double
    /// CLR `step_size_up` in iterations; nil when the iterations per epoch are unknown.
    public var stepSize: Int?
    /// One-cycle `max_lr`.
    public var oneCycleMaximumLearningRate: Double
    /// One-cycle starting rate, `max_lr / 25`.
    public var oneCycleInitialLearningRate: Double
    /// Caveats about the curve the bounds came from.
    public var notes: [String]

    /// The smallest drop below the first loss, as a fraction of it, that counts as falling.
    public static let minimumRelativeDrop = 0.03
    /// The share of the curve in which a minimum means "diverges at once".
    public static let earlyMinimumShare = 0.05
    /// CLR half cycle in epochs.
    public static let stepSizeEpochs = 4
    /// How far below the divergence point the maximum stays (the ragged region before it).
    public static let raggedMargin = 10.0
    /// PyTorch `OneCycleLR`'s default `div_factor`.
    public static let oneCycleDivisionFactor = 25.0
    /// One-cycle's peak as a multiple of CLR's max.
    public static let oneCycleFactor = 1.25
    /// One-cycle's peak stays at or below the blow-up rate divided by this.
    public static let oneCycleDivergenceDivisor = 5.0

    /// One-cycle's peak for a CLR `maximum` on a curve that blew up at `divergence` (nil: never).
    public static func oneCycleMaximum(for maximum: Double, divergence: Double?) -> Double {
        guard let divergence else { return maximum }
        return Swift.max(maximum, Swift.min(oneCycleFactor * maximum, divergence / oneCycleDivergenceDivisor))
    }
    /// How many decades below the blow-up the minimum of a curve without a significant fall may
    /// lie and still give bounds: there the minimum marks where the flat loss starts to rise (the
    /// README's 5-epoch mnist5k checkpoint: 1.18 decades); further below, it is noise (the
    /// converged digits checkpoint: 4.7 decades).
    public static let flatMinimumReach = 1.5

    /// The bounds for a curve with landmarks `points` over `pointCount` points.
    /// - Parameters:
    ///   - batchesPerEpoch: batches per epoch of the training to come (for `stepSize`).
    ///   - signal: the curve's fall against its noise; nil skips that test.
    public static func recommend(points: CurvePoints, pointCount: Int, batchesPerEpoch: Int? = nil,
                                 signal: CurveSignal? = nil) -> Result<LearningRateBounds, NoRecommendation> {
        guard let minimum = points.minimum, let initial = points.initialLoss, pointCount >= 5 else {
            return .failure(NoRecommendation(reason: "the curve has fewer than 5 usable points"))
        }
        let earlyLimit = max(1, Int(earlyMinimumShare * Double(pointCount)))
        if minimum.index < earlyLimit, points.divergence != nil {
            return .failure(NoRecommendation(reason: String(
                format: "the loss rises from the start (lowest at step %d of %d, rate %.3g): lower the minimum rate",
                minimum.index, pointCount, minimum.learningRate)))
        }
        let drop = (initial - minimum.loss) / max(abs(initial), DivergenceRule.magnitudeFloor)
        // The relative drop is the fallback test; a fall measured beyond the curve's own noise
        // passes however small against the first value (penguins: 3.0 %, 4.7x its noise).
        guard drop >= minimumRelativeDrop || signal?.isSignificant == true else {
            return .failure(NoRecommendation(reason: String(
                format: "the loss never falls (at most %.1f%% below its first value %.4g): widen the range or train more batches per step",
                max(0, drop) * 100, initial)))
        }
        var notes: [String] = []
        // A curve still falling at the end of the range has a trend, not a noise floor: it keeps
        // its bounds (with the notes below) however noisy its batches.
        if let signal, !signal.isSignificant, !(points.divergence == nil && points.isStillFalling) {
            let fallText = String(format: "fall %.3g = %.2f x the batch noise %.3g, below %gx",
                                  signal.fall, signal.ratio, signal.noise, CurveSignal.minimumRatio)
            guard let divergence = points.divergence,
                  log10(divergence.learningRate / minimum.learningRate) <= flatMinimumReach else {
                let place = points.divergence.map {
                    String(format: "%.1f decades below the blow-up (%.3g)", log10($0.learningRate / minimum.learningRate), $0.learningRate)
                } ?? "and the loss never blows up"
                return .failure(NoRecommendation(reason: "the loss does not fall beyond its noise (\(fallText)): its minimum ("
                    + String(format: "%.3g", minimum.learningRate) + ") is the lowest draw of flat noise, \(place); a converged model has nothing left to learn here"
                    + " (start from an earlier checkpoint, or test a range that ends near the blow-up)"))
            }
            notes.append("the loss does not fall beyond its noise (\(fallText)): max_lr marks where the flat loss starts to rise, "
                         + String(format: "%.1f decades below the blow-up (%.3g)", log10(divergence.learningRate / minimum.learningRate), divergence.learningRate))
        }
        var maximum = minimum.learningRate
        if let divergence = points.divergence, maximum > divergence.learningRate / raggedMargin {
            maximum = divergence.learningRate / raggedMargin
            notes.append(String(format: "the minimum (%.3g) lies within a decade of the blow-up (%.3g); max kept a decade below it",
                                minimum.learningRate, divergence.learningRate))
        }
        if points.divergence == nil {
            notes.append(points.isStillFalling
                ? String(format: "the loss was still falling at the largest rate tried (%.3g); the real minimum lies beyond: raise the maximum rate", minimum.learningRate)
                : "the loss did not diverge within the range; bounds come from its minimum")
        }
        let start = points.fallStart?.learningRate ?? maximum / 10
        let base = clampedBase(start, maximum: maximum)
        let peak = oneCycleMaximum(for: maximum, divergence: points.divergence?.learningRate)
        return .success(LearningRateBounds(
            maximumLearningRate: maximum, baseLearningRate: base,
            stepSize: batchesPerEpoch.map { stepSizeEpochs * $0 },
            oneCycleMaximumLearningRate: peak, oneCycleInitialLearningRate: peak / oneCycleDivisionFactor,
            notes: notes))
    }
}

extension LearningRateBounds {
    /// These bounds, read off the runs' mean curve, checked against the runs one by one: when the
    /// runs' `max_lr` spans more than ``RangeTestEnsemble/disagreementDecades`` decades, the
    /// cautious end, the lowest run's `max_lr` (if lower), with `base_lr` kept between max/10 and
    /// max/4 and the one-cycle rates following, and a note giving the disagreement. A rate too
    /// high diverges the training to come; one too low only trains it slowly.
    public func cautious(given ensemble: RangeTestEnsemble) -> LearningRateBounds {
        guard let decades = ensemble.maximumLearningRateDecades, decades > RangeTestEnsemble.disagreementDecades,
              let spread = ensemble.spread(of: .maximumLearningRate) else { return self }
        let maximum = Swift.min(maximumLearningRate, spread.minimum)
        // One-cycle's peak keeps its ratio to max (the blow-up cap is the mean curve's).
        var bounds = lowered(to: maximum, oneCyclePeak: Swift.min(oneCycleMaximumLearningRate, maximum * oneCycleMaximumLearningRate / maximumLearningRate))
        let which = spread.count < ensemble.runCount ? "\(spread.count) of the \(ensemble.runCount) runs that give bounds" : "\(ensemble.runCount) runs"
        bounds.notes.append("the \(which) disagree by " + String(format: "%.1f decades on max_lr (%.3g to %.3g)", decades, spread.minimum, spread.maximum)
                            + ": max_lr is the lowest run's, the cautious end; more batches per step (--batches-per-step) or more runs steady the curve")
        return bounds
    }
}

extension LearningRateBounds {
    /// `base` kept between `maximum` / ``raggedMargin`` (10) and `maximum` / 4 (Smith 2017,
    /// section 3.3: max/3 to max/4; the peers used max/10).
    static func clampedBase(_ base: Double, maximum: Double) -> Double {
        Swift.min(Swift.max(base, maximum / raggedMargin), maximum / 4)
    }

    /// These bounds with CLR's max lowered to `maximum` (base_lr clamped to it again) and
    /// one-cycle's peak at `peak`, starting at `peak` / 25; step size and notes kept.
    func lowered(to maximum: Double, oneCyclePeak peak: Double) -> LearningRateBounds {
        var bounds = self
        bounds.maximumLearningRate = maximum
        bounds.baseLearningRate = Self.clampedBase(baseLearningRate, maximum: maximum)
        bounds.oneCycleMaximumLearningRate = peak
        bounds.oneCycleInitialLearningRate = peak / Self.oneCycleDivisionFactor
        return bounds
    }
}

/// Why a curve gives no learning-rate bounds.
public struct NoRecommendation: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// What about the curve prevents a recommendation, and what to change.
    public var reason: String

    /// "no recommendation: REASON".
    public var description: String { "no recommendation: \(reason)" }
}
