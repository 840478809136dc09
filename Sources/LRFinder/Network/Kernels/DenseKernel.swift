/// Fully connected layer (PyTorch's `Linear`): forward and backward through BLAS GEMM.
///
/// Shapes: `x` batch x inputs, `y` batch x units, weights `W` units x inputs (row-major), bias units.
enum DenseKernel {
    /// `y = x Wᵀ + b`: the bias is copied into every row, then GEMM adds `x Wᵀ` onto it.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, inputs: Int, units: Int,
                        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?) {
        if let bias {
            for b in 0..<batch { (y + b * units).update(from: bias, count: units) }
        }
        gemm(m: batch, n: units, k: inputs, x, lda: inputs, .none, weights, ldb: inputs, .transposed,
             y, ldc: units, beta: bias == nil ? 0 : 1)
    }

    /// `dW = dYᵀ X` (units x inputs), `db = column sums of dY`, and `dX = dY W` (batch x inputs)
    /// when `dx` is given.
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                         batch: Int, inputs: Int, units: Int, weights: UnsafePointer<Float>,
                         weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        gemm(m: units, n: inputs, k: batch, dy, lda: units, .transposed, x, ldb: inputs, .none, weightGradient, ldc: inputs)
        if let biasGradient {
            biasGradient.update(repeating: 0, count: units)
            for b in 0..<batch {
                let row = dy + b * units
                for o in 0..<units { biasGradient[o] += row[o] }
            }
        }
        if let dx {
            gemm(m: batch, n: inputs, k: units, dy, lda: units, .none, weights, ldb: inputs, .none, dx, ldc: inputs)
        }
    }
}
