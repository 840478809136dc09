import Foundation
import Testing
@testable import LRFinder

/// Convolution, average pooling and the whole seed CNN against PyTorch 2.15
/// (`fixtures/golden/layers/`, float32), all under the golden README's seed-CNN rule
/// (``LayerGoldenTests/expectClose(_:_:_:sourceLocation:)``: |got - want| <= 1e-4 |want| + 1e-5 max|want|).
@Suite struct ConvolutionGoldenTests {
    typealias Golden = LayerGoldenTests

    @Test(arguments: ["conv2d_k1_s1_p0_nobias", "conv2d_k3_s1_p0", "conv2d_k3_s1_p1_cin1", "conv2d_k3_s2_p1", "conv2d_k5_s2_p2"])
    func convolutionMatchesPyTorch(name: String) throws {
        let json = try Golden.golden(name)
        let shape = json["input_shape"] as! [Int], weightShape = json["weight_shape"] as! [Int], outputShape = json["output_shape"] as! [Int]
        let stride = json["stride"] as! Int, padding = json["padding"] as! Int
        let hasBias = json["bias"] is [Any]
        let layer = LayerSpec.convolution(channels: weightShape[0], kernel: weightShape[2], stride: stride, padding: padding, bias: hasBias)
        let layout = try NetworkLayout(layers: [layer], inputShape: TensorShape(channels: shape[1], height: shape[2], width: shape[3]))
        #expect(layout.outputShape == TensorShape(channels: outputShape[1], height: outputShape[2], width: outputShape[3]))
        #expect(layout.parameterCount == weightShape.reduce(1, *) + (hasBias ? weightShape[0] : 0))
        let geometry = layout.entries[0].convolutionGeometry
        let input = Golden.floats(json, "input"), weight = Golden.floats(json, "weight"), gradientOutput = Golden.floats(json, "grad_output")
        let bias = hasBias ? Golden.floats(json, "bias") : []
        var scratch = [Float](repeating: .nan, count: Swift.min(shape[0], ConvolutionKernel.samplesPerChunk) * geometry.scratchPerSample)
        var output = [Float](repeating: .nan, count: gradientOutput.count)
        var inputGradient = [Float](repeating: .nan, count: input.count)
        var weightGradient = [Float](repeating: .nan, count: weight.count), biasGradient = [Float](repeating: .nan, count: bias.count)
        bias.withUnsafeBufferPointer { b in
            biasGradient.withUnsafeMutableBufferPointer { db in
                ConvolutionKernel.forward(x: input, y: &output, batch: shape[0], geometry: geometry, weights: weight,
                                          bias: hasBias ? b.baseAddress : nil, scratch: &scratch)
                ConvolutionKernel.backward(x: input, dy: gradientOutput, dx: &inputGradient, batch: shape[0], geometry: geometry,
                                           weights: weight, weightGradient: &weightGradient,
                                           biasGradient: hasBias ? db.baseAddress : nil, scratch: &scratch)
            }
        }
        Golden.expectClose(output, Golden.floats(json, "output"), "\(name) output")
        Golden.expectClose(inputGradient, Golden.floats(json, "grad_input"), "\(name) grad_input")
        Golden.expectClose(weightGradient, Golden.floats(json, "grad_weight"), "\(name) grad_weight")
        if hasBias { Golden.expectClose(biasGradient, Golden.floats(json, "grad_bias"), "\(name) grad_bias") }
    }

    @Test(arguments: [1, 2])
    func chunksOfTheBatchGiveTheSameResultAsOne(threads: Int) throws {
        // 70 samples: chunks of 32, 32 and 6 (one BLAS thread), or two parts of 35 samples in
        // chunks of 16 (forward) and 15 (backward, beside the second part's dW), against the
        // samples one by one.
        let geometry = try NetworkLayout(layers: [.convolution(channels: 3, kernel: 3, stride: 2, padding: 1, bias: true)],
                                         inputShape: TensorShape(channels: 2, height: 5, width: 6)).entries[0].convolutionGeometry
        let batch = 70, inputSize = 60, outputSize = 3 * geometry.outputPlane
        let input = LayerGradientTests.values(batch * inputSize, seed: 1), weights = LayerGradientTests.values(3 * 18 + 3, seed: 2)
        let gradientOutput = LayerGradientTests.values(batch * outputSize, seed: 3)
        var scratch = [Float](repeating: 0, count: ConvolutionKernel.samplesPerChunk * geometry.scratchPerSample)
        var output = [Float](repeating: 0, count: batch * outputSize), dx = [Float](repeating: 0, count: batch * inputSize)
        var dw = [Float](repeating: 0, count: 57)
        weights.withUnsafeBufferPointer { w in
            dw.withUnsafeMutableBufferPointer { g in
                ConvolutionKernel.forward(x: input, y: &output, batch: batch, geometry: geometry, weights: w.baseAddress!,
                                          bias: w.baseAddress! + 54, scratch: &scratch, threads: threads)
                ConvolutionKernel.backward(x: input, dy: gradientOutput, dx: &dx, batch: batch, geometry: geometry, weights: w.baseAddress!,
                                           weightGradient: g.baseAddress!, biasGradient: g.baseAddress! + 54, scratch: &scratch, threads: threads)
            }
        }
        var summed = [Float](repeating: 0, count: 57)
        for b in 0..<batch {
            var y = [Float](repeating: 0, count: outputSize), d = [Float](repeating: 0, count: inputSize), g = [Float](repeating: 0, count: 57)
            let x = Array(input[(b * inputSize)..<((b + 1) * inputSize)]), dy = Array(gradientOutput[(b * outputSize)..<((b + 1) * outputSize)])
            weights.withUnsafeBufferPointer { w in
                g.withUnsafeMutableBufferPointer { gp in
                    ConvolutionKernel.forward(x: x, y: &y, batch: 1, geometry: geometry, weights: w.baseAddress!, bias: w.baseAddress! + 54, scratch: &scratch)
                    ConvolutionKernel.backward(x: x, dy: dy, dx: &d, batch: 1, geometry: geometry, weights: w.baseAddress!,
                                               weightGradient: gp.baseAddress!, biasGradient: gp.baseAddress! + 54, scratch: &scratch)
                }
            }
            Golden.expectClose(Array(output[(b * outputSize)..<((b + 1) * outputSize)]), y, "sample \(b) output")
            Golden.expectClose(Array(dx[(b * inputSize)..<((b + 1) * inputSize)]), d, "sample \(b) input gradient")
            for i in summed.indices { summed[i] += g[i] }
        }
        Golden.expectClose(dw, summed, "parameter gradient summed over the samples")
    }

