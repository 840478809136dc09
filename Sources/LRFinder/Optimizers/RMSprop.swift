/// RMSprop (Hinton, Coursera lecture 6e, 2012) with PyTorch's `torch.optim.RMSprop` update:
///
///     g = grad + weightDecay * p
///     s = alpha * s + (1 - alpha) * g^2
///     centered: a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a^2) + eps   else d = sqrt(s) + eps
///     momentum > 0: buf = momentum * buf + g / d;  p -= lr * buf      else p -= lr * g / d
public struct RMSprop: Optimizer {
    /// Smoothing constant of the squared-gradient average.
    public var alpha: Float
    /// Added to the denominator.
    public var epsilon: Float
    /// L2 penalty added to the gradient.
    public var weightDecay: Float
    /// Momentum factor (0: none).
    public var momentum: Float
    /// Whether to divide by the gradient's estimated variance instead of its second moment.
    public var centered: Bool
    private var squareAverage: [Float] = []
    private var gradientAverage: [Float] = []
    private var buffer: [Float] = []

    /// RMSprop with PyTorch's defaults (alpha 0.99, eps 1e-8, no weight decay, no momentum).
    public init(alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    /// Applies one RMSprop update.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum override: Float?) {
        let count = parameters.count
        precondition(gradients.count == count)
        let mu = override ?? momentum
        if squareAverage.isEmpty {
            squareAverage = [Float](repeating: 0, count: count)
            if centered { gradientAverage = [Float](repeating: 0, count: count) }
        }
        if mu > 0 && buffer.isEmpty { buffer = [Float](repeating: 0, count: count) }
        let alpha = self.alpha, eps = epsilon, decay = weightDecay, centered = self.centered
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                squareAverage.withUnsafeMutableBufferPointer { s in
                    gradientAverage.withUnsafeMutableBufferPointer { a in
                        buffer.withUnsafeMutableBufferPointer { b in
                            for i in 0..<count {
                                let g = grad[i] + decay * p[i]
                                s[i] = alpha * s[i] + (1 - alpha) * g * g
                                let denominator: Float
                                if centered {
                                    a[i] += (g - a[i]) * (1 - alpha)
                                    denominator = (s[i] - a[i] * a[i]).squareRoot() + eps
                                } else {
                                    denominator = s[i].squareRoot() + eps
                                }
                                if mu > 0 {
                                    b[i] = mu * b[i] + g / denominator
                                    p[i] -= learningRate * b[i]
                                } else {
                                    p[i] -= learningRate * g / denominator
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The momentum, when there is one.
    public var defaultMomentum: Float? { momentum > 0 ? momentum : nil }

    /// `RMSprop(alpha: 0.99, eps: 1e-08, weight decay: 0, momentum: 0)`.
    public var summary: String {
        "RMSprop(alpha: \(alpha), eps: \(epsilon), weight decay: \(weightDecay), momentum: \(momentum)\(centered ? ", centered" : ""))"
    }
}
