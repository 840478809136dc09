import Foundation
import Testing
@testable import LRFinder

/// Finite-difference checks of the layers the redesign added (batch norm, max pooling, GELU,
/// flatten) and of the squared-error loss: input gradients of each kernel under the loss
/// `L = Σ r_i y_i` for a fixed random `r`, and parameter gradients of whole networks.
@Suite struct LayerGradientTests {
    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in scale * random.nextFloat(in: -1, 1) }
    }

    /// Compares `analytic` with central differences of `loss` at `point` (step 1e-2).
    static func check(_ what: String, point: [Float], analytic: [Float], loss: ([Float]) -> Double,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let step: Float = 1e-2
        for i in point.indices {
            var plus = point, minus = point
            plus[i] += step
            minus[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(analytic[i])) <= 2e-3 + 1e-2 * abs(numeric),
                    "\(what) \(i): numeric \(numeric), analytic \(analytic[i])", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [(4, 3, 1), (3, 2, 5)])
    func batchNormInputAndParameterGradients(batch: Int, channels: Int, spatial: Int) {
        let count = batch * channels * spatial
        let input = Self.values(count, seed: 1, scale: 2), weights = Self.values(count, seed: 2)
        let parameters = Self.values(2 * channels, seed: 3)
        func run(_ x: [Float], _ p: [Float]) -> (loss: Double, dx: [Float], dp: [Float]) {
            var y = [Float](repeating: 0, count: count), state = [Float](repeating: 0, count: 2 * channels + 1)
            var saved = [Float](repeating: 0, count: 2 * channels)
            BatchNormKernel.forward(x: x, y: &y, batch: batch, channels: channels, spatial: spatial, parameters: p, state: &state,
                                    saved: &saved, momentum: 0.1, epsilon: 1e-5, training: true)
            var dx = [Float](repeating: 0, count: count), dp = [Float](repeating: 0, count: 2 * channels)
            BatchNormKernel.backward(x: x, dy: weights, dx: &dx, batch: batch, channels: channels, spatial: spatial,
                                     parameters: p, saved: saved, parameterGradient: &dp)
            return (zip(y, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }, dx, dp)
        }
        let reference = run(input, parameters)
        Self.check("batch norm input", point: input, analytic: reference.dx) { run($0, parameters).loss }
        Self.check("batch norm parameter", point: parameters, analytic: reference.dp) { run(input, $0).loss }
    }

    @Test func maxPoolingInputGradient() throws {
        // Distinct values (a permutation) so no window has a tie within the difference step.
        let geometry = try NetworkLayout(layers: [.maxPool(kernel: 3, stride: 2, padding: 1)],
                                         inputShape: TensorShape(channels: 2, height: 5, width: 5)).entries[0].poolGeometry
        let batch = 2, count = batch * 2 * 25, outputs = batch * 2 * 9
        var random = RandomSource(seed: 4)
        var order = Array(0..<count)
        random.shuffle(&order)
        let input = order.map { Float($0) * 0.1 }
        let weights = Self.values(outputs, seed: 5)
        func run(_ x: [Float]) -> (loss: Double, dx: [Float]) {
            var y = [Float](repeating: 0, count: outputs), winners = [Int32](repeating: 0, count: outputs)
            MaxPoolKernel.forward(x: x, y: &y, winners: &winners, batch: batch, geometry: geometry)
            var dx = [Float](repeating: .nan, count: count)
            MaxPoolKernel.backward(dy: weights, dx: &dx, winners: winners, batch: batch, geometry: geometry)
            return (zip(y, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }, dx)
        }
        Self.check("max pooling input", point: input, analytic: run(input).dx) { run($0).loss }
    }

    @Test func maxPoolingPropagatesNaNAsPyTorch() throws {
        // One 2x2 window over [1, nan, 3, 2]: PyTorch's max_pool2d gives nan, and the gradient
        // goes to the NaN's position; padding never wins (it is -infinity).
        let geometry = try NetworkLayout(layers: [.maxPool(kernel: 2, stride: 2, padding: 0)],
                                         inputShape: TensorShape(channels: 1, height: 2, width: 2)).entries[0].poolGeometry
        var y: [Float] = [0], winners: [Int32] = [0], dx = [Float](repeating: 7, count: 4)
        MaxPoolKernel.forward(x: [1, .nan, 3, 2], y: &y, winners: &winners, batch: 1, geometry: geometry)
        #expect(y[0].isNaN && winners == [1])
        MaxPoolKernel.backward(dy: [5], dx: &dx, winners: winners, batch: 1, geometry: geometry)
        #expect(dx == [0, 5, 0, 0])
        let padded = try NetworkLayout(layers: [.maxPool(kernel: 3, stride: 1, padding: 1)],
                                       inputShape: TensorShape(channels: 1, height: 1, width: 2)).entries[0].poolGeometry
        var out: [Float] = [0, 0], positions: [Int32] = [0, 0]
        MaxPoolKernel.forward(x: [-4, -5], y: &out, winners: &positions, batch: 1, geometry: padded)
        #expect(out == [-4, -4] && positions == [0, 0])
    }

    /// Random planes from a small set of values, so that ties, NaNs, negatives and -infinity are common.
    static func tiedValues(_ count: Int, seed: UInt64) -> [Float] {
        let choices: [Float] = [0, 1, 1, 2, -1, -0.5, .nan, -.infinity]
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in choices[Int(random.nextUnitFloat() * Float(choices.count)) % choices.count] }
    }

    @Test(arguments: [(6, 5), (7, 11), (8, 26), (5, 9)])
    func twoByTwoMaxPoolingPicksTheFirstMaximumAndTheFirstNaN(height: Int, width: Int) throws {
        // 2x2 windows with stride 2 take the vector path (four windows at a time, then singly),
        // checked against the rule written out; odd planes leave a row or column out, whose
        // gradient must still be written as 0.
        let geometry = try NetworkLayout(layers: [.maxPool(kernel: 2, stride: 2, padding: 0)],
                                         inputShape: TensorShape(channels: 3, height: height, width: width)).entries[0].poolGeometry
        let plane = height * width, outputHeight = height / 2, outputWidth = width / 2, outputPlane = outputHeight * outputWidth
        let batch = 4, count = batch * 3 * plane, outputs = batch * 3 * outputPlane
        let input = Self.tiedValues(count, seed: 11), gradient = Self.values(outputs, seed: 12)
        var y = [Float](repeating: 0, count: outputs), winners = [Int32](repeating: -1, count: outputs)
        MaxPoolKernel.forward(x: input, y: &y, winners: &winners, batch: batch, geometry: geometry)
        var dx = [Float](repeating: 7, count: count)
        MaxPoolKernel.backward(dy: gradient, dx: &dx, winners: winners, batch: batch, geometry: geometry)
        var expected = [Float](repeating: 0, count: count)
        for p in 0..<(batch * 3) {
            for i in 0..<outputHeight {
                for j in 0..<outputWidth {
                    let top = 2 * i * width + 2 * j
                    let positions = [top, top + 1, top + width, top + width + 1]
                    let values = positions.map { input[p * plane + $0] }
                    let want = values.firstIndex { $0.isNaN } ?? values.firstIndex(of: values.max()!)!
                    let o = p * outputPlane + i * outputWidth + j
                    #expect(Int(winners[o]) == positions[want], "window \(o): \(values)")
                    #expect(y[o] == values[want] || (y[o].isNaN && values[want].isNaN))
                    expected[p * plane + positions[want]] = gradient[o]
                }
            }
        }
        #expect(dx == expected)
    }

    @Test(arguments: [(6, 5), (7, 11), (8, 26), (5, 7)])
    func reLUFusedIntoMaxPoolingEqualsTheTwoLayers(height: Int, width: Int) throws {
        // ReLU then max pooling, as two kernels, against the pooling that rectifies its outputs:
        // equal outputs and equal input gradients (ties at zero give zero gradients both ways),
        // for the 2x2 path and a general window (3x3, stride 2, padding 1).
        for layer in [LayerSpec.maxPool(kernel: 2, stride: 2, padding: 0), .maxPool(kernel: 3, stride: 2, padding: 1)] {
            let entry = try NetworkLayout(layers: [layer], inputShape: TensorShape(channels: 2, height: height, width: width)).entries[0]
            let geometry = entry.poolGeometry
            let batch = 3, count = batch * entry.input.count, outputs = batch * entry.output.count
            let input = Self.tiedValues(count, seed: 21).map { $0 == -.infinity ? -3 : $0 }
            let gradient = Self.values(outputs, seed: 22)
            var rectified = [Float](repeating: 0, count: count)
            ActivationKernel.forward(.relu, x: input, y: &rectified, count: count)
            var y = [Float](repeating: 0, count: outputs), winners = [Int32](repeating: 0, count: outputs)
            MaxPoolKernel.forward(x: rectified, y: &y, winners: &winners, batch: batch, geometry: geometry)
            var pooled = [Float](repeating: 7, count: count), dx = [Float](repeating: 7, count: count)
            MaxPoolKernel.backward(dy: gradient, dx: &pooled, winners: winners, batch: batch, geometry: geometry)
            ActivationKernel.backward(.relu, x: input, y: rectified, dy: pooled, dx: &dx, count: count)

            var fusedY = [Float](repeating: 0, count: outputs), fusedWinners = [Int32](repeating: 0, count: outputs)
            MaxPoolKernel.forward(x: input, y: &fusedY, winners: &fusedWinners, batch: batch, geometry: geometry, rectified: true)
            var fusedDx = [Float](repeating: 7, count: count)
            MaxPoolKernel.backward(dy: gradient, dx: &fusedDx, winners: fusedWinners, batch: batch, geometry: geometry,
                                   rectifiedOutput: fusedY)
            #expect(zip(y, fusedY).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(layer)")
            #expect(dx == fusedDx, "\(layer)")
        }
    }

    @Test func geluMatchesTheExactFormAndItsDerivative() {
        let input = Self.values(40, seed: 6, scale: 3), weights = Self.values(40, seed: 7)
        func run(_ x: [Float]) -> (loss: Double, y: [Float], dx: [Float]) {
            var y = [Float](repeating: 0, count: x.count), dx = [Float](repeating: 0, count: x.count)
            ActivationKernel.forward(.gelu, x: x, y: &y, count: x.count)
            ActivationKernel.backward(.gelu, x: x, y: y, dy: weights, dx: &dx, count: x.count)
            return (zip(y, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }, y, dx)
        }
        let reference = run(input)
        // x Φ(x) with Φ from erf in Double: 1.0 -> 0.8413447460685429.
        for (x, y) in zip(input, reference.y) {
            let exact = Double(x) * 0.5 * (1 + erf(Double(x) / 2.0.squareRoot()))
            #expect(abs(Double(y) - exact) <= 1e-6 + 1e-6 * abs(exact))
        }
        Self.check("gelu input", point: input, analytic: reference.dx) { run($0).loss }
    }

    /// dLoss/dParameters of whole networks with the new layers, by finite differences.
    @Test(arguments: [0, 1, 2])
    func networkParameterGradients(variant: Int) throws {
        let layers: [LayerSpec], shape: TensorShape, targets: Targets
        let batch = 6
        switch variant {
        case 0:
            layers = [.dense(units: 5, bias: true), .batchNorm(momentum: 0.1, epsilon: 1e-5), .gelu, .dense(units: 3, bias: false)]
            shape = .vector(4)
            targets = .classes((0..<batch).map { Int32($0 % 3) }, count: 3)
        case 1:
            layers = [.batchNorm(momentum: 0.1, epsilon: 1e-5), .maxPool(kernel: 2, stride: 2, padding: 0), .flatten, .dense(units: 3, bias: true)]
            shape = TensorShape(channels: 2, height: 4, width: 4)
            targets = .classes((0..<batch).map { Int32($0 % 3) }, count: 3)
        default:
            layers = [.dense(units: 4, bias: true), .tanh, .dense(units: 2, bias: true)]
            shape = .vector(3)
            targets = .values(Matrix(rows: batch, columns: 2, storage: Self.values(2 * batch, seed: 8)))
        }
        var random = RandomSource(seed: 9)
        let network = try Network(layers: layers, inputShape: shape, random: &random)
        let features = Matrix(rows: batch, columns: shape.count, storage: Self.values(batch * shape.count, seed: 10, scale: 2))
        let loss = targets.task.loss
        func evaluate(_ parameters: [Float]) -> (Double, [Float]) {
            var copy = network
            copy.parameters = parameters
            var workspace = copy.makeWorkspace(batchSize: batch)
            var stream = RandomSource(seed: 0)
            let outcome = copy.computeGradient(features: features, targets: targets, indices: 0..<batch, loss: loss,
                                               workspace: &workspace, random: &stream)
            return (Double(outcome.loss), workspace.parameterGradient)
        }
        let analytic = evaluate(network.parameters).1
        Self.check("network \(variant) parameter", point: network.parameters, analytic: analytic) { evaluate($0).0 }
    }

    @Test func squaredErrorLossAndGradient() {
        // (1 - 0.5)² + (-2 - 1)² + (0.25 - 0.25)² + (3 - 1)² = 0.25 + 9 + 0 + 4, mean over 4 values.
        let output = Matrix([[1, -2], [0.25, 3]]), targets = Matrix([[0.5, 1], [0.25, 1]])
        let outcome = LossFunction.meanSquaredError.evaluate(output: output, targets: .values(targets))
        #expect(abs(Double(outcome.loss) - 13.25 / 4) < 1e-6)
        #expect(outcome.correct == nil && outcome.count == 2)
        var gradient = [Float](repeating: 0, count: 4)
        _ = LossFunction.meanSquaredError.evaluate(output: output.storage, batch: 2, width: 2, labels: [0], values: targets.storage,
                                                   gradient: &gradient)
        Self.check("squared error", point: output.storage, analytic: gradient) {
            Double(LossFunction.meanSquaredError.evaluate(output: Matrix(rows: 2, columns: 2, storage: $0), targets: .values(targets)).loss)
        }
    }
}
