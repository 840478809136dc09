import Foundation
import Testing
@testable import LRFinder

/// Max pooling and batch norm against PyTorch 2.15 (`fixtures/golden/layers/`, float32): forward
/// outputs, input gradients from a given output gradient, batch norm's parameter gradients and
/// running statistics after the training step, and its evaluation-mode output.
@Suite struct LayerGoldenTests {
    static func golden(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Fixtures.goldenLayers.appendingPathComponent("\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func floats(_ json: [String: Any], _ key: String) -> [Float] {
        (json[key] as! [Any]).map { Float(($0 as! NSNumber).doubleValue) }
    }

    /// The golden README's rule: |got - want| <= 1e-4 |want| + 1e-5 max|want|, per tensor.
    static func expectClose(_ got: [Float], _ want: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): \(got.count) values, want \(want.count)", sourceLocation: sourceLocation)
        let scale = want.map(abs).max() ?? 0
        let worst = zip(got, want).map { abs($0 - $1) - (1e-4 * abs($1) + 1e-5 * scale) }.max() ?? 0
        #expect(worst <= 0, "\(what): worst excess \(worst)", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["maxpool2d_k2_s2", "maxpool2d_k3_s2_p1"])
    func maxPoolingMatchesPyTorch(name: String) throws {
        let json = try Self.golden(name)
        let shape = (json["input_shape"] as! [Int])
        let kernel = json["kernel"] as! Int, stride = json["stride"] as! Int, padding = json["padding"] as! Int
        let outputShape = json["output_shape"] as! [Int]
        let layout = try NetworkLayout(layers: [.maxPool(kernel: kernel, stride: stride, padding: padding)],
                                       inputShape: TensorShape(channels: shape[1], height: shape[2], width: shape[3]))
        #expect(layout.outputShape == TensorShape(channels: outputShape[1], height: outputShape[2], width: outputShape[3]))
        let entry = layout.entries[0]
        let input = Self.floats(json, "input"), gradientOutput = Self.floats(json, "grad_output")
        var output = [Float](repeating: .nan, count: gradientOutput.count)
        var winners = [Int32](repeating: -1, count: gradientOutput.count)
        var inputGradient = [Float](repeating: .nan, count: input.count)
        MaxPoolKernel.forward(x: input, y: &output, winners: &winners, batch: shape[0], geometry: entry.poolGeometry)
        MaxPoolKernel.backward(dy: gradientOutput, dx: &inputGradient, winners: winners, batch: shape[0], geometry: entry.poolGeometry)
        // Max pooling copies values: the output must match exactly.
        #expect(output == Self.floats(json, "output"))
        Self.expectClose(inputGradient, Self.floats(json, "grad_input"), "\(name) grad_input")
    }

    @Test(arguments: ["batchnorm1d", "batchnorm2d"])
    func batchNormMatchesPyTorch(name: String) throws {
        let json = try Self.golden(name)
        let shape = json["input_shape"] as! [Int]
        let inputShape = shape.count == 2 ? TensorShape.vector(shape[1]) : TensorShape(channels: shape[1], height: shape[2], width: shape[3])
        let momentum = Float((json["momentum"] as! NSNumber).doubleValue), epsilon = Float((json["eps"] as! NSNumber).doubleValue)
        // The kernels on the golden tensors directly (a network's first layer never computes
        // an input gradient), then the same through a network for its state and evaluation.
        var random = RandomSource(seed: 0)
        var network = try Network(layers: [.batchNorm(momentum: momentum, epsilon: epsilon)], inputShape: inputShape, random: &random)
        #expect(network.parameterCount == 2 * inputShape.channels)
        #expect(network.state.count == 2 * inputShape.channels + 1)
        let weight = Self.floats(json, "weight"), bias = Self.floats(json, "bias")
        network.parameters = weight + bias
        let batch = shape[0], count = inputShape.count
        let input = Self.floats(json, "input"), gradientOutput = Self.floats(json, "grad_output")
        var output = [Float](repeating: .nan, count: input.count), saved = [Float](repeating: 0, count: 2 * inputShape.channels)
        var inputGradient = [Float](repeating: .nan, count: input.count)
        var parameterGradient = [Float](repeating: .nan, count: network.parameterCount)
        var state = network.state
        BatchNormKernel.forward(x: input, y: &output, batch: batch, channels: inputShape.channels, spatial: inputShape.planeSize,
                                parameters: network.parameters, state: &state, saved: &saved,
                                momentum: momentum, epsilon: epsilon, training: true)
        BatchNormKernel.backward(x: input, dy: gradientOutput, dx: &inputGradient, batch: batch, channels: inputShape.channels,
                                 spatial: inputShape.planeSize, parameters: network.parameters, saved: saved,
                                 parameterGradient: &parameterGradient)
        Self.expectClose(output, Self.floats(json, "output"), "\(name) output")
        Self.expectClose(inputGradient, Self.floats(json, "grad_input"), "\(name) grad_input")
        Self.expectClose(Array(parameterGradient[..<inputShape.channels]), Self.floats(json, "grad_weight"), "\(name) grad_weight")
        Self.expectClose(Array(parameterGradient[inputShape.channels...]), Self.floats(json, "grad_bias"), "\(name) grad_bias")
        Self.expectClose(Array(state[..<inputShape.channels]), Self.floats(json, "running_mean_after"), "\(name) running_mean")
        Self.expectClose(Array(state[inputShape.channels..<(2 * inputShape.channels)]), Self.floats(json, "running_var_after"), "\(name) running_var")
        #expect(state[2 * inputShape.channels] == 1, "num_batches_tracked after one training step")

        // Through the network: the same training forward updates the network's state, and the
        // evaluation forward on `eval_input` uses the running statistics.
        var workspace = network.makeWorkspace(batchSize: batch)
        let features = Matrix(rows: batch, columns: count, storage: input)
        workspace.load(features: features, targets: .values(Matrix(rows: batch, columns: count)), indices: 0..<batch)
        network.forward(workspace: &workspace, training: true, random: &random)
        Self.expectClose(workspace.output.storage, Self.floats(json, "output"), "\(name) network output")
        #expect(network.state == state)
        let evaluation = network.outputs(for: Matrix(rows: batch, columns: count, storage: Self.floats(json, "eval_input")))
        Self.expectClose(evaluation.storage, Self.floats(json, "eval_output"), "\(name) eval_output")
    }
}
