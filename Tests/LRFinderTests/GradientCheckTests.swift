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

    /// One layer's forward pass in training mode on `x` (batch x width), through the layer's
    /// kernel; returns the output and the layer's scratch (dropout's keep factors) for `backward`.
    func forward(_ entry: NetworkLayout.Entry, _ x: Matrix, parameters: [Float], random: inout RandomSource) -> (output: [Float], mask: [Float]) {
        let batch = x.rows, count = batch * entry.input.count
        var output = [Float](repeating: 0, count: batch * entry.output.count)
        var mask = [Float](repeating: 0, count: batch * entry.scratchPerSample)
        x.storage.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { y in
                switch entry.layer {
                case let .dense(units, bias):
                    parameters.withUnsafeBufferPointer { p in
                        DenseKernel.forward(x: input.baseAddress!, y: y.baseAddress!, batch: batch, inputs: entry.input.count, units: units,
                                            weights: p.baseAddress!, bias: bias ? p.baseAddress! + units * entry.input.count : nil)
                    }
                case let .dropout(probability):
                    mask.withUnsafeMutableBufferPointer { m in
                        DropoutKernel.forward(x: input.baseAddress!, y: y.baseAddress!, mask: m.baseAddress!, count: count,
                                              probability: probability, training: true, random: &random)
                    }
                default:
                    ActivationKernel.forward(entry.activation, x: input.baseAddress!, y: y.baseAddress!, count: count)
                }
            }
        }
        return (output, mask)
    }

    /// dL/dx of a single layer for L = sum(w * layer(x)), by central differences in x.
    @Test(arguments: [LayerSpec.relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh, .dropout(probability: 0.3), .dense(units: 4, bias: true)])
    func layerInputGradient(layer: LayerSpec) throws {
        let batch = 3, width = 6
        let x = input(rows: batch, columns: width, seed: 1)
        let entry = try NetworkLayout(layers: [layer], inputShape: .vector(width)).entries[0]
        let outWidth = entry.output.count
        var random = RandomSource(seed: 2)
        let parameters = (0..<entry.parameters.count).map { _ in random.nextFloat(in: -0.5, 0.5) }
        let weights = (0..<(batch * outWidth)).map { _ in random.nextFloat(in: -1, 1) }
        let dropoutStream = RandomSource(seed: 3)

        func loss(_ x: Matrix) -> Double {
            var stream = dropoutStream
            let output = forward(entry, x, parameters: parameters, random: &stream).output
            return zip(output, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        var stream = dropoutStream
        let (output, mask) = forward(entry, x, parameters: parameters, random: &stream)
        var inputGradient = [Float](repeating: 0, count: batch * width)
        var parameterGradient = [Float](repeating: 0, count: parameters.count)
        x.storage.withUnsafeBufferPointer { input in
            output.withUnsafeBufferPointer { y in
                weights.withUnsafeBufferPointer { dy in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        switch entry.layer {
                        case let .dense(units, bias):
                            parameters.withUnsafeBufferPointer { p in
                                parameterGradient.withUnsafeMutableBufferPointer { dp in
                                    DenseKernel.backward(x: input.baseAddress!, dy: dy.baseAddress!, dx: dx.baseAddress!, batch: batch,
                                                         inputs: width, units: units, weights: p.baseAddress!,
                                                         weightGradient: dp.baseAddress!,
                                                         biasGradient: bias ? dp.baseAddress! + units * width : nil)
                                }
                            }
                        case let .dropout(probability):
                            mask.withUnsafeBufferPointer { m in
                                DropoutKernel.backward(dy: dy.baseAddress!, dx: dx.baseAddress!, mask: m.baseAddress!,
                                                       count: batch * width, probability: probability)
                            }
                        default:
                            ActivationKernel.backward(entry.activation, x: input.baseAddress!, y: y.baseAddress!, dy: dy.baseAddress!,
                                                      dx: dx.baseAddress!, count: batch * width)
                        }
                    }
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
    func checkNetwork(layers: [LayerSpec], inputWidth: Int, classes: Int, initialization: WeightInitialization, seed: UInt64) throws {
        var random = RandomSource(seed: seed)
        let network = try Network(layers: layers, inputShape: .vector(inputWidth), initialization: initialization, random: &random)
        let batch = 5
        let features = input(rows: batch, columns: inputWidth, seed: seed + 1)
        let targets = Targets.classes((0..<batch).map { Int32($0 % classes) }, count: classes)
        var workspace = network.makeWorkspace(batchSize: batch)
        let stream = RandomSource(seed: seed + 2)
        var analyticStream = stream
        var trained = network
        trained.computeGradient(features: features, targets: targets, indices: 0..<batch, loss: .crossEntropy, workspace: &workspace,
                                random: &analyticStream)
        let gradient = workspace.parameterGradient

        func loss(_ parameters: [Float]) -> Double {
            var copy = network
            copy.parameters = parameters
            var ws = copy.makeWorkspace(batchSize: batch)
            var s = stream
            return Double(copy.computeGradient(features: features, targets: targets, indices: 0..<batch, loss: .crossEntropy,
                                               workspace: &ws, random: &s).loss)
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

    /// Cross-entropy's mean loss and correct count of `logits` against `labels`, and its gradient.
    func crossEntropy(_ logits: Matrix, _ labels: [Int32], gradient: inout Matrix) -> BatchOutcome {
        gradient = Matrix(rows: logits.rows, columns: logits.columns)
        return logits.storage.withUnsafeBufferPointer { z in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                LossFunction.crossEntropy.evaluate(output: z.baseAddress!, batch: logits.rows, width: logits.columns, labels: labels,
                                                   values: [0], gradient: g.baseAddress!)
            }
        }
    }

    /// Cross-entropy's mean loss and correct count, without the gradient.
    func crossEntropy(_ logits: Matrix, _ labels: [Int32]) -> BatchOutcome {
        LossFunction.crossEntropy.evaluate(output: logits, targets: .classes(labels, count: logits.columns))
    }

    @Test func crossEntropyLogitGradient() {
        let logits = Matrix([[1.0, -0.5, 2.0], [0.3, 0.1, -1.2]])
        let labels: [Int32] = [2, 0]
        var gradient = Matrix(rows: 2, columns: 3)
        let outcome = crossEntropy(logits, labels, gradient: &gradient)
        // Hand computation: row 0 logsumexp = ln(e^1 + e^-0.5 + e^2) = 2.3490..., loss 0.3490...
        let row0 = log(exp(1.0) + exp(-0.5) + exp(2.0)) - 2.0
        let row1 = log(exp(0.3) + exp(0.1) + exp(-1.2)) - 0.3
        #expect(abs(Double(outcome.loss) - (row0 + row1) / 2) < 1e-6)
        #expect(outcome.correct == 2)
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.storage[i] += 1e-2
            minus.storage[i] -= 1e-2
            let numeric = Double(crossEntropy(plus, labels).loss - crossEntropy(minus, labels).loss) / 2e-2
            #expect(abs(numeric - Double(gradient.storage[i])) < 1e-3)
        }
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let outcome = crossEntropy(Matrix([[1000, -1000, 0]]), [1])
        #expect(outcome.loss.isFinite)
        #expect(abs(outcome.loss - 2000) < 1e-2)
    }

    @Test func denseNetworkWithEveryActivation() throws {
        try checkNetwork(layers: [.dense(units: 6, bias: true), .tanh, .dense(units: 5, bias: true), .leakyReLU(slope: 0.2),
                                  .dense(units: 5, bias: true), .sigmoid, .dense(units: 3, bias: true)],
                         inputWidth: 4, classes: 3, initialization: .xavier, seed: 11)
    }

    @Test func reluNetworkWithDropout() throws {
        try checkNetwork(layers: [.dense(units: 8, bias: true), .relu, .dropout(probability: 0.25), .dense(units: 3, bias: true)],
                         inputWidth: 4, classes: 3, initialization: .pytorch, seed: 21)
    }

    @Test func logisticRegression() throws {
        try checkNetwork(layers: [.dense(units: 4, bias: true)], inputWidth: 6, classes: 4, initialization: .heNormal, seed: 31)
    }
}
