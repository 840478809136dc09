/// Whether a recorded loss looks already smoothed by a causal moving average: the rate at which
/// its successive differences change sign.
///
/// Raw per-batch losses are noisy: consecutive differences change sign about half to two thirds
/// of the time (2/3 for pure noise, less on a steep trend). A moving average removes most of the
/// batch-to-batch noise, so its differences keep their sign for many steps. On the golden curves
/// and lrfind's own CSVs (docs/curves.md), raw curves score 0.47..0.66 and smoothed ones
/// 0.17..0.40; the threshold 0.44 sits between them.
public struct SmoothingDetection: Equatable, Codable, Sendable {
    /// Below this sign-change rate a curve looks smoothed.
    public static let threshold = 0.44
    /// Fewer nonzero differences than this give no verdict.
    public static let minimumDifferences = 20

    /// The fraction of consecutive nonzero differences whose signs differ; nil with too few.
    public var signChangeRate: Double?
    /// How many nonzero differences it was measured on.
    public var differenceCount: Int

    /// Measures `losses` (the finite curve, in order; zero differences are skipped).
    public init(losses: [Double]) {
        var signs: [Bool] = []
        for (previous, next) in zip(losses, losses.dropFirst()) where next != previous && (next - previous).isFinite {
            signs.append(next > previous)
        }
        differenceCount = signs.count
        guard signs.count >= Self.minimumDifferences else { signChangeRate = nil; return }
        let changes = zip(signs, signs.dropFirst()).filter { $0 != $1 }.count
        signChangeRate = Double(changes) / Double(signs.count - 1)
    }

    /// Whether the curve looks smoothed: a measured rate below ``threshold``.
    public var looksSmoothed: Bool { signChangeRate.map { $0 < Self.threshold } ?? false }
}
