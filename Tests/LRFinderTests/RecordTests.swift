import Foundation
import Testing
@testable import LRFinder

/// Recipes and records: records decode back to equal values, and a recipe's identifier depends on
/// the data's bytes and the settings, not on the data's path or the JSON key order.
@Suite struct RecordTests {
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/LRFinder/Resources/digits.csv.gz").standardized.path

    static func scratch() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-records-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func recipe(path: String, seed: UInt64 = 0) throws -> RangeTestRecipe {
        var data = DataRecipe()
        data.path = path
        var training = TrainingConfiguration()
        training.batchSize = 32
        training.epochs = 1
        training.seed = seed
        var settings = RangeTestSettings()
        settings.length = .steps(12)
        settings.minimumLearningRate = 1e-4
        settings.maximumLearningRate = 1
        return RangeTestRecipe(base: TrainingRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "dense:16,relu")),
                                                    optimizer: OptimizerSettings(kind: .sgd, momentum: 0.9), training: training),
                               rangeTest: settings, analysis: AnalysisSettings(), runs: 2, handOff: .onecycle)
    }

    @Test func aRangeTestRecordDecodesBack() throws {
        let recipe = try Self.recipe(path: Self.digits)
        let data = try recipe.base.data.prepare()
        let optimizer = try recipe.base.optimizer.makeOptimizer()
        func trainer(_ run: Int) throws -> EmbeddedTrainer {
            let network = try Network(spec: recipe.base.model.spec, inputShape: .vector(data.featureCount), outputs: data.outputWidth,
                                      seed: UInt64(run))
            return EmbeddedTrainer(network: network, optimizer: optimizer, data: data, batchSize: 32, seed: UInt64(run))
        }
        let runs = try RangeTest(settings: recipe.rangeTest).runs(2, makeTrainer: trainer)
        let ensemble = try RangeTestEnsemble(runs, settings: recipe.analysis, iterationsPerEpoch: 34)
        let analysis = RangeTestAnalysis(ensemble.meanCurve, settings: recipe.analysis, iterationsPerEpoch: 34)
        var handOff = try trainer(0)
        let result = try TrainingLoop(configuration: recipe.base.training).run(&handOff)
        let record = RangeTestRecord(recipe: recipe, identifier: try RecipeIdentity.identifier(of: recipe, dataDigest: recipe.base.data.contentDigest()),
                                     data: DataSummary(data), model: ModelSummary(try trainer(0).network, optimizer: optimizer),
                                     runs: runs, curve: ensemble.meanCurve, analysis: analysis, ensemble: ensemble,
                                     training: [HandOffRun(name: "constant", schedule: nil, learningRate: 1e-3, result: result),
                                                HandOffRun(name: "onecycle", schedule: HandOffSchedule.onecycle.schedule(analysis.bounds!), learningRate: 0.01, result: result)],
                                     environment: RunEnvironment(seconds: 1.5))
        let encoded = try JSONEncoder().encode(record)
        let decoded = try JSONDecoder().decode(RangeTestRecord.self, from: encoded)
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
        var data = DataRecipe()
        data.path = Self.digits
        var training = TrainingConfiguration()
        training.epochs = 2
        training.earlyStopping = EarlyStopping(metric: .accuracy, patience: 3)
        training.clipping = .norm(1.5)
        let recipe = TrainingRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "batchnorm,dense(8,bias=false),gelu"), initialization: .he),
                                    optimizer: OptimizerSettings(kind: .adamw, weightDecay: 0.05),
                                    training: training, schedule: try ScheduleSpec(parsing: "cosine:t-max=2"))
        let prepared = try data.prepare()
        let network = try Network(spec: recipe.model.spec, inputShape: .vector(64), outputs: 10, initialization: .he, seed: 0)
        var trainer = EmbeddedTrainer(network: network, optimizer: try recipe.optimizer.makeOptimizer(), data: prepared, batchSize: 64,
                                      seed: 0, clipping: training.clipping)
        let result = try TrainingLoop(configuration: training).run(&trainer)
        let record = TrainingRecord(recipe: recipe, identifier: try RecipeIdentity.identifier(of: recipe, dataDigest: data.contentDigest()),
                                    data: DataSummary(prepared), model: ModelSummary(network, optimizer: trainer.optimizer), result: result,
                                    environment: RunEnvironment(seconds: 0.25))
        let decoded = try JSONDecoder().decode(TrainingRecord.self, from: JSONEncoder().encode(record))
        #expect(decoded == record)
        #expect(decoded.recipe.model.spec.description == "batchnorm,dense(8,bias=false),gelu")

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
        try FileManager.default.copyItem(atPath: Self.digits, toPath: copy)
        let original = try Self.recipe(path: Self.digits), moved = try Self.recipe(path: copy)
        let digest = try original.base.data.contentDigest()
        #expect(try moved.base.data.contentDigest() == digest)
        // The digest is the SHA-256 of the decompressed bytes.
        #expect(digest == SHA256.hash(try FileBytes.read(Self.digits)).hex)
        let identifier = try RecipeIdentity.identifier(of: original, dataDigest: digest)
        #expect(try RecipeIdentity.identifier(of: moved, dataDigest: digest) == identifier)
        #expect(identifier.count == 64)
        // Another seed, or other bytes, is another recipe.
        #expect(try RecipeIdentity.identifier(of: Self.recipe(path: Self.digits, seed: 1), dataDigest: digest) != identifier)
        let other = folder.appendingPathComponent("other.csv").path
        try Data("1,2,0\n3,4,1\n".utf8).write(to: URL(fileURLWithPath: other))
        let otherDigest = try DataRecipe.withPath(other).contentDigest()
        #expect(otherDigest != digest)
        #expect(try RecipeIdentity.identifier(of: moved, dataDigest: otherDigest) != identifier)
        // The canonical JSON has sorted keys and no path.
        let canonical = String(decoding: try RecipeIdentity.canonicalJSON(of: original, dataDigest: digest), as: UTF8.self)
        #expect(!canonical.contains("digits.csv.gz") && canonical.contains("\"dataDigest\":\"\(digest)\""))
        let keys = try JSONSerialization.jsonObject(with: Data(canonical.utf8)) as! [String: Any]
        #expect(canonical.hasPrefix("{\"analysis\":") && keys.count == 5)
    }
}

extension DataRecipe {
    static func withPath(_ path: String) -> DataRecipe {
        var recipe = DataRecipe()
        recipe.path = path
        return recipe
    }
}
