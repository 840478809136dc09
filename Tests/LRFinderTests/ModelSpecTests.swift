import Foundation
import Testing
@testable import LRFinder

/// The `--model` grammar: every layer parses, prints back and parses to the same network;
/// presets, the old item syntax, and every error names the item.
@Suite struct ModelSpecTests {
    @Test(arguments: [
        ("dense:256", LayerSpec.dense(units: 256, bias: true)),
        ("dense(256,bias=false)", .dense(units: 256, bias: false)),
        ("relu", .relu), ("sigmoid", .sigmoid), ("tanh", .tanh), ("gelu", .gelu), ("flatten", .flatten),
        ("leakyrelu:0.1", .leakyReLU(slope: 0.1)),
        ("dropout:0.25", .dropout(probability: 0.25)),
        ("batchnorm", .batchNorm(momentum: 0.1, epsilon: 1e-5)),
        ("batchnorm(momentum=0.01,eps=0.001)", .batchNorm(momentum: 0.01, epsilon: 0.001)),
        ("maxpool:2", .maxPool(kernel: 2, stride: 2, padding: 0)),
        ("maxpool(3,stride=2,padding=1)", .maxPool(kernel: 3, stride: 2, padding: 1)),
        ("maxpool(3,padding=1)", .maxPool(kernel: 3, stride: 3, padding: 1)),
        ("maxpool(2,stride=1)", .maxPool(kernel: 2, stride: 1, padding: 0)),
    ])
    func everyLayerRoundTrips(text: String, layer: LayerSpec) throws {
        let spec = try ModelSpec(parsing: text)
        #expect(spec.hidden == [layer])
        #expect(spec.description == text)
        #expect(try ModelSpec(parsing: spec.description) == spec)
        let decoded = try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
    }

    @Test func longFormsAndAliasesParseToTheShortForm() throws {
        #expect(try ModelSpec(parsing: "linear(64)").description == "dense:64")
        #expect(try ModelSpec(parsing: "Dense( 64 , bias = true )").description == "dense:64")
        #expect(try ModelSpec(parsing: "leakyrelu").hidden == [.leakyReLU(slope: 0.01)])
        #expect(try ModelSpec(parsing: "leakyrelu(slope=0.2)").hidden == [.leakyReLU(slope: 0.2)])
        #expect(try ModelSpec(parsing: "bn(0.2)").hidden == [.batchNorm(momentum: 0.2, epsilon: 1e-5)])
        #expect(try ModelSpec(parsing: "maxpool2d(kernel=3,stride=2)").hidden == [.maxPool(kernel: 3, stride: 2, padding: 0)])
        #expect(try ModelSpec(parsing: "dropout(p=0.5)").hidden == [.dropout(probability: 0.5)])
    }

    @Test func presetsAndTheOldSyntaxKeepWorking() throws {
        #expect(try ModelSpec(parsing: "mlp").description == "dense:256,relu,dense:128,relu")
        #expect(try ModelSpec(parsing: "mlp:512,256").description == "dense:512,relu,dense:256,relu")
        #expect(try ModelSpec(parsing: "logreg").hidden.isEmpty)
        #expect(try ModelSpec(parsing: "logreg").name == "logreg" && ModelSpec(parsing: "dense:8,relu").name == "dense:8,relu")
        let items = try ModelSpec(parsing: "dense:256,relu,dropout:0.1,dense:128,leakyrelu:0.1")
        #expect(items.hidden == [.dense(units: 256, bias: true), .relu, .dropout(probability: 0.1),
                                 .dense(units: 128, bias: true), .leakyReLU(slope: 0.1)])
        let cnn = "maxpool(3,stride=2,padding=1),batchnorm,flatten,dense:64,gelu,dropout:0.2"
        #expect(try ModelSpec(parsing: cnn).description == cnn)
        #expect(try ModelSpec(parsing: "logreg").layers(outputs: 10) == [.dense(units: 10, bias: true)])
    }

    @Test(arguments: [
        ("dense:abc", "dense:abc", "units must be a positive integer, e.g. dense:128, got 'abc'"),
        ("dense", "dense", "dense needs units: a positive integer, e.g. dense:128"),
        ("relu:2", "relu:2", "'relu' takes no argument"),
        ("dropout:1", "dropout:1", "p must be a probability in [0, 1), e.g. dropout:0.1, got '1'"),
        ("maxpool(2,padding=2)", "maxpool(2,padding=2)", "padding must be between 0 and half the kernel (1), got '2'"),
        ("maxpool(2,size=3)", "maxpool(2,size=3)", "maxpool has no setting 'size'"),
        ("dense(3,4)", "dense(3,4)", "dense takes at most 1 positional argument(s)"),
        ("dense(units=3,4)", "dense(units=3,4)", "positional argument '4' after key=value arguments"),
        ("dense(3,units=4)", "dense(3,units=4)", "units given by position and by name"),
        ("conv(32,3", "conv(32,3", "'(' without ')'"),
        ("dense:8,,relu", "", "empty item"),
        ("softmax", "softmax", "unknown layer 'softmax'; known: dense:N, relu, leakyrelu[:slope], sigmoid, tanh, gelu, dropout:p, batchnorm, conv(C,K,stride=S,padding=P,bias=B), maxpool:K, maxpool(K,stride=S,padding=P), avgpool:K, avgpool(K,stride=S,padding=P), flatten"),
    ])
    func errorsNameTheItem(text: String, item: String, reason: String) {
        #expect(throws: ModelSpecError(spec: text, item: item, reason: reason)) { try ModelSpec(parsing: text) }
    }
}

