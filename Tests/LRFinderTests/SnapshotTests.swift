import Foundation
import Testing
@testable import LRFinder

/// Trainer snapshots and the optimizers' evaluation point.
@Suite struct SnapshotTests {
    static let data: PreparedData = {
        var recipe = DataRecipe(path: Fixtures.digits)
        recipe.split = .counts(train: 600, validation: 200, test: 200)
        return try! recipe.prepare()
    }()

    static func trainer(optimizer: any Optimizer = SGD(momentum: 0.9)) throws -> EmbeddedTrainer {
        let network = try Network(spec: ModelSpec(parsing: "dense:16,relu,dropout:0.2"), inputShape: .vector(64), outputs: 10, seed: 3)
        return EmbeddedTrainer(network: network, optimizer: optimizer, data: data, settings: TrainerSettings(batchSize: 50, seed: 4))
    }

    /// After a restore the trainer repeats the same batches, dropout masks, momentum and weights,
    /// bit for bit, across an epoch boundary (12 batches per epoch).
    @Test func aRestoredTrainerRepeatsItself() throws {
        var trainer = try Self.trainer()
        for _ in 0..<7 { _ = trainer.trainNextBatch(learningRate: 0.05, momentum: nil) }
        let snapshot = trainer.snapshot()
        let first = (0..<9).map { _ in trainer.trainNextBatch(learningRate: 0.05, momentum: nil).loss }
        let weights = trainer.network.parameters
        trainer.restore(snapshot)
        let again = (0..<9).map { _ in trainer.trainNextBatch(learningRate: 0.05, momentum: nil).loss }
        #expect(again == first && trainer.network.parameters == weights)
        // Without the restore the next batches differ (another point of the run).
        let later = (0..<9).map { _ in trainer.trainNextBatch(learningRate: 0.05, momentum: nil).loss }
        #expect(later != first)
    }

    @Test func aScriptedTrainerRewinds() throws {
        var trainer = ScriptedTrainer(losses: [5, 4, 3, 2], validationLosses: [1, 0.5], batchesPerEpoch: 2)
        _ = try trainer.trainNextBatch(learningRate: 0.1, momentum: nil)
        _ = try trainer.evaluate(.validation)
        let snapshot = trainer.snapshot()
        #expect(try trainer.trainNextBatch(learningRate: 0.2, momentum: nil).loss == 4 && trainer.evaluate(.validation)?.loss == 0.5)
        trainer.restore(snapshot)
        #expect(try trainer.trainNextBatch(learningRate: 0.3, momentum: nil).loss == 4 && trainer.evaluate(.validation)?.loss == 0.5)
        #expect(trainer.learningRates == [0.1, 0.3])
    }

    /// An optimizer that trains as SGD and is evaluated at half its parameters (as Schedule-Free
    /// is evaluated at an average of its iterates).
    struct HalvedEvaluation: Optimizer {
        var inner = SGD()
        mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum: Float?) {
            inner.update(parameters: &parameters, gradients: gradients, learningRate: learningRate, momentum: momentum)
        }
        var defaultMomentum: Float? { nil }
        var summary: String { "HalvedEvaluation" }
        func evaluationParameters(for parameters: [Float]) -> [Float]? { parameters.map { $0 / 2 } }
    }

    @Test func evaluationKeepingAndSavingUseTheEvaluationPoint() throws {
        var trainer = try Self.trainer(optimizer: HalvedEvaluation())
        for _ in 0..<5 { _ = trainer.trainNextBatch(learningRate: 0.1, momentum: nil) }
        let halved = trainer.network.parameters.map { $0 / 2 }
        #expect(trainer.evaluatedParameters == halved && trainer.evaluatedNetwork.parameters == halved)
        // The validation loss is the halved network's.
        var reference = trainer.network
        reference.parameters = halved
        var workspace = reference.makeEvaluationWorkspace(batchSize: 200)
        #expect(trainer.evaluate(.validation)?.loss == reference.evaluate(Self.data.validation, loss: .crossEntropy, workspace: &workspace).loss)
        // The best weights kept are the evaluation point's.
        trainer.keepBestWeights()
        _ = trainer.trainNextBatch(learningRate: 0.1, momentum: nil)
        trainer.restoreBestWeights()
        #expect(trainer.network.parameters == halved)
        // SGD itself is evaluated at its parameters.
        let plain = try Self.trainer()
        #expect(plain.evaluatedParameters == plain.network.parameters)
    }
}
