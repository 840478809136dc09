import Foundation

/// How another tool smoothed the losses it stored, so that ``raw(from:)`` can recover the raw
/// per-batch losses exactly (docs/curves.md gives the formulas and their sources).
///
/// - `movingAverage(beta:)`: `s[0] = x[0]`, then `s[i] = beta * s[i-1] + (1 - beta) * x[i]`.
///   torch-lr-finder's `smooth_f` f is `1 - beta` (``torchLRFinder``: f = 0.05).
/// - `debiasedMovingAverage(beta:)`: `a[-1] = 0`, `a[i] = beta * a[i-1] + (1 - beta) * x[i]`,
///   `s[i] = a[i] / (1 - beta^(i+1))` (``fastai``: beta 0.98, as ``DebiasedMovingAverage``).
public enum LossSmoothing: Equatable, Codable, Sendable, CustomStringConvertible {
    /// An exponential moving average started at the first loss, weight `beta` on the past.
    case movingAverage(beta: Double)
    /// A bias-corrected exponential moving average started at 0, weight `beta` on the past.
    case debiasedMovingAverage(beta: Double)

    /// torch-lr-finder 0.2.2's default `smooth_f` 0.05: a moving average with beta 0.95.
    public static let torchLRFinder = LossSmoothing.movingAverage(beta: 0.95)
    /// fastai's `Recorder` (`AvgSmoothLoss`, beta 0.98): a debiased moving average.
    public static let fastai = LossSmoothing.debiasedMovingAverage(beta: 0.98)

    /// The text `--smoothed` takes: `tlf`, `fastai`, `ema:BETA` or `ema:BETA:debiased`.
    public static let syntax = "tlf, fastai, ema:BETA or ema:BETA:debiased (0 <= BETA < 1)"

    /// Parses `tlf`, `fastai`, `ema:BETA` or `ema:BETA:debiased` (any case), BETA in [0, 1);
    /// nil for anything else.
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).lowercased().split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where parts[0] == "tlf" || parts[0] == "torch-lr-finder": self = .torchLRFinder
        case 1 where parts[0] == "fastai": self = .fastai
        case 2, 3:
            guard parts[0] == "ema", let beta = Double(parts[1]), beta >= 0, beta < 1 else { return nil }
            if parts.count == 2 { self = .movingAverage(beta: beta) }
            else if parts[2] == "debiased" { self = .debiasedMovingAverage(beta: beta) }
            else { return nil }
        default: return nil
        }
    }

    /// The weight of the past.
    public var beta: Double {
        switch self { case .movingAverage(let beta), .debiasedMovingAverage(let beta): beta }
    }

    /// `ema:BETA` or `ema:BETA:debiased` (BETA as its shortest text).
    public var description: String {
        switch self {
        case .movingAverage(let beta): "ema:\(beta)"
        case .debiasedMovingAverage(let beta): "ema:\(beta):debiased"
        }
    }

    /// `raw` smoothed this way, same length.
    public func smoothed(_ raw: [Double]) -> [Double] {
        switch self {
        case .movingAverage(let beta):
            var result: [Double] = []
            result.reserveCapacity(raw.count)
            for (index, loss) in raw.enumerated() {
                result.append(index == 0 ? loss : beta * result[index - 1] + (1 - beta) * loss)
            }
            return result
        case .debiasedMovingAverage(let beta):
            return DebiasedMovingAverage.smoothed(raw, beta: beta)
        }
    }

    /// The raw losses that give `smoothed` (the inverse of ``smoothed(_:)``), same length.
    ///
    /// Moving average: `x[0] = s[0]`, `x[i] = (s[i] - beta * s[i-1]) / (1 - beta)`. Debiased:
    /// `a[i] = s[i] * (1 - beta^(i+1))`, `x[i] = (a[i] - beta * a[i-1]) / (1 - beta)` with
    /// `a[-1] = 0`. Rounding in `s` is amplified about `2 / (1 - beta)` times (40 for tlf, 100 for
    /// fastai); a non-finite `s[i]` makes `x[i]` and `x[i+1]` non-finite.
    public func raw(from smoothed: [Double]) -> [Double] {
        let beta = beta
        switch self {
        case .movingAverage:
            return smoothed.indices.map { i in
                i == 0 ? smoothed[0] : (smoothed[i] - beta * smoothed[i - 1]) / (1 - beta)
            }
        case .debiasedMovingAverage:
            // a[i]: the average before the bias correction; beta^(i+1) kept as a running power.
            var averages: [Double] = []
            averages.reserveCapacity(smoothed.count)
            var power = 1.0
            for value in smoothed {
                power *= beta
                averages.append(value * (1 - power))
            }
            return averages.indices.map { i in
                (averages[i] - beta * (i == 0 ? 0 : averages[i - 1])) / (1 - beta)
            }
        }
    }
}
