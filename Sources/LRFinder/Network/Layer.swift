import Foundation

/// One stage of a feed-forward network, as a forward/backward pair.
///
/// Layers hold no numbers of their own: a dense layer's weights and bias live in the network's
/// flat parameter vector at the offset the network assigns, so an optimizer updates every
/// parameter in one pass. Activations of a batch are matrices with one sample per row.
public enum Layer: Equatable, Sendable {
    /// Fully connected: `y = x Wᵀ + b`, with `W` stored `outputs x inputs` as in PyTorch's `Linear`.
    case dense(inputs: Int, outputs: Int)
    /// `max(x, 0)`.
    case relu
    /// `x` for `x > 0`, else `slope * x` (PyTorch's `LeakyReLU(negative_slope)`).
    case leakyReLU(slope: Float)
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// Inverted dropout: in training, zeroes each value with probability `probability` and scales
    /// the rest by `1 / (1 - probability)`; the identity at evaluation (Srivastava et al. 2014).
    case dropout(probability: Float)

    /// Number of trainable values: `outputs * inputs + outputs` for dense, 0 otherwise.
    public var parameterCount: Int {
        if case let .dense(inputs, outputs) = self { return outputs * inputs + outputs }
        return 0
    }

    /// Width of the output given the width of the input.
    public func outputWidth(inputWidth: Int) -> Int {
        if case let .dense(_, outputs) = self { return outputs }
        return inputWidth
    }

