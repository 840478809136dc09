/// How a recorded curve is read: the lag-free smoother behind lrfind's points and bounds, and the
/// factor that marks divergence on it. Separate from the run's settings, so a curve recorded by
/// any tool can be read without inventing how it was run.
public struct AnalysisSettings: Equatable, Codable, Sendable {
    /// The zero-phase smoother applied to the raw losses.
    public var smoother = ZeroPhaseSmoother()
    /// The lag-free curve diverges where it exceeds this factor times its best (fastai 4).
    public var divergenceFactor: Double = 4

    /// The defaults: the automatic-bandwidth smoother and factor 4.
    public init(smoother: ZeroPhaseSmoother = ZeroPhaseSmoother(), divergenceFactor: Double = 4) {
        self.smoother = smoother
        self.divergenceFactor = divergenceFactor
    }

    /// The divergence rule with ``divergenceFactor``.
    public var divergenceRule: DivergenceRule { DivergenceRule(factor: divergenceFactor) }

    /// Checks the values.
    /// - Throws: ``RecipeError`` naming the setting, what it must be and its value.
    public func validate() throws {
        guard divergenceFactor > 1, divergenceFactor.isFinite else {
            throw RecipeError.requirement(.divergenceFactor, "must be above 1", got: divergenceFactor)
        }
        if let bandwidth = smoother.bandwidth, !(bandwidth > 0 && bandwidth.isFinite) {
            throw RecipeError.requirement(.bandwidth, "must be positive and finite", got: bandwidth)
        }
    }
}
