/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
/// with PyTorch's `torch.optim.SGD` update (Sutskever et al. 2013 for the Nesterov form):
///
///     g = grad + weightDecay * p
///     buf = g (first step) or momentum * buf + (1 - dampening) * g
///     g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
///     p -= learningRate * g
public struct SGD: Optimizer {
    /// Momentum factor (0: none).
    public var momentum: Float
    /// Dampening of the momentum's new term.
    public var dampening: Float
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// L2 penalty added to the gradient.
    public var weightDecay: Float
    private var buffer: [Float] = []

    /// SGD with PyTorch's defaults (no momentum, no dampening, no weight decay).
    public init(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Applies one SGD update.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum override: Float?) {
        let count = parameters.count
        precondition(gradients.count == count)
        let mu = override ?? momentum
        let decay = weightDecay, damp = 1 - dampening, nesterov = self.nesterov
        let first = buffer.isEmpty
        if mu != 0 && first { buffer = [Float](repeating: 0, count: count) }
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                if mu == 0 {
                    for i in 0..<count { p[i] -= learningRate * (grad[i] + decay * p[i]) }
                    return
                }
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in 0..<count {
                        let g = grad[i] + decay * p[i]
                        b[i] = first ? g : mu * b[i] + damp * g
                        p[i] -= learningRate * (nesterov ? g + mu * b[i] : b[i])
                    }
                }
            }
        }
    }

    /// The momentum, when there is one.
    public var defaultMomentum: Float? { momentum > 0 ? momentum : nil }

    /// `SGD(momentum: 0.9, dampening: 0, nesterov, weight decay: 0)`.
    public var summary: String {
        "SGD(momentum: \(momentum), dampening: \(dampening)\(nesterov ? ", nesterov" : ""), weight decay: \(weightDecay))"
    }
}
