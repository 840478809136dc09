/// Batch normalisation per channel (Ioffe & Szegedy 2015, arXiv:1502.03167), as PyTorch's
/// `BatchNorm1d` (vectors: a channel is a feature) and `BatchNorm2d` (images: a channel plane).
///
/// Shapes: `x`, `y` batch x C x S (S = H x W, 1 for vectors); weight (gamma), bias (beta),
/// running mean and running variance C each; `saved` 2C: the batch mean, then 1 / sqrt(var + eps).
/// Statistics are summed in Double. Per channel over the n = batch x S values:
///
///     training:   mean, var = biased variance;  y = (x - mean) / sqrt(var + eps) * gamma + beta
///                 running_mean = (1 - m) running_mean + m mean
///                 running_var  = (1 - m) running_var  + m var * n / (n - 1)
///     evaluation: y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta
enum BatchNormKernel {
    /// Normalises `x` into `y`; in training from the batch (and updates the running statistics
    /// and the batch count in `state`: mean C, variance C, count 1), otherwise from `state`.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int,
                        parameters: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, saved: UnsafeMutablePointer<Float>,
                        momentum: Float, epsilon: Float, training: Bool) {
        let gamma = parameters, beta = parameters + channels
        let runningMean = state, runningVariance = state + channels
        let n = batch * spatial
        for c in 0..<channels {
            var mean: Float, inverseDeviation: Float
            if training {
                var sum = 0.0
                for b in 0..<batch {
                    let plane = x + (b * channels + c) * spatial
                    for s in 0..<spatial { sum += Double(plane[s]) }
                }
                let batchMean = sum / Double(n)
                var squares = 0.0
                for b in 0..<batch {
                    let plane = x + (b * channels + c) * spatial
                    for s in 0..<spatial { let d = Double(plane[s]) - batchMean; squares += d * d }
                }
                let variance = squares / Double(n)
                mean = Float(batchMean)
                inverseDeviation = Float(1 / (variance + Double(epsilon)).squareRoot())
                saved[c] = mean
                saved[channels + c] = inverseDeviation
                let unbiased = n > 1 ? squares / Double(n - 1) : variance
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
            } else {
                mean = runningMean[c]
                inverseDeviation = 1 / (runningVariance[c] + epsilon).squareRoot()
            }
            let scale = gamma[c] * inverseDeviation, shift = beta[c]
            for b in 0..<batch {
                let input = x + (b * channels + c) * spatial, output = y + (b * channels + c) * spatial
                for s in 0..<spatial { output[s] = (input[s] - mean) * scale + shift }
            }
        }
        if training { state[2 * channels] += 1 }
    }

    /// With `x̂ = (x - mean) * invstd` from the training forward's saved statistics:
    /// `dbeta = Σ dy`, `dgamma = Σ dy x̂`, and when `dx` is given
    /// `dx = gamma * invstd / n * (n dy - dbeta - x̂ dgamma)`.
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                         batch: Int, channels: Int, spatial: Int, parameters: UnsafePointer<Float>,
                         saved: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>) {
        let gamma = parameters
        let n = batch * spatial
        for c in 0..<channels {
            let mean = saved[c], inverseDeviation = saved[channels + c]
            var sumGradient = 0.0, sumProduct = 0.0
            for b in 0..<batch {
                let input = x + (b * channels + c) * spatial, gradient = dy + (b * channels + c) * spatial
                for s in 0..<spatial {
                    sumGradient += Double(gradient[s])
                    sumProduct += Double(gradient[s]) * Double((input[s] - mean) * inverseDeviation)
                }
            }
            parameterGradient[c] = Float(sumProduct)
            parameterGradient[channels + c] = Float(sumGradient)
            guard let dx else { continue }
            let scale = gamma[c] * inverseDeviation / Float(n)
            let meanGradient = Float(sumGradient), meanProduct = Float(sumProduct)
            for b in 0..<batch {
                let input = x + (b * channels + c) * spatial, gradient = dy + (b * channels + c) * spatial
                let output = dx + (b * channels + c) * spatial
                for s in 0..<spatial {
                    let normalized = (input[s] - mean) * inverseDeviation
                    output[s] = scale * (Float(n) * gradient[s] - meanGradient - normalized * meanProduct)
                }
            }
        }
    }
}
