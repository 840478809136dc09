import Foundation
import Testing
@testable import LRFinder

/// The convolutional vocabulary in the spec grammar, the `cnn` and `dnn` presets, PyTorch's
/// initialisation of a convolution, and the input shape a model sees.
@Suite struct ConvolutionModelTests {
    @Test(arguments: [
        ("conv(32,3)", LayerSpec.convolution(channels: 32, kernel: 3, stride: 1, padding: 0, bias: true)),
        ("conv(64,3,stride=2,padding=1,bias=false)", .convolution(channels: 64, kernel: 3, stride: 2, padding: 1, bias: false)),
        ("conv(8,5,padding=2)", .convolution(channels: 8, kernel: 5, stride: 1, padding: 2, bias: true)),
        ("avgpool:2", .averagePool(kernel: 2, stride: 2, padding: 0)),
        ("avgpool(3,stride=1,padding=1)", .averagePool(kernel: 3, stride: 1, padding: 1)),
    ])
    func layersRoundTrip(text: String, layer: LayerSpec) throws {
        let spec = try ModelSpec(parsing: text)
        #expect(spec.hidden == [layer])
        #expect(spec.description == text)
        #expect(try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(spec)) == spec)
        #expect(spec.needsImage)
    }

    @Test func longFormsParseToTheShortForm() throws {
        #expect(try ModelSpec(parsing: "conv2d(channels=64,kernel=3,stride=2,padding=1,bias=false)").description == "conv(64,3,stride=2,padding=1,bias=false)")
        #expect(try ModelSpec(parsing: "conv(16,3,1,0)").description == "conv(16,3)")
        #expect(try ModelSpec(parsing: "avgpool2d(kernel=2)").description == "avgpool:2")
    }

    @Test(arguments: [
        ("conv(32)", "conv(32)", "conv needs kernel: a positive integer, e.g. conv(32,3)"),
        ("conv(0,3)", "conv(0,3)", "channels must be a positive integer, e.g. conv(32,3), got '0'"),
        ("conv(8,3,stride=0)", "conv(8,3,stride=0)", "stride must be a positive integer, got '0'"),
        ("conv(8,3,padding=-1)", "conv(8,3,padding=-1)", "padding must be an integer >= 0, got '-1'"),
        ("conv(8,3,groups=2)", "conv(8,3,groups=2)", "conv has no setting 'groups'"),
        ("avgpool(2,padding=2)", "avgpool(2,padding=2)", "padding must be between 0 and half the kernel (1), got '2'"),
    ])
    func errorsNameTheItem(text: String, item: String, reason: String) {
        #expect(throws: ModelSpecError(spec: text, item: item, reason: reason)) { try ModelSpec(parsing: text) }
    }