/// Compiling a layer list against an input shape: shapes, parameter and state ranges, errors.
@Suite struct NetworkLayoutTests {
    @Test func shapesAndRangesFollowPyTorch() throws {
        // 1x8x8 -> maxpool 2 -> 1x4x4 -> batchnorm (1 channel) -> flatten 16 -> dense 5 -> batchnorm (5) -> dense 3.
        let layers: [LayerSpec] = [.maxPool(kernel: 2, stride: 2, padding: 0), .batchNorm(momentum: 0.1, epsilon: 1e-5), .flatten,
                                   .dense(units: 5, bias: true), .batchNorm(momentum: 0.1, epsilon: 1e-5), .dense(units: 3, bias: false)]
        let layout = try NetworkLayout(layers: layers, inputShape: TensorShape(channels: 1, height: 8, width: 8))
        #expect(layout.entries.map(\.output) == [TensorShape(channels: 1, height: 4, width: 4), TensorShape(channels: 1, height: 4, width: 4),
                                                 .vector(16), .vector(5), .vector(5), .vector(3)])
        #expect(layout.entries.map(\.parameters) == [0..<0, 0..<2, 2..<2, 2..<87, 87..<97, 97..<112])
        #expect(layout.entries.map(\.state) == [0..<0, 0..<3, 3..<3, 3..<3, 3..<14, 14..<14])
        #expect(layout.parameterCount == 112 && layout.stateCount == 14)
        // PyTorch's floor((H + 2p - k) / s) + 1: 7x7 with k 3, s 2, p 1 -> 4x4.
        let pooled = try NetworkLayout(layers: [.maxPool(kernel: 3, stride: 2, padding: 1)], inputShape: TensorShape(channels: 2, height: 7, width: 7))
        #expect(pooled.outputShape == TensorShape(channels: 2, height: 4, width: 4))
    }

    @Test func misfitsNameTheLayerAndItsInput() {
        #expect(throws: NetworkError(layer: 1, description: "layer 1 (dense:4) on input 1x8x8: dense needs a vector; put flatten before it")) {
            try NetworkLayout(layers: [.dense(units: 4, bias: true)], inputShape: TensorShape(channels: 1, height: 8, width: 8))
        }
        #expect(throws: NetworkError(layer: 2, description: "layer 2 (maxpool:2) on input 4: max pooling needs an image (channels x height x width); give the data's image shape")) {
            try NetworkLayout(layers: [.dense(units: 4, bias: true), .maxPool(kernel: 2, stride: 2, padding: 0)], inputShape: .vector(3))
        }
        #expect(throws: NetworkError(layer: 1, description: "layer 1 (maxpool:5) on input 1x4x4: the 5x5 window does not fit a 4x4 plane with padding 0")) {
            try NetworkLayout(layers: [.maxPool(kernel: 5, stride: 5, padding: 0)], inputShape: TensorShape(channels: 1, height: 4, width: 4))
        }
    }

    @Test func batchNormStartsAsPyTorchAndTravelsWithCopies() throws {
        var random = RandomSource(seed: 1)
        let network = try Network(layers: [.batchNorm(momentum: 0.1, epsilon: 1e-5), .dense(units: 2, bias: true)], inputShape: .vector(3), random: &random)
        #expect(Array(network.parameters[0..<6]) == [1, 1, 1, 0, 0, 0])
        #expect(network.state == [0, 0, 0, 1, 1, 1, 0])
        // A range test on a copy leaves the caller's running statistics untouched.
        let data = PreparedData(train: Dataset(features: Matrix((0..<8).map { i in [Float(i), Float(i * i), 1] }), labels: (0..<8).map { Int32($0 % 2) }),
                                validation: Dataset(features: Matrix(rows: 0, columns: 3), labels: []), test: Dataset(features: Matrix(rows: 0, columns: 3), labels: []))
        let trainer = EmbeddedTrainer(network: network, optimizer: SGD(weightDecay: 0.5), data: data, batchSize: 4, seed: 0)
        var settings = RangeTestSettings()
        settings.length = .steps(4)
        settings.minimumLearningRate = 1e-3
        settings.maximumLearningRate = 1e-1
        _ = try RangeTest(settings: settings).run(trainer)
        #expect(trainer.network.state == [0, 0, 0, 1, 1, 1, 0])
        var trained = trainer
        for _ in 0..<3 { _ = trained.trainNextBatch(learningRate: 0.1, momentum: nil) }
        #expect(trained.network.state[6] == 3, "num_batches_tracked counts training batches")
        #expect(trained.network.state[3..<6].allSatisfy { $0 != 1 }, "running variances moved")
        // The optimizer (with weight decay) sees the 6 + 8 parameters only, never the state.
        #expect(trained.network.parameters.count == 14 && trained.optimizer.summary.contains("weight decay: 0.5"))
    }
}
