import Foundation
import Testing
@testable import LRFinder

/// Recipes and records: records decode back to equal values, and a recipe's identifier depends on
/// the data's bytes and the settings, not on the data's path or the JSON key order.
@Suite struct RecordTests {
    static func scratch() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-records-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func recipe(path: String, seed: UInt64 = 0) throws -> RangeTestRecipe {
        var settings = RangeTestSettings()
        settings.length = .steps(12)
        settings.minimumLearningRate = 1e-4
        settings.maximumLearningRate = 1
        return RangeTestRecipe(data: DataRecipe(path: path), model: ModelRecipe(spec: try ModelSpec(parsing: "dense:16,relu")),
                               optimizer: .sgd(SGDSettings(momentum: 0.9)), trainer: TrainerSettings(batchSize: 32, seed: seed),
                               rangeTest: settings, runs: 2, handOff: HandOffPlan(schedule: .onecycle, epochs: 1, baseline: true))
    }

    @Test func aRangeTestRecordDecodesBack() throws {
        let recipe = try Self.recipe(path: Fixtures.bundledDigits)
        let record = try recipe.run().record
        #expect(record.kind == .rangeTest && record.formatVersion == 1 && record.inputs.data == Fixtures.bundledDigits)
        #expect(record.identifier == (try RecipeIdentity.identifier(of: record.recipe)))
        #expect(record.recipe.data.digest == (try recipe.data.contentDigest()))
        #expect(record.runs.count == 2 && record.training.map(\.name) == ["onecycle", "constant"])
        let decoded = try JSONDocument.decode(RangeTestRecord.self, from: JSONDocument.encode(record))
        #expect(decoded == record)
        #expect(decoded.model.layers == "dense:16,relu,dense:10" && decoded.model.inputShape == .vector(64))
        #expect(decoded.data.split == [1079, 359, 359] && decoded.data.shape == .vector(64))

        // NaN and infinities (a diverged step, a lag-free loss) are written as null and read back as NaN.
        var diverged = record
        diverged.runs[0].steps[3].loss = .nan
        diverged.runs[0].steps[4].smoothedLoss = .infinity
        diverged.analysis.lagFreeLosses[0] = -.infinity
        let json = try JSONDocument.encode(diverged)
        #expect(String(decoding: json, as: UTF8.self).components(separatedBy: "null").count == 4)
        let back = try JSONDocument.decode(RangeTestRecord.self, from: json)
        #expect(back.runs[0].steps[3].loss.isNaN && back.runs[0].steps[4].smoothedLoss.isNaN && back.analysis.lagFreeLosses[0].isNaN)
        #expect(try JSONDocument.encode(back) == json)
        var restored = back
        restored.runs[0].steps[3].loss = record.runs[0].steps[3].loss
        restored.runs[0].steps[4].smoothedLoss = record.runs[0].steps[4].smoothedLoss
        restored.analysis.lagFreeLosses[0] = record.analysis.lagFreeLosses[0]
        #expect(restored == record)
    }

