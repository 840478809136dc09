import Foundation

/// Elementwise activations, forward and backward over `count` values (batch x width, flat).
///
/// Backward uses whichever of the forward's input `x` and output `y` gives the derivative most
/// cheaply: ReLU, sigmoid and tanh from `y`, leaky ReLU and GELU from `x`.
enum ActivationKernel {
    /// The elementwise functions.
    enum Function {
        case relu, leakyReLU(Float), sigmoid, tanh, gelu
    }

    /// `y[i] = f(x[i])`.
    static func forward(_ function: Function, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        switch function {
        case .relu: for i in 0..<count { y[i] = Swift.max(x[i], 0) }
        case .leakyReLU(let slope): for i in 0..<count { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        case .sigmoid: for i in 0..<count { y[i] = 1 / (1 + Foundation.exp(-x[i])) }
        case .tanh: for i in 0..<count { y[i] = Foundation.tanh(x[i]) }
        case .gelu:
            // x Φ(x) = x (1 + erf(x / √2)) / 2.
            for i in 0..<count { y[i] = 0.5 * x[i] * (1 + Foundation.erf(x[i] * Float(0.5).squareRoot())) }
        }
    }

    /// `dx[i] = f'(x[i]) dy[i]`. Both operands are loaded before the comparison, so the loops
    /// compile to vector selects rather than a branch around a conditional load.
    static func backward(_ function: Function, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>, count: Int) {
        switch function {
        case .relu:
            for i in 0..<count {
                let output = y[i], gradient = dy[i]
                dx[i] = output > 0 ? gradient : 0
            }
        case .leakyReLU(let slope):
            for i in 0..<count {
                let input = x[i], gradient = dy[i]
                dx[i] = input > 0 ? gradient : slope * gradient
            }
        case .sigmoid: for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        case .gelu:
            // d/dx x Φ(x) = Φ(x) + x φ(x), φ(x) = e^(-x²/2) / √(2π).
            let rootHalf = Float(0.5).squareRoot(), inverseRootTwoPi = 1 / Float(2 * Double.pi).squareRoot()
            for i in 0..<count {
                let v = x[i]
                let cdf = 0.5 * (1 + Foundation.erf(v * rootHalf))
                dx[i] = dy[i] * (cdf + v * inverseRootTwoPi * Foundation.exp(-0.5 * v * v))
            }
        }
    }
}
