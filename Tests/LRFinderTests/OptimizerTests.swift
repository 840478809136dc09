import Foundation
import Testing
@testable import LRFinder

/// A Double-precision re-derivation of one optimizer's step, written from the formulas in the
/// PyTorch documentation: `step(&parameters, gradient, learningRate, momentumOverride, stepNumber)`.
typealias ReferenceStep = (inout [Double], [Double], Double, Double?, Int) -> Void

/// Widens a Float setting: the references use exactly the hyperparameters the optimizer holds.
private func wide(_ value: Float) -> Double { Double(value) }

/// Runs `optimizer` and `reference` side by side over four steps with different gradients each step
/// (a zero, sign changes, small and large values) and compares every parameter after every step.
private func expectMatchesReference(
    _ optimizer: some Optimizer,
    learningRates: [Float] = [0.1, 0.05, 0.1, 0.02],
    momenta: [Float?] = [nil, nil, nil, nil],
    sourceLocation: SourceLocation = #_sourceLocation,
    reference: ReferenceStep
) {
    let start: [Float] = [1.0, -0.5, 0.25, 2.0]
    let gradients: [[Float]] = [[0.5, -1.0, 0.1, 0.0], [0.3, 0.2, -0.4, 1.5], [-0.7, 0.05, 0.6, -0.2], [0.1, -0.3, 0.2, 0.9]]
    var optimizer = optimizer
    var parameters = start
    var expected = start.map(wide)
    for (index, gradient) in gradients.enumerated() {
        optimizer.update(parameters: &parameters, gradients: gradient, learningRate: learningRates[index], momentum: momenta[index])
        reference(&expected, gradient.map(wide), wide(learningRates[index]), momenta[index].map(wide), index + 1)
        for i in expected.indices {
            // Relative 1e-6; a parameter passing near zero keeps the absolute float32 rounding of
            // its earlier, larger values, so the scale has a floor of 0.1.
            let error = abs(Double(parameters[i]) - expected[i])
            #expect(error <= 1e-6 * max(abs(expected[i]), 0.1),
                    "step \(index + 1), parameter \(i): \(parameters[i]) vs reference \(expected[i])",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Every optimizer suite, grouped so that `--filter Optim` selects them all.
@Suite enum OptimizerTests {}

// MARK: - References

/// `torch.optim.SGD`: g = grad + wd p; buf = g, then mu buf + (1 - dampening) g;
/// g = nesterov ? g + mu buf : buf; p -= lr g.
private func sgdReference(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) -> ReferenceStep {
    var buffer: [Double]? = nil
    return { p, grad, lr, override, _ in
        let mu = override ?? wide(momentum)
        var g = zip(grad, p).map { $0 + wide(weightDecay) * $1 }
        if mu != 0 {
            if let old = buffer {
                buffer = zip(old, g).map { mu * $0 + (1 - wide(dampening)) * $1 }
            } else {
                buffer = g
            }
            g = nesterov ? zip(g, buffer!).map { $0 + mu * $1 } : buffer!
        }
        for i in p.indices { p[i] -= lr * g[i] }
    }
}

/// `torch.optim.Adam` / `AdamW` (Kingma & Ba 2015, Algorithm 1 with PyTorch's placement of epsilon;
/// Loshchilov & Hutter 2019 for the decoupled decay).
private func adamReference(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                           decoupled: Bool = false, amsgrad: Bool = false) -> ReferenceStep {
    var m = [Double](repeating: 0, count: 4), v = m, vMax = m
    return { p, grad, lr, override, t in
        let b1 = override ?? wide(beta1), b2 = wide(beta2)
        for i in p.indices {
            var g = grad[i]
            if decoupled { p[i] *= 1 - lr * wide(weightDecay) } else { g += wide(weightDecay) * p[i] }
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vMax[i] = max(vMax[i], v[i])
            let corrected1 = 1 - pow(b1, Double(t)), corrected2 = 1 - pow(b2, Double(t))
            let denominator = (amsgrad ? vMax[i] : v[i]).squareRoot() / corrected2.squareRoot() + wide(epsilon)
            p[i] -= lr / corrected1 * m[i] / denominator
        }
    }
}

/// `torch.optim.RMSprop` (Hinton lecture 6e; centered form from Graves 2013).
private func rmspropReference(alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0,
                              centered: Bool = false) -> ReferenceStep {
    var square = [Double](repeating: 0, count: 4), average = square, buffer = square
    return { p, grad, lr, override, _ in
        let a = wide(alpha), mu = override ?? wide(momentum)
        for i in p.indices {
            let g = grad[i] + wide(weightDecay) * p[i]
            square[i] = a * square[i] + (1 - a) * g * g
            var denominator = square[i].squareRoot() + wide(epsilon)
            if centered {
                average[i] = a * average[i] + (1 - a) * g
                denominator = (square[i] - average[i] * average[i]).squareRoot() + wide(epsilon)
            }
            if mu > 0 {
                buffer[i] = mu * buffer[i] + g / denominator
                p[i] -= lr * buffer[i]
            } else {
                p[i] -= lr * g / denominator
            }
        }
    }
}

// MARK: - SGD

extension OptimizerTests {
    @Suite struct SGDUpdates {
        @Test func plain() {
            expectMatchesReference(SGD(), reference: sgdReference())
        }

        @Test func momentum() {
            expectMatchesReference(SGD(momentum: 0.9), reference: sgdReference(momentum: 0.9))
        }

        @Test func dampening() {
            expectMatchesReference(SGD(momentum: 0.9, dampening: 0.3), reference: sgdReference(momentum: 0.9, dampening: 0.3))
        }

        @Test func nesterov() throws {
            expectMatchesReference(try SGD(momentum: 0.8, nesterov: true), reference: sgdReference(momentum: 0.8, nesterov: true))
        }

        @Test func weightDecay() {
            expectMatchesReference(SGD(weightDecay: 0.1), reference: sgdReference(weightDecay: 0.1))
        }

        @Test func everythingAtOnce() throws {
            expectMatchesReference(try SGD(momentum: 0.7, nesterov: true, weightDecay: 0.05),
                                   reference: sgdReference(momentum: 0.7, nesterov: true, weightDecay: 0.05))
        }

        @Test func momentumArgumentReplacesMomentum() {
            let momenta: [Float?] = [0.95, 0.9, 0.85, 0.8]
            expectMatchesReference(SGD(momentum: 0.5, dampening: 0.1), momenta: momenta,
                                   reference: sgdReference(momentum: 0.5, dampening: 0.1))
        }

        @Test func nesterovNeedsMomentumAndNoDampening() throws {
            #expect(throws: OptimizerSettingsError.self) { try SGD(nesterov: true) }
            #expect(throws: OptimizerSettingsError.self) { try SGD(momentum: 0.9, dampening: 0.1, nesterov: true) }
            do {
                _ = try SGD(momentum: 0, nesterov: true)
            } catch {
                #expect("\(error)" == "nesterov needs momentum > 0 and dampening 0, got momentum 0.0, dampening 0.0")
            }
            #expect(try SGD(momentum: 0.9, nesterov: true).nesterov)
        }

        @Test func defaultMomentumAndSummary() throws {
            #expect(SGD().defaultMomentum == nil)
            #expect(SGD(momentum: 0.9).defaultMomentum == 0.9)
            #expect(try SGD(momentum: 0.9, nesterov: true).summary == "SGD(momentum: 0.9, dampening: 0.0, nesterov, weight decay: 0.0)")
        }
    }
}

// MARK: - Adam and AdamW

extension OptimizerTests {
    @Suite struct AdamUpdates {
        @Test func plain() {
            expectMatchesReference(Adam(), reference: adamReference())
        }

        @Test func l2WeightDecay() {
            expectMatchesReference(Adam(weightDecay: 0.1), reference: adamReference(weightDecay: 0.1))
        }

        @Test func amsgrad() {
            expectMatchesReference(Adam(beta2: 0.9, amsgrad: true), reference: adamReference(beta2: 0.9, amsgrad: true))
        }

        @Test func customBetasAndEpsilon() {
            expectMatchesReference(Adam(beta1: 0.5, beta2: 0.99, epsilon: 1e-3),
                                   reference: adamReference(beta1: 0.5, beta2: 0.99, epsilon: 1e-3))
        }

        @Test func adamW() {
            expectMatchesReference(Adam.adamW(), reference: adamReference(weightDecay: 0.01, decoupled: true))
        }

        @Test func adamWWithAmsgrad() {
            expectMatchesReference(Adam.adamW(weightDecay: 0.2, amsgrad: true),
                                   reference: adamReference(weightDecay: 0.2, decoupled: true, amsgrad: true))
        }

        /// The momentum argument replaces beta1 everywhere, bias correction included.
        @Test func momentumArgumentReplacesBeta1() {
            let momenta: [Float?] = [0.95, 0.9, 0.85, 0.8]
            expectMatchesReference(Adam(), momenta: momenta, reference: adamReference())
            expectMatchesReference(Adam.adamW(), momenta: momenta, reference: adamReference(weightDecay: 0.01, decoupled: true))
        }

        /// With bias correction, step 1 has m̂ = g and v̂ = g², so every coordinate moves by
        /// lr * |g| / (|g| + eps) ≈ lr, whatever the gradient's size.
        @Test func firstStepMovesEachCoordinateByTheLearningRate() {
            var adam = Adam()
            let gradients: [Float] = [0.5, -3, 1e-3, 20, -1e-4]
            var parameters = [Float](repeating: 1, count: gradients.count)
            adam.update(parameters: &parameters, gradients: gradients, learningRate: 0.1, momentum: nil)
            for (parameter, g) in zip(parameters, gradients) {
                let expected = 1 - 0.1 * Double(g) / (abs(Double(g)) + 1e-8)
                #expect(abs(Double(parameter) - expected) < 1e-6)
                #expect(abs(abs(Double(parameter) - 1) - 0.1) < 1e-4)
            }
        }

        /// Decoupled decay shrinks the weights directly; L2 decay goes through Adam's normalization.
        @Test func decoupledDecayDiffersFromL2() {
            var adam = Adam(weightDecay: 0.1)
            var adamW = Adam.adamW(weightDecay: 0.1)
            var coupled: [Float] = [2, -1]
            var decoupled = coupled
            adam.update(parameters: &coupled, gradients: [0, 0], learningRate: 0.1, momentum: nil)
            adamW.update(parameters: &decoupled, gradients: [0, 0], learningRate: 0.1, momentum: nil)
            // AdamW, zero gradient: p * (1 - 0.1 * 0.1) and no Adam move (m = 0).
            #expect(abs(decoupled[0] - 1.98) < 1e-6 && abs(decoupled[1] + 0.99) < 1e-6)
            // Adam, zero gradient: g = 0.1 p, normalized to a full step of lr against sign(p).
            #expect(abs(coupled[0] - 1.9) < 1e-6 && abs(coupled[1] + 0.9) < 1e-6)
        }

        @Test func defaultsMomentumAndSummary() {
            #expect(Adam().weightDecay == 0 && Adam.adamW().weightDecay == 0.01)
            #expect(Adam().defaultMomentum == 0.9 && Adam.adamW(beta1: 0.8).defaultMomentum == 0.8)
            #expect(Adam().summary == "Adam(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.0)")
            #expect(Adam.adamW(amsgrad: true).summary == "AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01, amsgrad)")
            var adamW = Adam.adamW()
            var parameters: [Float] = [1]
            adamW.update(parameters: &parameters, gradients: [1], learningRate: 0.1, momentum: nil)
            #expect(adamW.stepCount == 1)
        }

        /// `adamW` is `Adam` in decoupled mode with `torch.optim.AdamW`'s weight decay of 0.01.
        @Test func adamWIsTheDecoupledMode() {
            let adamW = Adam.adamW()
            #expect(adamW.weightDecayMode == .decoupled && Adam().weightDecayMode == .l2)
            #expect(adamW.summary == Adam(weightDecay: 0.01, weightDecayMode: .decoupled).summary)
            #expect(Adam(weightDecay: 0.01).summary == "Adam(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)")
            var viaFactory = adamW, viaMode = Adam(weightDecay: 0.01, weightDecayMode: .decoupled)
            var p: [Float] = [1, -2, 0.5], q = p
            viaFactory.update(parameters: &p, gradients: [0.3, 0.1, -0.2], learningRate: 0.1, momentum: nil)
            viaMode.update(parameters: &q, gradients: [0.3, 0.1, -0.2], learningRate: 0.1, momentum: nil)
            #expect(p.map(\.bitPattern) == q.map(\.bitPattern))
        }
    }
}

// MARK: - RMSprop

extension OptimizerTests {
    @Suite struct RMSpropUpdates {
        @Test func plain() {
            expectMatchesReference(RMSprop(), learningRates: [0.01, 0.02, 0.01, 0.005], reference: rmspropReference())
        }

        @Test func centered() {
            expectMatchesReference(RMSprop(alpha: 0.9, centered: true), learningRates: [0.01, 0.02, 0.01, 0.005],
                                   reference: rmspropReference(alpha: 0.9, centered: true))
        }

        @Test func momentum() {
            expectMatchesReference(RMSprop(momentum: 0.9), learningRates: [0.01, 0.02, 0.01, 0.005],
                                   reference: rmspropReference(momentum: 0.9))
        }

        @Test func weightDecay() {
            expectMatchesReference(RMSprop(weightDecay: 0.1), learningRates: [0.01, 0.02, 0.01, 0.005],
                                   reference: rmspropReference(weightDecay: 0.1))
        }

        @Test func centeredWithMomentumAndWeightDecay() {
            expectMatchesReference(RMSprop(alpha: 0.8, epsilon: 1e-6, weightDecay: 0.02, momentum: 0.5, centered: true),
                                   reference: rmspropReference(alpha: 0.8, epsilon: 1e-6, weightDecay: 0.02, momentum: 0.5, centered: true))
        }

        @Test func momentumArgumentReplacesMomentum() {
            let momenta: [Float?] = [0.95, 0.9, 0.85, 0.8]
            expectMatchesReference(RMSprop(), learningRates: [0.01, 0.02, 0.01, 0.005], momenta: momenta,
                                   reference: rmspropReference())
        }

        @Test func defaultMomentumAndSummary() {
            #expect(RMSprop().defaultMomentum == nil && RMSprop(momentum: 0.9).defaultMomentum == 0.9)
            #expect(RMSprop(centered: true).summary == "RMSprop(alpha: 0.99, eps: 1e-08, weight decay: 0.0, momentum: 0.0, centered)")
        }
    }
}

// MARK: - Shared behaviour

extension OptimizerTests {
    @Suite struct SharedBehaviour {
        /// Numbers worked out by hand:
        /// - Adam, p = 1, g = 0.5, lr = 0.1: m = 0.05, v = 0.00025, bias corrections 0.1 and 0.001,
        ///   so p = 1 - 0.1 / 0.1 * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 1e-8) = 1 - 0.05 / 0.5 = 0.9.
        /// - AdamW, same step with weight decay 0.01: p = 1 * (1 - 0.1 * 0.01) - 0.1 = 0.899.
        /// - SGD, momentum 0.9, lr 0.1, p = 1, g = 0.5 twice: buf = 0.5, p = 0.95; buf = 0.45 + 0.5 = 0.95,
        ///   p = 0.95 - 0.095 = 0.855.
        /// - RMSprop, alpha 0.99, lr 0.01, p = 1, g = 0.5: s = 0.01 * 0.25 = 0.0025, sqrt(s) = 0.05,
        ///   p = 1 - 0.01 * 0.5 / 0.05 = 0.9.
        @Test func handComputedSteps() {
            func step(_ optimizer: inout some Optimizer, _ p: Float, _ g: Float, _ lr: Float) -> Float {
                var parameters = [p]
                optimizer.update(parameters: &parameters, gradients: [g], learningRate: lr, momentum: nil)
                return parameters[0]
            }
            var adam = Adam()
            #expect(abs(step(&adam, 1, 0.5, 0.1) - 0.9) < 1e-6)
            var adamW = Adam.adamW()
            #expect(abs(step(&adamW, 1, 0.5, 0.1) - 0.899) < 1e-6)
            var sgd = SGD(momentum: 0.9)
            let afterOne = step(&sgd, 1, 0.5, 0.1)
            #expect(abs(afterOne - 0.95) < 1e-6)
            #expect(abs(step(&sgd, afterOne, 0.5, 0.1) - 0.855) < 1e-6)
            var rmsprop = RMSprop()
            #expect(abs(step(&rmsprop, 1, 0.5, 0.01) - 0.9) < 1e-6)
        }

        /// A copy carries the state it was copied with and then evolves on its own: stepping the copy
        /// leaves the original's next update identical to an untouched twin's.
        @Test(arguments: [
            "sgd", "nesterov", "adam", "adamw-amsgrad", "rmsprop-centered-momentum",
        ])
        func copiesHaveIndependentState(_ name: String) throws {
            func make() throws -> any Optimizer {
                switch name {
                case "sgd": SGD(momentum: 0.9)
                case "nesterov": try SGD(momentum: 0.9, nesterov: true)
                case "adam": Adam()
                case "adamw-amsgrad": Adam.adamW(amsgrad: true)
                default: RMSprop(momentum: 0.9, centered: true)
                }
            }
            var original = try make(), twin = try make()
            var p: [Float] = [1, 2], q = p
            original.update(parameters: &p, gradients: [0.1, 0.2], learningRate: 0.01, momentum: nil)
            twin.update(parameters: &q, gradients: [0.1, 0.2], learningRate: 0.01, momentum: nil)

            var copy = original
            var copied = p
            for _ in 0..<3 { copy.update(parameters: &copied, gradients: [5, -5], learningRate: 0.1, momentum: nil) }

            original.update(parameters: &p, gradients: [0.3, -0.1], learningRate: 0.01, momentum: nil)
            twin.update(parameters: &q, gradients: [0.3, -0.1], learningRate: 0.01, momentum: nil)
            #expect(p == q)
            #expect(copied != p)
        }

        @Test func adamStepCountsAreIndependent() {
            var original = Adam()
            var parameters: [Float] = [1]
            original.update(parameters: &parameters, gradients: [1], learningRate: 0.1, momentum: nil)
            var copy = original
            copy.update(parameters: &parameters, gradients: [1], learningRate: 0.1, momentum: nil)
            #expect(original.stepCount == 1 && copy.stepCount == 2)
        }
    }
}

// MARK: - Gradient clipping

extension OptimizerTests {
    @Suite struct Clipping {
        @Test func byValue() {
            var gradients: [Float] = [3, -0.5, -4, 1]
            let norm = GradientClipping.value(1).apply(to: &gradients)
            #expect(gradients == [1, -0.5, -1, 1])
            #expect(norm == Float(26.25.squareRoot()))
        }

        @Test func byNorm() {
            // ‖(3, 4)‖ = 5 > 1: scaled by 1 / (5 + 1e-6).
            var gradients: [Float] = [3, 4]
            #expect(GradientClipping.norm(1).apply(to: &gradients) == 5)
            let coefficient = Float(1 / (5 + 1e-6))
            #expect(gradients == [3 * coefficient, 4 * coefficient])
            #expect(abs(gradients[0] - 0.6) < 1e-6 && abs(gradients[1] - 0.8) < 1e-6)
        }

        @Test func byNormLeavesSmallGradientsAlone() {
            var gradients: [Float] = [0.3, 0.4]
            #expect(abs(GradientClipping.norm(1).apply(to: &gradients) - 0.5) < 1e-7)
            #expect(gradients == [0.3, 0.4])
        }

        /// At exactly the limit the 1e-6 guard makes the coefficient just below 1, as in PyTorch.
        @Test func byNormAtTheLimitScalesSlightly() {
            var gradients: [Float] = [3, 4]
            GradientClipping.norm(5).apply(to: &gradients)
            let coefficient = Float(5 / (5 + 1e-6))
            #expect(coefficient < 1)
            #expect(gradients == [3 * coefficient, 4 * coefficient])
        }

        @Test func noneReportsTheNorm() {
            var gradients: [Float] = [1, 2, 2]
            #expect(GradientClipping.none.apply(to: &gradients) == 3)
            #expect(gradients == [1, 2, 2])
        }
    }
}

// MARK: - Settings

extension OptimizerTests {
    @Suite struct Settings {
        private func message(_ settings: OptimizerSettings) -> String {
            do {
                _ = try settings.makeOptimizer()
                return ""
            } catch {
                return "\(error)"
            }
        }

        @Test func defaults() throws {
            #expect(try OptimizerSettings(kind: .sgd).makeOptimizer().summary == "SGD(momentum: 0.0, dampening: 0.0, weight decay: 0.0)")
            #expect(try OptimizerSettings(kind: .adam).makeOptimizer().summary == "Adam(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.0)")
            #expect(try OptimizerSettings(kind: .adamw).makeOptimizer().summary == "AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)")
            #expect(try OptimizerSettings(kind: .rmsprop).makeOptimizer().summary
                        == "RMSprop(alpha: 0.99, eps: 1e-08, weight decay: 0.0, momentum: 0.0)")
            #expect(OptimizerKind.allCases.map(\.defaultLearningRate) == [1e-3, 1e-3, 1e-3, 1e-2])
        }

        @Test func settingsReachTheOptimizer() throws {
            let sgd = try OptimizerSettings.sgd(SGDSettings(momentum: 0.9, nesterov: true, weightDecay: 0.1)).makeOptimizer()
            #expect(sgd.summary == "SGD(momentum: 0.9, dampening: 0.0, nesterov, weight decay: 0.1)")
            let adamW = try OptimizerSettings.adamW(AdamSettings(beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0, amsgrad: true)).makeOptimizer()
            #expect(adamW.summary == "AdamW(betas: 0.8, 0.99, eps: 1e-06, weight decay: 0.0, amsgrad)")
            let rmsprop = try OptimizerSettings.rmsprop(RMSpropSettings(alpha: 0.9, momentum: 0.5, centered: true)).makeOptimizer()
            #expect(rmsprop.summary == "RMSprop(alpha: 0.9, eps: 1e-08, weight decay: 0.0, momentum: 0.5, centered)")
            #expect(rmsprop.defaultMomentum == 0.5)
        }

        /// A recipe holds the kind and the settings that differ from its defaults, flat, under
        /// PyTorch's names; a missing setting decodes as its default and a foreign one is refused.
        @Test func codableRoundTrip() throws {
            let settings = OptimizerSettings.sgd(SGDSettings(momentum: 0.9, nesterov: true, weightDecay: 0.1))
            let data = try JSONEncoder().encode(settings)
            #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: settings)) == #"{"kind":"sgd","momentum":0.9,"nesterov":true,"weightDecay":0.1}"#)
            #expect(try JSONDecoder().decode(OptimizerSettings.self, from: data) == settings)
            let minimal = try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"kind": "adamw", "beta2": 0.99}"#.utf8))
            #expect(minimal == .adamW(AdamSettings(beta2: 0.99, weightDecay: 0.01)))
            #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: OptimizerSettings(kind: .adamw))) == #"{"kind":"adamw"}"#)
            // Adam's default decay is 0, AdamW's 0.01: each is left out at its own.
            #expect(try CanonicalJSON.text(of: CanonicalJSON.value(of: OptimizerSettings.adam(AdamSettings(weightDecay: 0.01))))
                        == #"{"kind":"adam","weightDecay":0.01}"#)
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"kind": "adagrad"}"#.utf8))
            }
            do {
                _ = try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"kind": "sgd", "beta1": 0.9}"#.utf8))
                Issue.record("beta1 was taken for sgd")
            } catch let DecodingError.dataCorrupted(context) {
                #expect(context.debugDescription == "optimizer sgd has no field 'beta1' (it has dampening, kind, momentum, nesterov, weightDecay)")
            }
        }

        @Test func invalidSettingsNameTheSetting() {
            #expect(message(.sgd(SGDSettings(momentum: 1.5))) == "momentum must be in [0, 1), got 1.5")
            #expect(message(.sgd(SGDSettings(nesterov: true))) == "nesterov needs momentum > 0 and dampening 0")
            #expect(message(.sgd(SGDSettings(momentum: 0.9, dampening: 0.5, nesterov: true))) == "nesterov needs momentum > 0 and dampening 0")
            #expect(message(.adam(AdamSettings(weightDecay: -1))) == "weightDecay must be >= 0, got -1.0")
            #expect(message(.adamW(AdamSettings(beta1: 1))) == "beta1 must be in [0, 1), got 1.0")
            #expect(message(.adam(AdamSettings(beta2: -0.1))) == "beta2 must be in [0, 1), got -0.1")
            #expect(message(.rmsprop(RMSpropSettings(epsilon: 0))) == "epsilon must be > 0, got 0.0")
            #expect(message(.rmsprop(RMSpropSettings(alpha: .nan))) == "alpha must be in [0, 1), got nan")
            #expect(message(.sgd(SGDSettings(dampening: 2))) == "dampening must be in [0, 1], got 2.0")
        }
    }
}
