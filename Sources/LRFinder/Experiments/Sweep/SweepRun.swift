/// One run of a sweep: a rate, a seed and the recipe they give.
public struct SweepRun: Equatable, Codable, Sendable {
    /// The swept rate (the training rate, or the schedule's peak).
    public var rate: Double
    /// The trainer's seed.
    public var seed: UInt64
    /// The recipe to run.
    public var recipe: TrainingRecipe
    /// ``RecipeIdentity/identifier(of:)-(TrainingRecipe)`` of the recipe; empty when the base
    /// recipe has no data digest yet.
    public var identifier: String

    /// The run of `recipe` at `rate` with `seed`.
    public init(rate: Double, seed: UInt64, recipe: TrainingRecipe) {
        self.rate = rate
        self.seed = seed
        self.recipe = recipe
        identifier = (try? RecipeIdentity.identifier(of: recipe)) ?? ""
    }

    /// The run of `recipe` at `rate` with `seed`, its identifier as recorded.
    public init(rate: Double, seed: UInt64, recipe: TrainingRecipe, identifier: String) {
        self.rate = rate
        self.seed = seed
        self.recipe = recipe
        self.identifier = identifier
    }
}