    @Test(arguments: ["avgpool2d_k2_s2", "avgpool2d_k3_s1_p1"])
    func averagePoolingMatchesPyTorch(name: String) throws {
        let json = try Golden.golden(name)
        let shape = json["input_shape"] as! [Int], outputShape = json["output_shape"] as! [Int]
        let kernel = json["kernel"] as! Int, stride = json["stride"] as! Int, padding = json["padding"] as! Int
        let layout = try NetworkLayout(layers: [.averagePool(kernel: kernel, stride: stride, padding: padding)],
                                       inputShape: TensorShape(channels: shape[1], height: shape[2], width: shape[3]))
        #expect(layout.outputShape == TensorShape(channels: outputShape[1], height: outputShape[2], width: outputShape[3]))
        let geometry = layout.entries[0].poolGeometry
        let input = Golden.floats(json, "input"), gradientOutput = Golden.floats(json, "grad_output")
        var output = [Float](repeating: .nan, count: gradientOutput.count), inputGradient = [Float](repeating: .nan, count: input.count)
        AveragePoolKernel.forward(x: input, y: &output, batch: shape[0], geometry: geometry)
        AveragePoolKernel.backward(dy: gradientOutput, dx: &inputGradient, batch: shape[0], geometry: geometry)
        Golden.expectClose(output, Golden.floats(json, "output"), "\(name) output")
        Golden.expectClose(inputGradient, Golden.floats(json, "grad_input"), "\(name) grad_input")
    }

    /// The study notes' CNN with PyTorch's weights on the first 8 training images (interleaved
    /// order: position j is row (j % 10) * 500 + j / 10 of mnist5k, pixels / 255): the `cnn`
    /// preset's layout takes the state_dict in order, and logits, loss and every gradient agree.
    @Test func seedCNNMatchesPyTorch() throws {
        let bytes = try FileBytes.read(Fixtures.goldenLayers.appendingPathComponent("seed_cnn.json.gz").path)
        let json = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
        let names = ["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                     "classifier.0.weight", "classifier.0.bias", "classifier.2.weight", "classifier.2.bias"]
        let parameters = json["parameters"] as! [String: [String: Any]], gradients = json["gradients"] as! [String: Any]
        let spec = try ModelSpec(parsing: "cnn")
        var network = try Network(spec: spec, inputShape: TensorShape(channels: 1, height: 28, width: 28), outputs: 10, seed: 0)
        #expect(network.parameterCount == 225_034)
        let sizes = names.map { (parameters[$0]!["values"] as! [Any]).count }
        #expect(sizes.reduce(0, +) == network.parameterCount)
        network.parameters = names.flatMap { Golden.floats(parameters[$0]!, "values") }

        let mnist = try BundledDataset.mnist5k.load()
        let rows = (0..<8).map { ($0 % 10) * 500 + $0 / 10 }
        let labels = (json["labels"] as! [Int]).map(Int32.init)
        #expect(rows.map { mnist.labels[$0] } == labels)
        var pixels = mnist.features.gatheringRows(rows)
        for i in pixels.storage.indices { pixels.storage[i] /= 255 }
        var workspace = network.makeWorkspace(batchSize: 8)
        var random = RandomSource(seed: 0)
        let outcome = network.computeGradient(features: pixels, targets: .classes(labels, count: 10), indices: 0..<8, loss: .crossEntropy,
                                              workspace: &workspace, random: &random)
        Golden.expectClose(workspace.output.storage, Golden.floats(json, "logits"), "logits")
        let loss = (json["loss"] as! NSNumber).doubleValue
        #expect(abs(Double(outcome.loss) - loss) <= 1e-5 * loss, "loss \(outcome.loss), want \(loss)")
        var start = 0
        for (name, size) in zip(names, sizes) {
            let got = Array(workspace.parameterGradient[start..<(start + size)]), want = Golden.floats(gradients, name)
            Golden.expectClose(got, want, "gradient of \(name)")
            let difference = zip(got, want).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            let norm = want.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(difference <= 1e-5 * norm, "gradient of \(name): norm-relative difference \(difference / norm)")
            start += size
        }
    }
}
