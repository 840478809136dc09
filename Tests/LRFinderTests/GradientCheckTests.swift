import Foundation
import Testing
@testable import LRFinder

/// Central finite differences against the analytic backward passes.
@Suite struct GradientCheckTests {
    /// Inputs kept away from 0 so a finite step never crosses a ReLU kink.
    func input(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var random = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in
            let magnitude = random.nextFloat(in: 0.2, 1.5)
            return random.nextUnitFloat() < 0.5 ? -magnitude : magnitude
        })
    }

    /// dL/dx of a single layer for L = sum(w * layer(x)), by central differences in x.
    @Test(arguments: [Layer.relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh, .dropout(probability: 0.3), .dense(inputs: 6, outputs: 4)])
    func layerInputGradient(layer: Layer) {
        let batch = 3, width = 6
        let x = input(rows: batch, columns: width, seed: 1)
        let outWidth = layer.outputWidth(inputWidth: width)
        var random = RandomSource(seed: 2)
        let parameters = (0..<layer.parameterCount).map { _ in random.nextFloat(in: -0.5, 0.5) }
        let weights = (0..<(batch * outWidth)).map { _ in random.nextFloat(in: -1, 1) }
        let dropoutStream = RandomSource(seed: 3)

        func loss(_ x: Matrix) -> Double {
            var output = Matrix(rows: batch, columns: outWidth)
            var mask: [Float] = []
            var stream = dropoutStream
            parameters.withUnsafeBufferPointer { p in
                layer.forward(x, into: &output, parameters: p, mask: &mask, training: true, random: &stream)
            }
            return zip(output.storage, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        var output = Matrix(rows: batch, columns: outWidth)
        var mask: [Float] = []
        var stream = dropoutStream
        var inputGradient = [Float](repeating: 0, count: batch * width)
        var parameterGradient = [Float](repeating: 0, count: parameters.count)
        parameters.withUnsafeBufferPointer { p in
            layer.forward(x, into: &output, parameters: p, mask: &mask, training: true, random: &stream)
            inputGradient.withUnsafeMutableBufferPointer { dx in
                parameterGradient.withUnsafeMutableBufferPointer { dp in
                    layer.backward(input: x, output: output, outputGradient: Matrix(rows: batch, columns: outWidth, storage: weights),
                                   inputGradient: dx.baseAddress!, parameters: p, parameterGradient: dp, mask: mask)
                }
            }
        }
        let step: Float = 1e-2
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.storage[i] += step
            minus.storage[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(inputGradient[i])) <= 2e-3 + 1e-2 * abs(numeric), "\(layer) input \(i): numeric \(numeric) analytic \(inputGradient[i])")
        }
    }

    /// dLoss/dParameters of a whole network under mean cross-entropy.
    func checkNetwork(layers: [Layer], inputWidth: Int, classes: Int, initialization: WeightInitialization, seed: UInt64) {
        var random = RandomSource(seed: seed)
        let network = Network(inputWidth: inputWidth, layers: layers, initialization: initialization, random: &random)
        let batch = 5
        let features = input(rows: batch, columns: inputWidth, seed: seed + 1)
        let labels: [Int32] = (0..<batch).map { Int32($0 % classes) }
        var workspace = network.makeWorkspace(batchSize: batch)
        let stream = RandomSource(seed: seed + 2)
        var analyticStream = stream
        network.computeGradient(features: features, labels: labels, indices: 0..<batch, workspace: &workspace, random: &analyticStream)
        let gradient = workspace.parameterGradient

        func loss(_ parameters: [Float]) -> Double {
            var copy = network
            copy.parameters = parameters
            var ws = copy.makeWorkspace(batchSize: batch)
            var s = stream
            return Double(copy.computeGradient(features: features, labels: labels, indices: 0..<batch, workspace: &ws, random: &s).loss)
        }
        let step: Float = 1e-2
        var checked = 0
        for i in 0..<network.parameterCount {
            var plus = network.parameters, minus = network.parameters
            plus[i] += step
            minus[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(gradient[i])) <= 1e-3 + 2e-2 * abs(numeric), "parameter \(i): numeric \(numeric) analytic \(gradient[i])")
            checked += 1
        }
        #expect(checked == network.parameterCount)
    }

    @Test func crossEntropyLogitGradient() {
        let logits = Matrix([[1.0, -0.5, 2.0], [0.3, 0.1, -1.2]])
        let labels: [Int32] = [2, 0]
        var gradient = Matrix(rows: 2, columns: 3)
        let outcome = CrossEntropy.evaluate(logits: logits, labels: labels, gradient: &gradient)
        // Hand computation: row 0 logsumexp = ln(e^1 + e^-0.5 + e^2) = 2.3490..., loss 0.3490...
        let row0 = log(exp(1.0) + exp(-0.5) + exp(2.0)) - 2.0
        let row1 = log(exp(0.3) + exp(0.1) + exp(-1.2)) - 0.3
        #expect(abs(Double(outcome.loss) - (row0 + row1) / 2) < 1e-6)
        #expect(outcome.correct == 2)
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.storage[i] += 1e-2
            minus.storage[i] -= 1e-2
            let numeric = Double(CrossEntropy.evaluate(logits: plus, labels: labels).loss - CrossEntropy.evaluate(logits: minus, labels: labels).loss) / 2e-2
            #expect(abs(numeric - Double(gradient.storage[i])) < 1e-3)
        }
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let outcome = CrossEntropy.evaluate(logits: Matrix([[1000, -1000, 0]]), labels: [1])
        #expect(outcome.loss.isFinite)
        #expect(abs(outcome.loss - 2000) < 1e-2)
    }

    @Test func denseNetworkWithEveryActivation() {
        checkNetwork(layers: [.dense(inputs: 4, outputs: 6), .tanh, .dense(inputs: 6, outputs: 5), .leakyReLU(slope: 0.2),
                              .dense(inputs: 5, outputs: 5), .sigmoid, .dense(inputs: 5, outputs: 3)],
                     inputWidth: 4, classes: 3, initialization: .xavier, seed: 11)
    }

    @Test func reluNetworkWithDropout() {
        checkNetwork(layers: [.dense(inputs: 4, outputs: 8), .relu, .dropout(probability: 0.25), .dense(inputs: 8, outputs: 3)],
                     inputWidth: 4, classes: 3, initialization: .pytorch, seed: 21)
    }

    @Test func logisticRegression() {
        checkNetwork(layers: [.dense(inputs: 6, outputs: 4)], inputWidth: 6, classes: 4, initialization: .heNormal, seed: 31)
    }
}
