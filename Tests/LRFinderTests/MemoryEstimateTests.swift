import Foundation
import Testing
@testable import LRFinder

/// Issue 10, item 4: what a model needs, counted from its layout before anything is allocated,
/// and sizes too large to count refused instead of wrapping around.
@Suite struct MemoryEstimateTests {
    static let layouts: [(String, TensorShape)] = [
        ("mlp", .vector(784)),
        ("logreg", .vector(64)),
        ("dense:32,relu,dropout:0.2,batchnorm,dense(16,bias=false),gelu", .vector(20)),
        ("batchnorm,maxpool(3,stride=2,padding=1),flatten,dense:64,gelu", TensorShape(channels: 1, height: 28, width: 28)),
        ("flatten,dense:8", TensorShape(channels: 2, height: 5, width: 5)),
        ("maxpool:2,flatten,batchnorm,dropout:0.5", TensorShape(channels: 3, height: 8, width: 8)),
    ]

    @Test(arguments: 0..<6)
    func theWorkspaceEstimateIsWhatItAllocates(index: Int) throws {
        let (spec, shape) = Self.layouts[index]
        let network = try Network(spec: ModelSpec(parsing: spec), inputShape: shape, outputs: 10, seed: 0)
        for capacity in [1, 7, 64] {
            let workspace = network.makeWorkspace(batchSize: capacity)
            #expect(Workspace.estimatedFloatCount(layout: network.layout, capacity: capacity) == workspace.floatCount)
            let int32s = workspace.indices.count + workspace.labels.count
            #expect(Workspace.estimatedBytes(layout: network.layout, capacity: capacity) == 4 * (workspace.floatCount + int32s))
            let evaluation = network.makeEvaluationWorkspace(batchSize: capacity)
            #expect(Workspace.estimatedFloatCount(layout: network.layout, capacity: capacity, trains: false) == evaluation.floatCount)
            #expect(Workspace.estimatedBytes(layout: network.layout, capacity: capacity, trains: false)
                    == 4 * (evaluation.floatCount + evaluation.indices.count + evaluation.labels.count))
            #expect(evaluation.floatCount < workspace.floatCount && evaluation.parameterGradient.isEmpty)
        }
    }

    @Test func theEstimateAddsTheNetworkTheOptimizerAndBothWorkspaces() throws {
        let layout = try NetworkLayout(layers: ModelSpec(parsing: "mlp").layers(outputs: 10), inputShape: .vector(784))
        let adam = try #require(MemoryEstimate(layout: layout, optimizer: OptimizerSettings(kind: .adamw), batchSize: 64,
                                               evaluationBatchSize: 1000, keepsBestWeights: true))
        #expect(adam.network == 4 * 235_146)
        #expect(adam.optimizerState == 2 * 4 * 235_146)
        #expect(adam.bestWeights == adam.network)
        #expect(adam.workspace == Workspace.estimatedBytes(layout: layout, capacity: 64))
        #expect(adam.evaluationWorkspace == Workspace.estimatedBytes(layout: layout, capacity: 1000, trains: false))
        #expect(adam.total == adam.network * 4 + adam.workspace + adam.evaluationWorkspace)
        let sgd = try #require(MemoryEstimate(layout: layout, optimizer: OptimizerSettings(kind: .sgd), batchSize: 64, evaluationBatchSize: 0))
        #expect(sgd.optimizerState == 0 && sgd.evaluationWorkspace == 0 && sgd.bestWeights == 0)
    }

    @Test func optimizerStateVectors() {
        #expect(OptimizerSettings(kind: .sgd).stateVectorCount() == 0)
        #expect(OptimizerSettings.sgd(SGDSettings(momentum: 0.9)).stateVectorCount() == 1)
        #expect(OptimizerSettings(kind: .sgd).stateVectorCount(cyclesMomentum: true) == 1)
        #expect(OptimizerSettings(kind: .adam).stateVectorCount() == 2)
        #expect(OptimizerSettings.adamW(AdamSettings(weightDecay: 0.01, amsgrad: true)).stateVectorCount() == 3)
        #expect(OptimizerSettings(kind: .rmsprop).stateVectorCount() == 1)
        #expect(OptimizerSettings.rmsprop(RMSpropSettings(momentum: 0.9, centered: true)).stateVectorCount() == 3)
    }

    /// What each optimizer allocates on its first step is what `stateVectorCount` says.
    @Test(arguments: [OptimizerSettings.sgd(SGDSettings(momentum: 0.9)), OptimizerSettings.adam(AdamSettings(amsgrad: true)),
                      OptimizerSettings.rmsprop(RMSpropSettings(momentum: 0.5, centered: true)), OptimizerSettings(kind: .sgd)])
    func stateVectorsMatchTheOptimizers(settings: OptimizerSettings) throws {
        var optimizer = try settings.makeOptimizer()
        var parameters = [Float](repeating: 1, count: 10)
        optimizer.update(parameters: &parameters, gradients: [Float](repeating: 0.5, count: 10), learningRate: 0.1, momentum: nil)
        let stored = Mirror(reflecting: optimizer).children.compactMap { $0.value as? [Float] }.map(\.count).reduce(0, +)
        #expect(stored == 10 * settings.stateVectorCount())
    }

    @Test func sizesThatOverflowAreErrorsNotWrappedCounts() throws {
        #expect(throws: NetworkError.self) {
            try NetworkLayout(layers: [.dense(units: 99_999_999_999_999, bias: true), .dense(units: 99_999_999_999_999, bias: true)],
                              inputShape: .vector(784))
        }
        #expect(throws: NetworkError.self) {
            try NetworkLayout(layers: [.maxPool(kernel: .max, stride: 1, padding: .max / 2)], inputShape: TensorShape(channels: 1, height: 28, width: 28))
        }
        // Countable parameters, but a workspace whose activations overflow: no estimate, no allocation.
        let wide = try NetworkLayout(layers: [.dense(units: 1 << 40, bias: false)], inputShape: .vector(1))
        #expect(Workspace.estimatedBytes(layout: wide, capacity: 1 << 30) == nil)
        #expect(MemoryEstimate(layout: wide, optimizer: OptimizerSettings(kind: .adam), batchSize: 1 << 30, evaluationBatchSize: 0) == nil)
        do {
            _ = try NetworkLayout(layers: [.dense(units: 99_999_999_999_999, bias: true), .dense(units: 99_999_999_999_999, bias: true)],
                                  inputShape: .vector(784))
        } catch {
            #expect("\(error)" == "layer 2 (dense:99999999999999) on input 99999999999999: too large: its sizes overflow a 64-bit count")
        }
    }
}

/// Run lengths that do not fit a 64-bit count are refused, not wrapped (`--epochs 2^63-1`).
@Suite struct RunLengthTests {
    @Test func updateCountsThatOverflowAreRefused() throws {
        #expect(try TrainingConfiguration.updateCount(epochs: 10, batchesPerEpoch: 47) == 470)
        #expect(throws: TrainingSizeError(description: "9223372036854775807 epochs of 17 batches are more updates than a 64-bit count holds")) {
            try TrainingConfiguration.updateCount(epochs: .max, batchesPerEpoch: 17)
        }
        var settings = RangeTestSettings()
        settings.length = .epochs(.max)
        #expect(settings.stepCount(batchesPerEpoch: 17) == Int.max)
        #expect(throws: RecipeError.requirement(.rangeTestEpochs, "times 17 batches per epoch is more steps than a 64-bit count holds; must be fewer", got: Int.max)) {
            try settings.validate(batchesPerEpoch: 17)
        }
        var loop = ScriptedTrainer(losses: [1], batchesPerEpoch: 17)
        var configuration = TrainingConfiguration()
        configuration.epochs = .max
        #expect(throws: TrainingSizeError.self) { try TrainingLoop(configuration: configuration).run(&loop) }
    }
}
