import Foundation

/// A learning-rate suggestion rule of a reference LR finder, applied to a stored range-test curve
/// exactly as that tool applies it (same trimming, same tie-breaking), so that lrfind picks the
/// same point as the tool on the same curve.
///
/// Sources: fastai 2.8.12 `fastai/callback/schedule.py` (`valley`, `slide`, `minimum`, `steep`,
/// and `Learner.lr_find`'s trimming `[num_it // 10 : -5]` then a cut at the first NaN);
/// torch-lr-finder 0.2.2 `torch_lr_finder/lr_finder.py` (`LRFinder.plot(skip_start=10,
/// skip_end=5, suggest_lr=True)`: `argmin(np.gradient(losses))`). Deviation: both families cut the
/// curve at the first NaN *or infinite* loss (fastai cuts at NaN only; torch-lr-finder not at all),
/// so a diverged tail never becomes the answer.
public enum SuggestionRule: String, CaseIterable, Codable, Sendable {
    /// fastai `valley`: about two thirds down the longest strictly decreasing subsequence.
    case valley
    /// fastai `slide(lr_diff=15, thresh=0.005)`: walks left from the end while the gradient 15
    /// points apart still differs by more than the threshold.
    case slide
    /// fastai `minimum`: the rate at the lowest loss, divided by 10.
    case minimum
    /// fastai `steep`: the left end of the steepest segment of loss against ln(rate).
    case steep
    /// torch-lr-finder: the most negative `numpy.gradient` of the loss against the point index.
    case steepestGradient = "torch-lr-finder"

    /// Points fastai's `slide` compares (`lr_diff`).
    public static let slideDistance = 15
    /// The gradient difference that counts as still sliding (`thresh`, in loss units).
    public static let slideThreshold = 0.005
    /// Points torch-lr-finder drops at the start (`skip_start`).
    public static let steepestGradientSkipStart = 10
    /// Points both tools drop at the end (`skip_end`).
    public static let skipEnd = 5

