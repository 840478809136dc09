/// A rule that limits the flat gradient before the optimizer step.
public enum GradientClipping: Equatable, Codable, Sendable {
    /// Leaves the gradient unchanged.
    case none
    /// Clamps every element to `[-limit, limit]`, as PyTorch's `torch.nn.utils.clip_grad_value_`.
    case value(Double)
    /// Rescales the whole gradient when its L2 norm exceeds `limit`, as PyTorch's
    /// `torch.nn.utils.clip_grad_norm_` with `norm_type=2`:
    /// `coefficient = limit / (norm + 1e-6)`; when `coefficient < 1`, every element is multiplied by it.
    case norm(Double)

    /// Clips `gradients` in place.
    /// - Returns: the global L2 norm of `gradients` before clipping, summed in double precision.
    @discardableResult
    public func apply(to gradients: inout [Float]) -> Float {
        gradients.withUnsafeMutableBufferPointer { g in
            var sumOfSquares = 0.0
            for value in g { sumOfSquares += Double(value) * Double(value) }
            let norm = sumOfSquares.squareRoot()
            switch self {
            case .none:
                break
            case let .value(limit):
                let limit = Float(limit)
                for i in g.indices { g[i] = Swift.min(Swift.max(g[i], -limit), limit) }
            case let .norm(limit):
                // The limit rounded to Float, as the gradient it rescales.
                let coefficient = Float(Double(Float(limit)) / (norm + 1e-6))
                if coefficient < 1 {
                    for i in g.indices { g[i] *= coefficient }
                }
            }
            return Float(norm)
        }
    }
}