    @Test func aTrainingRecordDecodesBack() throws {
        var training = TrainingConfiguration()
        training.epochs = 2
        training.earlyStopping = EarlyStopping(metric: .accuracy, patience: 3)
        let recipe = TrainingRecipe(data: DataRecipe(path: Fixtures.bundledDigits),
                                    model: ModelRecipe(spec: try ModelSpec(parsing: "batchnorm,dense(8,bias=false),gelu"), initialization: .he),
                                    optimizer: .adamW(AdamSettings(weightDecay: 0.05)), trainer: TrainerSettings(clipping: .norm(1.5)),
                                    training: training, schedule: try ScheduleSpec(parsing: "cosine:t-max=2"))
        let record = try recipe.run().record
        let decoded = try JSONDocument.decode(TrainingRecord.self, from: JSONDocument.encode(record))
        #expect(decoded == record)
        #expect(decoded.recipe.model.spec.description == "batchnorm,dense(8,bias=false),gelu")
        #expect(decoded.result.epochs.count == 2 && decoded.kind == .training)

        // A run that diverged: its last epoch's figures are NaN; the record still decodes back.
        var diverged = record
        diverged.result.epochs[1].trainLoss = .nan
        diverged.result.epochs[1].validationLoss = .nan
        diverged.result.epochs[1].trainAccuracy = .infinity
        diverged.result.test?.loss = .nan
        let json = try JSONDocument.encode(diverged)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"trainLoss\" : null") && text.contains("\"validationLoss\" : null") && !text.contains("non_finite"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TrainingRecord.self, from: json) }
        let back = try JSONDocument.decode(TrainingRecord.self, from: json)
        let epoch = back.result.epochs[1]
        #expect(epoch.trainLoss.isNaN && epoch.validationLoss!.isNaN && epoch.trainAccuracy!.isNaN && back.result.test!.loss.isNaN)
        #expect(back.result.epochs[0] == record.result.epochs[0] && back.recipe == record.recipe && back.data == record.data)
        #expect(try JSONDocument.encode(back) == json)
        // A document without non-finite numbers is what JSONEncoder writes, with sorted keys.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        #expect(try JSONDocument.encode(record) == encoder.encode(record))
    }

    /// The README's library example, as written there (the data path made absolute).
    @Test func theReadmeRecipeRuns() throws {
        var recipe = RangeTestRecipe(data: DataRecipe(path: Fixtures.wine),
                                     model: ModelRecipe(spec: try ModelSpec(parsing: "dense:64,relu")),
                                     optimizer: .sgd(SGDSettings(momentum: 0.9)),
                                     trainer: TrainerSettings(batchSize: 32, seed: 1))
        recipe.rangeTest.minimumLearningRate = 1e-5
        recipe.rangeTest.maximumLearningRate = 10
        recipe.runs = 3
        recipe.handOff = HandOffPlan(schedule: .onecycle, epochs: 20)
        var notes: [String] = []
        let run = try recipe.run(events: { if case let .note(text) = $0 { notes.append(text) } })
        #expect(run.record.identifier?.count == 64 && run.record.runs.count == 3)
        #expect(run.record.analysis.bounds != nil, "\(run.record.analysis.noRecommendationReason ?? "")")
        #expect((run.record.training.first?.result.test?.accuracy ?? 0) > 0.85)
        #expect(notes.isEmpty, "\(notes)")
        // The record decodes back and names the recipe that made it.
        let back = try JSONDocument.decode(RangeTestRecord.self, from: JSONDocument.encode(run.record))
        #expect(back == run.record && back.recipe.locating(back.inputs).data.path == Fixtures.wine)
    }

    @Test func nullsInsideStringsStayText() throws {
        struct Sample: Codable, Equatable {
            var name: String
            var value: Double
            var values: [Double]
            var optional: Double?
        }
        let json = Data(#"{"name": "null \"null\" \\null", "value": null, "values": [1, null, 2], "optional": null}"#.utf8)
        let sample = try JSONDocument.decode(Sample.self, from: json)
        #expect(sample.name == #"null "null" \null"#)
        #expect(sample.value.isNaN && sample.values[1].isNaN && sample.values[2] == 2 && sample.optional!.isNaN)
        let again = try JSONDocument.decode(Sample.self, from: JSONDocument.encode(sample, prettyPrinted: false))
        #expect(again.name == sample.name && again.value.isNaN && again.values[0] == 1)
        #expect(String(decoding: try JSONDocument.encode(Sample(name: "x", value: .infinity, values: [-.infinity], optional: nil),
                                                         prettyPrinted: false), as: UTF8.self)
                == #"{"name":"x","value":null,"values":[null]}"#)
    }

    @Test func theIdentifierNamesDataByItsBytesNotItsPath() throws {
        let folder = Self.scratch()
        let copy = folder.appendingPathComponent("elsewhere.csv.gz").path
        try FileManager.default.copyItem(atPath: Fixtures.bundledDigits, toPath: copy)
        var original = try Self.recipe(path: Fixtures.bundledDigits), moved = try Self.recipe(path: copy)
        let digest = try original.data.contentDigest()
        #expect(try moved.data.contentDigest() == digest)
        // The digest is the SHA-256 of the decompressed bytes.
        #expect(digest == SHA256.hash(try FileBytes.read(Fixtures.bundledDigits)).hex)
        // No identifier before the digest is known.
        #expect(throws: RecipeError.self) { try RecipeIdentity.identifier(of: original) }
        original.data.digest = digest
        moved.data.digest = digest
        let identifier = try RecipeIdentity.identifier(of: original)
        #expect(try RecipeIdentity.identifier(of: moved) == identifier)
        #expect(identifier.count == 64)
        // Another seed, or other bytes, is another recipe.
        var reseeded = try Self.recipe(path: Fixtures.bundledDigits, seed: 1)
        reseeded.data.digest = digest
        #expect(try RecipeIdentity.identifier(of: reseeded) != identifier)
        let other = folder.appendingPathComponent("other.csv").path
        try Data("1,2,0\n3,4,1\n".utf8).write(to: URL(fileURLWithPath: other))
        moved.data.digest = try DataRecipe.withPath(other).contentDigest()
        #expect(moved.data.digest != digest)
        #expect(try RecipeIdentity.identifier(of: moved) != identifier)
        // The canonical JSON names no path; the record keeps the paths beside it.
        let canonical = String(decoding: try RecipeIdentity.canonicalJSON(of: original), as: UTF8.self)
        #expect(!canonical.contains("digits.csv.gz") && canonical.contains("\"digest\":\"\(digest)\""))
        #expect(original.inputs == RunInputs(data: Fixtures.bundledDigits))
    }
}

extension DataRecipe {
    static func withPath(_ path: String) -> DataRecipe {
        var recipe = DataRecipe()
        recipe.path = path
        return recipe
    }
}
