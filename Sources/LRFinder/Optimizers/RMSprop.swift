import CVectorMath

/// RMSprop (Hinton, "Neural Networks for Machine Learning", Coursera lecture 6e, 2012), following
/// the single-tensor update of PyTorch's `torch.optim.RMSprop`; the centered variant is Graves 2013,
/// "Generating Sequences With Recurrent Neural Networks".
///
/// One step, with `mu` the configured momentum or the `momentum` passed to `update`:
///
///     g = grad + weightDecay * p
///     s = alpha * s + (1 - alpha) * g * g
///     centered:  a = lerp(a, g, 1 - alpha);  d = sqrt(s - a * a) + epsilon
///     otherwise: d = sqrt(s) + epsilon
///     mu > 0:    buf = mu * buf + g / d;  p = p - lr * buf
///     otherwise: p = p - lr * (g / d)
public struct RMSprop: Optimizer {
    /// Smoothing constant of the squared-gradient average.
    public var alpha: Float
    /// Added to the denominator, after the square root.
    public var epsilon: Float
    /// L2 penalty coefficient added to the gradient.
    public var weightDecay: Float
    /// Momentum factor; 0 means none.
    public var momentum: Float
    /// Whether to normalize by the gradient's estimated variance instead of its second moment.
    public var centered: Bool
    private var squareAverage: [Float] = []
    private var gradientAverage: [Float] = []
    private var momentumBuffer: [Float] = []

    /// RMSprop with PyTorch's defaults: alpha 0.99, epsilon 1e-8, no weight decay, no momentum,
    /// not centered.
    public init(alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    /// Applies one RMSprop step in place; `momentum`, when given, replaces the configured momentum.
    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum override: Float?) {
        let count = parameters.count
        precondition(gradients.count == count, "RMSprop: \(gradients.count) gradients for \(count) parameters")
        let mu = override ?? momentum
        let alpha = self.alpha, weight = 1 - alpha, eps = epsilon, decay = weightDecay
        let centered = self.centered, lr = learningRate
        if squareAverage.isEmpty { squareAverage = [Float](repeating: 0, count: count) }
        if centered && gradientAverage.isEmpty { gradientAverage = [Float](repeating: 0, count: count) }
        if mu > 0 && momentumBuffer.isEmpty { momentumBuffer = [Float](repeating: 0, count: count) }
        precondition(squareAverage.count == count, "RMSprop: parameter count changed from \(squareAverage.count) to \(count)")
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { grad in
                squareAverage.withUnsafeMutableBufferPointer { s in
                    gradientAverage.withUnsafeMutableBufferPointer { a in
                        momentumBuffer.withUnsafeMutableBufferPointer { buf in
                            for i in 0..<count {
                                let g = decay != 0 ? grad[i] + decay * p[i] : grad[i]
                                s[i] = alpha * s[i] + weight * g * g
                                var variance = s[i]
                                if centered {
                                    a[i] = interpolate(from: a[i], to: g, by: weight)
                                    variance = variance - a[i] * a[i]
                                }
                                // lrf_sqrt: Float.squareRoot() without the errno guard (a call to sqrtf); see CVectorMath.h.
                                let denominator = lrf_sqrt(variance) + eps
                                if mu > 0 {
                                    buf[i] = mu * buf[i] + g / denominator
                                    p[i] = p[i] - lr * buf[i]
                                } else {
                                    p[i] = p[i] - lr * (g / denominator)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The configured momentum when it is positive, otherwise nil.
    public var defaultMomentum: Float? { momentum > 0 ? momentum : nil }

    /// The settings in one line, e.g. `RMSprop(alpha: 0.99, eps: 1e-08, weight decay: 0.0, momentum: 0.0)`.
    public var summary: String {
        "RMSprop(alpha: \(alpha), eps: \(epsilon), weight decay: \(weightDecay), momentum: \(momentum)\(centered ? ", centered" : ""))"
    }
}
