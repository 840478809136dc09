import CVectorMath
import Foundation

/// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization") following the
/// single-tensor update of PyTorch's `torch.optim.Adam`, or, with decoupled weight decay, of
/// `torch.optim.AdamW` (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization").
///
/// One step `t` (counted from 1), with `b1` the configured beta1 or the `momentum` passed to
/// `update`:
///
///     p = p * (1 - lr * weightDecay)                        decoupled decay (AdamW)
///     g = grad + weightDecay * p                            L2 decay (Adam); g = grad otherwise
///     m = lerp(m, g, 1 - b1)
///     v = beta2 * v + (1 - beta2) * g * g
///     vMax = max(vMax, v)                                   with AMSGrad; then v = vMax below
///     p = p - lr / (1 - b1^t) * (m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon))
public struct Adam: Optimizer {
    /// Decay rate of the first-moment average; one-cycle schedules replace it per step through
    /// `update`'s `momentum`.
    public var beta1: Float
    /// Decay rate of the second-moment average.
    public var beta2: Float
    /// Added to the denominator, after its bias correction.
    public var epsilon: Float
    /// Weight decay coefficient, applied as `weightDecayMode` says.
    public var weightDecay: Float
    /// Whether `weightDecay` is an L2 penalty in the gradient (Adam) or a decoupled shrink of the
    /// weights (AdamW).
    public var weightDecayMode: WeightDecayMode
    /// Whether to divide by the running maximum of the second moment (AMSGrad, Reddi et al. 2018).
    public var amsgrad: Bool
    /// The number of steps taken so far.
    public private(set) var stepCount = 0
    private var first: [Float] = []
    private var second: [Float] = []
    private var secondMaximum: [Float] = []