    /// Computes `output` (batch x outputWidth) from `input` (batch x inputWidth).
    /// - Parameters:
    ///   - parameters: this layer's slice of the flat parameter vector (weights then bias).
    ///   - mask: dropout's per-element keep factors (0 or 1/(1-p)), written in training.
    ///   - training: whether dropout is active.
    func forward(_ input: Matrix, into output: inout Matrix, parameters: UnsafeBufferPointer<Float>,
                 mask: inout [Float], training: Bool, random: inout RandomSource) {
        let batch = input.rows
        output.resize(rows: batch)
        switch self {
        case let .dense(inputs, outputs):
            precondition(input.columns == inputs && output.columns == outputs)
            let weights = parameters.baseAddress!
            let bias = weights + outputs * inputs
            output.storage.withUnsafeMutableBufferPointer { out in
                // out[b, o] = bias[o], then out += x Wᵀ.
                for b in 0..<batch {
                    (out.baseAddress! + b * outputs).update(from: bias, count: outputs)
                }
                input.storage.withUnsafeBufferPointer { x in
                    gemm(m: batch, n: outputs, k: inputs,
                         x.baseAddress!, lda: inputs, .none,
                         weights, ldb: inputs, .transposed,
                         out.baseAddress!, ldc: outputs, beta: 1)
                }
            }
        case .relu:
            map(input, into: &output) { Swift.max($0, 0) }
        case let .leakyReLU(slope):
            map(input, into: &output) { $0 > 0 ? $0 : slope * $0 }
        case .sigmoid:
            map(input, into: &output) { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh:
            map(input, into: &output) { Foundation.tanh($0) }
        case let .dropout(probability):
            guard training, probability > 0 else {
                output.storage.replaceSubrange(0..<output.count, with: input.storage)
                return
            }
            let count = input.count
            if mask.count != count { mask = [Float](repeating: 0, count: count) }
            let keep = 1 / (1 - probability)
            mask.withUnsafeMutableBufferPointer { m in
                for i in 0..<count { m[i] = random.nextUnitFloat() < probability ? 0 : keep }
            }
            input.storage.withUnsafeBufferPointer { x in
                mask.withUnsafeBufferPointer { m in
                    output.storage.withUnsafeMutableBufferPointer { y in
                        for i in 0..<count { y[i] = x[i] * m[i] }
                    }
                }
            }
        }
    }

    /// Back-propagates through this layer.
    /// - Parameters:
    ///   - input, output: the activations of the forward pass (batch x width each).
    ///   - outputGradient: dLoss/dOutput (batch x outputWidth).
    ///   - inputGradient: receives dLoss/dInput (batch x inputWidth); skipped when nil (first layer).
    ///   - parameterGradient: this layer's slice of the flat gradient, overwritten.
    func backward(input: Matrix, output: Matrix, outputGradient: Matrix, inputGradient: UnsafeMutablePointer<Float>?,
                  parameters: UnsafeBufferPointer<Float>, parameterGradient: UnsafeMutableBufferPointer<Float>, mask: [Float]) {
        let batch = input.rows
        let count = input.count
        switch self {
        case let .dense(inputs, outputs):
            let weights = parameters.baseAddress!
            let weightGradient = parameterGradient.baseAddress!
            let biasGradient = weightGradient + outputs * inputs
            outputGradient.storage.withUnsafeBufferPointer { dy in
                input.storage.withUnsafeBufferPointer { x in
                    // dW (outputs x inputs) = dYᵀ X.
                    gemm(m: outputs, n: inputs, k: batch,
                         dy.baseAddress!, lda: outputs, .transposed,
                         x.baseAddress!, ldb: inputs, .none,
                         weightGradient, ldc: inputs)
                }
                // db = column sums of dY.
                biasGradient.update(repeating: 0, count: outputs)
                for b in 0..<batch {
                    let row = dy.baseAddress! + b * outputs
                    for o in 0..<outputs { biasGradient[o] += row[o] }
                }
                // dX (batch x inputs) = dY W.
                if let dx = inputGradient {
                    gemm(m: batch, n: inputs, k: outputs,
                         dy.baseAddress!, lda: outputs, .none,
                         weights, ldb: inputs, .none,
                         dx, ldc: inputs)
                }
            }
        case .relu:
            guard let dx = inputGradient else { return }
            combine(output, outputGradient, count, into: dx) { y, dy in y > 0 ? dy : 0 }
        case let .leakyReLU(slope):
            guard let dx = inputGradient else { return }
            combine(input, outputGradient, count, into: dx) { x, dy in x > 0 ? dy : slope * dy }
        case .sigmoid:
            guard let dx = inputGradient else { return }
            combine(output, outputGradient, count, into: dx) { y, dy in dy * y * (1 - y) }
        case .tanh:
            guard let dx = inputGradient else { return }
            combine(output, outputGradient, count, into: dx) { y, dy in dy * (1 - y * y) }
        case .dropout:
            guard let dx = inputGradient else { return }
            if mask.count == count {
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    for i in 0..<count { dx[i] = dy[i] * mask[i] }
                }
            } else {
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    dx.update(from: dy.baseAddress!, count: count)
                }
            }
        }
    }
}

/// y[i] = f(x[i]) over equally shaped matrices.
@inline(__always)
private func map(_ input: Matrix, into output: inout Matrix, _ f: (Float) -> Float) {
    let count = input.count
    input.storage.withUnsafeBufferPointer { x in
        output.storage.withUnsafeMutableBufferPointer { y in
            for i in 0..<count { y[i] = f(x[i]) }
        }
    }
}

/// out[i] = f(a[i], b[i]) for the first `count` elements.
@inline(__always)
private func combine(_ a: Matrix, _ b: Matrix, _ count: Int, into out: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float) {
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            for i in 0..<count { out[i] = f(pa[i], pb[i]) }
        }
    }
}

extension Layer: CustomStringConvertible {
    /// The layer in spec-like words with its input size: `dense(784->256)`, `relu`, `dropout(0.1)`.
    public var description: String {
        switch self {
        case let .dense(inputs, outputs): return "dense(\(inputs)->\(outputs))"
        case .relu: return "relu"
        case let .leakyReLU(slope): return "leakyrelu(\(slope))"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case let .dropout(probability): return "dropout(\(probability))"
        }
    }
}