    /// The rule's pick on a curve.
    /// - Parameters:
    ///   - learningRates: the rate of every point of the full stored curve (positive).
    ///   - losses: the loss at every point (smoothed or raw, as the tool stored it).
    ///   - iterationCount: the number of steps the test was asked for (fastai's `num_it`; its
    ///     tenth is skipped at the start). For a curve of unknown origin pass its length.
    /// - Returns: the picked point (index into the full curve), or why there is none: too few
    ///   points, no finite loss, a constant loss, or invalid rates.
    public func suggestion(learningRates: [Double], losses: [Double],
                           iterationCount: Int) -> Result<Suggestion, SuggestionUnavailable> {
        func unavailable(_ reason: String) -> Result<Suggestion, SuggestionUnavailable> {
            .failure(SuggestionUnavailable(rule: self, reason: reason))
        }
        guard learningRates.count == losses.count else {
            return unavailable("\(learningRates.count) learning rates but \(losses.count) losses")
        }
        let skipStart = self == .steepestGradient ? Self.steepestGradientSkipStart : max(0, iterationCount) / 10
        let end = losses.count - Self.skipEnd
        if self == .steepestGradient, losses.count < Self.steepestGradientSkipStart + Self.skipEnd + 2 {
            return unavailable("needs at least 17 points (10 skipped at the start, 5 at the end), got \(losses.count)")
        }
        guard end > skipStart else {
            return unavailable("\(losses.count) points leave nothing after skipping \(skipStart) at the start and 5 at the end")
        }
        // Cut at the first non-finite loss.
        let window = skipStart..<end
        let finiteEnd = window.first { !losses[$0].isFinite } ?? end
        let lossSlice = Array(losses[skipStart..<finiteEnd])
        let rateSlice = Array(learningRates[skipStart..<finiteEnd])
        guard !lossSlice.isEmpty else { return unavailable("no finite loss after the skipped points") }
        guard rateSlice.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            return unavailable("learning rates must be positive and finite")
        }
        let minimumPoints = self == .slide ? Self.slideDistance + 1 : 2
        guard lossSlice.count >= minimumPoints else {
            return unavailable("needs at least \(minimumPoints) finite points after trimming, got \(lossSlice.count)")
        }
        guard let low = lossSlice.min(), let high = lossSlice.max(), high > low else {
            return unavailable("the loss is constant, so no point stands out")
        }
        let local: Int
        switch self {
        case .valley: local = Self.valleyIndex(lossSlice)
        case .slide: local = Self.slideIndex(lossSlice)
        case .minimum: local = lossSlice.indices.min { lossSlice[$0] < lossSlice[$1] }!
        case .steep:
            guard zip(rateSlice, rateSlice.dropFirst()).allSatisfy({ $0 < $1 }) else {
                return unavailable("learning rates must increase from point to point")
            }
            let slopes = (0..<(lossSlice.count - 1)).map { i -> Double in
                let rise = lossSlice[i + 1] - lossSlice[i]
                let run = log(rateSlice[i + 1]) - log(rateSlice[i])
                return rise / run
            }
            local = firstArgmin(slopes)!
        case .steepestGradient:
            local = firstArgmin(numpyGradient(lossSlice))!
        }
        let index = skipStart + local
        let rate = learningRates[index] / (self == .minimum ? 10 : 1)
        return .success(Suggestion(rule: self, index: index, learningRate: rate, loss: losses[index]))
    }

    /// fastai `valley` on a trimmed curve: `lds[i]` is the longest strictly decreasing subsequence
    /// ending at `i`; `maxEnd` the first index reaching the longest; `maxStart = maxEnd - length`;
    /// pick `maxStart + int(s) + int(s / 2)` with `s = (maxEnd - maxStart) / 3`. A negative pick
    /// (only on a 2-point strictly decreasing curve) means the last point, as in Python.
    static func valleyIndex(_ losses: [Double]) -> Int {
        let n = losses.count
        var lengths = [Int](repeating: 1, count: n)
        var maxStart = 0, maxEnd = 0
        for i in 1..<max(1, n) {
            for j in 0..<i where losses[i] < losses[j] && lengths[i] < lengths[j] + 1 {
                lengths[i] = lengths[j] + 1
            }
            if lengths[maxEnd] < lengths[i] {
                maxEnd = i
                maxStart = maxEnd - lengths[maxEnd]
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        let index = maxStart + Int(sections) + Int(sections / 2)
        return index < 0 ? n + index : index
    }

    /// fastai `slide(lr_diff=15, thresh=0.005)` on a trimmed curve (at least 16 points).
    static func slideIndex(_ losses: [Double]) -> Int {
        let gradient = numpyGradient(losses)
        var right = losses.count - 1
        var left = right - slideDistance
        var pick = left
        while left >= 0 && abs(gradient[right] - gradient[left]) > slideThreshold {
            pick = left
            right -= 1
            left -= 1
        }
        return pick
    }
}

/// One rule's pick on a curve.
public struct Suggestion: Equatable, Codable, Sendable {
    /// The rule that picked it.
    public var rule: SuggestionRule
    /// Index of the picked point in the full curve.
    public var index: Int
    /// The suggested learning rate (for `minimum`, the rate at the point divided by 10).
    public var learningRate: Double
    /// The curve's loss at the picked point.
    public var loss: Double
}

/// Why a rule makes no suggestion on a curve.
public struct SuggestionUnavailable: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// The rule asked.
    public var rule: SuggestionRule
    /// What is wrong with the curve.
    public var reason: String

    /// "suggestion 'valley': REASON".
    public var description: String { "suggestion '\(rule.rawValue)': \(reason)" }
}

/// numpy's `gradient` with unit spacing: one-sided first-order differences at both ends,
/// central differences `(y[i+1] - y[i-1]) / 2` inside. Needs at least 2 values.
func numpyGradient(_ values: [Double]) -> [Double] {
    let n = values.count
    guard n >= 2 else { return [Double](repeating: 0, count: n) }
    var result = [Double](repeating: 0, count: n)
    result[0] = values[1] - values[0]
    result[n - 1] = values[n - 1] - values[n - 2]
    for i in 1..<(n - 1) { result[i] = (values[i + 1] - values[i - 1]) / 2 }
    return result
}

/// The first index of the smallest value, ignoring NaN (as `argmin` on a NaN-free array); nil when
/// every value is NaN or the array is empty.
func firstArgmin(_ values: [Double]) -> Int? {
    var best: Int?
    for i in values.indices where !values[i].isNaN {
        if best == nil || values[i] < values[best!] { best = i }
    }
    return best
}
