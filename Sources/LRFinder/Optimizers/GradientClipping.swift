/// Gradient clipping applied to the flat gradient before an update.
public enum GradientClipping: Equatable, Sendable {
    /// No clipping.
    case none
    /// Clamp every element to [-limit, limit] (PyTorch's `clip_grad_value_`).
    case value(Float)
    /// Scale the whole gradient so that its L2 norm is at most `limit`: by
    /// `limit / (norm + 1e-6)` when that is below 1 (PyTorch's `clip_grad_norm_`, norm type 2).
    case norm(Float)

    /// Clips `gradients` in place and returns their global L2 norm before clipping.
    @discardableResult
    public func apply(to gradients: inout [Float]) -> Float {
        var sum = 0.0
        gradients.withUnsafeMutableBufferPointer { g in
            for value in g { sum += Double(value) * Double(value) }
            switch self {
            case .none:
                break
            case let .value(limit):
                for i in g.indices { g[i] = Swift.min(Swift.max(g[i], -limit), limit) }
            case let .norm(limit):
                let coefficient = Float(Double(limit) / (sum.squareRoot() + 1e-6))
                if coefficient < 1 { for i in g.indices { g[i] *= coefficient } }
            }
        }
        return Float(sum.squareRoot())
    }
}