    @Test func presetsHaveTheStudyNotesParameterCounts() throws {
        let cnn = try ModelSpec(parsing: "cnn"), dnn = try ModelSpec(parsing: "dnn")
        #expect(cnn.description == "conv(32,3),relu,maxpool:2,conv(64,3),relu,maxpool:2,flatten,dense:128,sigmoid")
        #expect(dnn.description == "dense:64,leakyrelu:0.1,dropout:0.1,dense:128,leakyrelu:0.1,dropout:0.1,dense:256,leakyrelu:0.1,dropout:0.1,"
                + "dense:128,leakyrelu:0.1,dropout:0.1,dense:128,leakyrelu:0.1,dropout:0.4")
        let image = TensorShape(channels: 1, height: 28, width: 28)
        let cnnLayout = try NetworkLayout(layers: cnn.layers(outputs: 10), inputShape: try cnn.inputShape(for: .vector(784), declared: nil))
        #expect(cnnLayout.inputShape == image)
        #expect(cnnLayout.parameterCount == 225_034)
        // 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5: 64 x 5 x 5 = 1,600 into the dense layer.
        #expect(cnnLayout.entries[6].output == .vector(1600))
        let dnnLayout = try NetworkLayout(layers: dnn.layers(outputs: 10), inputShape: try dnn.inputShape(for: image, declared: nil))
        #expect(dnnLayout.inputShape == .vector(784))
        #expect(dnnLayout.parameterCount == 142_282)
    }

    @Test func convolutionWeightsFollowPyTorchsDefault() throws {
        // Conv2d(4, 50, 3): fan_in 36, weights and bias U(-1/6, 1/6).
        var random = RandomSource(seed: 5)
        let network = try Network(layers: [.convolution(channels: 50, kernel: 3, stride: 1, padding: 0, bias: true), .batchNorm(momentum: 0.1, epsilon: 1e-5)],
                                  inputShape: TensorShape(channels: 4, height: 5, width: 5), random: &random)
        let weights = network.parameters[0..<1800], bias = network.parameters[1800..<1850]
        let bound: Float = 1 / 6
        #expect(weights.allSatisfy { abs($0) <= bound } && bias.allSatisfy { abs($0) <= bound })
        #expect(weights.max()! > 0.95 * bound && weights.min()! < -0.95 * bound)
        let mean = weights.reduce(0, +) / 1800, variance = weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 1800
        #expect(abs(variance - bound * bound / 3) < 0.1 * bound * bound / 3)
        // Batch norm 2-d over the 50 channels: weight 1, bias 0, running mean 0, running variance 1.
        #expect(network.parameters[1850...] == ArraySlice([Float](repeating: 1, count: 50) + [Float](repeating: 0, count: 50)))
        #expect(network.state == [Float](repeating: 0, count: 50) + [Float](repeating: 1, count: 50) + [0])
    }

    @Test func theInputShapeIsAnImageOnlyWhenTheModelNeedsOne() throws {
        let convolutional = try ModelSpec(parsing: "conv(4,3),flatten"), dense = try ModelSpec(parsing: "dense:8")
        #expect(try convolutional.inputShape(for: .vector(784), declared: nil) == TensorShape(channels: 1, height: 28, width: 28))
        #expect(try convolutional.inputShape(for: .vector(64), declared: nil) == TensorShape(channels: 1, height: 8, width: 8))
        #expect(try convolutional.inputShape(for: TensorShape(channels: 3, height: 4, width: 4), declared: nil) == TensorShape(channels: 3, height: 4, width: 4))
        #expect(try convolutional.inputShape(for: .vector(48), declared: TensorShape(channels: 3, height: 4, width: 4)) == TensorShape(channels: 3, height: 4, width: 4))
        #expect(try dense.inputShape(for: TensorShape(channels: 1, height: 28, width: 28), declared: nil) == .vector(784))
        #expect(try dense.inputShape(for: .vector(784), declared: TensorShape(channels: 1, height: 28, width: 28)) == .vector(784))
        #expect(throws: InputShapeError(description: "the shape 1x28x27 holds 756 values, but the data's samples have 784 features")) {
            try convolutional.inputShape(for: .vector(784), declared: TensorShape(channels: 1, height: 28, width: 27))
        }
        #expect(throws: InputShapeError(description: "the model needs an image, but its 48 features are not a square one-channel image; give the image's shape (channels x height x width)")) {
            try convolutional.inputShape(for: .vector(48), declared: nil)
        }
    }

    @Test func aLayerThatDoesNotFitItsInputIsNamed() throws {
        let image = TensorShape(channels: 1, height: 8, width: 8)
        #expect(throws: NetworkError(layer: 1, description: "layer 1 (conv(4,3)) on input 10: a convolution needs an image (channels x height x width); give the data's image shape")) {
            try NetworkLayout(layers: [.convolution(channels: 4, kernel: 3, stride: 1, padding: 0, bias: true)], inputShape: .vector(10))
        }
        #expect(throws: NetworkError(layer: 2, description: "layer 2 (conv(4,9)) on input 4x6x6: the 9x9 window does not fit a 6x6 plane with padding 0")) {
            try NetworkLayout(layers: [.convolution(channels: 4, kernel: 3, stride: 1, padding: 0, bias: true),
                                       .convolution(channels: 4, kernel: 9, stride: 1, padding: 0, bias: true)], inputShape: image)
        }
        #expect(throws: NetworkError(layer: 2, description: "layer 2 (dense:5) on input 4x6x6: dense needs a vector; put flatten before it")) {
            try NetworkLayout(layers: [.convolution(channels: 4, kernel: 3, stride: 1, padding: 0, bias: true), .dense(units: 5, bias: true)],
                              inputShape: image)
        }
        #expect(throws: NetworkError(layer: 1, description: "layer 1 (avgpool:2) on input 3: average pooling needs an image (channels x height x width); give the data's image shape")) {
            try NetworkLayout(layers: [.averagePool(kernel: 2, stride: 2, padding: 0)], inputShape: .vector(3))
        }
        #expect(throws: NetworkError(layer: 1, description: "layer 1 (conv(99999999999,99999,padding=99999)) on input 1x8x8: too large: its sizes overflow a 64-bit count")) {
            try NetworkLayout(layers: [.convolution(channels: 99_999_999_999, kernel: 99_999, stride: 1, padding: 99_999, bias: true)], inputShape: image)
        }
    }
}
