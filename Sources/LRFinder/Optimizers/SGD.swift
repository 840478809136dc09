/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
/// decay, following the single-tensor update of PyTorch's `torch.optim.SGD`; the Nesterov form is
/// PyTorch's reformulation of Sutskever et al. 2013, "On the importance of initialization and
/// momentum in deep learning".
///
/// One step, with `mu` the momentum and `buf` the momentum buffer:
///
///     g = grad + weightDecay * p
///     if mu != 0:
///         buf = g                                    on the first step with momentum
///         buf = mu * buf + (1 - dampening) * g       afterwards
///         g = nesterov ? g + mu * buf : buf
///     p = p - learningRate * g
public struct SGD: Optimizer {
    /// Momentum factor; 0 means none.
    public var momentum: Float
    /// Fraction of the new gradient left out of the momentum buffer.
    public var dampening: Float
    /// Whether the step looks ahead along the momentum buffer (Nesterov momentum).
    public var nesterov: Bool
    /// L2 penalty coefficient added to the gradient.
    public var weightDecay: Float
    private var momentumBuffer: [Float] = []

    /// SGD with optional Nesterov momentum, checked the way `torch.optim.SGD` checks it.
    ///
    /// Defaults are PyTorch's: no momentum, no dampening, no Nesterov, no weight decay.
    /// - Throws: `OptimizerSettingsError` when `nesterov` is set without `momentum > 0` and
    ///   `dampening == 0`.
    public init(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws {
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw OptimizerSettingsError(
                description: "nesterov needs momentum > 0 and dampening 0, got momentum \(momentum), dampening \(dampening)")
        }
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Plain or heavy-ball SGD, which has no invalid combination and so does not throw.
    ///
    /// Swift picks this overload whenever `nesterov` is not written at the call site.
    public init(momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = false
        self.weightDecay = weightDecay
    }

    /// Applies one SGD step in place; `momentum`, when given, replaces the configured momentum.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum override: Float?) {
        let count = parameters.count
        precondition(gradients.count == count, "SGD: \(gradients.count) gradients for \(count) parameters")
        let mu = override ?? momentum
        let decay = weightDecay, keep = 1 - dampening, nesterov = self.nesterov, lr = learningRate
        guard mu != 0 else {
            parameters.withUnsafeMutableBufferPointer { p in
                gradients.withUnsafeBufferPointer { grad in
                    for i in 0..<count { p[i] = p[i] - lr * (grad[i] + decay * p[i]) }
                }
            }
            return
        }
        let isFirst = momentumBuffer.isEmpty
        if isFirst { momentumBuffer = [Float](repeating: 0, count: count) }
        precondition(momentumBuffer.count == count, "SGD: parameter count changed from \(momentumBuffer.count) to \(count)")
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                momentumBuffer.withUnsafeMutableBufferPointer { buf in
                    for i in 0..<count {
                        let g = grad[i] + decay * p[i]
                        buf[i] = isFirst ? g : mu * buf[i] + keep * g
                        p[i] = p[i] - lr * (nesterov ? g + mu * buf[i] : buf[i])
                    }
                }
            }
        }
    }

    /// The configured momentum when it is positive, otherwise nil.
    public var defaultMomentum: Float? { momentum > 0 ? momentum : nil }

    /// The settings in one line, e.g. `SGD(momentum: 0.9, dampening: 0.0, nesterov, weight decay: 0.0)`.
    public var summary: String {
        "SGD(momentum: \(momentum), dampening: \(dampening)\(nesterov ? ", nesterov" : ""), weight decay: \(weightDecay))"
    }
}
