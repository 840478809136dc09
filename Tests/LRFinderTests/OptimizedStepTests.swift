import Foundation
import Testing
@testable import LRFinder

/// The vectorized Adam loop against a one-element-at-a-time Float transcription of
/// PyTorch's `_single_tensor_adam` (mul_ for the decoupled decay, lerp_ for the first moment,
/// mul_().addcmul_() for the second, then sqrt / bias correction / add eps / addcdiv_):
/// the two must agree bit for bit, for every branch the fast loop is split on.
@Suite struct OptimizedStepTests {
    /// One straightforward Adam(W) step on every element, in Float, in PyTorch's operation order.
    static func straightforwardStep(parameters p: inout [Float], gradients: [Float], first m: inout [Float],
                                    second v: inout [Float], secondMaximum vMax: inout [Float], step t: Int,
                                    learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
                                    l2Penalty: Float, decoupledDecay: Float, amsgrad: Bool) {
        let lr = Double(learningRate)
        let stepSize = Float(lr / (1 - pow(Double(beta1), Double(t))))
        let correction2Root = Float((1 - pow(Double(beta2), Double(t))).squareRoot())
        for i in p.indices {
            if decoupledDecay != 0 { p[i] *= Float(1 - lr * Double(decoupledDecay)) }
            var g = gradients[i]
            if l2Penalty != 0 { g += l2Penalty * p[i] }
            m[i] = interpolate(from: m[i], to: g, by: 1 - beta1)
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            var s = v[i]
            if amsgrad { vMax[i] = max(vMax[i], s); s = vMax[i] }
            p[i] -= stepSize * (m[i] / (s.squareRoot() / correction2Root + epsilon))
        }
    }

    @Test(arguments: [
        (false, Float(0.9), Float(0.01), false),   // AdamW, the benchmark's path
        (false, Float(0.9), Float(0.01), true),    // AdamW + AMSGrad
        (true, Float(0.9), Float(0.05), false),    // Adam with L2 penalty
        (true, Float(0.3), Float(0), false),       // beta1 < 0.5: lerp anchored at the gradient
        (false, Float(0.95), Float(0), true),      // no decay at all, AMSGrad
    ])
    func fastLoopEqualsStraightforwardStepBitForBit(l2: Bool, beta1: Float, decay: Float, amsgrad: Bool) {
        // Not multiples of the vector width (eight): the tail runs too, with one lane and with seven.
        for count in [70_001, 31] {
            var random = RandomSource(seed: 11)
            var parameters = (0..<count).map { _ in random.nextUnitFloat() * 2 - 1 }
            var expected = parameters
            var m = [Float](repeating: 0, count: count), v = m, vMax = m
            var optimizer: any Optimizer = l2
                ? Adam(beta1: beta1, weightDecay: decay, amsgrad: amsgrad)
                : Adam.adamW(beta1: beta1, weightDecay: decay, amsgrad: amsgrad)
            for step in 1...5 {
                let gradients = (0..<count).map { i in i % 97 == 0 ? 0 : (random.nextUnitFloat() - 0.5) * Float(step) }
                let rate: Float = [1e-3, 3e-2, 1e-4, 0.5, 2e-3][step - 1]
                optimizer.update(parameters: &parameters, gradients: gradients, learningRate: rate, momentum: nil)
                Self.straightforwardStep(parameters: &expected, gradients: gradients, first: &m, second: &v, secondMaximum: &vMax,
                                         step: step, learningRate: rate, beta1: beta1, beta2: 0.999, epsilon: 1e-8,
                                         l2Penalty: l2 ? decay : 0, decoupledDecay: l2 ? 0 : decay, amsgrad: amsgrad)
                let firstDifference = parameters.indices.first { parameters[$0].bitPattern != expected[$0].bitPattern }
                #expect(firstDifference == nil, "\(count) elements, step \(step): element \(firstDifference ?? -1) differs")
            }
        }
    }
}