    /// Adam with PyTorch's defaults: betas (0.9, 0.999), epsilon 1e-8, no weight decay (L2 when
    /// given), no AMSGrad.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                weightDecayMode: WeightDecayMode = .l2, amsgrad: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.weightDecayMode = weightDecayMode
        self.amsgrad = amsgrad
    }

    /// AdamW, Adam with decoupled weight decay, with `torch.optim.AdamW`'s defaults: betas
    /// (0.9, 0.999), epsilon 1e-8, weight decay 0.01, no AMSGrad.
    public static func adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01,
                             amsgrad: Bool = false) -> Adam {
        Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, weightDecayMode: .decoupled, amsgrad: amsgrad)
    }

    /// beta1.
    public var defaultMomentum: Float? { beta1 }

    /// The settings in one line, named after the PyTorch class: `Adam(betas: 0.9, 0.999, eps: 1e-08,
    /// weight decay: 0.0)` with L2 decay, `AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)`
    /// with decoupled decay, plus `, amsgrad` when on.
    public var summary: String {
        let name = weightDecayMode == .decoupled ? "AdamW" : "Adam"
        return "\(name)(betas: \(beta1), \(beta2), eps: \(epsilon), weight decay: \(weightDecay)\(amsgrad ? ", amsgrad" : ""))"
    }

    /// Applies one Adam step in place (PyTorch's `_single_tensor_adam`); `momentum`, when given,
    /// replaces beta1 for this step. Buffers are allocated on the first step only.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum: Float?) {
        let beta1 = momentum ?? self.beta1, beta2 = self.beta2, epsilon = self.epsilon, amsgrad = self.amsgrad
        let l2Penalty = weightDecayMode == .l2 ? weightDecay : 0
        let decoupledDecay = weightDecayMode == .decoupled ? weightDecay : 0
        let count = parameters.count
        precondition(gradients.count == count, "Adam: \(gradients.count) gradients for \(count) parameters")
        if first.isEmpty {
            first = [Float](repeating: 0, count: count)
            second = [Float](repeating: 0, count: count)
        }
        if amsgrad && secondMaximum.isEmpty { secondMaximum = [Float](repeating: 0, count: count) }
        precondition(first.count == count, "Adam: parameter count changed from \(first.count) to \(count)")
        stepCount += 1

        // Scalars in double precision, rounded once to Float, as PyTorch does with Python floats.
        let t = Double(stepCount), lr = Double(learningRate)
        let stepSize = Float(lr / (1 - Foundation.pow(Double(beta1), t)))
        let correction2Root = Float((1 - Foundation.pow(Double(beta2), t)).squareRoot())
        let shrink = Float(1 - lr * Double(decoupledDecay))
        let shrinks = decoupledDecay != 0, penalizes = l2Penalty != 0
        let weight1 = 1 - beta1, weight2 = 1 - beta2

        let anchoredAtStart = weight1.magnitude < 0.5
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        // One Adam step on elements [0, count) of the buffers, count a multiple of eight, for fixed
        // flags: eight elements at a time in SIMD8<Float> lanes, each lane doing the operations of
        // the one-element step above in the same order, so the result is the same bit for bit.
        @inline(__always) func run(_ shrinks: Bool, _ penalizes: Bool, _ anchoredAtStart: Bool,
                                   _ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>,
                                   _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                                   _ vMax: UnsafeMutablePointer<Float>?, _ count: Int) {
            @inline(__always) func load(_ x: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(x).loadUnaligned(as: Lanes.self) }
            @inline(__always) func store(_ lanes: Lanes, _ x: UnsafeMutablePointer<Float>) {
                UnsafeMutableRawPointer(x).storeBytes(of: lanes, as: Lanes.self)
            }
            var i = 0
            while i < count {
                var parameter = load(p + i)
                if shrinks { parameter *= shrink }
                let g = penalizes ? load(grad + i) + l2Penalty * parameter : load(grad + i)
                let previous = load(m + i)
                let moment = anchoredAtStart ? previous + weight1 * (g - previous) : g - (g - previous) * (1 - weight1)
                store(moment, m + i)
                let variance = beta2 * load(v + i) + weight2 * g * g
                store(variance, v + i)
                var s = variance
                if let vMax {
                    let maximum = load(vMax + i)
                    s = maximum.replacing(with: s, where: s .>= maximum)   // Swift.max(maximum, s)
                    store(s, vMax + i)
                }
                // lrf_sqrt8: the square root without errno, see CVectorMath.h.
                let denominator = lrf_sqrt8(s) / correction2Root + epsilon
                store(parameter - stepSize * (moment / denominator), p + i)
                i += width
            }
        }
        // `run` split on every per-call constant (decoupled decay, L2 penalty, AMSGrad, lerp's
        // rounding form), so that each copy has no branch inside.
        func sweep(_ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                   _ v: UnsafeMutablePointer<Float>, _ vMax: UnsafeMutablePointer<Float>?, _ count: Int) {
            if vMax != nil {
                run(shrinks, penalizes, anchoredAtStart, p, grad, m, v, vMax, count)
            } else {
                switch (shrinks, penalizes, anchoredAtStart) {
                case (true, false, true): run(true, false, true, p, grad, m, v, nil, count)
                case (false, true, true): run(false, true, true, p, grad, m, v, nil, count)
                case (false, false, true): run(false, false, true, p, grad, m, v, nil, count)
                default: run(shrinks, penalizes, anchoredAtStart, p, grad, m, v, nil, count)
                }
            }
        }
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        secondMaximum.withUnsafeMutableBufferPointer { vMax in
                            let p = p.baseAddress!, grad = grad.baseAddress!, m = m.baseAddress!, v = v.baseAddress!
                            let vMax = amsgrad ? vMax.baseAddress! : nil
                            let whole = count - count % width, tail = count - whole
                            sweep(p, grad, m, v, vMax, whole)
                            guard tail > 0 else { return }
                            // The last count % 8 elements take the same step in zero-filled copies.
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: 5 * width) { scratch in
                                scratch.initialize(repeating: 0)
                                let sp = scratch.baseAddress!, sg = sp + width, sm = sp + 2 * width, sv = sp + 3 * width
                                let sx = vMax == nil ? nil : sp + 4 * width
                                sp.update(from: p + whole, count: tail)
                                sg.update(from: grad + whole, count: tail)
                                sm.update(from: m + whole, count: tail)
                                sv.update(from: v + whole, count: tail)
                                if let vMax, let sx { sx.update(from: vMax + whole, count: tail) }
                                sweep(sp, sg, sm, sv, sx, width)
                                (p + whole).update(from: sp, count: tail)
                                (m + whole).update(from: sm, count: tail)
                                (v + whole).update(from: sv, count: tail)
                                if let vMax, let sx { (vMax + whole).update(from: sx, count: tail) }
                            }
                        }
                    }
                }
            }
        }
    }
}
