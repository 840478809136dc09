import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// The prepared data a sweep's worker keeps between runs: reused for the same recipe and
/// unchanged files (giving the same run bit for bit), prepared again otherwise.
@Suite struct PreparedDataCacheTests {
    /// A 3-epoch run of a small MLP on `data` (a copy of iris by default).
    static func recipe(_ data: DataRecipe, rate: Double = 1e-2) -> TrainingRecipe {
        var training = TrainingConfiguration()
        training.epochs = 3
        training.learningRate = rate
        return TrainingRecipe(data: data, model: ModelRecipe(spec: try! ModelSpec(parsing: "dense:8,relu")),
                              trainer: TrainerSettings(batchSize: 16), training: training)
    }

    /// A copy of iris in a new folder.
    static func copiedIris() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent("iris.csv")
        try FileManager.default.copyItem(atPath: Fixtures.iris, toPath: copy.path)
        return copy
    }

    /// The per-epoch figures of a record, times aside.
    static func figures(_ record: TrainingRecord) -> [[Double?]] {
        record.result.epochs.map { [$0.trainLoss, $0.trainAccuracy, $0.validationLoss, $0.validationAccuracy] }
    }

    @Test func aSecondRunOfTheSameDataIsServedFromTheCacheAndEqualsAFreshRun() throws {
        let file = try Self.copiedIris()
        let cache = PreparedDataCache()
        let data = DataRecipe(path: file.path)
        let fresh = try Self.recipe(data).run().record
        let first = try Self.recipe(data).run(dataCache: cache).record
        #expect(cache.hits == 0)
        // Another rate, the same data: from the cache, digest included.
        let second = try Self.recipe(data, rate: 1e-3).run(dataCache: cache).record
        let again = try Self.recipe(data, rate: 1e-3).run().record
        #expect(cache.hits == 1)
        #expect(Self.figures(first) == Self.figures(fresh) && Self.figures(second) == Self.figures(again))
        #expect(second.identifier == again.identifier && second.recipe.data.digest == again.recipe.data.digest)
        #expect(second.result.test == again.result.test)
    }

    @Test func changedFilesOrAnotherPreparationArePreparedAgain() throws {
        let file = try Self.copiedIris()
        let cache = PreparedDataCache()
        var data = DataRecipe(path: file.path)
        _ = try Self.recipe(data).run(dataCache: cache)
        // Another split seed: prepared again.
        data.splitSeed = 7
        let reseeded = try Self.recipe(data).run(dataCache: cache).record
        #expect(cache.hits == 0)
        #expect(Self.figures(reseeded) == Self.figures(try Self.recipe(data).run().record))
        // The file rewritten with its first 100 rows: its size changes, so it is read again,
        // and a recipe that recorded the old digest is refused.
        let recorded = try data.contentDigest()
        let rows = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").prefix(101)
        try (rows.joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
        let shorter = try Self.recipe(data).run(dataCache: cache).record
        #expect(cache.hits == 0 && shorter.data.split.reduce(0, +) == 100)
        data.digest = recorded
        #expect(throws: RecipeError.self) { try Self.recipe(data).run(dataCache: cache) }
        #expect(cache.hits == 1)
    }
}
