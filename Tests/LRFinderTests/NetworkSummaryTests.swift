import Foundation
import Testing
@testable import LRFinder

/// `lrfind model`'s figures: torchinfo's multiply-adds, the training step's, and the memory
/// estimate against what the network, its workspace and the optimizer really allocate.
@Suite struct NetworkSummaryTests {
    @Test func multiplyAddsFollowTorchinfo() throws {
        let layout = try NetworkLayout(layers: ModelSpec(parsing: "cnn").layers(outputs: 10), inputShape: TensorShape(channels: 1, height: 28, width: 28))
        let summary = try #require(NetworkSummary(layout: layout, batchSize: 64))
        // torchinfo: a Conv2d's parameters times its output positions, a Linear's parameters.
        #expect(summary.rows.map(\.multiplyAdds) == [320 * 676, 0, 0, 18_496 * 121, 0, 0, 0, 204_928, 0, 1290])
        #expect(summary.multiplyAdds == 2_660_554)
        #expect(summary.rows.map(\.module) == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "Sigmoid", "Linear"])
        #expect(summary.rows[5].outputShape == TensorShape(channels: 64, height: 5, width: 5) && summary.parameters == 225_034)
        // Forward and weight gradient for every layer; the input gradient (weights once per
        // position) for all but the first convolution, which passes no gradient back.
        let perSample = 2 * 216_320 + (2 * 2_238_016 + 18_432 * 121) + (2 * 204_928 + 204_800) + (2 * 1290 + 1280)
        #expect(summary.trainingStepMultiplyAdds == 64 * perSample)
        let normalized = try NetworkLayout(layers: ModelSpec(parsing: "conv(4,3,padding=1,bias=false),batchnorm,flatten").layers(outputs: 2),
                                           inputShape: TensorShape(channels: 1, height: 5, width: 5))
        let rows = try #require(NetworkSummary(layout: normalized, batchSize: 1)).rows
        #expect(rows.map(\.multiplyAdds) == [36 * 25, 8, 0, 202])
        #expect(rows.map(\.module)[1] == "BatchNorm2d")
    }

    static let models: [(String, TensorShape, OptimizerSettings)] = [
        ("cnn", TensorShape(channels: 1, height: 28, width: 28), OptimizerSettings(kind: .adamw)),
        ("dnn", .vector(784), OptimizerSettings.sgd(SGDSettings(momentum: 0.9))),
        ("conv(4,3,stride=2,padding=1),batchnorm,relu,dropout:0.2,avgpool:2,conv(3,1),maxpool:2,flatten,batchnorm", TensorShape(channels: 2, height: 9, width: 9),
         OptimizerSettings.rmsprop(RMSpropSettings(centered: true))),
        ("logreg", .vector(64), OptimizerSettings(kind: .sgd)),
    ]

    @Test(arguments: 0..<4)
    func theMemoryEstimateIsWhatATrainingStepAllocates(index: Int) throws {
        let (spec, shape, settings) = Self.models[index]
        var network = try Network(spec: ModelSpec(parsing: spec), inputShape: shape, outputs: 10, seed: 0)
        for batch in [1, 33, 70] {
            let summary = try #require(NetworkSummary(layout: network.layout, batchSize: batch, optimizer: settings))
            var workspace = network.makeWorkspace(batchSize: batch)
            var optimizer = try settings.makeOptimizer()
            let features = Matrix(rows: batch, columns: shape.count, repeating: 0.5)
            var random = RandomSource(seed: 1)
            network.computeGradient(features: features, targets: .classes([Int32](repeating: 3, count: batch), count: 10), indices: 0..<batch,
                                    loss: .crossEntropy, workspace: &workspace, random: &random)
            optimizer.update(parameters: &network.parameters, gradients: workspace.parameterGradient, learningRate: 1e-3, momentum: nil)
            let optimizerFloats = Mirror(reflecting: optimizer).children.compactMap { $0.value as? [Float] }.map(\.count).reduce(0, +)
            let allocated = 4 * (network.parameters.count + network.state.count + workspace.floatCount + optimizerFloats
                                 + workspace.indices.count + workspace.labels.count)
            #expect(summary.memory.total == allocated, "\(spec) at batch \(batch)")
            #expect(summary.memory.optimizerState == 4 * optimizerFloats)
            #expect(summary.memory.batchNormState == 4 * network.state.count)
            #expect(summary.memory.gradients == 4 * workspace.parameterGradient.count)
            // The activations: every boundary's batch and its gradient, a flatten and a ReLU before a
            // max pooling sharing their input's.
            let layers = network.layout.entries.map(\.layer)
            let boundaries = layers.indices.filter { i in
                layers[i] != .flatten && !(layers[i] == .relu && i + 1 < layers.count && { if case .maxPool = layers[i + 1] { true } else { false } }())
            }.map { network.layout.entries[$0].output.count }
            #expect(summary.memory.activations == 4 * batch * (shape.count + 2 * boundaries.reduce(0, +)))
        }
    }
}
