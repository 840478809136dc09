import Foundation
import Testing
@testable import LRFinder

/// Finite-difference checks of convolution and average pooling (tiny inputs), and of whole
/// networks with them: batch norm 2-d and dropout after a convolution.
@Suite struct ConvolutionGradientTests {
    typealias Check = LayerGradientTests

    @Test(arguments: [(3, 1, 0, true), (3, 2, 1, true), (2, 1, 2, false), (1, 1, 0, true)])
    func convolutionInputAndParameterGradients(kernel: Int, stride: Int, padding: Int, bias: Bool) throws {
        let geometry = try NetworkLayout(layers: [.convolution(channels: 3, kernel: kernel, stride: stride, padding: padding, bias: bias)],
                                         inputShape: TensorShape(channels: 2, height: 5, width: 4)).entries[0].convolutionGeometry
        let batch = 2, inputCount = batch * 40, outputCount = batch * 3 * geometry.outputPlane
        let weightCount = 3 * geometry.patchSize, parameterCount = weightCount + (bias ? 3 : 0)
        let input = Check.values(inputCount, seed: 1), parameters = Check.values(parameterCount, seed: 2)
        let weights = Check.values(outputCount, seed: 3)
        func run(_ x: [Float], _ p: [Float]) -> (loss: Double, dx: [Float], dp: [Float]) {
            var scratch = [Float](repeating: 0, count: batch * geometry.scratchPerSample)
            var y = [Float](repeating: 0, count: outputCount), dx = [Float](repeating: 0, count: inputCount)
            var dp = [Float](repeating: 0, count: parameterCount)
            p.withUnsafeBufferPointer { w in
                dp.withUnsafeMutableBufferPointer { g in
                    ConvolutionKernel.forward(x: x, y: &y, batch: batch, geometry: geometry, weights: w.baseAddress!,
                                              bias: bias ? w.baseAddress! + weightCount : nil, scratch: &scratch)
                    ConvolutionKernel.backward(x: x, dy: weights, dx: &dx, batch: batch, geometry: geometry, weights: w.baseAddress!,
                                               weightGradient: g.baseAddress!, biasGradient: bias ? g.baseAddress! + weightCount : nil,
                                               scratch: &scratch)
                }
            }
            return (zip(y, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }, dx, dp)
        }
        let reference = run(input, parameters)
        Check.check("convolution input", point: input, analytic: reference.dx) { run($0, parameters).loss }
        Check.check("convolution parameter", point: parameters, analytic: reference.dp) { run(input, $0).loss }
    }

    @Test(arguments: [(2, 2, 0), (3, 1, 1), (3, 2, 1)])
    func averagePoolingInputGradient(kernel: Int, stride: Int, padding: Int) throws {
        let layout = try NetworkLayout(layers: [.averagePool(kernel: kernel, stride: stride, padding: padding)],
                                       inputShape: TensorShape(channels: 2, height: 5, width: 4))
        let geometry = layout.entries[0].poolGeometry
        let batch = 2, count = batch * 40, outputs = batch * layout.outputShape.count
        let input = Check.values(count, seed: 4), weights = Check.values(outputs, seed: 5)
        func run(_ x: [Float]) -> (loss: Double, dx: [Float]) {
            var y = [Float](repeating: 0, count: outputs), dx = [Float](repeating: .nan, count: count)
            AveragePoolKernel.forward(x: x, y: &y, batch: batch, geometry: geometry)
            AveragePoolKernel.backward(dy: weights, dx: &dx, batch: batch, geometry: geometry)
            return (zip(y, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }, dx)
        }
        Check.check("average pooling input", point: input, analytic: run(input).dx) { run($0).loss }
    }

