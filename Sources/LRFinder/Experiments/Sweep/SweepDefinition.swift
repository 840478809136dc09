import Foundation

/// A sweep: a base training recipe (data, model, optimizer, trainer; training with epochs = the
/// most epochs, early stopping on validation accuracy or R-squared; optionally a schedule) run at
/// every rate with every seed.
///
/// Its JSON is `{"base": RECIPE, "rates": [...], "seeds": [...]}`, the base recipe as in a recipe
/// file (no paths: they are kept beside it, in the journal's header).
public struct SweepDefinition: Equatable, Codable, Sendable {
    /// The recipe every run starts from (its rate, peak and seed are replaced per run).
    public var base: TrainingRecipe
    /// The rates, in sweep order.
    public var rates: [Double]
    /// The seeds each rate runs with.
    public var seeds: [UInt64]

    /// A sweep of `base` over `rates` and `seeds`.
    public init(base: TrainingRecipe, rates: [Double], seeds: [UInt64]) {
        self.base = base
        self.rates = rates
        self.seeds = seeds
    }

    /// Checks the sizes: at least one rate and one seed, no seed twice, at most
    /// ``SweepGrid/maximumRunCount`` runs, the rates as ``SweepGrid/list(_:)`` checks them.
    /// - Throws: ``SweepError``.
    public func validate() throws {
        _ = try SweepGrid.list(rates)
        guard !seeds.isEmpty else { throw SweepError("--seeds must list at least one seed") }
        if let twice = seeds.indices.first(where: { seeds[..<$0].contains(seeds[$0]) }) {
            throw SweepError("--seeds lists \(seeds[twice]) twice")
        }
        guard rates.count * seeds.count <= SweepGrid.maximumRunCount else {
            throw SweepError("\(rates.count) rates times \(seeds.count) seeds is \(rates.count * seeds.count) runs, more than the \(SweepGrid.maximumRunCount) a sweep holds")
        }
    }

    /// One run per (rate, seed), rate-major: the rate set as the training rate and, for a
    /// one-cycle or cyclic schedule, as its peak (``ScheduleKind/oneCycle(_:)``'s and
    /// ``ScheduleKind/cyclic(_:)``'s maximum; other schedules start from the training rate);
    /// the seed set as the trainer's seed. Each run's identifier needs the data's digest in the
    /// base recipe (``DataRecipe/contentDigest()``); without it the identifier is empty.
    public func runs() -> [SweepRun] {
        rates.flatMap { rate in seeds.map { seed in SweepRun(rate: rate, seed: seed, recipe: recipe(rate: rate, seed: seed)) } }
    }

    /// The schedule `text` gives a sweep whose rates start at `peak`: a `onecycle` or `cyclic`
    /// schedule may leave out its `max`, which every run sets to its swept rate (`peak` stands in
    /// for it in the base recipe).
    /// - Throws: what ``ScheduleSpec/init(parsing:)`` throws.
    public static func schedule(parsing text: String, peak: Double) throws -> ScheduleSpec {
        let name = text.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
        let keys = text.drop { $0 != ":" }.dropFirst().split(separator: ",").map { $0.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces) }
        guard ["onecycle", "cyclic"].contains(name), !keys.contains("max") else { return try ScheduleSpec(parsing: text) }
        return try ScheduleSpec(parsing: text + (text.contains(":") ? "," : ":") + "max=\(peak)")
    }

    /// What differs between this definition and `other`, paths (and the data's class-count
    /// guard) aside, in words: `its rates, seeds differ`, or `its definition differs` when no
    /// part can be named. Journal refusals (resume, merge) say it.
    public func differences(from other: SweepDefinition) -> String {
        let (theirs, ours) = (base, other.base)
        let named = [
            rates != other.rates ? "rates" : nil,
            seeds != other.seeds ? "seeds" : nil,
            theirs.model.locatedNowhere != ours.model.locatedNowhere ? "model" : nil,
            theirs.optimizer != ours.optimizer ? "optimizer" : nil,
            theirs.trainer != ours.trainer ? "trainer settings" : nil,
            theirs.training != ours.training ? "training settings" : nil,
            theirs.schedule != ours.schedule ? "schedule" : nil,
            theirs.data.locatedNowhere != ours.data.locatedNowhere ? "data preparation" : nil,
        ].compactMap { $0 }
        return named.isEmpty ? "its definition differs" : "its \(named.joined(separator: ", ")) differ"
    }

    /// The base recipe at `rate` with `seed`.
    public func recipe(rate: Double, seed: UInt64) -> TrainingRecipe {
        var recipe = base
        recipe.training.learningRate = rate
        recipe.trainer.seed = seed
        if var schedule = recipe.schedule {
            switch schedule.kind {
            case var .oneCycle(settings):
                settings.maximumLearningRate = rate
                schedule.kind = .oneCycle(settings)
            case var .cyclic(settings):
                settings.maximumLearningRate = rate
                schedule.kind = .cyclic(settings)
            default:
                break
            }
            recipe.schedule = schedule
        }
        return recipe
    }

    /// The hex SHA-256 of the definition's canonical JSON (RFC 8785, as ``RecipeIdentity``), paths
    /// left out: the journal's header names the experiment by it.
    public var identifier: String {
        if let hex = try? CanonicalJSON.sha256Hex(of: self) { return hex }
        // Only a value canonical JSON cannot hold (a NaN rate, refused by validate()) lands here.
        return SHA256.hash((try? JSONDocument.encode(self, prettyPrinted: false)) ?? Data()).hex
    }
}

private extension ModelRecipe {
    /// The model without its weights file's path.
    var locatedNowhere: ModelRecipe {
        var model = self
        model.initialWeightsPath = nil
        return model
    }
}

private extension DataRecipe {
    /// The data without its paths and guard.
    var locatedNowhere: DataRecipe {
        var data = self
        (data.path, data.labelsPath, data.maximumClassCount) = (nil, nil, nil)
        return data
    }
}
