import Foundation

/// How an Adam-family optimizer applies weight decay.
public enum WeightDecayMode: String, Sendable {
    /// Added to the gradient (L2 penalty), as `torch.optim.Adam`.
    case coupled
    /// Applied to the weights directly, `p *= 1 - lr * wd`, as `torch.optim.AdamW`
    /// (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization").
    case decoupled
}

/// Adam (Kingma & Ba 2015) with PyTorch's `torch.optim.Adam` / `AdamW` single-tensor update:
///
///     g = grad (+ weightDecay * p when coupled);  p *= 1 - lr * weightDecay when decoupled
///     t += 1;  m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
///     vMax = max(vMax, v) with AMSGrad
///     p -= lr / (1 - beta1^t) * m / (sqrt(v or vMax) / sqrt(1 - beta2^t) + eps)
public struct Adam: Optimizer {
    /// Decay of the first moment (cycled by one-cycle schedules through `update`'s `momentum`).
    public var beta1: Float
    /// Decay of the second moment.
    public var beta2: Float
    /// Added to the denominator for stability.
    public var epsilon: Float
    /// Weight-decay factor.
    public var weightDecay: Float
    /// Coupled (Adam) or decoupled (AdamW) weight decay.
    public var weightDecayMode: WeightDecayMode
    /// Whether to use the AMSGrad maximum of second moments (Reddi et al. 2018).
    public var amsgrad: Bool
    /// Updates applied so far.
    public private(set) var stepCount = 0
    private var firstMoment: [Float] = []
    private var secondMoment: [Float] = []
    private var secondMomentMaximum: [Float] = []

    /// Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no weight decay).
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                weightDecayMode: WeightDecayMode = .coupled, amsgrad: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.weightDecayMode = weightDecayMode
        self.amsgrad = amsgrad
    }

    /// Applies one Adam update.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum: Float?) {
        let count = parameters.count
        precondition(gradients.count == count)
        if firstMoment.isEmpty {
            firstMoment = [Float](repeating: 0, count: count)
            secondMoment = [Float](repeating: 0, count: count)
            if amsgrad { secondMomentMaximum = [Float](repeating: 0, count: count) }
        }
        stepCount += 1
        let b1 = momentum ?? beta1, b2 = beta2, eps = epsilon
        let step = Float(stepCount)
        let biasCorrection1 = 1 - Foundation.pow(b1, step)
        let biasCorrection2Root = (1 - Foundation.pow(b2, step)).squareRoot()
        let stepSize = learningRate / biasCorrection1
        let coupledDecay: Float = weightDecayMode == .coupled ? weightDecay : 0
        let shrink: Float = weightDecayMode == .decoupled ? 1 - learningRate * weightDecay : 1
        let amsgrad = self.amsgrad
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        secondMomentMaximum.withUnsafeMutableBufferPointer { vMax in
                            for i in 0..<count {
                                p[i] *= shrink
                                let g = grad[i] + coupledDecay * p[i]
                                m[i] += (g - m[i]) * (1 - b1)
                                v[i] = b2 * v[i] + (1 - b2) * g * g
                                var second = v[i]
                                if amsgrad { vMax[i] = Swift.max(vMax[i], v[i]); second = vMax[i] }
                                p[i] -= stepSize * m[i] / (second.squareRoot() / biasCorrection2Root + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// beta1.
    public var defaultMomentum: Float? { beta1 }

    /// `Adam(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0)`, or `AdamW(...)` when decoupled.
    public var summary: String {
        "\(weightDecayMode == .decoupled ? "AdamW" : "Adam")(betas: \(beta1), \(beta2), eps: \(epsilon), weight decay: \(weightDecay)\(amsgrad ? ", amsgrad" : ""))"
    }
}

extension Adam {
    /// AdamW: Adam with decoupled weight decay and `torch.optim.AdamW`'s defaults (weight decay 0.01).
    public static func adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01,
                             amsgrad: Bool = false) -> Adam {
        Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, weightDecayMode: .decoupled, amsgrad: amsgrad)
    }
}
