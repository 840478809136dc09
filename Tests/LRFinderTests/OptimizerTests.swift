import Foundation
import Testing
@testable import LRFinder

/// Each optimizer against an independent Double re-computation of PyTorch's documented update.
@Suite struct OptimizerTests {
    let start: [Double] = [1.0, -0.5, 0.25, 2.0]
    let gradients: [[Double]] = [[0.5, -1.0, 0.1, 0.0], [0.3, 0.2, -0.4, 1.5], [-0.7, 0.05, 0.6, -0.2], [0.1, -0.3, 0.2, 0.9]]

    /// Runs `optimizer` for every gradient step and compares each step with `reference`.
    func check(_ optimizer: some Optimizer, learningRates: [Double] = [0.1, 0.05, 0.1, 0.02], momenta: [Double?] = [nil, nil, nil, nil],
               reference: (inout [Double], [Double], Double, Double?, Int) -> Void) {
        var optimizer = optimizer
        var parameters = start.map(Float.init)
        var expected = start
        for (step, gradient) in gradients.enumerated() {
            optimizer.update(parameters: &parameters, gradients: gradient.map(Float.init),
                             learningRate: Float(learningRates[step]), momentum: momenta[step].map(Float.init))
            reference(&expected, gradient, learningRates[step], momenta[step], step + 1)
            for i in expected.indices {
                #expect(abs(Double(parameters[i]) - expected[i]) <= 2e-6 * max(1, abs(expected[i])),
                        "step \(step + 1) parameter \(i): \(parameters[i]) vs \(expected[i])")
            }
        }
    }

    @Test func plainSGD() {
        check(SGD()) { p, g, lr, _, _ in for i in p.indices { p[i] -= lr * g[i] } }
    }

    @Test func sgdWithMomentumDampeningAndWeightDecay() {
        var buffer: [Double] = []
        check(SGD(momentum: 0.9, dampening: 0.1, weightDecay: 0.01)) { p, g, lr, _, step in
            let d = p.indices.map { g[$0] + 0.01 * p[$0] }
            buffer = step == 1 ? d : buffer.indices.map { 0.9 * buffer[$0] + 0.9 * d[$0] }
            for i in p.indices { p[i] -= lr * buffer[i] }
        }
    }

    @Test func sgdNesterov() {
        var buffer: [Double] = []
        check(SGD(momentum: 0.8, nesterov: true)) { p, g, lr, _, step in
            buffer = step == 1 ? g : buffer.indices.map { 0.8 * buffer[$0] + g[$0] }
            for i in p.indices { p[i] -= lr * (g[i] + 0.8 * buffer[i]) }
        }
    }

    @Test func momentumOverrideReplacesSGDMomentum() {
        var buffer: [Double] = []
        check(SGD(momentum: 0.9), momenta: [0.95, 0.9, 0.85, 0.8]) { p, g, lr, mu, step in
            buffer = step == 1 ? g : buffer.indices.map { mu! * buffer[$0] + g[$0] }
            for i in p.indices { p[i] -= lr * buffer[i] }
        }
    }

    /// Adam's reference, coupled (L2) or decoupled (AdamW) decay, optional AMSGrad.
    func adamReference(decay: Double, decoupled: Bool, amsgrad: Bool = false, beta1: Double = 0.9, beta2: Double = 0.999)
        -> (inout [Double], [Double], Double, Double?, Int) -> Void {
        var m = [Double](repeating: 0, count: 4), v = m, vMax = m
        return { p, g, lr, override, step in
            let b1 = override ?? beta1
            for i in p.indices {
                var gi = g[i]
                if decoupled { p[i] *= 1 - lr * decay } else { gi += decay * p[i] }
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                vMax[i] = max(vMax[i], v[i])
                let mHat = m[i] / (1 - pow(b1, Double(step)))
                let second = (amsgrad ? vMax[i] : v[i]) / (1 - pow(beta2, Double(step)))
                // PyTorch's form: lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps), i.e. eps outside the corrected root.
                p[i] -= lr * mHat / (second.squareRoot() + 1e-8)
            }
        }
    }

    @Test func adam() { check(Adam(), reference: adamReference(decay: 0, decoupled: false)) }
    @Test func adamWithL2() { check(Adam(weightDecay: 0.1), reference: adamReference(decay: 0.1, decoupled: false)) }
    @Test func adamW() { check(Adam.adamW(), reference: adamReference(decay: 0.01, decoupled: true)) }
    @Test func adamWAmsgrad() { check(Adam.adamW(weightDecay: 0.05, amsgrad: true), reference: adamReference(decay: 0.05, decoupled: true, amsgrad: true)) }
    @Test func adamBeta1Override() {
        check(Adam(), momenta: [0.95, 0.9, 0.85, 0.85], reference: adamReference(decay: 0, decoupled: false))
    }

    @Test func adamFirstStepMovesEachCoordinateByTheLearningRate() {
        // Step 1: m̂ = g, v̂ = g², so the update is lr * g / (|g| + eps) = lr * sign(g).
        var adam = Adam()
        var parameters: [Float] = [1, 1, 1]
        adam.update(parameters: &parameters, gradients: [0.5, -3, 1e-3], learningRate: 0.1, momentum: nil)
        #expect(abs(parameters[0] - 0.9) < 1e-6 && abs(parameters[1] - 1.1) < 1e-6)
        #expect(abs(parameters[2] - (1 - 0.1 * 1e-3 / (1e-3 + 1e-8))) < 1e-6)
        // AdamW first shrinks the weights by lr * wd: 1 * (1 - 0.1 * 0.01) - 0.1 = 0.899.
        var adamW = Adam.adamW()
        var decayed: [Float] = [1]
        adamW.update(parameters: &decayed, gradients: [0.5], learningRate: 0.1, momentum: nil)
        #expect(abs(decayed[0] - 0.899) < 1e-6)
    }

    @Test func rmsprop() {
        var s = [Double](repeating: 0, count: 4)
        check(RMSprop()) { p, g, lr, _, _ in
            for i in p.indices {
                s[i] = 0.99 * s[i] + 0.01 * g[i] * g[i]
                p[i] -= lr * g[i] / (s[i].squareRoot() + 1e-8)
            }
        }
    }

    @Test func rmspropCenteredWithMomentumAndWeightDecay() {
        var s = [Double](repeating: 0, count: 4), a = s, buffer = s
        check(RMSprop(alpha: 0.9, weightDecay: 0.02, momentum: 0.5, centered: true)) { p, g, lr, _, _ in
            for i in p.indices {
                let gi = g[i] + 0.02 * p[i]
                s[i] = 0.9 * s[i] + 0.1 * gi * gi
                a[i] = 0.9 * a[i] + 0.1 * gi
                let denominator = (s[i] - a[i] * a[i]).squareRoot() + 1e-8
                buffer[i] = 0.5 * buffer[i] + gi / denominator
                p[i] -= lr * buffer[i]
            }
        }
    }

    @Test func copiesCarryIndependentState() {
        var original = Adam.adamW()
        var parameters: [Float] = [1, 2]
        original.update(parameters: &parameters, gradients: [0.1, 0.2], learningRate: 0.01, momentum: nil)
        var copy = original
        var copiedParameters = parameters
        copy.update(parameters: &copiedParameters, gradients: [5, -5], learningRate: 0.01, momentum: nil)
        var a = parameters, b = parameters
        var fresh = original
        fresh.update(parameters: &a, gradients: [0.3, 0.1], learningRate: 0.01, momentum: nil)
        original.update(parameters: &b, gradients: [0.3, 0.1], learningRate: 0.01, momentum: nil)
        #expect(a == b)
        #expect(original.stepCount == 2 && copy.stepCount == 2)
    }

    @Test func clipping() {
        var byValue: [Float] = [3, -0.5, -4, 1]
        let norm = GradientClipping.value(1).apply(to: &byValue)
        #expect(byValue == [1, -0.5, -1, 1])
        #expect(abs(norm - Float((9 + 0.25 + 16 + 1.0).squareRoot())) < 1e-6)
        var byNorm: [Float] = [3, 4]
        #expect(GradientClipping.norm(1).apply(to: &byNorm) == 5)
        #expect(abs(byNorm[0] - 3 / (5 + 1e-6)) < 1e-7 && abs(byNorm[1] - 4 / (5 + 1e-6)) < 1e-7)
        var small: [Float] = [0.3, 0.4]
        GradientClipping.norm(1).apply(to: &small)
        #expect(small == [0.3, 0.4])
    }

    @Test func settingsValidation() throws {
        #expect(try OptimizerSettings(kind: .adamw).makeOptimizer().summary == "AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)")
        func message(_ change: (inout OptimizerSettings) -> Void, kind: OptimizerKind = .sgd) -> String {
            var settings = OptimizerSettings(kind: kind)
            change(&settings)
            do { _ = try settings.makeOptimizer(); return "" } catch { return "\(error)" }
        }
        #expect(message({ $0.momentum = 1.5 }) == "--momentum must be in [0, 1), got 1.5")
        #expect(message({ $0.nesterov = true }) == "--nesterov needs --momentum > 0 and --dampening 0")
        #expect(message({ $0.weightDecay = -1 }, kind: .adam) == "--weight-decay must be >= 0, got -1.0")
        #expect(message({ $0.beta1 = 1 }, kind: .adam) == "--beta1 must be in [0, 1), got 1.0")
        #expect(message({ $0.epsilon = 0 }, kind: .rmsprop) == "--eps must be > 0, got 0.0")
        #expect(message({ $0.beta1 = 0.9 }) == "--beta1 does not apply to sgd")
        #expect(OptimizerKind.rmsprop.defaultLearningRate == 1e-2 && OptimizerKind.adamw.defaultLearningRate == 1e-3)
    }
}
