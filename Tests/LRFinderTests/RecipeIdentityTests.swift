import Foundation
import Testing
@testable import LRFinder

/// Recipes' identities: RFC 8785 canonical JSON of typed values, defaults left out, plain words or
/// tagged objects for enums, paths beside; the literal identifiers are pinned.
@Suite struct RecipeIdentityTests {
    /// SHA-256 of "test" and of "lrfind", standing for data and weights digests.
    static let dataDigest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    static let weightsDigest = "1e0ba3d2c1b3ac26bcfd1b0a7e0f1b8a1c1ef3d1e5d7c2b96e0a9f6e2e5c1d77"

    /// A training recipe with something set in every part.
    static func trainingRecipe() throws -> TrainingRecipe {
        var data = DataRecipe(path: "/somewhere/penguins.csv")
        data.digest = dataDigest
        data.labelColumn = .name("species")
        data.ignoredColumns = [.index(0), .name("island")]
        data.categorical = .columns([.name("sex")])
        data.split = .fractions(train: 0.7, validation: 0.15, test: 0.15)
        data.missing = .mean
        data.splitSeed = 3
        var training = TrainingConfiguration()
        training.epochs = 20
        training.learningRate = 0.05
        training.earlyStopping = EarlyStopping(metric: .accuracy, patience: 3)
        return TrainingRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "dense:16,relu"), initialization: .he),
                              optimizer: .sgd(SGDSettings(momentum: 0.9, nesterov: true)),
                              trainer: TrainerSettings(batchSize: 32, seed: 7, clipping: .norm(1.5)),
                              training: training, schedule: try ScheduleSpec(parsing: "onecycle:max=0.1"))
    }

    /// A range test on the bundled data with three runs and a hand-off, from a weights file.
    static func rangeTestRecipe() throws -> RangeTestRecipe {
        var data = DataRecipe()
        data.digest = dataDigest
        var settings = RangeTestSettings()
        settings.minimumLearningRate = 1e-4
        settings.maximumLearningRate = 1
        settings.length = .epochs(5)
        return RangeTestRecipe(data: data, model: ModelRecipe(spec: try ModelSpec(parsing: "mlp"), initialWeightsPath: "w.safetensors",
                                                              initialWeights: weightsDigest),
                               rangeTest: settings, runs: 3, handOff: HandOffPlan(schedule: .onecycle, epochs: 4, baseline: true))
    }

    static func defaults() -> DataRecipe {
        var data = DataRecipe()
        data.digest = dataDigest
        return data
    }

    /// The canonical texts and identifiers were computed independently with Python's `rfc8785`
    /// package: `hashlib.sha256(rfc8785.dumps({"kind": kind, "recipe": json.loads(text)}))`.
    @Test func literalIdentifiersArePinned() throws {
        let training = try Self.trainingRecipe()
        #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: training)) == #"{"data":{"categorical":{"columns":[{"name":"sex"}]},"digest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","ignoredColumns":[{"index":0},{"name":"island"}],"labelColumn":{"name":"species"},"missing":"mean","split":{"fractions":{"test":0.15,"train":0.7,"validation":0.15}},"splitSeed":3},"model":{"initialization":"he","spec":"dense:16,relu"},"optimizer":{"kind":"sgd","momentum":0.9,"nesterov":true},"schedule":"onecycle:max=0.1","trainer":{"batchSize":32,"clipping":{"norm":1.5},"seed":7},"training":{"earlyStopping":{"metric":"val-accuracy","patience":3},"epochs":20,"learningRate":0.05}}"#)
        #expect(try RecipeIdentity.identifier(of: training) == "f416b502a54c45a5070d0b8388f26ef20bbb70ac6c9cf7af4eec7b208aa12d4c")
        let rangeTest = try Self.rangeTestRecipe()
        #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: rangeTest)) == #"{"data":{"bundled":"mnist5k","digest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},"handOff":{"baseline":true,"epochs":4,"schedule":"onecycle"},"model":{"initialWeights":"1e0ba3d2c1b3ac26bcfd1b0a7e0f1b8a1c1ef3d1e5d7c2b96e0a9f6e2e5c1d77","spec":"dense:256,relu,dense:128,relu"},"optimizer":{"kind":"adamw"},"rangeTest":{"length":{"epochs":5},"maximumLearningRate":1,"minimumLearningRate":0.0001},"runs":3}"#)
        #expect(try RecipeIdentity.identifier(of: rangeTest) == "18a06af847a9e0de46de1d7b9158b2538a08bac083605944fdb0f7a28cd3aebf")
        // Every field at its default is left out; the kind tells the two apart.
        let plainTraining = TrainingRecipe(data: Self.defaults(), model: ModelRecipe(spec: ModelSpec(hidden: [])))
        let plainRangeTest = RangeTestRecipe(data: Self.defaults(), model: ModelRecipe(spec: ModelSpec(hidden: [])))
        #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: plainTraining)) == #"{"data":{"bundled":"mnist5k","digest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},"model":{"spec":"logreg"},"optimizer":{"kind":"adamw"}}"#)
        #expect(try RecipeIdentity.identifier(of: plainTraining) == "5547b517b8cdcc3a5f269dcd89953482b6169d33075fbef0859d8475a32e2822")
        #expect(try RecipeIdentity.identifier(of: plainRangeTest) == "e90cb2328bb6ce5e136e8119513e286a713852596c8336e525a757d3ec792e60")
    }

    @Test func pathsAndGuardsAreBesideTheIdentity() throws {
        var moved = try Self.trainingRecipe()
        moved.data.path = "/elsewhere/copy.csv"
        moved.data.maximumClassCount = 500
        #expect(try RecipeIdentity.identifier(of: moved) == RecipeIdentity.identifier(of: Self.trainingRecipe()))
        #expect(moved.inputs == RunInputs(data: "/elsewhere/copy.csv", maximumClassCount: 500))
        // A field added at its default moves nothing: an explicit default equals the omitted one.
        var explicit = try Self.trainingRecipe()
        explicit.data.header = .auto
        explicit.training.monitor = nil
        explicit.trainer.loss = nil
        #expect(try RecipeIdentity.identifier(of: explicit) == RecipeIdentity.identifier(of: Self.trainingRecipe()))
        // A value that is not the default is in it.
        var other = try Self.trainingRecipe()
        other.trainer.clipping = .value(1.5)
        #expect(try RecipeIdentity.identifier(of: other) != RecipeIdentity.identifier(of: Self.trainingRecipe()))
    }

    /// Rates stay the Doubles the user gave: 1e-3 is written as 0.001, not as Float's 0.0010000000474974513.
    @Test func ratesAreTheGivenDoubles() throws {
        var recipe = TrainingRecipe(data: Self.defaults(), model: ModelRecipe(spec: ModelSpec(hidden: [])))
        recipe.training.learningRate = 0.003
        recipe.optimizer = .adam(AdamSettings(beta2: 0.99))
        let text = try CanonicalJSON.text(of: CanonicalJSON.value(of: recipe))
        #expect(text.contains(#""learningRate":0.003"#) && text.contains(#""beta2":0.99"#))
        let record = String(decoding: try JSONDocument.encode(recipe), as: UTF8.self)
        #expect(record.contains("0.003") && !record.contains("0.00300000"))
    }

    @Test func recipesDecodeBack() throws {
        for recipe in [try Self.trainingRecipe()] {
            var expected = recipe
            expected.data.path = nil
            expected.data.bundled = nil
            #expect(try JSONDocument.decode(TrainingRecipe.self, from: JSONDocument.encode(recipe)) == expected)
        }
        var expected = try Self.rangeTestRecipe()
        expected.model.initialWeightsPath = nil
        #expect(try JSONDocument.decode(RangeTestRecipe.self, from: JSONDocument.encode(Self.rangeTestRecipe())) == expected)
        // A recipe file takes its paths back from its inputs.
        let file = RunFile(recipe: .training(try Self.trainingRecipe()), inputs: try Self.trainingRecipe().inputs)
        let read = try RunFile.decode(file.encoded(), file: "r.json")
        guard case let .training(back) = read.recipe else { Issue.record("not a training recipe"); return }
        #expect(back.locating(read.inputs) == (try Self.trainingRecipe()))
    }

    /// Enums are plain words or tagged objects with named fields, never `{"_0": ...}` or `{"last": {}}`.
    @Test func enumsAreWordsOrTaggedObjects() throws {
        func text(_ value: some Encodable) throws -> String { try CanonicalJSON.text(of: CanonicalJSON.value(of: value)) }
        #expect(try text(LabelColumn.last) == #""last""#)
        #expect(try text(LabelColumn.index(2)) == #"{"index":2}"#)
        #expect(try text(CategoricalColumns.none) == #""none""#)
        #expect(try text(SplitSizes.counts(train: 3000, validation: 1000, test: 1000)) == #"{"counts":{"test":1000,"train":3000,"validation":1000}}"#)
        #expect(try text(GradientClipping.none) == #""none""#)
        #expect(try text(GradientClipping.value(0.5)) == #"{"value":0.5}"#)
        #expect(try text(RangeTestLength.automatic) == #""automatic""#)
        #expect(try text(RangeTestLength.steps(100)) == #"{"steps":100}"#)
        // Saved models of earlier versions hold the synthesized forms in their metadata: still read.
        let old = Data(#"[{"last": {}}, {"index": {"_0": 4}}, {"name": {"_0": "species"}}]"#.utf8)
        #expect(try JSONDecoder().decode([LabelColumn].self, from: old) == [.last, .index(4), .name("species")])
        #expect(try JSONDecoder().decode(GradientClipping.self, from: Data(#"{"norm": {"_0": 2}}"#.utf8)) == .norm(2))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LabelColumn.self, from: Data(#""middle""#.utf8)) }
    }

    @Test func filesOfOtherVersionsAreRefusedInOneLine() throws {
        func message(_ json: String) -> String {
            do { _ = try RunFile.decode(Data(json.utf8), file: "r.json"); return "" } catch { return "\(error)" }
        }
        #expect(message(#"{"identifier": "x", "lrfindVersion": "0.9.0", "recipe": {}}"#)
                    == "r.json: no formatVersion: written by lrfind 0.9.0, before recipes had a format version; run the command again with this lrfind (\(RecipeIdentity.lrfindVersion))")
        #expect(message(#"{"kind": "training", "formatVersion": 2, "recipe": {}}"#)
                    == "r.json: format version 2 is not one this lrfind (\(RecipeIdentity.lrfindVersion)) reads: it reads version 1")
        #expect(message(#"{"kind": "sweep", "formatVersion": 1}"#).hasPrefix("r.json: not a recipe or record"))
        #expect(message(#"{"kind": "training", "formatVersion": 1, "recipe": {"model": {"spec": "mlp"}, "optimizer": {"kind": "sgd", "betas": 1}}}"#)
                    == "r.json: recipe.optimizer: optimizer sgd has no field 'betas' (it has dampening, kind, momentum, nesterov, weightDecay)")
        #expect(message(#"{"kind": "range-test", "formatVersion": 1, "recipe": {"model": {"spec": "mlp"}}}"#)
                    == "r.json: recipe: no field 'optimizer'")
        #expect(message("not json").hasPrefix("r.json: not a recipe or record"))
        for text in [message(#"{"formatVersion": 2}"#), message(#"{"kind": "training", "formatVersion": 1, "recipe": {"model": {"spec": "mlp"}, "optimizer": {"kind": "sgd"}, "trainer": {"batch": 3}}}"#)] {
            #expect(!text.isEmpty && !text.contains("\n"), "\(text)")
        }
    }
}
