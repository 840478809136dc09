/// What one update of the embedded trainer is: how many samples, in which order, how the gradient
/// is clipped and which loss is minimised. The one place these live: ``EmbeddedTrainer`` is built
/// from them and the epoch loop reads the batch count from the trainer.
public struct TrainerSettings: Equatable, Codable, Sendable {
    /// Samples per update; the last batch of an epoch may be smaller (PyTorch's `drop_last=False`).
    public var batchSize: Int
    /// Seed of the batch order and dropout streams (and, for a fresh model, its weights).
    public var seed: UInt64
    /// Gradient clipping applied before each update.
    public var clipping: GradientClipping
    /// The loss minimised; nil: the task's (``Task/loss``: cross-entropy for classes, MSE for values).
    public var loss: LossFunction?

    /// Settings; the defaults are batch 64, seed 0, no clipping, the task's loss.
    public init(batchSize: Int = 64, seed: UInt64 = 0, clipping: GradientClipping = .none, loss: LossFunction? = nil) {
        self.batchSize = batchSize
        self.seed = seed
        self.clipping = clipping
        self.loss = loss
    }

    /// The largest seed a recipe holds: JSON numbers are exact up to 2^53 (RFC 8785 reads them as
    /// doubles, and so does Python's `rfc8785` for the identifier).
    public static let largestSeed: UInt64 = (1 << 53) - 1

    /// Why `seed` cannot go into a recipe, or nil.
    public static func seedProblem(_ seed: UInt64) -> String? {
        seed <= largestSeed ? nil : "must be at most \(largestSeed) (2^53 - 1, the largest integer a JSON number holds exactly)"
    }

    /// Checks the batch size (at least 1) and the seed (``seedProblem(_:)``).
    /// - Throws: ``RecipeError`` naming the setting.
    public func validate() throws {
        guard batchSize >= 1 else { throw RecipeError.requirement(.batchSize, "must be >= 1", got: batchSize) }
        if let problem = Self.seedProblem(seed) { throw RecipeError.requirement(.seed, problem, got: seed) }
    }
}
