import Foundation

/// How far a range-test curve falls compared with its own batch-to-batch noise: the test that
/// tells a real fall from the lowest draw of flat noise.
///
/// - ``fall``: the lag-free curve's first value minus its minimum.
/// - ``noise``: a robust standard deviation of the raw losses around the lag-free curve, over the
///   points up to the minimum (at least the first ``minimumNoisePoints``): 1.4826 x the median
///   absolute deviation of `raw - lagFree` from its median (the normal-consistent MAD, so that a
///   few blown-up batches do not count).
/// - ``ratio``: fall / noise.
///
/// Measured with lrfind's defaults (see `docs/calibration.md`, "Curves without signal"): the
/// converged digits checkpoint (200 epochs) has ratio 0.68, other flat checkpoints 0.30-1.04;
/// the curves that fall (mnist5k, digits, iris, wine, diabetes, every golden curve) have
/// 4.9 or more.
public struct CurveSignal: Equatable, Codable, Sendable {
    /// The lag-free curve's first value minus its minimum.
    public var fall: Double
    /// The robust standard deviation of the raw losses around the lag-free curve before the minimum.
    public var noise: Double
    /// How many points the noise was measured on.
    public var pointCount: Int

    /// The fewest points the noise is measured on, when the minimum comes earlier.
    public static let minimumNoisePoints = 10
    /// The ratio below which a fall counts as noise: 2.5, about halfway (in log) between the
    /// flat checkpoints' 1.04 and the falling curves' 4.9.
    public static let minimumRatio = 2.5
    /// The factor that makes the median absolute deviation a standard deviation for normal noise.
    public static let madScale = 1.4826

    /// `fall / noise`: infinite when a curve that falls has no noise, 0 when it does not fall.
    public var ratio: Double {
        guard fall > 0 else { return 0 }
        return noise > 0 ? fall / noise : .infinity
    }

    /// Whether the fall is clearly larger than the noise (``ratio`` >= ``minimumRatio``).
    public var isSignificant: Bool { ratio >= Self.minimumRatio }

    /// A fall of `fall` against `noise` measured on `pointCount` points.
    public init(fall: Double, noise: Double, pointCount: Int) {
        self.fall = fall
        self.noise = noise
        self.pointCount = pointCount
    }

    /// The signal of raw `losses` around their lag-free curve `lagFreeLosses` (same length), whose
    /// minimum is at `minimumIndex`; nil when fewer than 2 finite points are there to measure.
    public init?(losses: [Double], lagFreeLosses: [Double], minimumIndex: Int) {
        let count = Swift.min(losses.count, lagFreeLosses.count)
        guard minimumIndex >= 0, minimumIndex < count else { return nil }
        let end = Swift.min(count, Swift.max(minimumIndex + 1, Self.minimumNoisePoints))
        let residuals = (0..<end).map { losses[$0] - lagFreeLosses[$0] }.filter(\.isFinite)
        guard residuals.count >= 2, let centre = Median.of(residuals),
              let deviation = Median.of(residuals.map { abs($0 - centre) }) else { return nil }
        self.init(fall: lagFreeLosses[0] - lagFreeLosses[minimumIndex], noise: Self.madScale * deviation,
                  pointCount: residuals.count)
    }
}