    @Test func averagePoolingCountsThePaddingInTheDivisor() throws {
        // 3x3 windows, stride 1, padding 1 on a 2x2 plane of ones: every window covers 4 ones of 9.
        let geometry = try NetworkLayout(layers: [.averagePool(kernel: 3, stride: 1, padding: 1)],
                                         inputShape: TensorShape(channels: 1, height: 2, width: 2)).entries[0].poolGeometry
        var y = [Float](repeating: 0, count: 4)
        AveragePoolKernel.forward(x: [1, 1, 1, 1], y: &y, batch: 1, geometry: geometry)
        #expect(y == [Float](repeating: 4 / 9, count: 4))
    }

    /// dLoss/dParameters of small CNNs by finite differences: convolution, batch norm 2-d,
    /// average pooling, max pooling and flatten; the second convolution computes an input gradient.
    @Test(arguments: [0, 1])
    func networkParameterGradients(variant: Int) throws {
        let layers: [LayerSpec]
        switch variant {
        case 0:
            layers = [.convolution(channels: 3, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm(momentum: 0.1, epsilon: 1e-5),
                      .tanh, .averagePool(kernel: 2, stride: 2, padding: 0), .convolution(channels: 2, kernel: 2, stride: 1, padding: 0, bias: true),
                      .flatten, .dense(units: 3, bias: true)]
        default:
            layers = [.convolution(channels: 2, kernel: 3, stride: 2, padding: 1, bias: true), .sigmoid,
                      .convolution(channels: 3, kernel: 1, stride: 1, padding: 0, bias: true), .maxPool(kernel: 2, stride: 2, padding: 0),
                      .flatten, .dense(units: 3, bias: true)]
        }
        let shape = TensorShape(channels: 2, height: 4, width: 4), batch = 5
        let targets = Targets.classes((0..<batch).map { Int32($0 % 3) }, count: 3)
        var random = RandomSource(seed: 9)
        let network = try Network(layers: layers, inputShape: shape, random: &random)
        let features = Matrix(rows: batch, columns: shape.count, storage: Check.values(batch * shape.count, seed: 10, scale: 2))
        func evaluate(_ parameters: [Float]) -> (Double, [Float]) {
            var copy = network
            copy.parameters = parameters
            var workspace = copy.makeWorkspace(batchSize: batch)
            var stream = RandomSource(seed: 0)
            let outcome = copy.computeGradient(features: features, targets: targets, indices: 0..<batch, loss: .crossEntropy,
                                               workspace: &workspace, random: &stream)
            return (Double(outcome.loss), workspace.parameterGradient)
        }
        Check.check("cnn \(variant) parameter", point: network.parameters, analytic: evaluate(network.parameters).1) { evaluate($0).0 }
    }

    @Test func reLUsFusedIntoMaxPoolingGiveTheUnfusedNetworksLossAndGradient() throws {
        // The same weights with and without the fusion: a dropout of probability 0 (the identity)
        // between each ReLU and its pooling keeps them apart. A ReLU on the input comes first.
        func layers(apart: Bool) -> [LayerSpec] {
            let gap: [LayerSpec] = apart ? [.dropout(probability: 0)] : []
            return [.relu] + gap + [.maxPool(kernel: 2, stride: 1, padding: 0),
                    .convolution(channels: 3, kernel: 3, stride: 1, padding: 1, bias: true), .relu] + gap + [.maxPool(kernel: 2, stride: 2, padding: 0),
                    .convolution(channels: 2, kernel: 1, stride: 1, padding: 0, bias: true), .relu] + gap + [.maxPool(kernel: 3, stride: 2, padding: 1),
                    .flatten, .dense(units: 3, bias: true)]
        }
        let shape = TensorShape(channels: 2, height: 9, width: 9), batch = 6
        var random = RandomSource(seed: 12)
        let fused = try Network(layers: layers(apart: false), inputShape: shape, random: &random)
        var apart = try Network(layers: layers(apart: true), inputShape: shape, random: &random)
        #expect(fused.layout.entries.indices.filter { fused.layout.isReLUFusedIntoPool($0) } == [0, 3, 6])
        #expect(!apart.layout.entries.indices.contains { apart.layout.isReLUFusedIntoPool($0) })
        apart.parameters = fused.parameters
        let features = Matrix(rows: batch, columns: shape.count, storage: Check.values(batch * shape.count, seed: 13, scale: 2))
        let targets = Targets.classes((0..<batch).map { Int32($0 % 3) }, count: 3)
        func run(_ network: Network) -> (Float, [Float]) {
            var copy = network, workspace = network.makeWorkspace(batchSize: batch), stream = RandomSource(seed: 0)
            let outcome = copy.computeGradient(features: features, targets: targets, indices: 0..<batch, loss: .crossEntropy,
                                               workspace: &workspace, random: &stream)
            return (outcome.loss, workspace.parameterGradient)
        }
        let (fusedLoss, fusedGradient) = run(fused), (apartLoss, apartGradient) = run(apart)
        #expect(fusedLoss == apartLoss)
        #expect(fusedGradient == apartGradient)
        #expect(fusedGradient.contains { $0 != 0 })
    }

    @Test func aReLUFusedIntoMaxPoolingStillShowsItsOutput() throws {
        // relu (boundary 2) shares the convolution's buffer (boundary 1); its activations are
        // the convolution's rectified, and the pooling's are the windows' maxima of those.
        var random = RandomSource(seed: 5)
        var network = try Network(layers: [.convolution(channels: 2, kernel: 3, stride: 1, padding: 1, bias: true), .relu,
                                           .maxPool(kernel: 2, stride: 2, padding: 0), .flatten, .dense(units: 2, bias: true)],
                                  inputShape: TensorShape(channels: 1, height: 4, width: 4), random: &random)
        var workspace = network.makeWorkspace(batchSize: 2)
        workspace.load(features: Matrix(rows: 2, columns: 16, storage: Check.values(32, seed: 6)), targets: .classes([0, 1], count: 2),
                       indices: 0..<2)
        network.forward(workspace: &workspace, training: true, random: &random)
        let convolved = workspace.activations(at: 1).storage, rectified = workspace.activations(at: 2).storage
        #expect(convolved.contains { $0 < 0 } && convolved.contains { $0 > 0 })
        #expect(rectified == convolved.map { Swift.max($0, 0) })
        let pooled = workspace.activations(at: 3).storage
        for p in 0..<4 {
            for i in 0..<2 {
                for j in 0..<2 {
                    let window = [0, 1, 4, 5].map { rectified[p * 16 + (2 * i) * 4 + 2 * j + $0] }
                    #expect(pooled[p * 4 + i * 2 + j] == window.max()!)
                }
            }
        }
    }

    @Test func dropoutAfterAConvolutionDropsSingleValuesAndIsTheIdentityInEvaluation() throws {
        var random = RandomSource(seed: 3)
        var network = try Network(layers: [.convolution(channels: 4, kernel: 3, stride: 1, padding: 1, bias: true), .dropout(probability: 0.5),
                                           .flatten, .dense(units: 2, bias: true)],
                                  inputShape: TensorShape(channels: 1, height: 6, width: 6), random: &random)
        let features = Matrix(rows: 3, columns: 36, storage: Check.values(108, seed: 4))
        var workspace = network.makeWorkspace(batchSize: 3)
        workspace.load(features: features, targets: .classes([0, 1, 0], count: 2), indices: 0..<3)
        network.forward(workspace: &workspace, training: true, random: &random)
        let convolved = workspace.activations(at: 1).storage, dropped = workspace.activations(at: 2).storage
        let zeros = dropped.filter { $0 == 0 }.count
        #expect(zeros > 100 && zeros < 332, "\(zeros) of 432 dropped")
        #expect(zip(convolved, dropped).allSatisfy { $1 == 0 || abs($1 - 2 * $0) <= 1e-6 * abs($0) })
        network.forward(workspace: &workspace, training: false, random: &random)
        #expect(workspace.activations(at: 2).storage == workspace.activations(at: 1).storage)
    }
}
